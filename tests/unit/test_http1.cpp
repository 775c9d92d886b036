// HTTP/1.1 framing of the default transport (src/http/http1.hpp): request bytes and the
// incremental response reader, without sockets. Expected bytes are written out by hand from
// RFC 9112; the transport's loopback tests (test_http.cpp) cover the same rules over TCP.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <mpadjust/error.hpp>
#include <mpadjust/http.hpp>

#include "http/http1.hpp"
#include "http/url.hpp"

using namespace mpadjust;
using detail::http1_error;
using detail::http1_reader;

namespace {

std::string write(const http_request& r, std::string_view ua = "ua/1") {
  std::string out;
  detail::http1_write_request(out, r, detail::parse_http_url(r.url), ua);
  return out;
}

http_request post(std::string url, std::string body) {
  http_request r;
  r.method = "POST";
  r.url = std::move(url);
  r.body = std::move(body);
  return r;
}

struct parsed {
  http_response response;
  bool complete = false;
  bool keep_alive = false;
  size_t used = 0;
  bool error = false;
  bool too_large = false;
  std::string message;
};

// Feeds `bytes` in pieces of `piece` bytes (0 = all at once); eof at the end when `close`.
parsed read(std::string_view bytes, size_t piece = 0, bool close = false, bool head = false,
            size_t max_body = 1 << 20) {
  parsed p;
  http1_reader reader(p.response, head, max_body);
  try {
    size_t off = 0;
    while (off < bytes.size() && !reader.complete()) {
      const size_t n = piece == 0 ? bytes.size() - off : std::min(piece, bytes.size() - off);
      const size_t used = reader.feed(bytes.data() + off, n);
      p.used += used;
      off += n;
      if (used < n) break;
    }
    if (close && !reader.complete()) reader.eof();
  } catch (const http1_error& e) {
    p.error = true;
    p.too_large = e.too_large;
    p.message = e.message;
  }
  p.complete = reader.complete();
  p.keep_alive = p.complete && reader.keep_alive();
  return p;
}

bool same(const parsed& a, const parsed& b) {
  if (a.complete != b.complete || a.keep_alive != b.keep_alive || a.error != b.error ||
      a.response.status != b.response.status || a.response.body != b.response.body ||
      a.response.headers.size() != b.response.headers.size())
    return false;
  for (size_t i = 0; i < a.response.headers.size(); ++i) {
    if (a.response.headers[i].name != b.response.headers[i].name ||
        a.response.headers[i].value != b.response.headers[i].value)
      return false;
  }
  return true;
}

}  // namespace

TEST_CASE("http: request bytes: origin form, Host, User-Agent, Content-Length, headers in order") {
  http_request r = post("http://127.0.0.1:8080/p/a?x=1&y=%2F", "{\"a\":1}");
  r.headers = {{"Content-Type", "application/x-amz-json-1.0"}, {"X-Empty", ""}, {"X-Amz-Target", "S.Op"}};
  CHECK(write(r) ==
        "POST /p/a?x=1&y=%2F HTTP/1.1\r\n"
        "Host: 127.0.0.1:8080\r\n"
        "User-Agent: ua/1\r\n"
        "Content-Type: application/x-amz-json-1.0\r\n"
        "X-Empty:\r\n"
        "X-Amz-Target: S.Op\r\n"
        "Content-Length: 7\r\n"
        "\r\n"
        "{\"a\":1}");
}

TEST_CASE("http: request bytes: the Host header matches what SigV4 signs") {
  CHECK(write(post("https://agreement-marketplace.us-east-1.amazonaws.com/", "{}"))
            .find("\r\nHost: agreement-marketplace.us-east-1.amazonaws.com\r\n") != std::string::npos);
  CHECK(write(post("https://h.example:443/", "{}")).find("\r\nHost: h.example\r\n") != std::string::npos);
  CHECK(write(post("http://h.example:80/", "{}")).find("\r\nHost: h.example\r\n") != std::string::npos);
  CHECK(write(post("https://h.example:8443/", "{}")).find("\r\nHost: h.example:8443\r\n") != std::string::npos);
  CHECK(write(post("http://[::1]:9000/", "{}")).find("\r\nHost: [::1]:9000\r\n") != std::string::npos);
  CHECK(write(post("http://h.example", "{}")).rfind("POST / HTTP/1.1\r\n", 0) == 0);
}

