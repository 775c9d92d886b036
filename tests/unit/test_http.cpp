// The transport: URL policy, header lookup, user agent, global init, and (with libcurl) the
// real transport against a loopback HTTP/1.1 server running inside this process.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <mpadjust/http.hpp>

#include "http/global.hpp"
#include "http/url.hpp"
#include "http/user_agent.hpp"

using namespace mpadjust;
using namespace std::chrono_literals;

namespace {

environment fake_env(std::map<std::string, std::string> vars) {
  environment env;
  env.get = [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  return env;
}

bool starts_with(const std::string& s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }
bool contains(const std::string& s, std::string_view p) { return s.find(p) != std::string::npos; }

}  // namespace

TEST_CASE("http: response header lookup is case-insensitive and returns the first") {
  http_response r;
  r.headers = {{"Content-Type", "application/x-amz-json-1.0"},
               {"x-amzn-RequestId", "req-1"},
               {"X-AMZN-REQUESTID", "req-2"}};
  REQUIRE(r.header("x-amzn-requestid"));
  CHECK(*r.header("X-Amzn-RequestId") == "req-1");
  CHECK(*r.header("content-type") == "application/x-amz-json-1.0");
  CHECK_FALSE(r.header("content-length"));
  CHECK_FALSE(r.header("content-typ"));
}

TEST_CASE("http: loopback detection") {
  using detail::is_loopback_host;
  for (const char* h : {"localhost", "LOCALHOST", "localhost.", "127.0.0.1", "127.255.10.2", "::1",
                        "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"}) {
    CAPTURE(h);
    CHECK(is_loopback_host(h));
  }
  for (const char* h : {"128.0.0.1", "10.0.0.1", "0.0.0.0", "localhost.evil.com", "127.0.0.1.evil.com",
                        "evil-localhost", "::2", "::", "127.1", "0x7f.0.0.1", "::ffff:10.0.0.1", ""}) {
    CAPTURE(h);
    CHECK_FALSE(is_loopback_host(h));
  }
}

TEST_CASE("http: URL parsing") {
  auto u = detail::parse_http_url("https://agreement-marketplace.us-east-1.amazonaws.com");
  CHECK(u.scheme == "https");
  CHECK(u.host == "agreement-marketplace.us-east-1.amazonaws.com");
  CHECK(u.port == 0);
  CHECK(u.target == "/");
  u = detail::parse_http_url("HTTP://[::1]:8443/a/b?x=1");
  CHECK(u.scheme == "http");
  CHECK(u.host == "::1");
  CHECK(u.port == 8443);
  CHECK(u.target == "/a/b?x=1");
  u = detail::parse_http_url("http://127.0.0.1:/?q");
  CHECK(u.port == 0);
  CHECK(u.target == "/?q");
  for (const char* bad : {"ftp://h/", "h/", "https://", "https://:80/", "https://u:p@h/", "https://h:0/",
                          "https://h:65536/", "https://h:8x/", "https://h/#frag", "https://h /",
                          "https://h/\r\nX: y", "https://[::1/", "https://[zz]/", "https://h%41/"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(detail::parse_http_url(bad), error);
  }
  try {
    detail::parse_http_url("https://AKIDEXAMPLE:secret@h/");
    FAIL("accepted user info");
  } catch (const error& e) {
    CHECK(e.status() == MPADJUST_EINVALID);
    CHECK_FALSE(contains(e.what(), "secret"));
  }
}

TEST_CASE("http: plain http to a non-loopback host is refused by policy, naming the host") {
  try {
    detail::check_url_policy("http://agreement-marketplace.us-east-1.amazonaws.com/?X-Amz-Signature=abc", false);
    FAIL("not refused");
  } catch (const transport_error& e) {
    CHECK(e.kind() == transport_failure::refused_by_policy);
    CHECK(e.status() == MPADJUST_EINVALID);
    CHECK(contains(e.what(), "agreement-marketplace.us-east-1.amazonaws.com"));
    CHECK_FALSE(contains(e.what(), "X-Amz-Signature"));
  }
  CHECK_NOTHROW(detail::check_url_policy("http://example.com/", true));
  CHECK_NOTHROW(detail::check_url_policy("http://127.0.0.1:9/", false));
  CHECK_NOTHROW(detail::check_url_policy("http://[::1]:9/", false));
  CHECK_NOTHROW(detail::check_url_policy("http://localhost:9/", false));
  CHECK_NOTHROW(detail::check_url_policy("https://example.com/", false));
}

TEST_CASE("http: user agent follows the ua/2.1 component format") {
  // Allowed characters: A-Za-z0-9!$%&'*+-.^_`|~, ('#' only in values); others become '-'.
  CHECK(detail::sanitize_ua_token("abc-1.2_X", false) == "abc-1.2_X");
  CHECK(detail::sanitize_ua_token("a b/c(d)#e", false) == "a-b-c-d--e");
  CHECK(detail::sanitize_ua_token("a b/c(d)#e", true) == "a-b-c-d-#e");
  CHECK(detail::sanitize_ua_token("!$%&'*+-.^_`|~,", false) == "!$%&'*+-.^_`|~,");
  CHECK(detail::sanitize_ua_token("\xc3\xa9", false) == "--");
  CHECK(detail::ua_component("md", "arch", "x86_64") == "md/arch#x86_64");
  CHECK(detail::ua_component("os", "linux", "6.1 #1") == "os/linux#6.1-#1");

  const std::string ua = detail::build_user_agent(
      fake_env({{"AWS_SDK_UA_APP_ID", "billing app/1"}, {"AWS_EXECUTION_ENV", "AWS_ECS_FARGATE"}}),
      "6.1.0-18-amd64", "x86_64");
  CAPTURE(ua);
  CHECK(starts_with(ua, "mpadjust/1.0.0 ua/2.1 os/linux#6.1.0-18-amd64 md/arch#x86_64 lang/c++#17 md/"));
  CHECK(contains(ua, " api/marketplace-agreement#1.0.0"));
  CHECK(contains(ua, " exec-env/AWS_ECS_FARGATE"));
  CHECK(contains(ua, " app/billing-app-1"));
  CHECK(ua.find('\n') == std::string::npos);
  // The app id is at most 50 characters.
  const std::string long_ua =
      detail::build_user_agent(fake_env({{"AWS_SDK_UA_APP_ID", std::string(80, 'a')}}), "1", "x");
  CHECK(contains(long_ua, " app/" + std::string(50, 'a')));
  CHECK_FALSE(contains(long_ua, std::string(51, 'a')));
  // Without an app id there is no app/ component.
  CHECK_FALSE(contains(detail::build_user_agent(fake_env({}), "1", "x"), "app/"));

  const std::string def = default_user_agent();
  CHECK(starts_with(def, "mpadjust/1.0.0 ua/2.1 os/"));
  CHECK(contains(def, " lang/c++#17 "));
}

TEST_CASE("http: global init is counted") {
  const int before = detail::global_init_count();
  detail::global_init();
  detail::global_init();
  CHECK(detail::global_init_count() == before + 2);
  detail::global_cleanup();
  CHECK(detail::global_init_count() == before + 1);
  detail::global_cleanup();
  CHECK(detail::global_init_count() == before);
  detail::global_cleanup();  // unmatched: ignored
  CHECK(detail::global_init_count() == std::max(before - 1, 0));
  if (before > 0) detail::global_init();  // restore
  CHECK_NOTHROW(detail::ensure_global_init());
}

#if !defined(MPADJUST_WITH_CURL)
TEST_CASE("http: without libcurl there is no default transport") {
  try {
    make_default_transport();
    FAIL("no error");
  } catch (const error& e) {
    CHECK(e.status() == MPADJUST_EINVALID);
    CHECK(contains(e.what(), "without libcurl"));
  }
}
#endif

#if defined(MPADJUST_WITH_CURL)
namespace {

// ------------------------------------------------------------------ loopback HTTP/1.1 server
// One thread accepts on 127.0.0.1:<ephemeral>; each connection gets its own thread that reads
// requests (keep-alive) and answers according to the current behaviour. Every wait is a poll()
// that also watches a stop pipe, so the destructor ends everything promptly.
// A CONNECT request is recorded and answered "200 Connection established"; the same connection
// then goes on being served as the origin, so the server doubles as a tunnelling proxy.
class loopback_server {
 public:
  enum class mode {
    respond,       // status + headers + body (Content-Length)
    drop,          // read the request, close without a byte
    huge,          // status 200 and `huge_bytes` of body, streamed
    interim_100,   // "100 Continue" first, then the response
    raw,           // exactly the bytes of `raw`, in pieces of `piece` bytes (0 = at once)
  };
  struct behaviour {
    mode how = mode::respond;
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body = "{}";
    std::chrono::milliseconds delay{0};  // before answering
    std::chrono::milliseconds connect_delay{0};  // before answering a CONNECT
    size_t huge_bytes = 0;
    bool huge_content_length = true;
    // respond: close the connection right after a complete response.
    bool close_after_response = false;
    // respond: send the status line and headers (announcing `body`), then stall until the
    // client hangs up or the server stops.
    bool stall_after_headers = false;
    // raw mode.
    std::string raw;
    size_t piece = 0;
    std::chrono::milliseconds piece_pause{1};
    bool close_after = false;  // close the connection after the raw bytes
  };
  struct request {
    int connection = 0;
    std::string method, target, version;
    std::string head;  // request line and header lines as received
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    static bool same_name(std::string_view a, std::string_view b) {
      return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
             });
    }
    std::string header(std::string_view name) const {
      for (const auto& h : headers) {
        if (same_name(h.first, name)) return h.second;
      }
      return "<absent>";
    }
    size_t header_count(std::string_view name) const {
      return static_cast<size_t>(
          std::count_if(headers.begin(), headers.end(), [&](const auto& h) { return same_name(h.first, name); }));
    }
  };

  loopback_server() {
    REQUIRE(::pipe(stop_pipe_) == 0);
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(listen_fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(listen_fd_, 16) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~loopback_server() {
    char c = 'x';
    (void)!::write(stop_pipe_[1], &c, 1);
    acceptor_.join();
    std::vector<std::thread> workers;
    {
      std::lock_guard<std::mutex> g(lock_);
      workers.swap(workers_);
    }
    for (auto& t : workers) t.join();
    ::close(listen_fd_);
    ::close(stop_pipe_[0]);
    ::close(stop_pipe_[1]);
  }

  int port() const { return port_; }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void set(behaviour b) {
    std::lock_guard<std::mutex> g(lock_);
    behaviour_ = std::move(b);
  }
  int connections() const {
    std::lock_guard<std::mutex> g(lock_);
    return connections_;
  }
  std::vector<request> requests() const {
    std::lock_guard<std::mutex> g(lock_);
    return requests_;
  }
  // Waits until `n` requests have arrived (or 10 s).
  bool wait_requests(size_t n) {
    std::unique_lock<std::mutex> g(lock_);
    return arrived_.wait_for(g, 10s, [&] { return requests_.size() >= n; });
  }

 private:
  // Waits for `fd` to be readable (or writable); false when stopping or on timeout.
  bool wait_fd(int fd, short events, int timeout_ms = -1) const {
    pollfd p[2] = {{fd, events, 0}, {stop_pipe_[0], POLLIN, 0}};
    for (;;) {
      const int rc = ::poll(p, 2, timeout_ms);
      if (rc < 0 && errno == EINTR) continue;
      if (rc <= 0) return false;
      if (p[1].revents) return false;
      return true;
    }
  }
  bool sleep_interruptible(std::chrono::milliseconds d) const {
    if (d.count() <= 0) return true;
    pollfd p{stop_pipe_[0], POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(d.count())) == 0;  // true when the time passed
  }
  bool send_all(int fd, std::string_view data) const {
    while (!data.empty()) {
      if (!wait_fd(fd, POLLOUT)) return false;
      const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads and discards until the peer hangs up or the server stops.
  void stall(int fd) const {
    char tmp[4096];
    while (wait_fd(fd, POLLIN)) {
      if (::recv(fd, tmp, sizeof tmp, 0) <= 0) return;
    }
  }

  void accept_loop() {
    for (;;) {
      if (!wait_fd(listen_fd_, POLLIN)) return;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::lock_guard<std::mutex> g(lock_);
      const int id = ++connections_;
      workers_.emplace_back([this, fd, id] {
        serve(fd, id);
        ::close(fd);
      });
    }
  }

  // Reads one request; false on EOF/stop/garbage.
  bool read_request(int fd, std::string& buf, request& out) const {
    size_t end;
    while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (!wait_fd(fd, POLLIN)) return false;
      char tmp[4096];
      const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n <= 0) return false;
      buf.append(tmp, static_cast<size_t>(n));
      if (buf[0] == '\x16') {  // a TLS ClientHello: answer in plain text, as an HTTP server would
        send_all(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return false;
      }
    }
    const std::string head = buf.substr(0, end);
    buf.erase(0, end + 4);
    out.head = head;
    size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    const size_t sp1 = request_line.find(' '), sp2 = request_line.rfind(' ');
    if (sp1 == std::string::npos || sp2 == sp1) return false;
    out.method = request_line.substr(0, sp1);
    out.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    out.version = request_line.substr(sp2 + 1);
    size_t content_length = 0;
    while (line_end != std::string::npos && line_end < head.size()) {
      const size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon), value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      std::string lname = name;
      std::transform(lname.begin(), lname.end(), lname.begin(), [](unsigned char c) { return std::tolower(c); });
      if (lname == "content-length") {
        if (value.empty() || value.size() > 12 ||
            !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
          return false;  // not something this server can frame: hang up
        content_length = std::stoul(value);
      }
      out.headers.emplace_back(std::move(name), std::move(value));
    }
    while (buf.size() < content_length) {
      if (!wait_fd(fd, POLLIN)) return false;
      char tmp[4096];
      const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n <= 0) return false;
      buf.append(tmp, static_cast<size_t>(n));
    }
    out.body = buf.substr(0, content_length);
    buf.erase(0, content_length);
    return true;
  }

  void serve(int fd, int id) {
    std::string buf;
    for (;;) {
      request req;
      req.connection = id;
      if (!read_request(fd, buf, req)) return;
      behaviour b;
      {
        std::lock_guard<std::mutex> g(lock_);
        requests_.push_back(req);
        b = behaviour_;
      }
      arrived_.notify_all();
      if (req.method == "CONNECT") {  // tunnel: this connection now talks to the "origin"
        if (!sleep_interruptible(b.connect_delay)) return;
        if (!send_all(fd, "HTTP/1.1 200 Connection established\r\n\r\n")) return;
        continue;
      }
      if (!sleep_interruptible(b.delay)) return;
      switch (b.how) {
        case mode::raw: {
          std::string_view rest(b.raw);
          const size_t piece = b.piece == 0 ? rest.size() : b.piece;
          while (!rest.empty()) {
            const std::string_view part = rest.substr(0, piece);
            if (!send_all(fd, part)) return;
            rest.remove_prefix(part.size());
            if (!rest.empty() && b.piece != 0 && !sleep_interruptible(b.piece_pause)) return;
          }
          if (b.close_after) return;
          break;
        }
        case mode::drop:
          return;
        case mode::huge: {
          std::string head = "HTTP/1.1 200 OK\r\n";
          if (b.huge_content_length) head += "Content-Length: " + std::to_string(b.huge_bytes) + "\r\n";
          else head += "Connection: close\r\n";
          head += "\r\n";
          if (!send_all(fd, head)) return;
          const std::string chunk(64 * 1024, 'x');
          for (size_t sent = 0; sent < b.huge_bytes;) {
            const size_t n = std::min(chunk.size(), b.huge_bytes - sent);
            if (!send_all(fd, std::string_view(chunk).substr(0, n))) return;
            sent += n;
          }
          if (!b.huge_content_length) return;
          break;
        }
        case mode::interim_100:
          if (!send_all(fd, "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n")) return;
          [[fallthrough]];
        case mode::respond: {
          std::string out = "HTTP/1.1 " + std::to_string(b.status) + " Whatever\r\n";
          for (const auto& h : b.headers) out += h.first + ": " + h.second + "\r\n";
          out += "Content-Length: " + std::to_string(b.body.size()) + "\r\n\r\n";
          if (b.stall_after_headers) {
            if (!send_all(fd, out)) return;
            stall(fd);
            return;
          }
          out += b.body;
          if (!send_all(fd, out)) return;
          if (b.close_after_response) return;
          break;
        }
      }
    }
  }

  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  int port_ = 0;
  std::thread acceptor_;
  mutable std::mutex lock_;
  std::condition_variable arrived_;
  std::vector<std::thread> workers_;
  behaviour behaviour_;
  int connections_ = 0;
  std::vector<request> requests_;
};

transport_options test_options() {
  transport_options o;
  o.connect_timeout = 5000ms;
  o.total_timeout = 20000ms;
  o.no_proxy = "127.0.0.1,localhost,::1";  // never route the loopback tests through a proxy
  return o;
}

http_request post(const std::string& url, std::string body = "{}") {
  http_request r;
  r.method = "POST";
  r.url = url;
  r.headers = {{"Content-Type", "application/x-amz-json-1.0"},
               {"X-Amz-Target", "AWSMPCommerceService_v20200301.DescribeAgreement"}};
  r.body = std::move(body);
  return r;
}

transport_failure failure_of(transport& t, const http_request& r, std::string* what = nullptr) {
  try {
    t.send(r);
  } catch (const transport_error& e) {
    if (what) *what = e.what();
    return e.kind();
  }
  FAIL("no transport_error");
  return transport_failure::other;
}

const char* failure_name(transport_failure k) {
  switch (k) {
    case transport_failure::connect: return "connect";
    case transport_failure::send: return "send";
    case transport_failure::receive: return "receive";
    case transport_failure::timeout: return "timeout";
    case transport_failure::too_large: return "too_large";
    case transport_failure::tls: return "tls";
    case transport_failure::cancelled: return "cancelled";
    case transport_failure::refused_by_policy: return "refused_by_policy";
    case transport_failure::other: return "other";
  }
  return "?";
}

// What one send() came to, readable in a failed CHECK and never aborting the test case:
// "response <status>", the transport_failure name, or "error <status>: <what>".
std::string outcome_of(transport& t, const http_request& r, std::string* what = nullptr,
                       http_response* response = nullptr) {
  try {
    http_response resp = t.send(r);
    const std::string result = "response " + std::to_string(resp.status);
    if (response) *response = std::move(resp);
    return result;
  } catch (const transport_error& e) {
    if (what) *what = e.what();
    return failure_name(e.kind());
  } catch (const error& e) {
    if (what) *what = e.what();
    return "error " + std::to_string(e.status()) + ": " + e.what();
  }
}

loopback_server::behaviour raw_reply(std::string bytes, bool close_after = false, size_t piece = 0) {
  loopback_server::behaviour b;
  b.how = loopback_server::mode::raw;
  b.raw = std::move(bytes);
  b.close_after = close_after;
  b.piece = piece;
  return b;
}

}  // namespace

TEST_CASE("http: headers and body round-trip") {
  loopback_server server;
  loopback_server::behaviour b;
  b.status = 400;
  b.headers = {{"X-Amzn-RequestId", "req-123"},
               {"Content-Type", "application/x-amz-json-1.0"},
               {"X-Folded", "one"},
               {"X-Empty", ""}};
  b.body = R"({"__type":"ValidationException","message":"bad"})";
  server.set(b);

  auto t = make_default_transport(test_options());
  http_request r = post(server.url("/p?a=1"), R"({"agreementId":"agmt-1"})");
  r.headers.push_back({"X-Custom", "v a l"});
  r.headers.push_back({"X-Blank", ""});
  const http_response resp = t->send(r);

  CHECK(resp.status == 400);  // any HTTP status is a response, not an error
  CHECK(resp.body == b.body);
  REQUIRE(resp.header("x-amzn-requestid"));
  CHECK(*resp.header("x-amzn-requestid") == "req-123");
  CHECK(*resp.header("CONTENT-TYPE") == "application/x-amz-json-1.0");
  REQUIRE(resp.header("x-empty"));
  CHECK(resp.header("x-empty")->empty());
  // Names keep their case.
  CHECK(std::any_of(resp.headers.begin(), resp.headers.end(),
                    [](const http_header& h) { return h.name == "X-Amzn-RequestId"; }));

  REQUIRE(server.requests().size() == 1);
  const auto req = server.requests()[0];
  CHECK(req.method == "POST");
  CHECK(req.target == "/p?a=1");
  CHECK(req.body == R"({"agreementId":"agmt-1"})");
  CHECK(req.header("content-type") == "application/x-amz-json-1.0");
  CHECK(req.header("x-amz-target") == "AWSMPCommerceService_v20200301.DescribeAgreement");
  CHECK(req.header("x-custom") == "v a l");
  CHECK(req.header("x-blank") == "");
  CHECK(req.header("content-length") == std::to_string(r.body.size()));
  CHECK(req.header("expect") == "<absent>");           // no 100-continue
  CHECK(req.header("accept-encoding") == "<absent>");  // no compression
  CHECK(req.header("host") == "127.0.0.1:" + std::to_string(server.port()));
  const std::string ua = req.header("user-agent");
  CAPTURE(ua);
  CHECK(starts_with(ua, default_user_agent() + " md/curl#"));

  // GET after POST on the same handle: no body, no POST leftovers.
  http_request g;
  g.method = "GET";
  g.url = server.url("/get");
  t->send(g);
  REQUIRE(server.requests().size() == 2);
  CHECK(server.requests()[1].method == "GET");
  CHECK(server.requests()[1].body.empty());
  CHECK(server.requests()[1].header("content-length") == "<absent>");

  // A large body (libcurl would add "Expect: 100-continue" above 1 MiB) goes in one round trip.
  const std::string big(3u << 20, 'b');
  CHECK(t->send(post(server.url("/big"), big)).status == 400);
  REQUIRE(server.requests().size() == 3);
  CHECK(server.requests()[2].body == big);
  CHECK(server.requests()[2].header("expect") == "<absent>");

  // An explicit user agent replaces the default.
  auto t2 = [&] {
    transport_options o = test_options();
    o.user_agent = "custom/1.0";
    return make_default_transport(o);
  }();
  t2->send(post(server.url()));
  CHECK(server.requests().back().header("user-agent") == "custom/1.0");
}

TEST_CASE("http: keep-alive reuses one connection") {
  loopback_server server;
  auto t = make_default_transport(test_options());
  for (int i = 0; i < 3; ++i) CHECK(t->send(post(server.url())).status == 200);
  const auto reqs = server.requests();
  REQUIRE(reqs.size() == 3);
  CHECK(server.connections() == 1);
  CHECK(reqs[0].connection == reqs[2].connection);
}

TEST_CASE("http: an interim 100 response does not leak its headers") {
  loopback_server server;
  loopback_server::behaviour b;
  b.how = loopback_server::mode::interim_100;
  b.status = 201;
  b.headers = {{"X-Final", "yes"}};
  server.set(b);
  auto t = make_default_transport(test_options());
  const http_response resp = t->send(post(server.url()));
  CHECK(resp.status == 201);
  CHECK(resp.header("x-final"));
  CHECK_FALSE(resp.header("x-interim"));
}

TEST_CASE("http: response size cap") {
  loopback_server server;
  transport_options o = test_options();
  o.max_response_bytes = 100000;
  auto t = make_default_transport(o);

  loopback_server::behaviour b;
  b.how = loopback_server::mode::huge;
  b.huge_bytes = 100000;  // exactly the cap: fine
  server.set(b);
  CHECK(t->send(post(server.url())).body.size() == 100000);

  b.huge_bytes = 50u << 20;  // announced by Content-Length: refused before the body
  server.set(b);
  std::string what;
  CHECK(failure_of(*t, post(server.url()), &what) == transport_failure::too_large);
  CHECK(contains(what, "127.0.0.1"));

  b.huge_content_length = false;  // no Content-Length: stopped by the write callback
  server.set(b);
  try {
    t->send(post(server.url()));
    FAIL("no error");
  } catch (const transport_error& e) {
    CHECK(e.kind() == transport_failure::too_large);
    CHECK(e.status() == MPADJUST_ETRANSPORT);
  }
}

TEST_CASE("http: total timeout") {
  loopback_server server;
  loopback_server::behaviour b;
  b.delay = 5000ms;
  server.set(b);
  transport_options o = test_options();
  o.total_timeout = 300ms;
  auto t = make_default_transport(o);
  http_request r = post(server.url("/?X-Amz-Signature=deadbeef"));
  r.headers.push_back({"Authorization", "AWS4-HMAC-SHA256 Credential=AKID/x, Signature=s3cr3tsig"});
  try {
    t->send(r);
    FAIL("no error");
  } catch (const transport_error& e) {
    CHECK(e.kind() == transport_failure::timeout);
    CHECK(e.status() == MPADJUST_ETIMEOUT);
    CHECK(contains(e.what(), "127.0.0.1"));
    CHECK_FALSE(contains(e.what(), "s3cr3tsig"));
    CHECK_FALSE(contains(e.what(), "deadbeef"));
  }
}

TEST_CASE("http: cancel from another thread aborts the call in progress") {
  loopback_server server;
  loopback_server::behaviour b;
  b.delay = 60000ms;  // the server would answer after a minute
  server.set(b);
  auto t = make_default_transport(test_options());  // total timeout 20 s

  std::thread canceller([&] {
    server.wait_requests(1);  // the request is on the wire
    std::this_thread::sleep_for(100ms);
    t->cancel();
  });
  std::string what;
  const auto started = std::chrono::steady_clock::now();
  const transport_failure kind = failure_of(*t, post(server.url()), &what);
  const auto took = std::chrono::steady_clock::now() - started;
  canceller.join();
  CHECK(kind == transport_failure::cancelled);
  MESSAGE("cancel took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                         << " ms after start (server delay 60 s, total timeout 20 s)");

  // Still cancelled until reset_cancel(): the next call fails before sending anything.
  const size_t seen = server.requests().size();
  CHECK(failure_of(*t, post(server.url())) == transport_failure::cancelled);
  CHECK(server.requests().size() == seen);

  t->reset_cancel();
  server.set({});
  CHECK(t->send(post(server.url())).status == 200);
}

TEST_CASE("http: https to a server that does not speak TLS is a tls failure") {
  loopback_server server;
  auto t = make_default_transport(test_options());
  std::string what;
  CHECK(failure_of(*t, post("https://127.0.0.1:" + std::to_string(server.port()) + "/"), &what) ==
        transport_failure::tls);
  CHECK(contains(what, "127.0.0.1"));
}

TEST_CASE("http: HEAD is not capped by the Content-Length it announces") {
  loopback_server server;
  loopback_server::behaviour b;
  b.how = loopback_server::mode::huge;
  b.huge_bytes = 1u << 20;
  server.set(b);
  transport_options o = test_options();
  o.max_response_bytes = 1000;
  auto t = make_default_transport(o);
  http_request r;
  r.method = "HEAD";
  r.url = server.url();
  // The server streams a body anyway; libcurl must not read it for HEAD. Use a fresh
  // connection per check so the stray bytes do not matter.
  const http_response resp = t->send(r);
  CHECK(resp.status == 200);
  CHECK(resp.body.empty());
  CHECK(*resp.header("content-length") == std::to_string(1u << 20));
}

TEST_CASE("http: a dropped connection is a receive failure") {
  loopback_server server;
  loopback_server::behaviour b;
  b.how = loopback_server::mode::drop;
  server.set(b);
  auto t = make_default_transport(test_options());
  std::string what;
  CHECK(failure_of(*t, post(server.url()), &what) == transport_failure::receive);
  CHECK(contains(what, "127.0.0.1"));
  // A fresh connection: the request may have been applied, so it is not sent again.
  CHECK(server.requests().size() == 1);
  CHECK(server.connections() == 1);
}

TEST_CASE("http: connection refused is a connect failure") {
  // A bound socket that never listens: connections to it are refused, and nobody else can
  // take the port while we hold it.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  auto t = make_default_transport(test_options());
  std::string what;
  CHECK(failure_of(*t, post("http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/"), &what) ==
        transport_failure::connect);
  CHECK(contains(what, "127.0.0.1"));
  ::close(fd);
}

TEST_CASE("http: plain http to a non-loopback host sends nothing without the opt-in") {
  // The loopback server doubles as an HTTP proxy: were the transport to send anything it would
  // arrive here, so an empty request log proves that nothing left the process.
  loopback_server proxy;
  transport_options o;
  o.proxy = proxy.url();
  auto t = make_default_transport(o);
  http_request r = post("http://agreement-marketplace.us-east-1.amazonaws.com/");
  r.headers.push_back({"Authorization", "secret-value"});
  std::string what;
  CHECK(failure_of(*t, r, &what) == transport_failure::refused_by_policy);
  CHECK(contains(what, "agreement-marketplace.us-east-1.amazonaws.com"));
  CHECK_FALSE(contains(what, "secret-value"));
  CHECK(proxy.requests().empty());

  // With the opt-in the request goes out, through a CONNECT tunnel opened by the proxy, in
  // origin form.
  o.allow_insecure_http = true;
  auto t2 = make_default_transport(o);
  CHECK(outcome_of(*t2, post("http://example.invalid/x")) == "response 200");
  const auto reqs = proxy.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].method == "CONNECT");
  CHECK(reqs[0].target == "example.invalid:80");
  CHECK(reqs[1].method == "POST");
  CHECK(reqs[1].target == "/x");
  CHECK(reqs[1].header_count("host") == 1);
  CHECK(reqs[1].header("host") == "example.invalid");
  CHECK(reqs[1].connection == reqs[0].connection);
}

TEST_CASE("http: proxies from the environment are honoured, and no_proxy bypasses them") {
  loopback_server proxy, direct;
  struct env_guard {
    std::optional<std::string> saved[2];
    const char* names[2] = {"http_proxy", "no_proxy"};
    env_guard() {
      for (int i = 0; i < 2; ++i) {
        if (const char* v = std::getenv(names[i])) saved[i] = v;
        ::unsetenv(names[i]);
      }
    }
    ~env_guard() {
      for (int i = 0; i < 2; ++i) {
        if (saved[i]) ::setenv(names[i], saved[i]->c_str(), 1);
        else ::unsetenv(names[i]);
      }
    }
  } guard;
  ::setenv("http_proxy", proxy.url().c_str(), 1);
  transport_options o;  // no proxy option: libcurl reads http_proxy itself
  o.allow_insecure_http = true;
  auto t = make_default_transport(o);
  CHECK(outcome_of(*t, post("http://example.invalid/via-env")) == "response 200");
  const auto reqs = proxy.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].method == "CONNECT");
  CHECK(reqs[0].target == "example.invalid:80");
  CHECK(reqs[1].method == "POST");
  CHECK(reqs[1].target == "/via-env");
  CHECK(reqs[1].header("host") == "example.invalid");

  // no_proxy (environment) sends loopback traffic directly.
  ::setenv("no_proxy", "127.0.0.1", 1);
  CHECK(outcome_of(*t, post(direct.url("/direct"))) == "response 200");
  REQUIRE(direct.requests().size() == 1);
  CHECK(direct.requests()[0].method == "POST");
  CHECK(direct.requests()[0].target == "/direct");
  CHECK(proxy.requests().size() == 2);
}

