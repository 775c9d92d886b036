// Header-line parsing for transports (see response_parser.hpp). Builds without libcurl.
#include "http/response_parser.hpp"

#include <string>

namespace mpadjust {
inline namespace v1 {
namespace detail {

namespace {
char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}
std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}
}  // namespace

bool feed_header_line(http_response& r, std::string_view line, size_t max_body, bool body_expected) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.size() >= 5 && line.compare(0, 5, "HTTP/") == 0) {
    r.headers.clear();
    r.status = 0;
    const size_t sp = line.find(' ');
    if (sp != std::string_view::npos && line.size() >= sp + 4 &&
        (line.size() == sp + 4 || line[sp + 4] == ' ')) {
      int code = 0;
      for (size_t i = sp + 1; i < sp + 4; ++i) {
        if (line[i] < '0' || line[i] > '9') return true;  // malformed: status stays 0
        code = code * 10 + (line[i] - '0');
      }
      r.status = code;
    }
    return true;
  }
  if (line.empty()) return true;  // end of a header block
  if (line.front() == ' ' || line.front() == '\t') {  // obs-fold continuation
    if (!r.headers.empty()) {
      std::string& v = r.headers.back().value;
      if (!v.empty()) v += ' ';
      v += std::string(trim(line));
    }
    return true;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return true;  // not a header: ignored
  http_header h{std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))};
  if (body_expected && r.status >= 200 && iequals(h.name, "content-length")) {
    // All digits: compare with the cap (a number too long to hold is above it). Anything else
    // is left to the transport's own HTTP parser.
    bool digits = !h.value.empty();
    unsigned long long len = 0;
    bool overflow = false;
    for (char c : h.value) {
      if (c < '0' || c > '9') {
        digits = false;
        break;
      }
      if (len > (~0ull - 9) / 10) overflow = true;
      else len = len * 10 + static_cast<unsigned>(c - '0');
    }
    if (digits && (overflow || len > max_body)) return false;
  }
  r.headers.push_back(std::move(h));
  return true;
}

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
