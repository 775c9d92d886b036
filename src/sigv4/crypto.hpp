// sigv4/crypto.hpp - the SHA-256 / HMAC-SHA256 primitives the signer needs, on OpenSSL 3 EVP.
// Private header.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include <openssl/evp.h>

namespace mpadjust {
inline namespace v1 {
namespace sigv4_detail {

constexpr size_t sha256_len = 32;

struct md_ctx_free {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
// EVP_MD_CTX_free wipes the provider context (OPENSSL_clear_free), so states holding key
// material are cleaned when released.
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_free>;

// SHA-256, fetched once per process (never per signature).
const EVP_MD* sha256_md();
md_ctx_ptr new_md_ctx();

// Throws mpadjust::error(MPADJUST_EINTERNAL) naming the OpenSSL call that failed.
[[noreturn]] void openssl_failure(const char* what);

// SHA-256 of `data` with a reused context.
void sha256(EVP_MD_CTX* ctx, std::string_view data, unsigned char out[sha256_len]);

// One-shot HMAC-SHA256 (EVP_MAC); used only to derive signing keys.
void hmac_sha256(const void* key, size_t key_len, std::string_view data,
                 unsigned char out[sha256_len]);

// Precomputed HMAC-SHA256: `inner` and `outer` become SHA-256 states that have absorbed
// key^ipad and key^opad (key_len <= 64). The pads are wiped before returning.
void hmac_prepare(const unsigned char* key, size_t key_len, EVP_MD_CTX* inner, EVP_MD_CTX* outer);
// Finishes an HMAC from copies of the prepared states (both are consumed).
void hmac_finish(EVP_MD_CTX* inner, EVP_MD_CTX* outer, std::string_view data,
                 unsigned char out[sha256_len]);

// Lower-case hex of n bytes into out[2n] (no terminator).
inline void hex_lower(const unsigned char* in, size_t n, char* out) noexcept {
  static constexpr char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 0x0f];
  }
}

}  // namespace sigv4_detail
}  // namespace v1
}  // namespace mpadjust