TEST_CASE("http: requests the transport refuses to send") {
  loopback_server server;
  auto t = make_default_transport(test_options());
  http_request r = post(server.url());
  r.headers.push_back({"X-Injected", "a\r\nX-Evil: 1"});
  CHECK_THROWS_AS(t->send(r), error);
  r = post(server.url());
  r.headers.push_back({"Bad Name", "x"});
  CHECK_THROWS_AS(t->send(r), error);
  r = post(server.url(), "{}");
  r.headers.push_back({"Content-Length", "99"});
  CHECK_THROWS_AS(t->send(r), error);
  r = post(server.url());
  r.method = "PO ST";
  CHECK_THROWS_AS(t->send(r), error);
  r = post("ftp://127.0.0.1/");
  CHECK_THROWS_AS(t->send(r), error);
  CHECK(server.requests().empty());
}

// ------------------------------------------------------------------ HTTP/1.1 framing and reuse
// The contract of the default transport's own HTTP/1.1 reader/writer, against exact bytes.

TEST_CASE("http: chunked responses are reassembled and the connection is reused") {
  loopback_server server;
  server.set(raw_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Before: 1\r\n\r\n"
                       "5;x=y\r\nhello\r\n"
                       "1;flag\r\n \r\n"
                       "1A\r\nabcdefghijklmnopqrstuvwxyz\r\n"
                       "3\r\n!!!\r\n"
                       "0\r\nX-Trailer: t\r\nX-Trailer-2: u\r\n\r\n"));
  auto t = make_default_transport(test_options());
  for (int i = 0; i < 2; ++i) {
    CAPTURE(i);
    http_response r;
    REQUIRE(outcome_of(*t, post(server.url()), nullptr, &r) == "response 200");
    CHECK(r.body == "hello abcdefghijklmnopqrstuvwxyz!!!");
    REQUIRE(r.header("x-before"));
    CHECK(*r.header("x-before") == "1");
  }
  const auto reqs = server.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(server.connections() == 1);
  CHECK(reqs[1].connection == reqs[0].connection);
}

