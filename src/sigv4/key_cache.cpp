// sigv4/key_cache.cpp - derived signing keys, cached per (key id, secret, date).
#include "sigv4/key_cache.hpp"

#include <cstring>
#include <utility>

#include <openssl/crypto.h>

namespace mpadjust {
inline namespace v1 {
namespace sigv4_detail {

void derive_signing_key(std::string_view secret, std::string_view date8, std::string_view region,
                        std::string_view service, unsigned char out[sha256_len]) {
  std::string k;
  k.reserve(4 + secret.size());  // no reallocation: the one buffer is wiped below
  k.append("AWS4").append(secret);
  unsigned char a[sha256_len];
  unsigned char b[sha256_len];
  try {
    hmac_sha256(k.data(), k.size(), date8, a);
    hmac_sha256(a, sizeof a, region, b);
    hmac_sha256(b, sizeof b, service, a);
    hmac_sha256(a, sizeof a, "aws4_request", out);
  } catch (...) {
    OPENSSL_cleanse(&k[0], k.capacity());
    OPENSSL_cleanse(a, sizeof a);
    OPENSSL_cleanse(b, sizeof b);
    throw;
  }
  OPENSSL_cleanse(&k[0], k.capacity());
  OPENSSL_cleanse(a, sizeof a);
  OPENSSL_cleanse(b, sizeof b);
}

key_cache::key_cache(std::string region, std::string service)
    : region_(std::move(region)), service_(std::move(service)) {}

namespace {
// Constant-time equality of two equal-length buffers: no early exit, word-wise (the hot path
// compares the secret on every signature; CRYPTO_memcmp works byte by byte).
bool ct_equal(const char* a, const char* b, size_t n) noexcept {
  std::uint64_t acc = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    acc |= x ^ y;
  }
  for (; i < n; ++i) acc |= static_cast<std::uint64_t>(static_cast<unsigned char>(a[i] ^ b[i]));
  return acc == 0;
}
}  // namespace

bool key_cache::matches(const entry& e, std::string_view access_key_id, std::string_view secret,
                        std::string_view date8) const noexcept {
  if (!e.used || std::memcmp(e.date, date8.data(), sizeof e.date) != 0 ||
      e.access_key_id != access_key_id)
    return false;
  const std::string_view s = e.secret.reveal();
  // Constant time in the secret's content (its length is not secret).
  return s.size() == secret.size() && ct_equal(s.data(), secret.data(), s.size());
}

void key_cache::load(std::string_view access_key_id, std::string_view secret,
                     std::string_view date8, EVP_MD_CTX* inner, EVP_MD_CTX* outer) {
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    for (entry& e : entries_) {
      if (matches(e, access_key_id, secret, date8)) {
        // Stamp only when not already the most recent entry: no shared write in steady state.
        if (e.last_use.load(std::memory_order_relaxed) != tick_.load(std::memory_order_relaxed))
          e.last_use.store(tick_.fetch_add(1, std::memory_order_relaxed) + 1,
                           std::memory_order_relaxed);
        if (EVP_MD_CTX_copy_ex(inner, e.inner.get()) != 1 ||
            EVP_MD_CTX_copy_ex(outer, e.outer.get()) != 1)
          openssl_failure("EVP_MD_CTX_copy_ex");
        return;
      }
    }
  }
  // Miss: derive outside the lock (a few microseconds), then publish.
  md_ctx_ptr new_inner = new_md_ctx();
  md_ctx_ptr new_outer = new_md_ctx();
  {
    unsigned char key[sha256_len];
    try {
      derive_signing_key(secret, date8, region_, service_, key);
      hmac_prepare(key, sizeof key, new_inner.get(), new_outer.get());
    } catch (...) {
      OPENSSL_cleanse(key, sizeof key);
      throw;
    }
    OPENSSL_cleanse(key, sizeof key);
  }
  secret_string secret_copy(secret);
  std::string id(access_key_id);

  std::unique_lock<std::shared_mutex> lock(mu_);
  ++derivations_;
  entry* victim = nullptr;
  for (entry& e : entries_) {
    if (matches(e, access_key_id, secret, date8)) {  // another thread got there first
      victim = &e;
      break;
    }
    if (victim == nullptr || !e.used ||
        (victim->used && e.last_use.load(std::memory_order_relaxed) <
                             victim->last_use.load(std::memory_order_relaxed)))
      victim = &e;
    if (!victim->used) break;
  }
  // Replacing the members wipes the old secret copy and frees (wipes) the old key states.
  victim->used = true;
  victim->last_use.store(tick_.fetch_add(1, std::memory_order_relaxed) + 1,
                         std::memory_order_relaxed);
  std::memcpy(victim->date, date8.data(), sizeof victim->date);
  victim->access_key_id.swap(id);
  victim->secret = std::move(secret_copy);
  victim->inner = std::move(new_inner);
  victim->outer = std::move(new_outer);
  if (EVP_MD_CTX_copy_ex(inner, victim->inner.get()) != 1 ||
      EVP_MD_CTX_copy_ex(outer, victim->outer.get()) != 1)
    openssl_failure("EVP_MD_CTX_copy_ex");
}

std::uint64_t key_cache::derivations() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return derivations_;
}

}  // namespace sigv4_detail
}  // namespace v1
}  // namespace mpadjust
