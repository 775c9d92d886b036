// secret_string: a string whose bytes are wiped when released or overwritten.
#include <cstdlib>

#include <openssl/crypto.h>

#include <mpadjust/credentials.hpp>

namespace mpadjust {
inline namespace v1 {

namespace {
// Wipes the whole allocation (capacity, not just size) so no tail of an older, longer value
// survives in the buffer.
void wipe(std::string& s) noexcept {
  if (s.capacity() > 0) OPENSSL_cleanse(&s[0], s.capacity());
  s.clear();
}
}  // namespace

secret_string::secret_string(std::string_view value) : value_(value) {}
secret_string::secret_string(const secret_string& other) : value_(other.value_) {}
secret_string::secret_string(secret_string&& other) noexcept : value_() {
  // Swap, then wipe the source's whole buffer: with the small-string optimisation the
  // source's inline buffer would otherwise keep a copy of the secret.
  value_.swap(other.value_);
  wipe(other.value_);
}
secret_string& secret_string::operator=(const secret_string& other) {
  if (this != &other) {
    wipe(value_);
    value_.assign(other.value_.data(), other.value_.size());
  }
  return *this;
}
secret_string& secret_string::operator=(secret_string&& other) noexcept {
  if (this != &other) {
    wipe(value_);
    value_.swap(other.value_);
    wipe(other.value_);
  }
  return *this;
}
secret_string::~secret_string() { wipe(value_); }
void secret_string::clear() noexcept { wipe(value_); }

bool operator==(const secret_string& a, const secret_string& b) noexcept {
  if (a.value_.size() != b.value_.size()) return false;
  return CRYPTO_memcmp(a.value_.data(), b.value_.data(), a.value_.size()) == 0;
}

std::optional<std::string> environment::home() const {
  if (get) {
    if (auto h = get("HOME"); h && !h->empty()) return h;
    if (auto h = get("USERPROFILE"); h && !h->empty()) return h;
  }
  return std::nullopt;
}

environment environment::process() {
  environment env;
  env.get = [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
  return env;
}

}  // namespace v1
}  // namespace mpadjust