TEST_CASE("http: a response without Content-Length or chunking is read until the server closes") {
  loopback_server server;
  const std::string body = "the body goes on until the server hangs up";
  // In pieces of 7 bytes: the end of the body is the close, not the end of the first read.
  loopback_server::behaviour b =
      raw_reply("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body, true, 7);
  server.set(b);
  auto t = make_default_transport(test_options());
  http_response r;
  REQUIRE(outcome_of(*t, post(server.url()), nullptr, &r) == "response 200");
  CHECK(r.body == body);
  CHECK(*r.header("content-type") == "text/plain");
  // That connection is gone: the next request opens another one.
  server.set({});
  REQUIRE(outcome_of(*t, post(server.url()), nullptr, &r) == "response 200");
  CHECK(r.body == "{}");
  const auto reqs = server.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(server.connections() == 2);
  CHECK(reqs[1].connection != reqs[0].connection);
}

TEST_CASE("http: Connection: close is honoured after a Content-Length body") {
  loopback_server server;  // keeps its end open: only the client's reading of the header closes it
  loopback_server::behaviour b;
  b.headers = {{"Connection", "close"}};
  b.body = R"({"closing":true})";
  server.set(b);
  auto t = make_default_transport(test_options());
  for (int i = 0; i < 2; ++i) {
    CAPTURE(i);
    http_response r;
    REQUIRE(outcome_of(*t, post(server.url()), nullptr, &r) == "response 200");
    CHECK(r.body == b.body);
  }
  const auto reqs = server.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(server.connections() == 2);
  CHECK(reqs[1].connection != reqs[0].connection);
}

TEST_CASE("http: a keep-alive connection the server closed is replaced transparently") {
  loopback_server server;
  loopback_server::behaviour b;
  b.close_after_response = true;  // the server drops every connection right after its response
  b.body = R"({"n":1})";
  server.set(b);
  auto t = make_default_transport(test_options());
  CHECK(outcome_of(*t, post(server.url("/1"))) == "response 200");
  std::this_thread::sleep_for(50ms);  // the FIN has certainly arrived
  CHECK(outcome_of(*t, post(server.url("/2"))) == "response 200");
  CHECK(outcome_of(*t, post(server.url("/3"))) == "response 200");  // right away: may race the FIN
  const auto reqs = server.requests();
  REQUIRE(reqs.size() == 3);  // each request exactly once
  CHECK(server.connections() == 3);
  CHECK(reqs[0].target == "/1");
  CHECK(reqs[1].target == "/2");
  CHECK(reqs[2].target == "/3");
  CHECK(reqs[0].connection != reqs[1].connection);
  CHECK(reqs[1].connection != reqs[2].connection);
}

TEST_CASE("http: a response delivered one byte at a time") {
  loopback_server server;
  const std::string body = R"({"status":"done","amount":"12.34"})";
  server.set(raw_reply("HTTP/1.1 201 Created\r\nX-Amzn-RequestId: r-1\r\nX-Empty:\r\n"
                       "Content-Type: application/x-amz-json-1.0\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body,
                       false, 1));
  auto t = make_default_transport(test_options());
  http_response r;
  REQUIRE(outcome_of(*t, post(server.url()), nullptr, &r) == "response 201");
  CHECK(r.body == body);
  REQUIRE(r.header("x-amzn-requestid"));
  CHECK(*r.header("x-amzn-requestid") == "r-1");
  REQUIRE(r.header("x-empty"));
  CHECK(r.header("x-empty")->empty());
  CHECK(*r.header("content-type") == "application/x-amz-json-1.0");

  // Chunked, one byte at a time, on the same connection.
  server.set(raw_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "4;ext=1\r\nwiki\r\n5\r\npedia\r\n0\r\nX-T: 1\r\n\r\n",
                       false, 1));
  REQUIRE(outcome_of(*t, post(server.url()), nullptr, &r) == "response 200");
  CHECK(r.body == "wikipedia");
  CHECK(server.connections() == 1);
}

