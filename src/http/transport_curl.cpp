// The default transport. libcurl opens the connection (DNS, TCP, proxy tunnel, TLS with
// verification: CURLOPT_CONNECT_ONLY on a private multi handle, so cancel() can wake its poll);
// the HTTP/1.1 exchange on it is ours (http1.hpp), moved with curl_easy_send/curl_easy_recv and
// one poll() that also watches a cancel pipe. Per call on a kept-alive connection that is a
// non-blocking receive (the reuse check), one send, one poll and one receive system call,
// against four polls and libcurl's request formatting for a full libcurl transfer
// (mpadjust-bench-client).
// Only built with MPADJUST_WITH_CURL.
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include <mpadjust/http.hpp>

#include "credentials/internal.hpp"
#include "http/global.hpp"
#include "http/http1.hpp"
#include "http/url.hpp"
#include "http/user_agent.hpp"

#if LIBCURL_VERSION_NUM < 0x074400
#error "mpadjust needs libcurl >= 7.68.0 (curl_multi_poll, curl_multi_wakeup)"
#endif

namespace mpadjust {
inline namespace v1 {

namespace {

struct easy_deleter {
  void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};
struct multi_deleter {
  void operator()(CURLM* m) const noexcept { curl_multi_cleanup(m); }
};
using easy_ptr = std::unique_ptr<CURL, easy_deleter>;
using multi_ptr = std::unique_ptr<CURLM, multi_deleter>;

bool is_tls_error(CURLcode c) noexcept {
  switch (c) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_USE_SSL_FAILED:
      return true;
    default:
      return false;
  }
}

class curl_transport final : public transport {
 public:
  explicit curl_transport(const transport_options& options) : options_(options) {
    if (options_.connect_timeout.count() <= 0)
      throw invalid_field("connect_timeout", "must be positive");
    if (options_.total_timeout.count() <= 0) throw invalid_field("total_timeout", "must be positive");
    if (options_.max_response_bytes == 0) throw invalid_field("max_response_bytes", "must be positive");
    if (options_.ca_bundle.empty()) {
      if (const char* env = std::getenv("AWS_CA_BUNDLE"); env && *env) options_.ca_bundle = env;
    }
    if (!options_.ca_bundle.empty()) {
      std::FILE* f = std::fopen(options_.ca_bundle.c_str(), "rb");
      if (!f) throw invalid_field("ca_bundle", "cannot read the CA bundle " + options_.ca_bundle);
      std::fclose(f);
    }
    if (options_.user_agent.empty()) {
      options_.user_agent = default_user_agent();
      if (const curl_version_info_data* v = curl_version_info(CURLVERSION_NOW); v && v->version)
        options_.user_agent += " " + detail::ua_component("md", "curl", v->version);
    }
    for (char c : options_.user_agent)
      if (c == '\r' || c == '\n' || c == '\0') throw invalid_field("user_agent", "contains CR, LF or NUL");

    if (::pipe(wake_) != 0) throw error(MPADJUST_EINTERNAL, "http: cannot create the cancel pipe");
    for (int fd : wake_) {
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
      ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    detail::ensure_global_init();
    multi_.reset(curl_multi_init());
    easy_.reset(curl_easy_init());
    if (!multi_ || !easy_) throw error(MPADJUST_ENOMEM, "http: cannot create a libcurl handle");
    rbuf_ = std::make_unique<char[]>(read_chunk);
    errbuf_[0] = '\0';

    // libcurl connects (DNS, TCP, proxy tunnel, TLS with verification); the HTTP/1.1 exchange
    // on that connection is ours (http1.hpp).
    set(CURLOPT_CONNECT_ONLY, 1L);
    set(CURLOPT_HTTPPROXYTUNNEL, 1L);  // through a proxy, plain http:// is tunnelled too
    set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));  // ALPN: http/1.1 only
    set(CURLOPT_ERRORBUFFER, static_cast<char*>(errbuf_));
    set(CURLOPT_NOSIGNAL, 1L);
    set(CURLOPT_TCP_NODELAY, 1L);
    set(CURLOPT_TCP_KEEPALIVE, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
    set(CURLOPT_PROTOCOLS_STR, "http,https");
#else
    set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    set(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    set(CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    set(CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.ca_bundle.empty()) set(CURLOPT_CAINFO, options_.ca_bundle.c_str());
    // Unset proxy options leave libcurl reading http_proxy/https_proxy/no_proxy itself.
    if (!options_.proxy.empty()) set(CURLOPT_PROXY, options_.proxy.c_str());
    if (!options_.no_proxy.empty()) set(CURLOPT_NOPROXY, options_.no_proxy.c_str());
    set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    set(CURLOPT_USERAGENT, options_.user_agent.c_str());  // sent to a proxy with CONNECT
  }

  ~curl_transport() override {
    // The last request (session token, Authorization) and response stay in these buffers.
    credentials_detail::wipe(out_);
    if (rbuf_) OPENSSL_cleanse(rbuf_.get(), read_chunk);
    close_connection();
    easy_.reset();
    multi_.reset();
    for (int fd : wake_)
      if (fd >= 0) ::close(fd);
  }

  void cancel() noexcept override {
    cancelled_.store(true);
    curl_multi_wakeup(multi_.get());  // ends a curl_multi_poll in progress (connecting)
    const char c = 1;
    (void)!::write(wake_[1], &c, 1);  // ends a poll() in progress (sending, receiving)
  }
  void reset_cancel() noexcept override {
    cancelled_.store(false);
    char buf[64];
    while (::read(wake_[0], buf, sizeof buf) > 0) {
    }
  }

  http_response send(const http_request& request) override {
    // Policy and request checks first: nothing reaches the network for a refused request. A
    // client sends every call to one URL: its parsed form and origin are kept.
    if (request.url != url_text_) {
      url_text_.clear();  // stays empty if the URL is refused
      url_ = detail::check_url_policy(request.url, options_.allow_insecure_http);
      url_origin_ = url_.scheme + "://" + detail::http1_authority(url_);
      url_text_ = request.url;
    }
    const detail::parsed_url& url = url_;
    const std::string& origin = url_origin_;
    detail::http1_write_request(out_, request, url, options_.user_agent);
    if (cancelled_.load()) {
      throw transport_error(transport_failure::cancelled,
                            "http: request to " + url.host + " cancelled before it was sent");
    }
    const auto deadline = clock::now() + options_.total_timeout;
    const bool head = request.method == "HEAD";

    http_response response;
    for (int round = 0;; ++round) {
      if (attached_ && (origin != origin_ || !connection_usable())) close_connection();
      const bool reused = attached_;
      if (!attached_) connect(request.url, url, origin, deadline);
      // Any way out of this block but a complete, reusable exchange closes the connection: its
      // state is unknown after an error.
      struct closer {
        curl_transport* t;
        bool keep = false;
        ~closer() {
          if (!keep) t->close_connection();
        }
      } guard{this};

      detail::http1_reader reader(response, head, options_.max_response_bytes);
      bool reusable = false;
      const exchange outcome = exchange_once(reader, url, deadline, reusable);
      if (outcome == exchange::complete) {
        guard.keep = reusable;
        return response;
      }
      // The connection died before a byte of the response arrived. A kept-alive connection may
      // have been closed by the server while idle: send once more on a new one, as libcurl does.
      // (Every request this library sends is safe to repeat: batch entries carry client tokens.)
      if (reused && round == 0) continue;
      throw transport_error(transport_failure::receive,
                            "http: connection dropped before a complete response from " + url.host + ": " +
                                (outcome == exchange::send_failed ? "sending failed (" + last_error_ + ")"
                                                                  : "closed before any response"));
    }
  }

 private:
  using clock = std::chrono::steady_clock;
  static constexpr size_t read_chunk = 64 * 1024;

  enum class exchange { complete, send_failed, closed_before_response };

  template <class T>
  void set(CURLoption option, T value) {
    const CURLcode rc = curl_easy_setopt(easy_.get(), option, value);
    if (rc != CURLE_OK) {
      throw error(MPADJUST_EINVALID, std::string("http: libcurl rejected an option (") +
                                         curl_easy_strerror(rc) + ")");
    }
  }

  static long remaining_ms(clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    return left <= 0 ? 0 : static_cast<long>(left) + 1;  // round up: never spin on a 0 ms poll
  }

  [[noreturn]] void throw_timeout(const detail::parsed_url& url, const char* phase) const {
    throw transport_error(transport_failure::timeout,
                          "http: timed out talking to " + url.host + ": no complete response within " +
                              std::to_string(options_.total_timeout.count()) + " ms (" + phase + ")");
  }
  [[noreturn]] void throw_cancelled(const detail::parsed_url& url) const {
    throw transport_error(transport_failure::cancelled, "http: request to " + url.host + " cancelled");
  }

  // Opens a connection for `origin` through libcurl on the private multi handle (cancel()
  // wakes its poll). The easy handle stays in the multi handle while the connection is ours.
  void connect(const std::string& url_text, const detail::parsed_url& url, const std::string& origin,
               clock::time_point deadline) {
    const long left = remaining_ms(deadline);
    if (left <= 0) throw_timeout(url, "connecting");
    set(CURLOPT_URL, url_text.c_str());
    set(CURLOPT_TIMEOUT_MS, left);
    set(CURLOPT_CONNECTTIMEOUT_MS, std::min<long>(left, static_cast<long>(options_.connect_timeout.count())));
    errbuf_[0] = '\0';
    CURLM* m = multi_.get();
    CURL* h = easy_.get();
    if (CURLMcode mc = curl_multi_add_handle(m, h); mc != CURLM_OK)
      throw transport_error(transport_failure::other,
                            std::string("http: curl_multi_add_handle: ") + curl_multi_strerror(mc));
    attached_ = true;  // from here on close_connection() takes the handle out again
    CURLcode result = CURLE_OK;
    for (;;) {
      int running = 0;
      CURLMcode mc = curl_multi_perform(m, &running);
      if (mc != CURLM_OK) {
        close_connection();
        throw transport_error(transport_failure::other,
                              "http: connecting to " + url.host + ": " + curl_multi_strerror(mc));
      }
      bool done = false;
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(m, &queued)) {
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == h) {
          result = msg->data.result;
          done = true;
        }
      }
      if (done) break;
      if (cancelled_.load()) {
        close_connection();
        throw_cancelled(url);
      }
      mc = curl_multi_poll(m, nullptr, 0, 1000, nullptr);
      if (mc != CURLM_OK) {
        close_connection();
        throw transport_error(transport_failure::other,
                              "http: connecting to " + url.host + ": " + curl_multi_strerror(mc));
      }
    }
    if (result != CURLE_OK) {
      close_connection();
      if (result == CURLE_ABORTED_BY_CALLBACK && cancelled_.load()) throw_cancelled(url);
      throw map_error(result, url);
    }
    curl_socket_t s = CURL_SOCKET_BAD;
    if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &s) != CURLE_OK || s == CURL_SOCKET_BAD) {
      close_connection();
      throw transport_error(transport_failure::other, "http: connected to " + url.host + " but got no socket");
    }
    sock_ = s;
    origin_ = origin;
  }

