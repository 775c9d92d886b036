// Private: the small URL parser the transport and the endpoint resolver share, and the
// plain-http policy (http:// only to loopback unless the caller opts in).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mpadjust {
inline namespace v1 {
namespace detail {

struct parsed_url {
  std::string scheme;  // lower case: "http" or "https"
  std::string host;    // as written, without the [] of an IPv6 literal
  int port = 0;        // 0 = scheme default
  std::string target;  // path + optional "?query" ("/" when the URL has no path)
};

// Parses an absolute http:// or https:// URL. Throws mpadjust::error(MPADJUST_EINVALID) naming
// `field` for anything else (other schemes, user information, a missing host, a bad port,
// control characters or spaces, a fragment). The message names at most the host.
parsed_url parse_http_url(std::string_view url, const char* field = "url");

// True for "localhost", 127.0.0.0/8 (dotted quad), ::1 and ::ffff:127.x.y.z.
bool is_loopback_host(std::string_view host) noexcept;

// Throws transport_error(refused_by_policy) naming the host when `url` is http:// to a
// non-loopback host and allow_insecure_http is false. Returns the parsed URL.
parsed_url check_url_policy(std::string_view url, bool allow_insecure_http);

// True when `name` is an RFC 7230 token (method names, header names).
bool is_http_token(std::string_view name) noexcept;

// ASCII case folding for header names, schemes and host names (never locale-dependent).
inline char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
inline bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