TEST_CASE("http: request bytes: headers the caller gives are not added again") {
  http_request r = post("http://127.0.0.1:1/", "abc");
  r.headers = {{"host", "other.example"}, {"user-agent", "mine/2"}, {"content-length", "3"}};
  const std::string bytes = write(r);
  CHECK(bytes ==
        "POST / HTTP/1.1\r\nhost: other.example\r\nuser-agent: mine/2\r\ncontent-length: 3\r\n\r\nabc");

  http_request get;
  get.method = "GET";
  get.url = "http://127.0.0.1:1/x";
  CHECK(write(get, "") == "GET /x HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n");  // no body, no length
  http_request del = get;
  del.method = "DELETE";
  CHECK(write(del, "").find("Content-Length: 0\r\n") != std::string::npos);
}

TEST_CASE("http: request bytes: requests that cannot be sent as they are") {
  auto field_of = [](const http_request& r) -> std::string {
    try {
      write(r);
    } catch (const error& e) {
      CHECK(e.status() == MPADJUST_EINVALID);
      return e.field();
    }
    return "<sent>";
  };
  http_request r = post("http://127.0.0.1:1/", "{}");
  r.method = "PO ST";
  CHECK(field_of(r) == "method");
  r = post("http://127.0.0.1:1/", "{}");
  r.headers = {{"Bad Name", "x"}};
  CHECK(field_of(r) == "headers");
  for (const char* v : {"a\r\nX-Evil: 1", "a\nb", "a\rb"}) {
    r.headers = {{"X-Injected", v}};
    CHECK(field_of(r) == "headers");
  }
  r.headers = {{"X-Nul", std::string("a\0b", 3)}};
  CHECK(field_of(r) == "headers");
  r.headers = {{"Content-Length", "99"}};
  CHECK(field_of(r) == "headers");
  r.headers = {{"Content-Length", "+2"}};
  CHECK(field_of(r) == "headers");
  r.headers = {{"Transfer-Encoding", "chunked"}};
  CHECK(field_of(r) == "headers");
  r.headers = {};
  CHECK(field_of(r) == "<sent>");
  std::string out;
  CHECK_THROWS_AS(detail::http1_write_request(out, r, detail::parse_http_url(r.url), "ua\r\nX: y"), error);
}

TEST_CASE("http: reader: Content-Length body, whole or one byte at a time") {
  const std::string bytes =
      "HTTP/1.1 400 Bad Request\r\n"
      "x-amzn-RequestId: req-1\r\n"
      "X-Folded: a\r\n"
      " b\r\n"
      "\tc\r\n"
      "Empty:\r\n"
      "Content-Type:  application/x-amz-json-1.0 \r\n"
      "Content-Length: 13\r\n"
      "\r\n"
      "{\"__type\":1}\n";
  const parsed whole = read(bytes);
  REQUIRE_FALSE(whole.error);
  CHECK(whole.complete);
  CHECK(whole.keep_alive);
  CHECK(whole.used == bytes.size());
  CHECK(whole.response.status == 400);
  CHECK(whole.response.body == "{\"__type\":1}\n");
  CHECK(*whole.response.header("X-AMZN-REQUESTID") == "req-1");
  CHECK(*whole.response.header("x-folded") == "a b c");
  CHECK(whole.response.header("empty")->empty());
  CHECK(*whole.response.header("content-type") == "application/x-amz-json-1.0");
  for (size_t piece : {1, 2, 3, 7, 64}) CHECK(same(read(bytes, piece), whole));
  // Bare LF line ends are read like CRLF.
  std::string lf = bytes;
  for (size_t at; (at = lf.find("\r\n")) != std::string::npos;) lf.erase(at, 1);
  const parsed lfp = read(lf);
  CHECK(lfp.complete);
  CHECK(lfp.response.status == 400);
  CHECK(*lfp.response.header("x-folded") == "a b c");
}

