// EC2 instance role credentials (IMDS): the IMDSv2 exchange, the IMDSv1 fallback, endpoint
// variables, "not an EC2 instance", broken answers, static stability, the default chain; one
// case over a real loopback HTTP server. Expected behaviour: sdk-conventions.md 2.5.
#include <doctest/doctest.h>

#include <mpadjust/credentials.hpp>
#include <mpadjust/http.hpp>

#include "credentials/internal.hpp"
#include "credentials_http_fake.hpp"

using namespace mpadjust;
using namespace std::chrono_literals;
using credentials_http_fake::env_of;
using credentials_http_fake::error_of;
using credentials_http_fake::scripted;
using std::chrono::system_clock;

namespace {

const char* const kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYIMDSSECRET";
const char* const kToken = "IQoJb3JpZ2luIMDSSESSIONTOKEN0123456789";

std::string creds_json(const char* expiration = "2030-01-01T00:00:00Z", const char* code = "Success") {
  return std::string(R"({"Code":")") + code + R"(","LastUpdated":"2029-12-31T18:00:00Z","Type":"AWS-HMAC",)" +
         R"("AccessKeyId":"ASIAIMDS","SecretAccessKey":")" + kSecret + R"(","Token":")" + kToken +
         R"(","Expiration":")" + expiration + R"("})";
}

// IMDS enabled (env_of disables it unless told otherwise).
std::map<std::string, std::string> on(std::map<std::string, std::string> vars = {}) {
  vars["AWS_EC2_METADATA_DISABLED"] = "false";
  return vars;
}

std::shared_ptr<credentials_provider> provider(std::shared_ptr<scripted> t, std::map<std::string, std::string> vars,
                                               clock_function clock = {}) {
  imds_options o;
  o.env = env_of(std::move(vars));
  o.http = std::move(t);
  o.refresh.clock = std::move(clock);
  return make_imds_credentials_provider(o);
}


void check_no_secret(const std::string& s) {
  CHECK(s.find("IMDSSECRET") == std::string::npos);
  CHECK(s.find("IMDSSESSIONTOKEN") == std::string::npos);
  CHECK(s.find("tok-en") == std::string::npos);
}

}  // namespace

