// Container credentials (ECS task roles, EKS Pod Identity): see mpadjust/credentials.hpp and
// sdk-conventions.md 2.6. The rules follow botocore's ContainerProvider / ContainerMetadataFetcher
// and aws-sdk-cpp / go-v2 for host names (every address must be allowed).
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <rapidjson/document.h>

#include <mpadjust/credentials.hpp>
#include <mpadjust/http.hpp>

#include "credentials/internal.hpp"
#include "http/url.hpp"

namespace mpadjust {
inline namespace v1 {

namespace {

using credentials_detail::format_utc;
using credentials_detail::parse_rfc3339;
using credentials_detail::wipe;

constexpr const char* relative_var = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
constexpr const char* full_var = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
constexpr const char* token_var = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
constexpr const char* token_file_var = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
constexpr const char* ecs_host = "169.254.170.2";

[[noreturn]] void fail(const std::string& message) {
  throw error(MPADJUST_ECREDENTIALS, "container credentials: " + message);
}

// The ECS and EKS Pod Identity agent addresses, or loopback.
bool allowed_address(const sockaddr* sa) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, text, sizeof text);
  } else {
    return false;
  }
  const std::string_view t(text);
  return detail::is_loopback_host(t) || t == "169.254.170.2" || t == "169.254.170.23" || t == "fd00:ec2::23";
}