TEST_CASE("http: malformed responses are receive failures naming the host") {
  struct malformed {
    std::string name;
    std::string raw;
    bool close_after;
  };
  // Where a lax reader could make sense of the bytes, they are complete for it and the server
  // keeps the connection open: only rejecting them gives "receive".
  const std::vector<malformed> all = {
      {"protocol HTTX", "HTTX/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false},
      {"status 2x0", "HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\nok", false},
      {"empty response", "", true},
      {"empty status line", "\r\n\r\n", true},
      {"Content-Length 12abc", "HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\nhello world!", false},
      {"Content-Length -1", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nok", true},
      {"two Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nokk", false},
      {"chunk size zz", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", false},
      {"chunk size over 64 bits",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(20, 'f') + "\r\nhello\r\n0\r\n\r\n",
       false},
      {"truncated body", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", true},
  };
  loopback_server server;
  transport_options o = test_options();
  o.total_timeout = 3000ms;  // a reader that waits for more bytes fails as "timeout", quickly
  for (const malformed& m : all) {
    CAPTURE(m.name);
    server.set(raw_reply(m.raw, m.close_after));
    auto t = make_default_transport(o);
    const size_t before = server.requests().size();
    std::string what;
    CHECK(outcome_of(*t, post(server.url()), &what) == "receive");
    CHECK(contains(what, "127.0.0.1"));
    const auto reqs = server.requests();
    REQUIRE(reqs.size() == before + 1);  // a fresh connection: no resend
    // The connection in an unknown state is not reused.
    server.set({});
    CHECK(outcome_of(*t, post(server.url())) == "response 200");
    REQUIRE(server.requests().size() == before + 2);
    CHECK(server.requests().back().connection != reqs.back().connection);
  }
}

TEST_CASE("http: size caps on chunked bodies and header sections") {
  loopback_server server;
  transport_options small = test_options();
  small.max_response_bytes = 1000;
  small.total_timeout = 5000ms;
  std::string what;

  // Four complete chunks of 500 bytes: over the cap of 1000.
  std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) chunked += "1f4\r\n" + std::string(500, 'c') + "\r\n";
  chunked += "0\r\n\r\n";
  server.set(raw_reply(chunked));
  CHECK(outcome_of(*make_default_transport(small), post(server.url()), &what) == "too_large");
  CHECK(contains(what, "127.0.0.1"));

  // Exactly the cap in two chunks is fine.
  server.set(raw_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1f4\r\n" + std::string(500, 'a') +
                       "\r\n1f4\r\n" + std::string(500, 'b') + "\r\n0\r\n\r\n"));
  http_response r;
  CHECK(outcome_of(*make_default_transport(small), post(server.url()), nullptr, &r) == "response 200");
  CHECK(r.body == std::string(500, 'a') + std::string(500, 'b'));

  // One chunk announcing 1 MiB, of which 10 bytes arrive and the server waits: refused from
  // the size line, not after buffering (a reader waiting for the chunk would time out).
  server.set(raw_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n0123456789"));
  CHECK(outcome_of(*make_default_transport(small), post(server.url()), &what) == "too_large");

  // Header sections over 100 KiB, never terminated, the server waiting: the cap is applied
  // while reading. Default body cap (16 MiB), so only the header cap can refuse them.
  transport_options o = test_options();
  o.total_timeout = 5000ms;
  server.set(raw_reply("HTTP/1.1 200 OK\r\nX-Huge: " + std::string(200u << 10, 'h')));
  CHECK(outcome_of(*make_default_transport(o), post(server.url()), &what) == "too_large");
  CHECK(contains(what, "127.0.0.1"));
  std::string many = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; many.size() < (200u << 10); ++i) many += "X-Header-" + std::to_string(i) + ": value\r\n";
  server.set(raw_reply(many));
  CHECK(outcome_of(*make_default_transport(o), post(server.url()), &what) == "too_large");

  // A 50 KiB header section (50 headers of 1 KiB) is well within it.
  std::string fifty = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 50; ++i) fifty += "X-Big-" + std::to_string(i) + ": " + std::string(1000, 'v') + "\r\n";
  fifty += "Content-Length: 2\r\n\r\nok";
  server.set(raw_reply(fifty));
  CHECK(outcome_of(*make_default_transport(o), post(server.url()), nullptr, &r) == "response 200");
  CHECK(r.body == "ok");
  CHECK(r.headers.size() == 51);
}

TEST_CASE("http: 204 No Content without Content-Length keeps the connection") {
  loopback_server server;
  server.set(raw_reply("HTTP/1.1 204 No Content\r\nX-Amzn-RequestId: r-204\r\n\r\n"));
  auto t = make_default_transport(test_options());
  for (int i = 0; i < 2; ++i) {
    CAPTURE(i);
    http_response r;
    REQUIRE(outcome_of(*t, post(server.url()), nullptr, &r) == "response 204");
    CHECK(r.body.empty());
    CHECK(*r.header("x-amzn-requestid") == "r-204");
  }
  const auto reqs = server.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(server.connections() == 1);
  CHECK(reqs[1].connection == reqs[0].connection);
}

TEST_CASE("http: bytes after a complete response retire the connection") {
  loopback_server server;
  // The excess is itself a well-formed response: a transport reusing the connection would
  // return "stale" for the next request.
  server.set(raw_reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                       "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale"));
  auto t = make_default_transport(test_options());
  http_response r;
  REQUIRE(outcome_of(*t, post(server.url()), nullptr, &r) == "response 200");
  CHECK(r.body == "ok");
  loopback_server::behaviour fresh;
  fresh.body = "fresh";
  server.set(fresh);
  REQUIRE(outcome_of(*t, post(server.url()), nullptr, &r) == "response 200");
  CHECK(r.body == "fresh");
  const auto reqs = server.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(server.connections() == 2);
  CHECK(reqs[1].connection != reqs[0].connection);
}