  // Closes the connection (libcurl closes a connect-only connection when its handle leaves
  // the multi handle).
  void close_connection() noexcept {
    if (!attached_) return;
    curl_multi_remove_handle(multi_.get(), easy_.get());
    attached_ = false;
    sock_ = CURL_SOCKET_BAD;
    origin_.clear();
  }

  // Before every reuse: anything readable now is either the end of the connection or bytes
  // nobody asked for (a server's "408 Request Timeout" on an idle connection, say), which the
  // next request would otherwise take as its answer. A non-blocking receive through libcurl
  // (one recv() that finds nothing) rather than poll(): on a TLS connection it also consumes
  // post-handshake messages such as session tickets, which are not a reason to reconnect.
  bool connection_usable() {
    size_t n = 0;
    const CURLcode rc = curl_easy_recv(easy_.get(), rbuf_.get(), read_chunk, &n);
    if (n > 0) OPENSSL_cleanse(rbuf_.get(), n);
    return rc == CURLE_AGAIN;
  }

  // Waits until the socket is ready for `events`; throws on cancel and at the deadline.
  void wait_socket(short events, clock::time_point deadline, const detail::parsed_url& url, const char* phase) {
    pollfd p[2] = {{static_cast<int>(sock_), events, 0}, {wake_[0], POLLIN, 0}};
    for (;;) {
      if (cancelled_.load()) throw_cancelled(url);
      const long left = remaining_ms(deadline);
      if (left <= 0) throw_timeout(url, phase);
      const int rc = ::poll(p, 2, static_cast<int>(std::min<long>(left, 1 << 30)));
      if (rc < 0) {
        if (errno == EINTR) continue;
        throw transport_error(transport_failure::other,
                              std::string("http: poll failed talking to ") + url.host + ": " + std::strerror(errno));
      }
      if (p[1].revents != 0 || cancelled_.load()) throw_cancelled(url);
      if (rc > 0) return;  // ready, or an error/hang-up the next send/recv reports
    }
  }

