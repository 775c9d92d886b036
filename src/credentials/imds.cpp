// EC2 instance role credentials from IMDS: see mpadjust/credentials.hpp and sdk-conventions.md
// 2.5 (botocore InstanceMetadataFetcher / InstanceMetadataProvider, aws-c-auth imds client).
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <string>

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

constexpr const char* token_path = "/latest/api/token";
constexpr const char* roles_path = "/latest/meta-data/iam/security-credentials/";

[[noreturn]] void fail(const std::string& message) {
  throw error(MPADJUST_ECREDENTIALS, "instance metadata (IMDS): " + message);
}
[[noreturn]] void not_found(const std::string& message) {
  throw credentials_not_found("imds: " + message);
}

bool is_true(const std::optional<std::string>& v) { return v && detail::iequals_ascii(*v, "true"); }

int positive_int(const environment& env, const char* name, int fallback) {
  const auto v = env.get(name);
  if (!v || v->empty()) return fallback;
  if (v->size() > 4 || v->find_first_not_of("0123456789") != std::string::npos || std::stoi(*v) < 1)
    throw invalid_field(name, "must be a whole number >= 1 (got \"" + *v + "\")");
  return std::stoi(*v);
}

class imds_provider final : public credentials_provider {
 public:
  explicit imds_provider(imds_options o) : o_(std::move(o)) {
    if (!o_.env.get) o_.env = environment::process();
  }

  credentials get() override {
    const environment& env = o_.env;
    if (is_true(env.get("AWS_EC2_METADATA_DISABLED"))) not_found("disabled by AWS_EC2_METADATA_DISABLED");
    const std::string base = base_url(env);
    const std::string host = detail::parse_http_url(base, "AWS_EC2_METADATA_SERVICE_ENDPOINT").host;
    const int attempts = positive_int(env, "AWS_METADATA_SERVICE_NUM_ATTEMPTS", 1);
    const int timeout_s = positive_int(env, "AWS_METADATA_SERVICE_TIMEOUT", 1);
    transport& http = transport_for(timeout_s);

    // 1. Session token (IMDSv2).
    credentials_detail::wiped_string token;
    {
      http_request put;
      put.method = "PUT";
      put.url = base + token_path;
      put.headers.push_back({"x-aws-ec2-metadata-token-ttl-seconds", "21600"});
      http_response r = fetch(http, put, attempts, host);
      credentials_detail::response_wiper w{r};
      if (r.status == 200) {
        token.value = trim(r.body);
        if (token.value.empty() || token.value.find_first_of("\r\n") != std::string::npos)
          fail("the session token from " + host + " is not usable");
      } else if (r.status == 403 || r.status == 404 || r.status == 405) {
        if (is_true(env.get("AWS_EC2_METADATA_V1_DISABLED")))
          fail("no IMDSv2 session token (HTTP " + std::to_string(r.status) + " from " + host +
               ") and AWS_EC2_METADATA_V1_DISABLED forbids IMDSv1");
      } else {
        fail("HTTP " + std::to_string(r.status) + " asking " + host + " for a session token");
      }
    }

    // 2. The role of the instance profile.
    http_request get;
    get.method = "GET";
    get.url = base + roles_path;
    if (!token.value.empty()) get.headers.push_back({"x-aws-ec2-metadata-token", token.value});
    credentials_detail::request_wiper hw{get};
    std::string role;
    {
      http_response r = fetch(http, get, attempts, host);
      if (r.status == 404) not_found("the instance at " + host + " has no IAM role");
      if (r.status != 200) fail("HTTP " + std::to_string(r.status) + " listing the instance's role at " + host);
      role = std::string(trim(r.body.substr(0, r.body.find('\n'))));
      if (role.empty()) not_found("the instance at " + host + " has no IAM role");
      if (role.find_first_of("/?#% \t\r") != std::string::npos) fail("the role name from " + host + " is not usable");
    }

    // 3. Its credentials.
    get.url = base + roles_path + role;
    http_response r = fetch(http, get, attempts, host);
    credentials_detail::response_wiper w{r};
    if (r.status == 404) not_found("the role " + role + " disappeared from " + host);
    if (r.status != 200) fail("HTTP " + std::to_string(r.status) + " fetching the credentials of role " + role);
    return parse(r.body, role, host);
  }