TEST_CASE("http: bytes arriving on an idle connection retire it") {
  loopback_server server;
  // The response, then 50 ms later a stray response of the same length on the idle
  // connection, before the next request is sent 200 ms later. The transport checks the
  // connection before every reuse, so the stray bytes are never taken as the next answer.
  const std::string first = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const std::string stale = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nST";
  REQUIRE(first.size() == stale.size());
  loopback_server::behaviour b = raw_reply(first + stale, false, first.size());
  b.piece_pause = 50ms;
  server.set(b);
  auto t = make_default_transport(test_options());
  http_response r;
  REQUIRE(outcome_of(*t, post(server.url()), nullptr, &r) == "response 200");
  CHECK(r.body == "ok");
  std::this_thread::sleep_for(200ms);
  loopback_server::behaviour fresh;
  fresh.body = "fresh";
  server.set(fresh);
  REQUIRE(outcome_of(*t, post(server.url()), nullptr, &r) == "response 200");
  CHECK(r.body == "fresh");  // not the stray "ST"
  const auto reqs = server.requests();
  CHECK(server.connections() == 2);
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[1].connection != reqs[0].connection);
}

TEST_CASE("http: total timeout while the body is stalled") {
  loopback_server server;
  loopback_server::behaviour b;
  b.stall_after_headers = true;  // status and Content-Length arrive, the body never does
  b.body = R"({"never":"sent"})";
  server.set(b);
  transport_options o = test_options();
  o.total_timeout = 300ms;
  auto t = make_default_transport(o);
  std::string what;
  CHECK(outcome_of(*t, post(server.url()), &what) == "timeout");
  CHECK(contains(what, "127.0.0.1"));
  CHECK(server.requests().size() == 1);
}