TEST_CASE("http: reader: chunked bodies with extensions and trailers") {
  const std::string bytes =
      "HTTP/1.1 200 OK\r\n"
      "Transfer-Encoding: chunked\r\n"
      "\r\n"
      "5;name=value\r\n"
      "hello\r\n"
      "1A\r\n"
      "abcdefghijklmnopqrstuvwxyz\r\n"
      "0\r\n"
      "X-Trailer: t\r\n"
      "\r\n";
  const parsed whole = read(bytes);
  REQUIRE_FALSE(whole.error);
  CHECK(whole.complete);
  CHECK(whole.keep_alive);
  CHECK(whole.response.body == "helloabcdefghijklmnopqrstuvwxyz");
  CHECK_FALSE(whole.response.header("x-trailer"));  // trailers are dropped
  for (size_t piece : {1, 2, 5, 11}) CHECK(same(read(bytes, piece), whole));
  // "gzip, chunked": chunked is the final coding, so the framing is chunked.
  std::string gz = bytes;
  gz.replace(gz.find("chunked"), 7, "gzip, chunked");
  CHECK(read(gz).response.body == whole.response.body);
  // A Transfer-Encoding whose final coding is not chunked is read to the end of the connection.
  const parsed other = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nraw bytes", 0, true);
  CHECK(other.complete);
  CHECK_FALSE(other.keep_alive);
  CHECK(other.response.body == "raw bytes");
  // Both framings announced: chunked wins and the connection is not reused.
  const parsed both = read("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n");
  CHECK(both.complete);
  CHECK(both.response.body == "ab");
  CHECK_FALSE(both.keep_alive);
}

TEST_CASE("http: reader: bodies delimited by the end of the connection") {
  const std::string bytes = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end";
  const parsed open = read(bytes);
  CHECK_FALSE(open.complete);  // more may come
  CHECK_FALSE(open.error);
  const parsed closed = read(bytes, 4, true);
  CHECK(closed.complete);
  CHECK_FALSE(closed.keep_alive);
  CHECK(closed.response.body == "until the end");
}

TEST_CASE("http: reader: no body for HEAD, 204 and 304; interim 1xx responses are skipped") {
  const parsed head = read("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n", 0, false, true, 10);
  CHECK(head.complete);
  CHECK(head.keep_alive);
  CHECK(head.response.body.empty());
  CHECK(*head.response.header("content-length") == "1048576");  // announced, not capped

  const parsed nc = read("HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n");
  CHECK(nc.complete);
  CHECK(nc.keep_alive);
  CHECK(nc.response.status == 204);
  CHECK(read("HTTP/1.1 304 Not Modified\r\n\r\n").complete);

  const std::string interim =
      "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n"
      "HTTP/1.1 102 Processing\r\n\r\n"
      "HTTP/1.1 201 Created\r\nX-Final: yes\r\nContent-Length: 2\r\n\r\n{}";
  for (size_t piece : {0, 1, 9}) {
    const parsed p = read(interim, piece);
    CHECK(p.complete);
    CHECK(p.response.status == 201);
    CHECK(p.response.body == "{}");
    CHECK(p.response.header("x-final"));
    CHECK_FALSE(p.response.header("x-interim"));
  }
  const parsed upgrade = read("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n");
  CHECK(upgrade.error);
}