  // Sends out_ and reads one response into `reader`.
  exchange exchange_once(detail::http1_reader& reader, const detail::parsed_url& url, clock::time_point deadline,
                         bool& reusable) {
    reusable = false;
    CURL* h = easy_.get();
    for (size_t off = 0; off < out_.size();) {
      size_t n = 0;
      const CURLcode rc = curl_easy_send(h, out_.data() + off, out_.size() - off, &n);
      if (rc == CURLE_OK) {
        off += n;
      } else if (rc == CURLE_AGAIN) {
        wait_socket(POLLOUT, deadline, url, "sending");
      } else {
        last_error_ = curl_easy_strerror(rc);
        return exchange::send_failed;
      }
    }
    // Nothing of this response can be buffered yet (the previous one was read to its end and a
    // connection with stray bytes is never reused): wait first, then read.
    bool readable = false;
    for (;;) {
      if (!readable) wait_socket(POLLIN, deadline, url, "waiting for the response");
      size_t n = 0;
      const CURLcode rc = curl_easy_recv(h, rbuf_.get(), read_chunk, &n);
      if (rc == CURLE_AGAIN) {
        readable = false;
        continue;
      }
      try {
        if (rc != CURLE_OK) {
          if (!reader.started()) return exchange::closed_before_response;
          throw transport_error(transport_failure::receive, "http: connection dropped before a complete response from " +
                                                                url.host + ": " + curl_easy_strerror(rc));
        }
        if (n == 0) {  // end of the connection
          if (!reader.started()) return exchange::closed_before_response;
          reader.eof();
          return exchange::complete;  // eof() completed a close-delimited body
        }
        const size_t used = reader.feed(rbuf_.get(), n);
        OPENSSL_cleanse(rbuf_.get(), n);  // responses may carry credentials (container provider)
        if (reader.complete()) {
          reusable = reader.keep_alive() && used == n;  // stray bytes after the response: never reuse
          return exchange::complete;
        }
      } catch (const detail::http1_error& e) {
        throw transport_error(e.too_large ? transport_failure::too_large : transport_failure::receive,
                              std::string(e.too_large ? "http: response from " : "http: malformed response from ") +
                                  url.host + ": " + e.message);
      }
      // More of the response to come: libcurl (TLS) may hold decrypted bytes already, so read
      // again before waiting.
      readable = true;
    }
  }

