// HTTP/1.1 request writing and response reading (see http1.hpp). Builds without libcurl.
#include "http/http1.hpp"

#include <cstring>

#include <mpadjust/error.hpp>

#include "credentials/internal.hpp"

namespace mpadjust {
inline namespace v1 {
namespace detail {

namespace {

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// Calls f(item) for each comma-separated, trimmed, non-empty item of a header value.
template <class F>
void for_each_item(std::string_view value, F&& f) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    std::string_view item = trim(value.substr(0, comma));
    if (!item.empty()) f(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// Decimal digits only, no sign, no overflow.
bool parse_decimal(std::string_view s, std::uint64_t& out) noexcept {
  if (s.empty() || s.size() > 19) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  out = v;
  return true;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool has_ctl(std::string_view value) noexcept {
  return std::memchr(value.data(), '\r', value.size()) || std::memchr(value.data(), '\n', value.size()) ||
         std::memchr(value.data(), '\0', value.size());
}

void append_decimal(std::string& out, size_t v) {
  char buf[24];
  size_t i = sizeof buf;
  do {
    buf[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  out.append(buf + i, sizeof buf - i);
}

}  // namespace

std::string http1_authority(const parsed_url& url) {
  std::string out;
  const bool v6 = url.host.find(':') != std::string::npos;
  if (v6) out += '[';
  out += url.host;
  if (v6) out += ']';
  const int default_port = url.scheme == "https" ? 443 : 80;
  if (url.port != 0 && url.port != default_port) {
    out += ':';
    append_decimal(out, static_cast<size_t>(url.port));
  }
  return out;
}

void http1_write_request(std::string& out, const http_request& request, const parsed_url& url,
                         std::string_view user_agent) {
  if (!is_http_token(request.method)) throw invalid_field("method", "not a valid HTTP method");
  bool has_host = false, has_user_agent = false, has_length = false;
  for (const http_header& h : request.headers) {
    if (!is_http_token(h.name)) throw invalid_field("headers", "a header name is not a valid HTTP token");
    if (has_ctl(h.value)) throw invalid_field("headers", "the value of header " + h.name + " contains CR, LF or NUL");
    if (iequals_ascii(h.name, "host")) {
      has_host = true;
    } else if (iequals_ascii(h.name, "user-agent")) {
      has_user_agent = true;
    } else if (iequals_ascii(h.name, "content-length")) {
      std::uint64_t n = 0;
      if (!parse_decimal(trim(h.value), n) || n != request.body.size())
        throw invalid_field("headers", "Content-Length does not match the body size");
      has_length = true;
    } else if (iequals_ascii(h.name, "transfer-encoding")) {
      throw invalid_field("headers", "Transfer-Encoding is not supported: bodies are sent with Content-Length");
    }
  }
  if (has_ctl(user_agent)) throw invalid_field("user_agent", "contains CR, LF or NUL");

  size_t size = request.method.size() + url.target.size() + request.body.size() + user_agent.size() + 96;
  for (const http_header& h : request.headers) size += h.name.size() + h.value.size() + 4;
  // The previous request (session token, Authorization) must not survive in a freed buffer.
  if (size > out.capacity()) credentials_detail::wipe(out);
  out.clear();
  out.reserve(size);
  out += request.method;
  out += ' ';
  out += url.target;
  out += " HTTP/1.1\r\n";
  if (!has_host) {
    out += "Host: ";
    out += http1_authority(url);
    out += "\r\n";
  }
  if (!has_user_agent && !user_agent.empty()) {
    out += "User-Agent: ";
    out += user_agent;
    out += "\r\n";
  }
  for (const http_header& h : request.headers) {
    out += h.name;
    out += h.value.empty() ? ":" : ": ";
    out += h.value;
    out += "\r\n";
  }
  const bool bodyless_method = request.method == "GET" || request.method == "HEAD";
  if (!has_length && (!request.body.empty() || !bodyless_method)) {
    out += "Content-Length: ";
    append_decimal(out, request.body.size());
    out += "\r\n";
  }
  out += "\r\n";
  out += request.body;
}

// ------------------------------------------------------------------------------- reader

http1_reader::http1_reader(http_response& out, bool head_request, size_t max_body)
    : out_(out), head_request_(head_request), max_body_(max_body) {
  out_.status = 0;
  out_.headers.clear();
  out_.headers.reserve(16);  // typical responses: no reallocation while headers arrive
  out_.body.clear();
}

void http1_reader::fail(std::string message) const { throw http1_error{false, std::move(message)}; }
void http1_reader::too_large(std::string message) const { throw http1_error{true, std::move(message)}; }

size_t http1_reader::feed(const char* data, size_t n) {
  if (n > 0) started_ = true;
  size_t used = 0;
  while (used < n && state_ != state::done) {
    const char* p = data + used;
    const size_t avail = n - used;
    switch (state_) {
      case state::body_length:
      case state::chunk_data: {
        const size_t take = remaining_ < avail ? static_cast<size_t>(remaining_) : avail;
        append_body(p, take);
        used += take;
        remaining_ -= take;
        if (remaining_ == 0) state_ = state_ == state::body_length ? state::done : state::chunk_crlf;
        break;
      }
      case state::body_close:
        append_body(p, avail);
        used += avail;
        break;
      default: {  // line-oriented states
        const void* lf = std::memchr(p, '\n', avail);
        const size_t len = lf ? static_cast<size_t>(static_cast<const char*>(lf) - p) : avail;
        const size_t cap = (state_ == state::chunk_size || state_ == state::chunk_crlf)
                               ? 4096
                               : http1_max_header_bytes - header_bytes_;
        if (partial_.size() + len > cap) {
          if (state_ == state::chunk_size || state_ == state::chunk_crlf) fail("a chunk-size line is too long");
          too_large("the response header section exceeds " + std::to_string(http1_max_header_bytes) + " bytes");
        }
        if (!lf) {
          partial_.append(p, len);
          used += len;
          break;
        }
        used += len + 1;
        if (state_ != state::chunk_size && state_ != state::chunk_crlf) header_bytes_ += partial_.size() + len + 1;
        if (partial_.empty()) {
          std::string_view text(p, len);
          if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
          line(text);
        } else {
          partial_.append(p, len);
          std::string text;
          text.swap(partial_);
          if (!text.empty() && text.back() == '\r') text.pop_back();
          line(text);
        }
        break;
      }
    }
  }
  return used;
}

void http1_reader::eof() {
  if (state_ == state::body_close) {
    state_ = state::done;
    keep_alive_ = false;
    return;
  }
  if (state_ == state::done) return;
  if (!started_) fail("the connection was closed before any response");
  switch (state_) {
    case state::status_line:
    case state::headers:
      fail("the connection was closed in the middle of the response headers");
    case state::body_length:
      fail("the connection was closed after " + std::to_string(length_ - remaining_) + " of " +
           std::to_string(length_) + " body bytes");
    default:
      fail("the connection was closed in the middle of a chunked body");
  }
}

void http1_reader::line(std::string_view text) {
  switch (state_) {
    case state::status_line:
      status_line(text);
      break;
    case state::headers:
      if (text.empty()) {
        end_of_headers();
      } else {
        header_line(text);
      }
      break;
    case state::chunk_size:
      chunk_size_line(text);
      break;
    case state::chunk_crlf:
      if (!text.empty()) fail("a chunk is longer than its announced size");
      state_ = state::chunk_size;
      break;
    case state::trailers:
      if (text.empty()) state_ = state::done;  // keep_alive_ was decided with the headers
      break;  // trailer fields are read and dropped
    default:
      break;
  }
}

void http1_reader::status_line(std::string_view text) {
  // HTTP-version SP 3DIGIT [SP reason-phrase]
  if (text.size() < 12 || text.compare(0, 7, "HTTP/1.") != 0 || text[7] < '0' || text[7] > '9' ||
      text[8] != ' ') {
    fail("malformed status line (not HTTP/1.x)");
  }
  int code = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (text[i] < '0' || text[i] > '9') fail("malformed status line (status code)");
    code = code * 10 + (text[i] - '0');
  }
  if (text.size() > 12 && text[12] != ' ') fail("malformed status line (status code)");
  if (code < 100) fail("malformed status line (status code " + std::to_string(code) + ")");
  out_.status = code;
  out_.headers.clear();
  http10_ = text[7] == '0';
  connection_close_ = false;
  chunked_ = false;
  has_transfer_encoding_ = false;
  has_length_ = false;
  length_ = 0;
  state_ = state::headers;
}

void http1_reader::header_line(std::string_view text) {
  if (is_ows(text.front())) {  // obs-fold: continues the previous value
    if (out_.headers.empty()) fail("a folded header line with nothing to continue");
    const std::string_view more = trim(text);
    std::string& v = out_.headers.back().value;
    if (!more.empty()) {
      if (!v.empty()) v += ' ';
      v.append(more.data(), more.size());
    }
    return;
  }
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) fail("a response header line has no field name");
  const std::string_view name = text.substr(0, colon);
  if (!is_http_token(name)) fail("a response header field name is not a token");
  const std::string_view value = trim(text.substr(colon + 1));
  for (char c : value)
    if (c == '\0') fail("a response header value contains NUL");

  if (iequals_ascii(name, "content-length")) {
    for_each_item(value, [&](std::string_view item) {
      std::uint64_t n = 0;
      if (!parse_decimal(item, n)) fail("invalid Content-Length");
      if (has_length_ && n != length_) fail("conflicting Content-Length values");
      has_length_ = true;
      length_ = n;
    });
  } else if (iequals_ascii(name, "transfer-encoding")) {
    has_transfer_encoding_ = true;
    chunked_ = false;  // only a final "chunked" counts
    for_each_item(value, [&](std::string_view item) {
      const size_t semi = item.find(';');
      chunked_ = iequals_ascii(trim(item.substr(0, semi)), "chunked");
    });
  } else if (iequals_ascii(name, "connection")) {
    for_each_item(value, [&](std::string_view item) {
      if (iequals_ascii(item, "close")) connection_close_ = true;
    });
  }
  out_.headers.push_back(http_header{std::string(name), std::string(value)});
}

void http1_reader::end_of_headers() {
  header_bytes_ = 0;
  const int code = out_.status;
  if (code >= 100 && code < 200) {
    if (code == 101) fail("unexpected 101 Switching Protocols");
    out_.headers.clear();  // interim response: the final one follows
    out_.status = 0;
    state_ = state::status_line;
    return;
  }
  const bool no_body = head_request_ || code == 204 || code == 304;
  keep_alive_ = !http10_ && !connection_close_;
  if (no_body) {
    state_ = state::done;
    return;
  }
  if (has_transfer_encoding_) {
    if (has_length_) keep_alive_ = false;  // both framings announced: never reuse (RFC 9112 §6.3)
    if (chunked_) {
      state_ = state::chunk_size;
      return;
    }
    keep_alive_ = false;
    state_ = state::body_close;
    return;
  }
  if (has_length_) {
    if (length_ > max_body_) {
      too_large("the response announces " + std::to_string(length_) + " body bytes, above the limit of " +
                std::to_string(max_body_));
    }
    remaining_ = length_;
    state_ = remaining_ == 0 ? state::done : state::body_length;
    if (remaining_ != 0) out_.body.reserve(static_cast<size_t>(remaining_ < (1u << 20) ? remaining_ : (1u << 20)));
    return;
  }
  keep_alive_ = false;  // delimited by the end of the connection
  state_ = state::body_close;
}

void http1_reader::chunk_size_line(std::string_view text) {
  const size_t semi = text.find(';');
  const std::string_view digits = trim(text.substr(0, semi));
  if (digits.empty()) fail("missing chunk size");
  std::uint64_t size = 0;
  for (char c : digits) {
    const int v = hex_value(c);
    if (v < 0) fail("invalid chunk size");
    if (size > (~std::uint64_t{0} >> 4)) fail("invalid chunk size (overflows 64 bits)");
    size = (size << 4) | static_cast<unsigned>(v);
  }
  if (size == 0) {
    state_ = state::trailers;
    return;
  }
  if (size > max_body_ - out_.body.size()) {
    too_large("the chunked response body exceeds the limit of " + std::to_string(max_body_) + " bytes");
  }
  remaining_ = size;
  state_ = state::chunk_data;
}

void http1_reader::append_body(const char* data, size_t n) {
  if (n > max_body_ - out_.body.size())
    too_large("the response body exceeds the limit of " + std::to_string(max_body_) + " bytes");
  out_.body.append(data, n);
}

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