TEST_CASE("http: what goes on the wire for a POST") {
  loopback_server server;
  auto t = make_default_transport(test_options());
  http_request r;
  r.method = "POST";
  r.url = server.url("/wire?x=1");
  r.headers = {{"Content-Type", "application/x-amz-json-1.0"},
               {"X-Amz-Target", "AWSMPCommerceService_v20200301.DescribeAgreement"},
               {"X-Blank", ""},
               {"X-Spaces", "a  b, c;d=e \"q\""},
               {"X-Dup", "1"},
               {"X-Dup", "2"},
               {"X-Amz-Date", "20240101T000000Z"},
               {"Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/aws-marketplace/"
                                 "aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=abc"}};
  r.body = R"({"a":1})";
  CHECK(outcome_of(*t, r) == "response 200");
  REQUIRE(server.requests().size() == 1);
  const auto req = server.requests()[0];
  CAPTURE(req.head);
  CHECK(req.method == "POST");
  CHECK(req.target == "/wire?x=1");
  CHECK(req.version == "HTTP/1.1");
  CHECK(req.body == r.body);
  CHECK(req.header_count("host") == 1);
  CHECK(req.header("host") == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(req.header_count("content-length") == 1);
  CHECK(req.header("content-length") == "7");
  CHECK(req.header_count("user-agent") == 1);
  CHECK(req.header_count("transfer-encoding") == 0);
  CHECK(req.header_count("expect") == 0);
  // The caller's headers, in order, with their exact values (empty included), nothing merged.
  std::vector<std::pair<std::string, std::string>> given, seen;
  for (const auto& h : r.headers) given.emplace_back(h.name, h.value);
  for (const auto& h : req.headers) {
    if (std::any_of(r.headers.begin(), r.headers.end(),
                    [&](const http_header& g) { return loopback_server::request::same_name(g.name, h.first); }))
      seen.push_back(h);
  }
  REQUIRE(seen.size() == given.size());
  for (size_t i = 0; i < given.size(); ++i) {
    CAPTURE(i);
    CHECK(loopback_server::request::same_name(seen[i].first, given[i].first));
    CHECK(seen[i].second == given[i].second);
  }
}

TEST_CASE("http: a reused connection dropped without an answer is retried once on a new one") {
  loopback_server server;
  auto t = make_default_transport(test_options());
  CHECK(outcome_of(*t, post(server.url("/ok"))) == "response 200");
  loopback_server::behaviour b;
  b.how = loopback_server::mode::drop;
  server.set(b);
  std::string what;
  CHECK(outcome_of(*t, post(server.url("/dropped")), &what) == "receive");
  CHECK(contains(what, "127.0.0.1"));
  auto reqs = server.requests();
  REQUIRE(reqs.size() == 3);  // once on the kept-alive connection, once more on a new one
  CHECK(reqs[1].target == "/dropped");
  CHECK(reqs[2].target == "/dropped");
  CHECK(reqs[1].connection == reqs[0].connection);
  CHECK(reqs[2].connection != reqs[0].connection);
  CHECK(server.connections() == 2);

  // Part of an answer arrived before the drop: the request may have been applied, so it is
  // not sent again.
  server.set({});
  CHECK(outcome_of(*t, post(server.url("/ok2"))) == "response 200");
  server.set(raw_reply("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true));
  CHECK(outcome_of(*t, post(server.url("/partial"))) == "receive");
  reqs = server.requests();
  REQUIRE(reqs.size() == 5);
  CHECK(reqs[4].target == "/partial");
  CHECK(reqs[4].connection == reqs[3].connection);
}

TEST_CASE("http: invalid transport options") {
  transport_options o;
  o.total_timeout = 0ms;
  CHECK_THROWS_AS(make_default_transport(o), error);
  o = {};
  o.max_response_bytes = 0;
  CHECK_THROWS_AS(make_default_transport(o), error);
  o = {};
  o.ca_bundle = "/nonexistent/ca.pem";
  try {
    make_default_transport(o);
    FAIL("no error");
  } catch (const error& e) {
    CHECK(e.status() == MPADJUST_EINVALID);
    CHECK(e.field() == "ca_bundle");
  }
}
#endif  // MPADJUST_WITH_CURL

#if defined(MPADJUST_WITH_CURL) && defined(MPADJUST_TEST_HAVE_SSL)
// ------------------------------------------------------------------ TLS verification
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <pthread.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace {

// A self-signed certificate (P-256) for the given subjectAltName, written as PEM to a file
// that can serve as a CA bundle.
struct test_cert {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  std::string pem_path;

  explicit test_cert(const std::string& san) {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    REQUIRE(key);
    cert = X509_new();
    REQUIRE(cert);
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("mpadjust test"),
                               -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    for (const auto& [nid, value] : {std::pair<int, std::string>{NID_subject_alt_name, san},
                                     {NID_basic_constraints, "critical,CA:TRUE"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
      REQUIRE(ext);
      X509_add_ext(cert, ext, -1);
      X509_EXTENSION_free(ext);
    }
    REQUIRE(X509_sign(cert, key, EVP_sha256()) > 0);
    char tmpl[] = "/tmp/mpadjust-test-ca-XXXXXX";
    const int fd = ::mkstemp(tmpl);
    REQUIRE(fd >= 0);
    pem_path = tmpl;
    FILE* f = ::fdopen(fd, "w");
    REQUIRE(f);
    REQUIRE(PEM_write_X509(f, cert) == 1);
    std::fclose(f);
  }
  ~test_cert() {
    X509_free(cert);
    EVP_PKEY_free(key);
    std::remove(pem_path.c_str());
  }
};

// Serves TLS connections on 127.0.0.1:<ephemeral> with `cert`. By default one request per
// connection, answered "200 ok" with Connection: close. With keep_alive, every request on a
// connection is answered (body_size bytes of a known pattern, written as one SSL_write or in
// write_piece-byte records) until the client hangs up.
struct tls_server_options {
  bool keep_alive = false;
  size_t body_size = 2;    // "ok" when 2
  size_t write_piece = 0;  // 0: one SSL_write for the whole response
};

class tls_server {
 public:
  using options = tls_server_options;
  static std::string body_of(size_t n) {
    if (n == 2) return "ok";
    std::string b(n, 'x');
    for (size_t i = 0; i < n; ++i) b[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
    return b;
  }

  explicit tls_server(const test_cert& c, options o = {}) : opt_(o) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    REQUIRE(ctx_);
    REQUIRE(SSL_CTX_use_certificate(ctx_, c.cert) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey(ctx_, c.key) == 1);
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 4) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~tls_server() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
    SSL_CTX_free(ctx_);
  }
  int port() const { return port_; }
  int served() const { return served_.load(); }  // requests that arrived over TLS
  int connections() const { return connections_.load(); }

 private:
  // Reads one request (head + Content-Length body) from `ssl`, keeping extra bytes in `pending`.
  static bool read_request(SSL* ssl, std::string& pending) {
    char buf[4096];
    int n;
    size_t end;
    while ((end = pending.find("\r\n\r\n")) == std::string::npos) {
      if ((n = SSL_read(ssl, buf, sizeof buf)) <= 0) return false;
      pending.append(buf, static_cast<size_t>(n));
    }
    size_t length = 0;
    const size_t at = pending.find("Content-Length: ");
    if (at != std::string::npos && at < end) length = std::strtoul(pending.c_str() + at + 16, nullptr, 10);
    while (pending.size() < end + 4 + length) {
      if ((n = SSL_read(ssl, buf, sizeof buf)) <= 0) return false;
      pending.append(buf, static_cast<size_t>(n));
    }
    pending.erase(0, end + 4 + length);
    return true;
  }

  void run() {
    // OpenSSL writes with plain write(): a client that hangs up would raise SIGPIPE. Block it in
    // this thread only (a pending thread-directed signal dies with the thread).
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, nullptr);
    const std::string body = body_of(opt_.body_size);
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 10000) <= 0 || !(p.revents & POLLIN)) return;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++connections_;
      timeval tv{5, 0};
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, c);
      if (SSL_accept(ssl) == 1) {
        std::string pending;
        while (read_request(ssl, pending)) {
          const std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
                                   (opt_.keep_alive ? "" : "Connection: close\r\n") + "\r\n" + body;
          const size_t piece = opt_.write_piece == 0 ? resp.size() : opt_.write_piece;
          for (size_t off = 0; off < resp.size(); off += piece) {
            const int len = static_cast<int>(std::min(piece, resp.size() - off));
            if (SSL_write(ssl, resp.data() + off, len) != len) break;
          }
          ++served_;
          if (!opt_.keep_alive) break;
        }
        SSL_shutdown(ssl);
      }
      ERR_clear_error();
      SSL_free(ssl);
      ::close(c);
    }
  }
  options opt_;
  std::atomic<int> connections_{0};
  SSL_CTX* ctx_ = nullptr;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> served_{0};
  std::thread thread_;
};

}  // namespace

