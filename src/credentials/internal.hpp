// Private helpers of the credentials module (not installed). Unit tests include this header.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mpadjust/credentials.hpp>
#include <mpadjust/http.hpp>

namespace mpadjust {
inline namespace v1 {
namespace credentials_detail {

// The variable's value, or nullopt when unset or empty (an empty variable counts as unset).
std::optional<std::string> env_value(const environment& env, std::string_view name);

// Overwrites the whole allocation of `s` (capacity, not just size), then clears it.
void wipe(std::string& s) noexcept;

// Wipes a request's header values and a response's body when the scope ends (credential
// endpoints: tokens in headers, credentials in bodies).
struct request_wiper {
  http_request& r;
  ~request_wiper() {
    for (auto& h : r.headers) wipe(h.value);
  }
};
struct response_wiper {
  http_response& r;
  ~response_wiper() { wipe(r.body); }
};

// A std::string that is wiped when destroyed. Reserve before appending so that no
// reallocation leaves an unwiped copy behind.
struct wiped_string {
  std::string value;
  wiped_string() = default;
  wiped_string(const wiped_string&) = delete;
  wiped_string& operator=(const wiped_string&) = delete;
  ~wiped_string() { wipe(value); }
};

// RFC 3339 date-time ("2024-05-01T12:00:00Z", "...T12:00:00.123+02:00"; 't'/'z' and a space
// separator accepted). nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);
// "YYYY-MM-DDTHH:MM:SSZ" (UTC).
std::string format_utc(std::chrono::system_clock::time_point t);

// POSIX shell-style split as Python's shlex.split (posix mode, no comments). Throws
// mpadjust::error(MPADJUST_ECREDENTIALS) on an unclosed quote or a trailing backslash.
std::vector<std::string> shell_split(std::string_view command);

// ---- INI parsing with the semantics of Python's RawConfigParser (strict) + botocore.
struct ini_value {
  secret_string text;                          // joined value ('\n' between continuation lines)
  std::map<std::string, std::string> sub;      // sub-properties when the value was "key =\n  k = v"
  bool nested = false;
  int line = 0;
};
struct ini_section {
  std::string name;  // raw header text between '[' and the last ']'
  int line = 0;
  std::map<std::string, ini_value> keys;
};
struct ini_file {
  std::string path;
  std::vector<ini_section> sections;  // in order of first appearance; [DEFAULT] already applied
};
// Throws mpadjust::error(MPADJUST_EPARSE, "path:line: ...") without quoting any line content.
ini_file parse_ini(std::string_view text, const std::string& path);

// Reads a whole file into a wiped buffer; false when it does not exist (or is not a regular
// file); throws MPADJUST_ECREDENTIALS when it exists but cannot be read.
bool read_file(const std::string& path, std::string& out);

}  // namespace credentials_detail

// The parsed files: profiles by name, per file.
struct shared_config::impl {
  using profile_keys = std::map<std::string, credentials_detail::ini_value>;
  std::string config_path, credentials_path;
  std::map<std::string, profile_keys, std::less<>> config_profiles;
  std::map<std::string, profile_keys, std::less<>> credentials_profiles;
  std::map<std::string, profile_keys, std::less<>> services;  // [services NAME] of the config file

  const credentials_detail::ini_value* find(shared_config::file which, std::string_view profile,
                                            std::string_view key) const;
  const credentials_detail::ini_value* find_merged(std::string_view profile, std::string_view key) const;
};

}  // namespace v1
}  // namespace mpadjust
