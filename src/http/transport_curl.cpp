// The default transport: libcurl, one easy handle per transport driven through a private multi
// handle (so cancel() can wake a blocked poll with curl_multi_wakeup), connections kept alive.
// Only built with MPADJUST_WITH_CURL.
#include <curl/curl.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>

#include <mpadjust/http.hpp>

#include "http/global.hpp"
#include "http/response_parser.hpp"
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
struct slist_deleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using easy_ptr = std::unique_ptr<CURL, easy_deleter>;
using multi_ptr = std::unique_ptr<CURLM, multi_deleter>;
using slist_ptr = std::unique_ptr<curl_slist, slist_deleter>;

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// What the callbacks of one send() share. Callbacks never throw: they record the exception
// and return the abort value; send() rethrows after the transfer (STYLE.md §3.5).
struct call_state {
  http_response* response = nullptr;
  size_t max_bytes = 0;
  bool body_expected = true;  // false for HEAD: its Content-Length announces no body
  const std::atomic<bool>* cancelled = nullptr;
  bool too_large = false;
  std::exception_ptr error;
};

#ifdef CURL_WRITEFUNC_ERROR
constexpr size_t write_abort = CURL_WRITEFUNC_ERROR;
#else
constexpr size_t write_abort = 0;  // any count other than the one passed aborts
#endif

extern "C" size_t on_body(char* data, size_t size, size_t count, void* user) noexcept {
  auto* st = static_cast<call_state*>(user);
  const size_t n = size * count;
  try {
    std::string& body = st->response->body;
    if (n > st->max_bytes - body.size()) {  // body.size() <= max_bytes always holds
      st->too_large = true;
      return write_abort;
    }
    body.append(data, n);
    return n;
  } catch (...) {
    st->error = std::current_exception();
    return write_abort;
  }
}

// One complete header line per call, status lines included ("HTTP/1.1 200 OK", "HTTP/2 200").
extern "C" size_t on_header(char* data, size_t size, size_t count, void* user) noexcept {
  auto* st = static_cast<call_state*>(user);
  const size_t n = size * count;
  try {
    if (!detail::feed_header_line(*st->response, std::string_view(data, n), st->max_bytes, st->body_expected)) {
      st->too_large = true;  // refused from Content-Length, before any of the body arrives
      return write_abort;
    }
    return n;
  } catch (...) {
    st->error = std::current_exception();
    return write_abort;
  }
}