TEST_CASE("http: TLS is verified against the system store, ca_bundle or AWS_CA_BUNDLE") {
  test_cert cert("IP:127.0.0.1,DNS:localhost");
  tls_server server(cert);
  const std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
  const std::string url_localhost = "https://localhost:" + std::to_string(server.port()) + "/";

  // The process may have AWS_CA_BUNDLE set (corporate CA): put it aside for this test.
  struct env_guard {
    std::optional<std::string> saved;
    env_guard() {
      if (const char* v = std::getenv("AWS_CA_BUNDLE")) saved = v;
      ::unsetenv("AWS_CA_BUNDLE");
    }
    ~env_guard() {
      if (saved) ::setenv("AWS_CA_BUNDLE", saved->c_str(), 1);
      else ::unsetenv("AWS_CA_BUNDLE");
    }
  } guard;

  // Default options: a self-signed certificate is rejected.
  {
    auto t = make_default_transport(test_options());
    std::string what;
    CHECK(failure_of(*t, post(url), &what) == transport_failure::tls);
    CHECK(contains(what, "127.0.0.1"));
  }
  // With the certificate as the CA bundle it is accepted, by IP and by name.
  {
    transport_options o = test_options();
    o.ca_bundle = cert.pem_path;
    auto t = make_default_transport(o);
    const http_response r = t->send(post(url));
    CHECK(r.status == 200);
    CHECK(r.body == "ok");
    CHECK(make_default_transport(o)->send(post(url_localhost)).status == 200);
  }
  // AWS_CA_BUNDLE is honoured when the option is empty.
  {
    ::setenv("AWS_CA_BUNDLE", cert.pem_path.c_str(), 1);
    auto t = make_default_transport(test_options());
    ::unsetenv("AWS_CA_BUNDLE");
    CHECK(t->send(post(url)).status == 200);
  }
  CHECK(server.served() == 3);
}