bool allowed_literal(const std::string& host) {
  return detail::is_loopback_host(host) || host == "169.254.170.2" || host == "169.254.170.23" ||
         host == "fd00:ec2::23";
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// The URL to fetch, checked against the rules (throws naming the variable).
std::string endpoint_url(const environment& env, std::string& var_used) {
  if (auto rel = env.get(relative_var); rel && !rel->empty()) {
    var_used = relative_var;
    if (rel->front() != '/') fail(std::string(relative_var) + " must start with '/'");
    const std::string url = std::string("http://") + ecs_host + *rel;
    detail::parse_http_url(url, relative_var);  // no spaces, control characters, fragments
    return url;
  }
  auto full = env.get(full_var);
  var_used = full_var;
  detail::parsed_url u = detail::parse_http_url(*full, full_var);
  if (u.scheme == "https") return *full;
  if (allowed_literal(u.host)) return *full;
  if (is_ip_literal(u.host)) {
    fail(std::string(full_var) + ": plain http:// is allowed only to loopback, 169.254.170.2, 169.254.170.23 "
                                 "or fd00:ec2::23 (host " + u.host + ")");
  }
  // A host name: every address it resolves to must be allowed.
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (const int rc = getaddrinfo(u.host.c_str(), nullptr, &hints, &res); rc != 0) {
    fail(std::string(full_var) + ": cannot resolve " + u.host + " (" + gai_strerror(rc) + ")");
  }
  bool all_allowed = res != nullptr;
  for (const addrinfo* a = res; a; a = a->ai_next)
    if (!allowed_address(a->ai_addr)) all_allowed = false;
  freeaddrinfo(res);
  if (!all_allowed) {
    fail(std::string(full_var) + ": " + u.host + " resolves to an address other than loopback, 169.254.170.2, "
                                 "169.254.170.23 or fd00:ec2::23; use https://");
  }
  return *full;
}

class container_provider final : public credentials_provider {
 public:
  explicit container_provider(container_options o) : o_(std::move(o)) {
    if (!o_.env.get) o_.env = environment::process();
  }

  credentials get() override {
    const auto rel = o_.env.get(relative_var);
    const auto full = o_.env.get(full_var);
    if ((!rel || rel->empty()) && (!full || full->empty())) {
      throw credentials_not_found(std::string("container: ") + relative_var + " and " + full_var + " are not set");
    }
    std::string var;
    const std::string url = endpoint_url(o_.env, var);
    const std::string host = detail::parse_http_url(url, var.c_str()).host;

    http_request req;
    req.method = "GET";
    req.url = url;
    req.headers.push_back({"Accept", "application/json"});
    credentials_detail::wiped_string token;
    if (auto path = o_.env.get(token_file_var); path && !path->empty()) {
      if (!credentials_detail::read_file(*path, token.value))
        fail(std::string(token_file_var) + ": cannot read " + *path);
    } else if (auto t = o_.env.get(token_var)) {
      token.value = *t;
    }
    if (!token.value.empty()) {
      if (token.value.find_first_of("\r\n") != std::string::npos)
        fail(std::string("the authorization token (") + token_file_var + " / " + token_var + ") contains CR or LF");
      req.headers.push_back({"Authorization", token.value});
    }
    credentials_detail::request_wiper wiper{req};  // the Authorization value is a secret too

    transport& http = transport_for_fetch();
    const int attempts = o_.attempts < 1 ? 1 : o_.attempts;
    std::string last_problem;
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      if (attempt > 1 && o_.retry_delay.count() > 0) std::this_thread::sleep_for(o_.retry_delay);
      http_response resp;
      try {
        resp = http.send(req);
      } catch (const transport_error& e) {
        if (e.kind() == transport_failure::cancelled || e.kind() == transport_failure::refused_by_policy) throw;
        last_problem = e.what();
        continue;
      }
      credentials_detail::response_wiper bw{resp};
      if (resp.status == 200) return parse(resp.body, host);
      last_problem = "HTTP " + std::to_string(resp.status) + " from " + host + service_message(resp.body);
      if (resp.status != 429 && resp.status < 500) break;  // not worth another attempt
    }
    fail(last_problem + " (" + var + ")");
  }

 private:
  transport& transport_for_fetch() {
    std::lock_guard<std::mutex> lock(mu_);
    if (o_.http) return *o_.http;
    if (!own_http_) {
      transport_options t;
      t.connect_timeout = o_.timeout;
      t.total_timeout = o_.timeout;
      t.allow_insecure_http = true;  // the URL rules above are the policy for this endpoint
      t.no_proxy = "*";              // a local agent (ECS, EKS Pod Identity): never via a proxy
      t.max_response_bytes = 64 * 1024;
      try {
        own_http_ = make_default_transport(t);
      } catch (const error& e) {
        fail(std::string("no HTTP transport: ") + e.what() + " (pass container_options::http)");
      }
    }
    return *own_http_;
  }

  // ": <code>: <message>" from an error body {"code": ..., "message": ...}, sanitised; "" else.
  static std::string service_message(std::string& body) {
    rapidjson::Document d;
    d.Parse(body.data(), body.size());
    if (d.HasParseError() || !d.IsObject()) return {};
    std::string out;
    for (const char* key : {"code", "Code", "message", "Message"}) {
      auto it = d.FindMember(key);
      if (it == d.MemberEnd() || !it->value.IsString()) continue;
      std::string v(it->value.GetString(), std::min<size_t>(it->value.GetStringLength(), 200));
      for (char& c : v)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
      out += (out.empty() ? ": " : " ") + v;
    }
    return out;
  }

  credentials parse(std::string& body, const std::string& host) const {
    body.push_back('\0');
    rapidjson::Document d;
    d.ParseInsitu<rapidjson::kParseStopWhenDoneFlag>(&body[0]);  // strings stay in `body`, wiped later
    if (d.HasParseError() || !d.IsObject()) fail("the answer of " + host + " is not a JSON object");
    auto string_member = [&](const char* name) -> std::string_view {
      auto it = d.FindMember(name);
      if (it == d.MemberEnd() || !it->value.IsString() || it->value.GetStringLength() == 0)
        fail("the answer of " + host + " has no " + name);
      return {it->value.GetString(), it->value.GetStringLength()};
    };
    credentials c;
    c.access_key_id = std::string(string_member("AccessKeyId"));
    c.secret_access_key = secret_string(string_member("SecretAccessKey"));
    c.session_token = secret_string(string_member("Token"));
    c.expiration = parse_rfc3339(string_member("Expiration"));
    if (!c.expiration) fail("the Expiration from " + host + " is not an RFC 3339 time");
    const auto now = o_.refresh.clock ? o_.refresh.clock() : std::chrono::system_clock::now();
    if (*c.expiration <= now) fail(host + " returned credentials that expired at " + format_utc(*c.expiration));
    c.source = "container credentials from " + host;
    return c;
  }

  container_options o_;
  std::mutex mu_;
  std::unique_ptr<transport> own_http_;
};

}  // namespace

std::shared_ptr<credentials_provider> make_container_credentials_provider(container_options options) {
  if (options.timeout.count() <= 0) throw invalid_field("timeout", "must be positive");
  if (options.retry_delay.count() < 0) throw invalid_field("retry_delay", "must not be negative");
  refresh_policy policy = options.refresh;
  return make_caching_credentials_provider(std::make_shared<container_provider>(std::move(options)),
                                           std::move(policy));
}

}  // namespace v1
}  // namespace mpadjust