 private:
  static std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
      s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
      s.remove_suffix(1);
    return s;
  }

  static std::string base_url(const environment& env) {
    std::string base;
    if (auto e = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT"); e && !e->empty()) {
      base = *e;
      detail::parse_http_url(base, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
    } else {
      const auto mode = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
      if (!mode || mode->empty() || detail::iequals_ascii(*mode, "IPv4")) {
        base = "http://169.254.169.254";
      } else if (detail::iequals_ascii(*mode, "IPv6")) {
        base = "http://[fd00:ec2::254]";
      } else {
        throw invalid_field("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "must be IPv4 or IPv6 (got \"" + *mode + "\")");
      }
    }
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
  }

  transport& transport_for(int timeout_s) {
    std::lock_guard<std::mutex> lock(mu_);
    if (o_.http) return *o_.http;
    if (!own_http_) {
      transport_options t;
      t.connect_timeout = std::chrono::seconds(timeout_s);
      t.total_timeout = std::chrono::seconds(timeout_s);
      t.allow_insecure_http = true;  // IMDS is plain http on a link-local address
      t.no_proxy = "*";              // never through a proxy
      t.max_response_bytes = 64 * 1024;
      try {
        own_http_ = make_default_transport(t);
      } catch (const error& e) {
        fail(std::string("no HTTP transport: ") + e.what() + " (pass imds_options::http)");
      }
    }
    return *own_http_;
  }

  // Sends `req` up to `attempts` times (transport failures and 5xx). No service at all is
  // "not found": this is not an EC2 instance.
  static http_response fetch(transport& http, const http_request& req, int attempts, const std::string& host) {
    std::string last;
    for (int i = 0; i < attempts; ++i) {
      try {
        http_response r = http.send(req);
        if (r.status >= 500 && i + 1 < attempts) {
          wipe(r.body);
          continue;
        }
        return r;
      } catch (const transport_error& e) {
        if (e.kind() == transport_failure::cancelled || e.kind() == transport_failure::refused_by_policy) throw;
        last = e.what();
      }
    }
    not_found("no instance metadata service at " + host + " (" + last + ")");
  }

  credentials parse(std::string& body, const std::string& role, const std::string& host) const {
    body.push_back('\0');
    rapidjson::Document d;
    d.ParseInsitu<rapidjson::kParseStopWhenDoneFlag>(&body[0]);
    if (d.HasParseError() || !d.IsObject()) fail("the credentials of role " + role + " are not a JSON object");
    auto member = [&](const char* name) -> std::string_view {
      auto it = d.FindMember(name);
      if (it == d.MemberEnd() || !it->value.IsString() || it->value.GetStringLength() == 0)
        fail("the credentials of role " + role + " have no " + name);
      return {it->value.GetString(), it->value.GetStringLength()};
    };
    if (auto it = d.FindMember("Code"); it != d.MemberEnd() && it->value.IsString() &&
                                        std::string_view(it->value.GetString()) != "Success") {
      std::string code(it->value.GetString(), std::min<size_t>(it->value.GetStringLength(), 64));
      for (char& c : code)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
      fail("role " + role + ": the service answered Code " + code);
    }
    credentials c;
    c.access_key_id = std::string(member("AccessKeyId"));
    c.secret_access_key = secret_string(member("SecretAccessKey"));
    c.session_token = secret_string(member("Token"));
    c.expiration = parse_rfc3339(member("Expiration"));
    if (!c.expiration) fail("the Expiration of role " + role + " is not an RFC 3339 time");
    c.source = "instance profile role " + role + " from " + host;
    const auto now = o_.refresh.clock ? o_.refresh.clock() : std::chrono::system_clock::now();
    if (*c.expiration <= now) {
      // Static stability: IMDS may serve stale credentials during an outage; AWS accepts them
      // for a while. Use them 15 to 20 more minutes (spread, so fleets do not retry together).
      std::random_device rd;
      const auto extra = std::chrono::minutes(15) + std::chrono::seconds(rd() % 301);
      c.source += " (expired at " + format_utc(*c.expiration) + "; used for " +
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(extra).count()) +
                  " s more while the service recovers)";
      c.expiration = now + extra;
    }
    return c;
  }

  imds_options o_;
  std::mutex mu_;
  std::unique_ptr<transport> own_http_;
};

}  // namespace

std::shared_ptr<credentials_provider> make_imds_credentials_provider(imds_options options) {
  refresh_policy policy = options.refresh;
  return make_caching_credentials_provider(std::make_shared<imds_provider>(std::move(options)),
                                           std::move(policy));
}

}  // namespace v1
}  // namespace mpadjust