TEST_CASE("http: reader: which connections may be reused") {
  CHECK(read("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").keep_alive);
  CHECK_FALSE(read("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keep_alive);
  CHECK_FALSE(read("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n").keep_alive);
  CHECK_FALSE(read("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keep_alive);
  // Bytes after the response are not consumed: the transport sees used < n.
  const std::string two = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n";
  const parsed p = read(two);
  CHECK(p.complete);
  CHECK(p.response.body == "{}");
  CHECK(p.used == two.find("{}") + 2);
}

TEST_CASE("http: reader: malformed responses are errors, not guesses") {
  const char* const malformed[] = {
      "HTTX/1.1 200 OK\r\n\r\n",
      "HTTP/1.1 2x0 OK\r\n\r\n",
      "HTTP/1.1 20 OK\r\n\r\n",
      "HTTP/1.1 2000 OK\r\n\r\n",
      "HTTP/2 200\r\n\r\n",
      "HTTP/1.1 099 Low\r\n\r\n",
      "\r\n",
      "garbage\r\n",
      "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
      "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
      "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
      "HTTP/1.1 200 OK\r\n folded first: x\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
  };
  for (const char* bytes : malformed) {
    CAPTURE(bytes);
    const parsed p = read(bytes);
    CHECK(p.error);
    CHECK_FALSE(p.too_large);
    CHECK_FALSE(p.complete);
    CHECK_FALSE(p.message.empty());
  }
  // Identical repeated Content-Length values are one length (RFC 9110 §8.6).
  const parsed dup = read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n\r\n{}");
  CHECK(dup.complete);
  CHECK(dup.response.body == "{}");
}

TEST_CASE("http: reader: a connection that ends early") {
  const parsed nothing = read("", 0, true);
  CHECK(nothing.error);  // eof() before any byte
  {
    http_response r;
    http1_reader reader(r, false, 100);
    CHECK_FALSE(reader.started());
    CHECK_THROWS_AS(reader.eof(), http1_error);
  }
  const struct {
    const char* bytes;
    const char* says;
  } cases[] = {
      {"HTTP/1.1 200 OK\r\nContent-Le", "headers"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", "10 of 100"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "chunked"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.bytes);
    const parsed p = read(c.bytes, 0, true);
    CHECK(p.error);
    CHECK_FALSE(p.too_large);
    CHECK(p.message.find(c.says) != std::string::npos);
  }
}

TEST_CASE("http: reader: size caps on headers and bodies") {
  // Header section above 100 KiB: one long line, or many short ones.
  const std::string long_line = "HTTP/1.1 200 OK\r\nX-Big: " + std::string(110 * 1024, 'a') + "\r\n\r\n";
  const std::string many = [] {
    std::string s = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 8000; ++i) s += "X-H" + std::to_string(i) + ": 0123456789\r\n";
    return s + "\r\n";
  }();
  for (const std::string* bytes : {&long_line, &many}) {
    for (size_t piece : {0, 4096}) {
      const parsed p = read(*bytes, piece);
      CHECK(p.too_large);
      CHECK(p.response.headers.size() < 8000);
    }
  }
  // Bodies: by Content-Length before reading, chunked and close-delimited as they grow.
  CHECK(read("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n", 0, false, false, 100).too_large);
  CHECK(read("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x'), 0, false, false, 100).complete);
  const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + std::string(64, 'x') +
                              "\r\n40\r\n" + std::string(64, 'y') + "\r\n0\r\n\r\n";
  CHECK(read(chunked, 0, false, false, 100).too_large);
  CHECK(read(chunked, 0, false, false, 128).complete);
  CHECK(read("HTTP/1.1 200 OK\r\n\r\n" + std::string(101, 'z'), 7, true, false, 100).too_large);
  // A chunk-size line cannot grow without bound either.
  const parsed ext = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + std::string(8192, 'e'));
  CHECK(ext.error);
}

TEST_CASE("http: reader: any split of a response reads the same; random bytes never crash") {
  const std::vector<std::string> samples = {
      "HTTP/1.1 200 OK\r\nx-amzn-RequestId: r\r\nContent-Length: 5\r\n\r\nhello",
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: 1\r\n\r\n",
      "HTTP/1.1 503 Slow Down\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
  };
  std::mt19937 rng(20261127);
  for (const std::string& s : samples) {
    const parsed whole = read(s);
    REQUIRE(whole.complete);
    for (int round = 0; round < 200; ++round) {
      parsed p;
      http1_reader reader(p.response, false, 1 << 20);
      size_t off = 0;
      while (off < s.size()) {
        const size_t n = std::min<size_t>(1 + rng() % 9, s.size() - off);
        off += reader.feed(s.data() + off, n);
      }
      p.complete = reader.complete();
      p.keep_alive = reader.keep_alive();
      CHECK(same(p, whole));
    }
  }
  // Mutated responses: each byte may be replaced, dropped or duplicated. The reader either
  // completes, asks for more, or throws http1_error; ASan/UBSan builds run this too.
  int completed = 0, failed = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string s = samples[rng() % samples.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      const size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s[at] = static_cast<char>(rng() & 0xFF); break;
        case 1: s.erase(at, 1); break;
        default: s.insert(at, 1, s[at]); break;
      }
    }
    const parsed p = read(s, 1 + rng() % 16, rng() % 2 == 0, false, 64);
    if (p.complete) ++completed;
    if (p.error) ++failed;
    CHECK(p.response.body.size() <= 64);
  }
  MESSAGE("mutated responses: " << completed << " complete, " << failed << " rejected of 3000");
  CHECK(completed > 0);
  CHECK(failed > 0);
}
