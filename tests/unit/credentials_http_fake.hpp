// Test helpers for the credential providers that fetch over HTTP (container, IMDS): a fake
// environment and a scripted transport that records every request.
#pragma once

#include <doctest/doctest.h>

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
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

}  // namespace credentials_http_fake