TEST_CASE("credentials: imds: IMDSv2 token, role, credentials") {
  auto t = std::make_shared<scripted>();
  t->script = {scripted::reply(200, "tok-en-v2"), scripted::reply(200, "app-role\n"),
               scripted::reply(200, creds_json())};
  auto p = provider(t, on());
  const credentials c = p->get();
  REQUIRE(t->sent.size() == 3);
  CHECK(t->sent[0].method == "PUT");
  CHECK(t->sent[0].url == "http://169.254.169.254/latest/api/token");
  CHECK(t->header(0, "x-aws-ec2-metadata-token-ttl-seconds") == "21600");
  CHECK(t->sent[1].method == "GET");
  CHECK(t->sent[1].url == "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  CHECK(t->header(1, "x-aws-ec2-metadata-token") == "tok-en-v2");
  CHECK(t->sent[2].url == "http://169.254.169.254/latest/meta-data/iam/security-credentials/app-role");
  CHECK(t->header(2, "x-aws-ec2-metadata-token") == "tok-en-v2");
  CHECK(c.access_key_id == "ASIAIMDS");
  CHECK(c.secret_access_key.reveal() == kSecret);
  CHECK(c.session_token.reveal() == kToken);
  REQUIRE(c.expiration);
  CHECK(system_clock::to_time_t(*c.expiration) == 1893456000);
  CHECK(c.source.find("app-role") != std::string::npos);
  p->get();  // cached
  CHECK(t->sent.size() == 3);
}

TEST_CASE("credentials: imds: endpoint variables") {
  for (const auto& [vars, base] : std::vector<std::pair<std::map<std::string, std::string>, std::string>>{
           {on({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}}), "http://[fd00:ec2::254]"},
           {on({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipv4"}}), "http://169.254.169.254"},
           {on({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/"},
                {"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}}),
            "http://127.0.0.1:1338"}}) {
    CAPTURE(base);
    auto t = std::make_shared<scripted>();
    t->script = {scripted::reply(200, "tok-en"), scripted::reply(200, "r"), scripted::reply(200, creds_json())};
    provider(t, vars)->get();
    REQUIRE(t->sent.size() == 3);
    CHECK(t->sent[0].url == base + "/latest/api/token");
  }
  auto t = std::make_shared<scripted>();
  auto bad = provider(t, on({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"}}));
  CHECK_THROWS_AS(bad->get(), error);
  auto bad2 = provider(t, on({{"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "0"}}));
  CHECK_THROWS_AS(bad2->get(), error);
  CHECK(t->sent.empty());
}

TEST_CASE("credentials: imds: disabled, or not an EC2 instance, is 'not found'") {
  auto t = std::make_shared<scripted>();
  auto off = provider(t, {});  // AWS_EC2_METADATA_DISABLED=true (env_of's default)
  CHECK(error_of(*off, true).find("AWS_EC2_METADATA_DISABLED") != std::string::npos);
  CHECK(t->sent.empty());

  // Nothing answers (connect failure, timeout): not found, after NUM_ATTEMPTS tries.
  t->script = {scripted::fail(transport_failure::connect), scripted::fail(transport_failure::timeout)};
  auto absent = provider(t, on({{"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2"}}));
  CHECK(error_of(*absent, true).find("no instance metadata service") != std::string::npos);
  CHECK(t->sent.size() == 2);

  // An instance without a role.
  auto t2 = std::make_shared<scripted>();
  t2->script = {scripted::reply(200, "tok-en"), scripted::reply(404, "")};
  CHECK(error_of(*provider(t2, on()), true).find("no IAM role") != std::string::npos);
}

TEST_CASE("credentials: imds: IMDSv1 fallback when the token is refused, unless v1 is disabled") {
  for (int status : {403, 404, 405}) {
    CAPTURE(status);
    auto t = std::make_shared<scripted>();
    t->script = {scripted::reply(status, ""), scripted::reply(200, "v1-role"), scripted::reply(200, creds_json())};
    CHECK(provider(t, on())->get().access_key_id == "ASIAIMDS");
    REQUIRE(t->sent.size() == 3);
    CHECK(t->header(1, "x-aws-ec2-metadata-token") == "<absent>");
    CHECK(t->header(2, "x-aws-ec2-metadata-token") == "<absent>");

    auto t2 = std::make_shared<scripted>();
    t2->script = {scripted::reply(status, "")};
    const std::string msg = error_of(*provider(t2, on({{"AWS_EC2_METADATA_V1_DISABLED", "true"}})));
    CHECK(msg.find("AWS_EC2_METADATA_V1_DISABLED") != std::string::npos);
    CHECK(t2->sent.size() == 1);
  }
  auto t3 = std::make_shared<scripted>();
  t3->script = {scripted::reply(400, "")};
  CHECK(error_of(*provider(t3, on())).find("HTTP 400") != std::string::npos);
}

TEST_CASE("credentials: imds: broken answers are errors that quote nothing") {
  const struct {
    std::string body;
    const char* says;
  } cases[] = {
      {creds_json("2030-01-01T00:00:00Z", "Failed"), "Code Failed"},
      {std::string(R"({"Code":"Success","AccessKeyId":"A","SecretAccessKey":")") + kSecret +
           R"(","Expiration":"2030-01-01T00:00:00Z"})", "no Token"},
      {creds_json("soon"), "RFC 3339"},
      {creds_json().substr(0, 60), "not a JSON object"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.says);
    auto t = std::make_shared<scripted>();
    t->script = {scripted::reply(200, "tok-en"), scripted::reply(200, "r"), scripted::reply(200, c.body)};
    const std::string msg = error_of(*provider(t, on()));
    CHECK(msg.find(c.says) != std::string::npos);
    check_no_secret(msg);
  }
  auto t = std::make_shared<scripted>();
  t->script = {scripted::reply(200, "tok-en"), scripted::reply(200, "../etc")};
  CHECK(error_of(*provider(t, on())).find("role name") != std::string::npos);
  CHECK(t->sent.size() == 2);
}

TEST_CASE("credentials: imds: expired credentials are used 15-20 more minutes (static stability)") {
  const auto now = system_clock::from_time_t(1893456000 + 3600);  // an hour after they expired
  auto t = std::make_shared<scripted>();
  t->script = {scripted::reply(200, "tok-en"), scripted::reply(200, "r"),
               scripted::reply(200, creds_json("2030-01-01T00:00:00Z"))};
  const credentials c = provider(t, on(), [now] { return now; })->get();
  REQUIRE(c.expiration);
  CHECK(*c.expiration >= now + 15min);
  CHECK(*c.expiration <= now + 20min);
  CHECK(c.source.find("expired at 2030-01-01T00:00:00Z") != std::string::npos);
}

TEST_CASE("credentials: imds: the default chain asks it last, and not when the container is configured") {
  auto t = std::make_shared<scripted>();
  t->script = {scripted::reply(200, "tok-en"), scripted::reply(200, "r"), scripted::reply(200, creds_json())};
  default_chain_options o;
  o.imds_http = t;
  auto chain = make_default_credentials_provider(env_of(on({{"HOME", "/nonexistent-home"}})), o);
  CHECK(chain->get().access_key_id == "ASIAIMDS");

  auto ti = std::make_shared<scripted>();
  auto tc = std::make_shared<scripted>();
  tc->script = {scripted::reply(200, std::string(R"({"AccessKeyId":"ASIACONT","SecretAccessKey":"s","Token":"t",)") +
                                         R"("Expiration":"2030-01-01T00:00:00Z"})")};
  default_chain_options o2;
  o2.imds_http = ti;
  o2.container_http = tc;
  auto chain2 = make_default_credentials_provider(
      env_of(on({{"HOME", "/nonexistent-home"}, {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c"}})), o2);
  CHECK(chain2->get().access_key_id == "ASIACONT");
  CHECK(ti->sent.empty());
}

#if defined(MPADJUST_WITH_CURL)
TEST_CASE("credentials: imds: over HTTP from a loopback endpoint with the default transport") {
  credentials_http_fake::loopback_server server([](const std::string& head) -> std::string {
    if (head.rfind("PUT /latest/api/token ", 0) == 0) return "tok-en-loop";
    if (head.rfind("GET /latest/meta-data/iam/security-credentials/ ", 0) == 0) return "loop-role";
    return creds_json();
  });
  imds_options o;
  o.env = env_of(on({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url()}}));
  const credentials c = make_imds_credentials_provider(o)->get();
  const std::vector<std::string> heads = server.heads();
  CHECK(c.access_key_id == "ASIAIMDS");
  REQUIRE(heads.size() == 3);
  CHECK(heads[0].rfind("PUT /latest/api/token HTTP/1.1\r\n", 0) == 0);
  CHECK(heads[0].find("\r\nx-aws-ec2-metadata-token-ttl-seconds: 21600") != std::string::npos);
  CHECK(heads[1].find("\r\nx-aws-ec2-metadata-token: tok-en-loop") != std::string::npos);
  CHECK(heads[2].rfind("GET /latest/meta-data/iam/security-credentials/loop-role HTTP/1.1\r\n", 0) == 0);
}
#endif
