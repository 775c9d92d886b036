// Private: builds an http_response from the header lines a transport receives. Builds without
// libcurl so it can be tested on its own.
#pragma once

#include <cstddef>
#include <string_view>

#include <mpadjust/http.hpp>

namespace mpadjust {
inline namespace v1 {
namespace detail {

// Feeds one header line (with or without its CRLF). A status line ("HTTP/1.1 200 OK",
// "HTTP/2 200") starts a new response: headers and status reset, so interim (1xx) and proxy
// CONNECT responses leave nothing behind. Folded continuation lines join the previous value.
// Returns false when a final response announces a Content-Length above max_body (and
// body_expected, i.e. not a HEAD request): the transfer should be aborted.
bool feed_header_line(http_response& response, std::string_view line, size_t max_body, bool body_expected);

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
