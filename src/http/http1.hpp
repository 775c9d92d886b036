// Private: HTTP/1.1 message framing for the default transport, which lets libcurl connect
// (DNS, TCP, proxy tunnel, TLS) and then moves the bytes itself. Builds without libcurl, so it
// is tested (and fed arbitrary bytes) on its own.
//
// Writing: one request in origin form with Host, User-Agent and Content-Length added when the
// caller did not give them; never chunked, never Expect.
// Reading: status line, headers (obs-fold joined), interim 1xx responses skipped, bodies framed
// by Content-Length, chunked transfer coding, or the end of the connection; HEAD, 204 and 304
// carry no body. Malformed input, oversized headers or bodies are errors, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <mpadjust/http.hpp>

#include "http/url.hpp"

namespace mpadjust {
inline namespace v1 {
namespace detail {

// Largest status line + header section (each response, trailers included) we accept.
constexpr size_t http1_max_header_bytes = 100 * 1024;

// "host[:port]" as the Host header and the SigV4 signature spell it: IPv6 literals in [],
// the port dropped when it is the scheme's default.
std::string http1_authority(const parsed_url& url);

// Appends the request to `out` (cleared first). Throws error(MPADJUST_EINVALID, field "headers" or
// "method") for a request that cannot be sent as is: a method or header name that is not a
// token, CR/LF/NUL in a value, a Content-Length that differs from the body size, a
// Transfer-Encoding header (bodies are always sent with Content-Length).
void http1_write_request(std::string& out, const http_request& request, const parsed_url& url,
                         std::string_view user_agent);

// Thrown by http1_reader for input that is not an acceptable HTTP/1.1 response. `too_large`
// distinguishes the size caps from malformed input. The message names no host (the transport
// adds it) and quotes no header value.
struct http1_error {
  bool too_large = false;
  std::string message;
};

// Incremental response parser: feed it the bytes as they arrive.
class http1_reader {
 public:
  // `out` receives status, headers and body (cleared now). `head_request`: the response has no
  // body whatever its headers announce. `max_body`: largest body accepted.
  http1_reader(http_response& out, bool head_request, size_t max_body);

  // Consumes bytes of the response; returns how many were used, which is less than `n` only
  // once complete() (the rest does not belong to this response). Throws http1_error.
  size_t feed(const char* data, size_t n);

  // The peer closed the connection: completes a body delimited by the end of the connection,
  // otherwise throws http1_error (truncated). Call only when !complete().
  void eof();

  bool complete() const noexcept { return state_ == state::done; }
  // Any byte of a response received yet (false: the peer closed before answering).
  bool started() const noexcept { return started_; }
  // After complete(): may the connection carry another request? (HTTP/1.1, no
  // "Connection: close", a body not delimited by the end of the connection.)
  bool keep_alive() const noexcept { return keep_alive_; }

 private:
  enum class state { status_line, headers, body_length, chunk_size, chunk_data, chunk_crlf, trailers, body_close, done };

  void line(std::string_view text);  // one complete line without its LF (and CR)
  void status_line(std::string_view text);
  void header_line(std::string_view text);
  void end_of_headers();
  void chunk_size_line(std::string_view text);
  void append_body(const char* data, size_t n);
  [[noreturn]] void fail(std::string message) const;
  [[noreturn]] void too_large(std::string message) const;

  http_response& out_;
  bool head_request_;
  size_t max_body_;
  state state_ = state::status_line;
  bool started_ = false;
  bool keep_alive_ = false;
  bool http10_ = false;
  bool connection_close_ = false;
  bool chunked_ = false;
  bool has_transfer_encoding_ = false;
  bool has_length_ = false;
  std::uint64_t length_ = 0;     // announced Content-Length
  std::uint64_t remaining_ = 0;  // body or chunk bytes still expected
  size_t header_bytes_ = 0;      // of the current header section (or trailers)
  std::string partial_;          // a line split across feeds
};

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