extern "C" int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) noexcept {
  auto* st = static_cast<call_state*>(user);
  return st->cancelled->load(std::memory_order_relaxed) ? 1 : 0;
}

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

    detail::ensure_global_init();
    multi_.reset(curl_multi_init());
    easy_.reset(curl_easy_init());
    if (!multi_ || !easy_) throw error(MPADJUST_ENOMEM, "http: cannot create a libcurl handle");
    errbuf_[0] = '\0';

    set(CURLOPT_ERRORBUFFER, static_cast<char*>(errbuf_));
    set(CURLOPT_NOSIGNAL, 1L);
    set(CURLOPT_TCP_NODELAY, 1L);
    set(CURLOPT_TCP_KEEPALIVE, 1L);
    set(CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    set(CURLOPT_PROTOCOLS_STR, "http,https");
#else
    set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
    set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_response_bytes));
    set(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    set(CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    set(CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.ca_bundle.empty()) set(CURLOPT_CAINFO, options_.ca_bundle.c_str());
    // Unset proxy options leave libcurl reading http_proxy/https_proxy/no_proxy itself.
    if (!options_.proxy.empty()) set(CURLOPT_PROXY, options_.proxy.c_str());
    if (!options_.no_proxy.empty()) set(CURLOPT_NOPROXY, options_.no_proxy.c_str());
    set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    set(CURLOPT_USERAGENT, options_.user_agent.c_str());
    // No CURLOPT_ACCEPT_ENCODING: no Accept-Encoding header, no decoding (JSON is small).
    set(CURLOPT_WRITEFUNCTION, &on_body);
    set(CURLOPT_HEADERFUNCTION, &on_header);
    set(CURLOPT_XFERINFOFUNCTION, &on_progress);
    set(CURLOPT_NOPROGRESS, 0L);
  }

  ~curl_transport() override = default;  // easy_ is released before multi_ (member order)

  void cancel() noexcept override {
    cancelled_.store(true);
    curl_multi_wakeup(multi_.get());  // thread-safe: ends a curl_multi_poll in progress
  }
  void reset_cancel() noexcept override { cancelled_.store(false); }

  http_response send(const http_request& request) override {
    // Policy first: nothing reaches the network for a refused URL.
    const detail::parsed_url url = detail::check_url_policy(request.url, options_.allow_insecure_http);
    if (!detail::is_http_token(request.method)) throw invalid_field("method", "not a valid HTTP method");

    slist_ptr headers = build_headers(request);
    if (cancelled_.load()) {
      throw transport_error(transport_failure::cancelled,
                            "http: request to " + url.host + " cancelled before it was sent");
    }

    http_response response;
    call_state st;
    st.response = &response;
    st.max_bytes = options_.max_response_bytes;
    st.cancelled = &cancelled_;
    st.body_expected = request.method != "HEAD";

    CURL* h = easy_.get();
    set(CURLOPT_URL, request.url.c_str());
    set(CURLOPT_CUSTOMREQUEST, static_cast<const char*>(nullptr));
    set(CURLOPT_NOBODY, 0L);
    set(CURLOPT_HTTPGET, 1L);
    // HEAD answers announce the size of a body they do not carry: no size cap from headers.
    set(CURLOPT_MAXFILESIZE_LARGE,
        static_cast<curl_off_t>(request.method == "HEAD" ? 0 : options_.max_response_bytes));
    if (request.method == "HEAD") {
      set(CURLOPT_NOBODY, 1L);
    } else if (!(request.method == "GET" && request.body.empty())) {
      set(CURLOPT_POST, 1L);
      set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      set(CURLOPT_POSTFIELDS, request.body.data());
      if (request.method != "POST") set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    set(CURLOPT_HTTPHEADER, headers.get());
    set(CURLOPT_WRITEDATA, static_cast<void*>(&st));
    set(CURLOPT_HEADERDATA, static_cast<void*>(&st));
    set(CURLOPT_XFERINFODATA, static_cast<void*>(&st));
    errbuf_[0] = '\0';

    CURLcode result = CURLE_OK;
    bool aborted = false;
    {
      CURLM* m = multi_.get();
      if (CURLMcode mc = curl_multi_add_handle(m, h); mc != CURLM_OK)
        throw transport_error(transport_failure::other,
                              std::string("http: curl_multi_add_handle: ") + curl_multi_strerror(mc));
      struct remover {
        CURLM* m;
        CURL* h;
        ~remover() { curl_multi_remove_handle(m, h); }
      } remove_on_exit{m, h};
      bool done = false;
      for (;;) {
        int running = 0;
        CURLMcode mc = curl_multi_perform(m, &running);
        if (mc != CURLM_OK) {
          throw transport_error(transport_failure::other,
                                "http: request to " + url.host + ": " + curl_multi_strerror(mc));
        }
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(m, &left)) {
          if (msg->msg == CURLMSG_DONE && msg->easy_handle == h) {
            result = msg->data.result;
            done = true;
          }
        }
        if (done) break;
        if (cancelled_.load()) {
          aborted = true;
          break;
        }
        if (running == 0) {
          throw transport_error(transport_failure::other,
                                "http: request to " + url.host + " ended without a result");
        }
        mc = curl_multi_poll(m, nullptr, 0, 1000, nullptr);
        if (mc != CURLM_OK) {
          throw transport_error(transport_failure::other,
                                "http: request to " + url.host + ": " + curl_multi_strerror(mc));
        }
      }
    }  // the handle leaves the multi here; a completed connection stays in its cache

    if (st.error) std::rethrow_exception(st.error);
    if (aborted || (result == CURLE_ABORTED_BY_CALLBACK && cancelled_.load())) {
      throw transport_error(transport_failure::cancelled, "http: request to " + url.host + " cancelled");
    }
    if (st.too_large || result == CURLE_FILESIZE_EXCEEDED) {
      throw transport_error(transport_failure::too_large,
                            "http: response from " + url.host + " exceeds the limit of " +
                                std::to_string(options_.max_response_bytes) + " bytes");
    }
    if (result != CURLE_OK) throw map_error(result, url);

    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    response.status = static_cast<int>(code);
    return response;
  }

 private:
  template <class T>
  void set(CURLoption option, T value) {
    const CURLcode rc = curl_easy_setopt(easy_.get(), option, value);
    if (rc != CURLE_OK) {
      throw error(MPADJUST_EINVALID, std::string("http: libcurl rejected an option (") +
                                         curl_easy_strerror(rc) + ")");
    }
  }

  slist_ptr build_headers(const http_request& request) const {
    slist_ptr list;
    bool has_expect = false, has_content_type = false;
    auto append = [&list](const std::string& line) {
      curl_slist* l = curl_slist_append(list.get(), line.c_str());
      if (!l) throw error(MPADJUST_ENOMEM, "out of memory");
      list.release();
      list.reset(l);
    };
    for (const http_header& hd : request.headers) {
      if (!detail::is_http_token(hd.name))
        throw invalid_field("headers", "invalid header name \"" + detail::sanitize_ua_token(hd.name, false) + "\"");
      for (char c : hd.value) {
        if (c == '\r' || c == '\n' || c == '\0')
          throw invalid_field("headers", "the value of header " + hd.name + " contains CR, LF or NUL");
      }
      if (iequals(hd.name, "expect")) has_expect = true;
      if (iequals(hd.name, "content-type")) has_content_type = true;
      if (iequals(hd.name, "content-length")) {
        if (hd.value != std::to_string(request.body.size()))
          throw invalid_field("headers", "Content-Length does not match the body size");
      }
      // "Name;" is libcurl's spelling of a header with an empty value.
      append(hd.value.empty() ? hd.name + ";" : hd.name + ": " + hd.value);
    }
    if (!has_expect) append("Expect:");  // no 100-continue round trip
    if (!has_content_type) append("Content-Type:");  // no implicit form content type for POST
    return list;
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
  char errbuf_[CURL_ERROR_SIZE];
};

}  // namespace

std::unique_ptr<transport> make_default_transport(const transport_options& options) {
  return std::make_unique<curl_transport>(options);
}

}  // namespace v1
}  // namespace mpadjust