  transport_error map_error(CURLcode rc, const detail::parsed_url& url) const {
    std::string detail_text = errbuf_[0] ? std::string(errbuf_) : std::string(curl_easy_strerror(rc));
    // The error text of libcurl names hosts and ports; make sure no query string (presigned
    // URLs carry signatures there) ever reaches an error.
    if (const size_t q = url.target.find('?'); q != std::string::npos && q + 1 < url.target.size()) {
      const std::string query = url.target.substr(q + 1);
      for (size_t at; (at = detail_text.find(query)) != std::string::npos;)
        detail_text.replace(at, query.size(), "<query>");
    }
    const std::string& host = url.host;
    transport_failure kind = transport_failure::other;
    const char* what = "request failed";
    switch (rc) {
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_RESOLVE_PROXY:
        kind = transport_failure::connect;
        what = "could not connect to";
        break;
      case CURLE_SEND_ERROR:
      case CURLE_SEND_FAIL_REWIND:
        kind = transport_failure::send;
        what = "failed sending the request to";
        break;
      case CURLE_RECV_ERROR:
      case CURLE_GOT_NOTHING:
      case CURLE_PARTIAL_FILE:
      case CURLE_HTTP2_STREAM:
      case CURLE_HTTP2:
      case CURLE_WEIRD_SERVER_REPLY:
        kind = transport_failure::receive;
        what = "connection dropped before a complete response from";
        break;
      case CURLE_OPERATION_TIMEDOUT:
        kind = transport_failure::timeout;
        what = "timed out talking to";
        break;
      case CURLE_OUT_OF_MEMORY:
        throw error(MPADJUST_ENOMEM, "out of memory");
      default:
        if (is_tls_error(rc)) {
          kind = transport_failure::tls;
          what = "TLS failure with";
        }
        break;
    }
    return transport_error(kind, std::string("http: ") + what + " " + host + ": " + detail_text);
  }

  transport_options options_;
  multi_ptr multi_;  // declared before easy_: destroyed after it
  easy_ptr easy_;
  std::atomic<bool> cancelled_{false};
  int wake_[2] = {-1, -1};  // cancel pipe: cancel() writes, waits poll the read end
  char errbuf_[CURL_ERROR_SIZE];
  std::unique_ptr<char[]> rbuf_;  // receive buffer, read_chunk bytes
  std::string out_;               // the request being sent (reused: no allocation per call)
  std::string url_text_;          // the last URL sent to, parsed and checked: url_, url_origin_
  detail::parsed_url url_;
  std::string url_origin_;
  bool attached_ = false;         // easy_ is in multi_ and owns a live connection
  curl_socket_t sock_ = CURL_SOCKET_BAD;
  std::string origin_;            // "scheme://authority" of that connection
  std::string last_error_;
};

}  // namespace

std::unique_ptr<transport> make_default_transport(const transport_options& options) {
  return std::make_unique<curl_transport>(options);
}

}  // namespace v1
}  // namespace mpadjust