TEST_CASE("http: a trusted certificate for another host name is rejected") {
  test_cert cert("DNS:agreement-marketplace.us-east-1.amazonaws.com");
  tls_server server(cert);
  transport_options o = test_options();
  o.ca_bundle = cert.pem_path;
  auto t = make_default_transport(o);
  CHECK(failure_of(*t, post("https://127.0.0.1:" + std::to_string(server.port()) + "/")) ==
        transport_failure::tls);
  CHECK(server.served() == 0);
}

TEST_CASE("http: over TLS a kept-alive connection carries many requests and multi-record responses") {
  test_cert cert("IP:127.0.0.1");
  // 100 KiB bodies: seven TLS records from one write, or a thousand records of 103 bytes, each
  // read completely through libcurl's TLS layer, four times on one connection.
  for (size_t piece : {size_t{0}, size_t{103}}) {
    CAPTURE(piece);
    tls_server::options so;
    so.keep_alive = true;
    so.body_size = 100 * 1024;
    so.write_piece = piece;
    tls_server server(cert, so);
    transport_options o = test_options();
    o.ca_bundle = cert.pem_path;
    auto t = make_default_transport(o);
    const std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
    for (int i = 0; i < 4; ++i) {
      const http_response r = t->send(post(url));
      CHECK(r.status == 200);
      CHECK(r.body.size() == so.body_size);
      CHECK(r.body == tls_server::body_of(so.body_size));
    }
    CHECK(server.served() == 4);
    CHECK(server.connections() == 1);
  }
}

#endif  // MPADJUST_WITH_CURL && MPADJUST_TEST_HAVE_SSL


#if defined(MPADJUST_WITH_CURL)
TEST_CASE("http: cancel while the connection is being opened (a proxy slow to open the tunnel)") {
  loopback_server proxy;
  loopback_server::behaviour b;
  b.connect_delay = 60000ms;
  proxy.set(b);
  transport_options o = test_options();
  o.no_proxy = "";
  o.proxy = proxy.url();
  o.allow_insecure_http = true;
  auto t = make_default_transport(o);
  std::thread canceller([&] {
    proxy.wait_requests(1);  // the CONNECT is waiting for its answer: libcurl is connecting
    std::this_thread::sleep_for(100ms);
    t->cancel();
  });
  const auto started = std::chrono::steady_clock::now();
  std::string what;
  const std::string outcome = outcome_of(*t, post("http://example.invalid/x"), &what);
  const auto took = std::chrono::steady_clock::now() - started;
  canceller.join();
  CHECK(outcome == "cancelled");
  CHECK(took < 5s);  // not the 60 s of the proxy nor the 20 s total timeout
  REQUIRE(proxy.requests().size() == 1);
  CHECK(proxy.requests()[0].method == "CONNECT");
}

TEST_CASE("http: the connect timeout covers opening a proxy tunnel") {
  loopback_server proxy;
  loopback_server::behaviour b;
  b.connect_delay = 10000ms;
  proxy.set(b);
  transport_options o = test_options();
  o.no_proxy = "";
  o.proxy = proxy.url();
  o.allow_insecure_http = true;
  o.connect_timeout = 300ms;
  auto t = make_default_transport(o);
  const auto started = std::chrono::steady_clock::now();
  std::string what;
  CHECK(outcome_of(*t, post("http://example.invalid/x"), &what) == "timeout");
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(contains(what, "example.invalid"));
}
#endif  // MPADJUST_WITH_CURL
