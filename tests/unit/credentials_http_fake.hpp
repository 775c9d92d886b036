// Test helpers for the credential providers that fetch over HTTP (container, IMDS): a fake
// environment and a scripted transport that records every request.
#pragma once

#include <doctest/doctest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <mpadjust/credentials.hpp>
#include <mpadjust/http.hpp>

namespace credentials_http_fake {

// Variables from `vars` only. AWS_EC2_METADATA_DISABLED=true unless given: a test never reaches
// a real instance metadata service by accident.
inline mpadjust::environment env_of(std::map<std::string, std::string> vars) {
  vars.emplace("AWS_EC2_METADATA_DISABLED", "true");
  mpadjust::environment e;
  e.get = [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  return e;
}

class scripted : public mpadjust::transport {
 public:
  using action = std::function<mpadjust::http_response(const mpadjust::http_request&)>;
  std::deque<action> script;
  std::vector<mpadjust::http_request> sent;
  mpadjust::http_response send(const mpadjust::http_request& r) override {
    sent.push_back(r);
    REQUIRE_FALSE(script.empty());
    auto f = std::move(script.front());
    script.pop_front();
    return f(r);
  }
  static action reply(int status, std::string body) {
    return [status, body](const mpadjust::http_request&) {
      mpadjust::http_response r;
      r.status = status;
      r.body = body;
      return r;
    };
  }
  static action fail(mpadjust::transport_failure kind) {
    return [kind](const mpadjust::http_request&) -> mpadjust::http_response {
      throw mpadjust::transport_error(kind, "http: simulated failure");
    };
  }
  std::string header(size_t i, std::string_view name) const {
    for (const auto& h : sent.at(i).headers)
      if (h.name == name) return h.value;
    return "<absent>";
  }
};

// The message of the error p.get() throws (MPADJUST_ECREDENTIALS). `not_found`: whether it must be
// a credentials_not_found (the chain moves on) or must not be (the chain stops).
inline std::string error_of(mpadjust::credentials_provider& p, bool not_found = false) {
  try {
    p.get();
  } catch (const mpadjust::error& e) {
    CHECK(e.status() == MPADJUST_ECREDENTIALS);
    CHECK((dynamic_cast<const mpadjust::credentials_not_found*>(&e) != nullptr) == not_found);
    return e.what();
  }
  FAIL("no error");
  return {};
}

// An HTTP/1.1 server on 127.0.0.1:<ephemeral>, served by one thread: every request head (lines
// with their CRLF, without the blank line) is recorded and answered "200" with answer(head) as the body; connections stay open (keep-alive)
// until the client closes them. Request bodies are not expected (GET, PUT without a body).
class loopback_server {
 public:
  explicit loopback_server(std::function<std::string(const std::string& head)> answer) : answer_(std::move(answer)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 4) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~loopback_server() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string url(const std::string& path = "") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::vector<std::string> heads() const {
    std::lock_guard<std::mutex> g(mu_);
    return heads_;
  }

 private:
  bool readable(int fd) const {  // waits in 50 ms steps until readable or stopping
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      const int rc = ::poll(&p, 1, 50);
      if (rc > 0) return true;
      if (rc < 0 || stop_) return false;
    }
  }
  void run() {
    while (readable(fd_)) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string buf;
      for (bool open = true; open;) {
        size_t end;
        while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
          char tmp[2048];
          ssize_t n = 0;
          if (!readable(c) || (n = ::recv(c, tmp, sizeof tmp, 0)) <= 0) {
            open = false;
            break;
          }
          buf.append(tmp, static_cast<size_t>(n));
        }
        if (!open) break;
        const std::string head = buf.substr(0, end + 2);  // every header line with its CRLF
        buf.erase(0, end + 4);
        {
          std::lock_guard<std::mutex> g(mu_);
          heads_.push_back(head);
        }
        const std::string body = answer_(head);
        const std::string resp = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                 std::to_string(body.size()) + "\r\n\r\n" + body;
        (void)!::send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
      }
      ::close(c);
    }
  }

  std::function<std::string(const std::string&)> answer_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<std::string> heads_;
  std::thread thread_;
};

}  // namespace credentials_http_fake
