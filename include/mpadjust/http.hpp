// mpadjust/http.hpp - the transport interface: send one request, get one response.
// A host application can plug in its own HTTP stack by implementing `transport`.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mpadjust/error.hpp>
#include <mpadjust/sigv4.hpp>  // http_header

namespace mpadjust {
inline namespace v1 {

struct http_request {
  std::string method;  // "POST"
  std::string url;     // "https://host[:port]/path?query"
  std::vector<http_header> headers;
  std::string body;
};

struct http_response {
  int status = 0;
  std::vector<http_header> headers;
  std::string body;
  // First header of that name (case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
};

// What went wrong below HTTP. Transports throw transport_error for these; an HTTP response
// of any status is not an error at this layer.
enum class transport_failure {
  connect,        // could not connect (refused, DNS, TLS handshake) - request not sent
  send,           // failed while sending - request may or may not have reached the server
  receive,        // connection dropped or reset before a full response - request may have been applied
  timeout,        // connect or total timeout
  too_large,      // response exceeded the size cap
  tls,            // certificate verification failed
  cancelled,      // cancel() was called
  refused_by_policy,  // e.g. plain http:// to a non-loopback host without opt-in
  other
};

class transport_error : public error {
 public:
  transport_error(transport_failure kind, const std::string& message)
      : error(kind == transport_failure::timeout     ? MPADJUST_ETIMEOUT
              : kind == transport_failure::cancelled ? MPADJUST_ECANCELLED
              : kind == transport_failure::refused_by_policy ? MPADJUST_EINVALID
                                                     : MPADJUST_ETRANSPORT,
              message),
        kind_(kind) {}
  transport_failure kind() const noexcept { return kind_; }

 private:
  transport_failure kind_;
};

// Sends one request. A transport is used by one thread at a time, except cancel(), which may
// be called from any thread to abort the call in progress (it then throws
// transport_error(cancelled)); a cancel with no call in progress aborts the next one.
class transport {
 public:
  virtual ~transport() = default;
  virtual http_response send(const http_request& request) = 0;
  virtual void cancel() noexcept {}
  virtual void reset_cancel() noexcept {}
};

struct transport_options {
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds total_timeout{60000};
  size_t max_response_bytes = 16u << 20;  // 16 MiB
  bool verify_tls = true;                 // never turned off by default
  std::string ca_bundle;                  // "" = AWS_CA_BUNDLE or the system store
  std::string proxy;                      // "" = the usual environment variables
  bool allow_insecure_http = false;       // http:// only to loopback unless true
  std::string user_agent;                 // "" = mpadjust/<version> ...
  // Hosts that bypass the proxy, comma-separated ("*" = every host); "" = the no_proxy /
  // NO_PROXY environment variable. Appended field.
  std::string no_proxy;
};

// The default transport: libcurl opens the connection (DNS, TCP, proxy, TLS) and the library
// speaks HTTP/1.1 on it; one connection, kept alive between calls (checked before every reuse:
// one that was closed or holds bytes nobody asked for is replaced; a reused connection that
// closes before any response byte is retried once on a new one). TLS is verified (peer and host name, TLS >= 1.2) with ca_bundle, else
// $AWS_CA_BUNDLE, else the system store. Proxies come from `proxy` or libcurl's reading of
// http_proxy/https_proxy/all_proxy/no_proxy and are always used as CONNECT tunnels (plain
// http:// too). No redirects are followed; no compression is asked for. send() throws transport_error (see transport_failure) and
// mpadjust::error(MPADJUST_EINVALID) for a request it refuses to send (bad method, header
// name or value with CR/LF, Content-Length that does not match the body). Errors name the URL
// host, never header values or the query string.
// Throws error(MPADJUST_EINVALID) for invalid options (non-positive timeouts or size cap, an
// unreadable ca_bundle) and when the library was built without libcurl.
std::unique_ptr<transport> make_default_transport(const transport_options& options = {});

// "mpadjust/<version> ua/2.1 os/<os> lang/c++#<std> md/<compiler>... [app/<AWS_SDK_UA_APP_ID>]"
std::string default_user_agent();

}  // namespace v1
}  // namespace mpadjust
