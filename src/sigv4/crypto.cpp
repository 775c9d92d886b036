// sigv4/crypto.cpp - SHA-256 and HMAC-SHA256 on OpenSSL 3 EVP.
#include "sigv4/crypto.hpp"

#include <cstring>
#include <new>
#include <string>

#include <openssl/crypto.h>

#include <mpadjust/error.hpp>

namespace mpadjust {
inline namespace v1 {
namespace sigv4_detail {

namespace {
struct md_holder {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  ~md_holder() { EVP_MD_free(md); }
};
}  // namespace

const EVP_MD* sha256_md() {
  static const md_holder holder;  // thread-safe one-time fetch
  if (holder.md == nullptr) openssl_failure("EVP_MD_fetch(SHA256)");
  return holder.md;
}

md_ctx_ptr new_md_ctx() {
  md_ctx_ptr ctx(EVP_MD_CTX_new());
  if (!ctx) throw std::bad_alloc();
  return ctx;
}

void openssl_failure(const char* what) {
  throw error(MPADJUST_EINTERNAL, std::string("sigv4: OpenSSL call failed: ") + what);
}

void sha256(EVP_MD_CTX* ctx, std::string_view data, unsigned char out[sha256_len]) {
  unsigned int len = 0;
  if (EVP_DigestInit_ex(ctx, sha256_md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out, &len) != 1 || len != sha256_len)
    openssl_failure("SHA-256");
}

void hmac_sha256(const void* key, size_t key_len, std::string_view data,
                 unsigned char out[sha256_len]) {
  size_t len = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key, key_len,
                reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, sha256_len,
                &len) == nullptr ||
      len != sha256_len)
    openssl_failure("EVP_Q_mac(HMAC-SHA256)");
}

void hmac_prepare(const unsigned char* key, size_t key_len, EVP_MD_CTX* inner,
                  EVP_MD_CTX* outer) {
  constexpr size_t block = 64;
  if (key_len > block) openssl_failure("hmac_prepare: key longer than a block");
  unsigned char ipad[block];
  unsigned char opad[block];
  for (size_t i = 0; i < block; ++i) {
    const unsigned char k = i < key_len ? key[i] : 0;
    ipad[i] = static_cast<unsigned char>(k ^ 0x36);
    opad[i] = static_cast<unsigned char>(k ^ 0x5c);
  }
  const bool ok = EVP_DigestInit_ex(inner, sha256_md(), nullptr) == 1 &&
                  EVP_DigestUpdate(inner, ipad, block) == 1 &&
                  EVP_DigestInit_ex(outer, sha256_md(), nullptr) == 1 &&
                  EVP_DigestUpdate(outer, opad, block) == 1;
  OPENSSL_cleanse(ipad, block);
  OPENSSL_cleanse(opad, block);
  if (!ok) openssl_failure("HMAC pad precomputation");
}

void hmac_finish(EVP_MD_CTX* inner, EVP_MD_CTX* outer, std::string_view data,
                 unsigned char out[sha256_len]) {
  unsigned char ih[sha256_len];
  unsigned int len1 = 0;
  unsigned int len2 = 0;
  if (EVP_DigestUpdate(inner, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(inner, ih, &len1) != 1 || EVP_DigestUpdate(outer, ih, sizeof ih) != 1 ||
      EVP_DigestFinal_ex(outer, out, &len2) != 1 || len1 != sha256_len || len2 != sha256_len)
    openssl_failure("HMAC-SHA256");
}

}  // namespace sigv4_detail
}  // namespace v1
}  // namespace mpadjust
