// sigv4/key_cache.hpp - bounded, thread-safe cache of derived SigV4 signing keys. Private header.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>

#include <mpadjust/credentials.hpp>

#include "sigv4/crypto.hpp"

namespace mpadjust {
inline namespace v1 {
namespace sigv4_detail {

// Derives kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
void derive_signing_key(std::string_view secret, std::string_view date8, std::string_view region,
                        std::string_view service, unsigned char out[sha256_len]);

// The cache keeps, per (access key id, secret, scope date), the precomputed HMAC states of the
// signing key (for one region/service, those of the owning signer). A lookup copies them into
// the caller's contexts under a shared (reader) lock, so threads copy in parallel and an entry
// is only replaced under the exclusive lock; misses derive outside any lock. The secret is compared in constant time. Evicted or destroyed entries
// wipe their secret copy and key states.
class key_cache {
 public:
  static constexpr size_t capacity = 8;

  key_cache(std::string region, std::string service);
  key_cache(const key_cache&) = delete;
  key_cache& operator=(const key_cache&) = delete;

  // Loads the prepared HMAC states of the signing key into inner/outer (deriving on a miss).
  void load(std::string_view access_key_id, std::string_view secret, std::string_view date8,
            EVP_MD_CTX* inner, EVP_MD_CTX* outer);

  // Number of key derivations so far (tests and diagnostics).
  std::uint64_t derivations() const;

 private:
  struct entry {
    bool used = false;
    std::atomic<std::uint64_t> last_use{0};  // LRU stamp, updated under the shared lock
    char date[8] = {};
    std::string access_key_id;
    secret_string secret;
    md_ctx_ptr inner;
    md_ctx_ptr outer;
  };
  bool matches(const entry& e, std::string_view access_key_id, std::string_view secret,
               std::string_view date8) const noexcept;

  const std::string region_;
  const std::string service_;
  mutable std::shared_mutex mu_;
  std::array<entry, capacity> entries_;
  std::atomic<std::uint64_t> tick_{0};
  std::uint64_t derivations_ = 0;  // under the exclusive lock
};

}  // namespace sigv4_detail
}  // namespace v1
}  // namespace mpadjust
