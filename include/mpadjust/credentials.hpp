// mpadjust/credentials.hpp - AWS credentials, secrets that wipe themselves, and providers.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <mpadjust/error.hpp>

namespace mpadjust {
inline namespace v1 {

// A secret (secret access key, session token, signing key material). The bytes are wiped
// (OPENSSL_cleanse) whenever the value is released or overwritten. It has no operator<<
// and no implicit conversion: reveal() is the one, greppable way to read it.
class secret_string {
 public:
  secret_string() = default;
  explicit secret_string(std::string_view value);
  secret_string(const secret_string& other);
  secret_string(secret_string&& other) noexcept;
  secret_string& operator=(const secret_string& other);
  secret_string& operator=(secret_string&& other) noexcept;
  ~secret_string();

  std::string_view reveal() const noexcept { return value_; }
  bool empty() const noexcept { return value_.empty(); }
  size_t size() const noexcept { return value_.size(); }
  void clear() noexcept;
  friend bool operator==(const secret_string& a, const secret_string& b) noexcept;
  friend bool operator!=(const secret_string& a, const secret_string& b) noexcept { return !(a == b); }

 private:
  std::string value_;
};

// One set of AWS credentials. Copyable; the secrets wipe themselves.
struct credentials {
  std::string access_key_id;
  secret_string secret_access_key;
  secret_string session_token;  // empty for long-term keys
  // When temporary credentials stop working; empty for long-term keys.
  std::optional<std::chrono::system_clock::time_point> expiration;
  // Where they came from, for logs and errors ("environment", "profile default in
  // /home/u/.aws/credentials", "credential_process of profile x", "static"). Never secret.
  std::string source;
};

// Gives credentials, refreshing them before they expire. Implementations are thread-safe.
class credentials_provider {
 public:
  virtual ~credentials_provider() = default;
  // Current credentials; throws mpadjust::error (MPADJUST_ECREDENTIALS) when none can be had.
  virtual credentials get() = 0;
};

// How a provider looks at the process environment and the file system; tests inject these.
struct environment {
  // Returns the variable's value, or nullopt when unset. Default: std::getenv.
  std::function<std::optional<std::string>(std::string_view name)> get;
  // The user's home directory (for ~/.aws/...). Default: $HOME.
  std::optional<std::string> home() const;
  static environment process();
};

}  // namespace v1
}  // namespace mpadjust
