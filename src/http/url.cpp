// URL parsing and the plain-http policy. Builds without libcurl.
#include "http/url.hpp"

#include <arpa/inet.h>

#include <cstring>

#include <mpadjust/error.hpp>
#include <mpadjust/http.hpp>

namespace mpadjust {
inline namespace v1 {
namespace detail {

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Host characters we accept in a reg-name or IPv4 literal (no percent-encoding: AWS hosts never need it).
bool is_host_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '.' ||
         c == '_';
}

[[noreturn]] void bad(const char* field, const std::string& why) {
  throw invalid_field(field, why);
}

}  // namespace

namespace {
struct token_table {
  bool ok[256] = {};
  token_table() {
    for (int c = 'a'; c <= 'z'; ++c) ok[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c) ok[c] = true;
    for (int c = '0'; c <= '9'; ++c) ok[c] = true;
    for (const char* p = "!#$%&'*+-.^_`|~"; *p; ++p) ok[static_cast<unsigned char>(*p)] = true;
  }
};
const token_table token_chars;
}  // namespace

bool is_http_token(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (char c : name)
    if (!token_chars.ok[static_cast<unsigned char>(c)]) return false;
  return true;
}

parsed_url parse_http_url(std::string_view url, const char* field) {
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) bad(field, "the URL contains a space or a control character");
  }
  parsed_url out;
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) bad(field, "not an absolute http:// or https:// URL");
  for (char c : url.substr(0, sep)) out.scheme.push_back(ascii_lower(c));
  if (out.scheme != "http" && out.scheme != "https")
    bad(field, "unsupported URL scheme \"" + out.scheme + "\" (only http and https)");
  std::string_view rest = url.substr(sep + 3);
  const size_t auth_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, auth_end);
  std::string_view tail = auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);
  if (authority.find('@') != std::string_view::npos)
    bad(field, "URLs with user information (user:password@) are not accepted");
  if (tail.find('#') != std::string_view::npos) bad(field, "URLs with a fragment are not accepted");

  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) bad(field, "unterminated IPv6 literal in the URL host");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') bad(field, "unexpected text after the IPv6 literal");
      port_text = after.substr(1);
    }
    in6_addr a6{};
    if (inet_pton(AF_INET6, out.host.c_str(), &a6) != 1) bad(field, "invalid IPv6 literal in the URL host");
  } else {
    const size_t colon = authority.rfind(':');
    std::string_view host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    if (host.empty()) bad(field, "the URL has no host");
    for (char c : host)
      if (!is_host_char(c)) bad(field, "invalid character in the URL host");
    out.host = std::string(host);
  }
  if (out.host.empty()) bad(field, "the URL has no host");
  if (!port_text.empty()) {  // "host:" (empty port) means the default (RFC 3986 §3.2.3)
    if (port_text.size() > 5) bad(field, "invalid port in the URL (host " + out.host + ")");
    int p = 0;
    for (char c : port_text) {
      if (!is_digit(c)) bad(field, "invalid port in the URL (host " + out.host + ")");
      p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) bad(field, "port out of range in the URL (host " + out.host + ")");
    out.port = p;
  }
  if (tail.empty()) {
    out.target = "/";
  } else if (tail.front() == '?') {
    out.target = "/" + std::string(tail);
  } else {
    out.target = std::string(tail);
  }
  return out;
}

bool is_loopback_host(std::string_view host) noexcept {
  if (host.size() > 1 && host.back() == '.') host.remove_suffix(1);  // "localhost."
  if (iequals_ascii(host, "localhost")) return true;
  if (host.empty() || host.size() > 64) return false;
  char buf[65];
  std::memcpy(buf, host.data(), host.size());
  buf[host.size()] = '\0';
  // IPv4: exactly a dotted quad (inet_pton rejects the short and octal forms inet_aton allows).
  in_addr a4{};
  if (inet_pton(AF_INET, buf, &a4) == 1) {
    const auto* b = reinterpret_cast<const unsigned char*>(&a4.s_addr);
    return b[0] == 127;
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, buf, &a6) == 1) {
    static const unsigned char loop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (std::memcmp(a6.s6_addr, loop, 16) == 0) return true;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(a6.s6_addr, mapped, 12) == 0 && a6.s6_addr[12] == 127;
  }
  return false;
}

parsed_url check_url_policy(std::string_view url, bool allow_insecure_http) {
  parsed_url u = parse_http_url(url, "url");
  if (u.scheme == "http" && !allow_insecure_http && !is_loopback_host(u.host)) {
    throw transport_error(transport_failure::refused_by_policy,
                          "refusing plain http:// to non-loopback host " + u.host +
                              ": use https://, or set transport_options::allow_insecure_http");
  }
  return u;
}

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
