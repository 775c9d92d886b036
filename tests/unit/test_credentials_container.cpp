// Container credentials (ECS task roles, EKS Pod Identity): URL rules, authorization token,
// answers, retries, caching, the default chain; one case over a real loopback HTTP server.
// Expected behaviour: sdk-conventions.md 2.6 (botocore ContainerProvider, aws-sdk-cpp, go-v2).
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include <mpadjust/credentials.hpp>
#include <mpadjust/http.hpp>

#include "credentials/internal.hpp"
#include "credentials_http_fake.hpp"

using namespace mpadjust;
using namespace std::chrono_literals;
using std::chrono::system_clock;
using credentials_http_fake::env_of;
using credentials_http_fake::error_of;
using credentials_http_fake::scripted;

namespace {

const char* const kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCONTAINERSECRET";
const char* const kToken = "IQoJb3JpZ2luCONTAINERSESSIONTOKEN0123456789";

std::string answer(const char* expiration = "2030-01-01T00:00:00Z") {
  return std::string(R"({"AccessKeyId":"ASIACONTAINER","SecretAccessKey":")") + kSecret + R"(","Token":")" + kToken +
         R"(","Expiration":")" + expiration + R"(","AccountId":"111122223333"})";
}

container_options options_with(std::shared_ptr<scripted> t, std::map<std::string, std::string> vars) {
  container_options o;
  o.env = env_of(std::move(vars));
  o.http = std::move(t);
  o.retry_delay = 0ms;
  return o;
}


void check_no_secret(const std::string& s) {
  CHECK(s.find("CONTAINERSECRET") == std::string::npos);
  CHECK(s.find("CONTAINERSESSIONTOKEN") == std::string::npos);
  CHECK(s.find("sekrit-auth") == std::string::npos);
}

}  // namespace

TEST_CASE("credentials: container: not configured is 'not found' (the chain moves on)") {
  auto t = std::make_shared<scripted>();
  auto p = make_container_credentials_provider(options_with(t, {}));
  CHECK_THROWS_AS(p->get(), credentials_not_found);
  auto q = make_container_credentials_provider(options_with(t, {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", ""}}));
  CHECK_THROWS_AS(q->get(), credentials_not_found);
  CHECK(t->sent.empty());
}

TEST_CASE("credentials: container: the ECS relative URI wins over the full URI; the answer is parsed") {
  auto t = std::make_shared<scripted>();
  t->script.push_back(scripted::reply(200, answer()));
  auto p = make_container_credentials_provider(options_with(
      t, {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/2f1b-uuid"},
          {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/ignored"}}));
  const credentials c = p->get();
  REQUIRE(t->sent.size() == 1);
  CHECK(t->sent[0].method == "GET");
  CHECK(t->sent[0].url == "http://169.254.170.2/v2/credentials/2f1b-uuid");
  CHECK(t->header(0, "Accept") == "application/json");
  CHECK(t->header(0, "Authorization") == "<absent>");
  CHECK(c.access_key_id == "ASIACONTAINER");
  CHECK(c.secret_access_key.reveal() == kSecret);
  CHECK(c.session_token.reveal() == kToken);
  REQUIRE(c.expiration);
  CHECK(system_clock::to_time_t(*c.expiration) == 1893456000);  // 2030-01-01T00:00:00Z
  CHECK(c.source.find("169.254.170.2") != std::string::npos);
  // Cached: the next get() does not fetch again.
  p->get();
  CHECK(t->sent.size() == 1);
}

TEST_CASE("credentials: container: which full URIs are allowed") {
  for (const char* ok : {"https://creds.example.com/x", "http://127.0.0.1:8080/creds", "http://localhost/creds",
                         "http://169.254.170.2/creds", "http://169.254.170.23/v1/credentials",
                         "http://[fd00:ec2::23]/v1/credentials", "http://[::1]:9/c"}) {
    CAPTURE(ok);
    auto t = std::make_shared<scripted>();
    t->script.push_back(scripted::reply(200, answer()));
    auto p = make_container_credentials_provider(options_with(t, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ok}}));
    CHECK(p->get().access_key_id == "ASIACONTAINER");
    REQUIRE(t->sent.size() == 1);
    CHECK(t->sent[0].url == ok);
  }
  for (const char* bad : {"http://192.0.2.10/creds", "http://169.254.169.254/latest", "http://10.0.0.1/",
                          "ftp://127.0.0.1/", "http://127.0.0.1/a b", "not a url"}) {
    CAPTURE(bad);
    auto t = std::make_shared<scripted>();
    auto p = make_container_credentials_provider(options_with(t, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", bad}}));
    std::string msg;
    try {
      p->get();
      FAIL("accepted");
    } catch (const error& e) {
      msg = e.what();
      CHECK((e.status() == MPADJUST_ECREDENTIALS || e.status() == MPADJUST_EINVALID));
      CHECK_FALSE(dynamic_cast<const credentials_not_found*>(&e));  // a misconfiguration stops the chain
    }
    CHECK(msg.find("AWS_CONTAINER_CREDENTIALS_FULL_URI") != std::string::npos);
    CHECK(t->sent.empty());
  }
  auto t = std::make_shared<scripted>();
  auto p = make_container_credentials_provider(
      options_with(t, {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "v2/no-leading-slash"}}));
  CHECK(error_of(*p).find("must start with '/'") != std::string::npos);
  CHECK(t->sent.empty());
}

TEST_CASE("credentials: container: authorization token from the file (read at every fetch) or the variable") {
  char dir_tmpl[] = "/tmp/mpadjust-container-XXXXXX";
  REQUIRE(::mkdtemp(dir_tmpl) != nullptr);
  const std::string file = std::string(dir_tmpl) + "/token";
  std::ofstream(file) << "sekrit-auth-1";

  std::shared_ptr<std::atomic<std::int64_t>> now = std::make_shared<std::atomic<std::int64_t>>(1893000000);
  auto t = std::make_shared<scripted>();
  t->script.push_back(scripted::reply(200, answer("2030-01-01T00:00:00Z")));
  t->script.push_back(scripted::reply(200, answer("2030-01-02T00:00:00Z")));
  container_options o = options_with(t, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c"},
                                         {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file},
                                         {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored-when-file-set"}});
  o.refresh.clock = [now] { return system_clock::from_time_t(static_cast<std::time_t>(now->load())); };
  auto p = make_container_credentials_provider(o);
  p->get();
  CHECK(t->header(0, "Authorization") == "sekrit-auth-1");
  // The agent rotates the token file; a refresh (inside the 15 min window) reads it again.
  std::ofstream(file, std::ios::trunc) << "sekrit-auth-2";
  *now = 1893456000 - 10 * 60;  // 10 min before the expiry
  p->get();
  REQUIRE(t->sent.size() == 2);
  CHECK(t->header(1, "Authorization") == "sekrit-auth-2");

  auto t2 = std::make_shared<scripted>();
  t2->script.push_back(scripted::reply(200, answer()));
  auto p2 = make_container_credentials_provider(options_with(
      t2, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c"}, {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "sekrit-auth-var"}}));
  p2->get();
  CHECK(t2->header(0, "Authorization") == "sekrit-auth-var");

  // A token with CR or LF is refused before anything is sent; a missing file is an error.
  std::ofstream(file, std::ios::trunc) << "sekrit-auth\n";
  auto t3 = std::make_shared<scripted>();
  auto p3 = make_container_credentials_provider(options_with(
      t3, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c"}, {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file}}));
  const std::string crlf = error_of(*p3);
  CHECK(crlf.find("CR or LF") != std::string::npos);
  check_no_secret(crlf);
  CHECK(t3->sent.empty());
  auto p4 = make_container_credentials_provider(options_with(
      t3, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c"},
           {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", std::string(dir_tmpl) + "/absent"}}));
  CHECK(error_of(*p4).find("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") != std::string::npos);
  CHECK(t3->sent.empty());
  std::system(("rm -rf '" + std::string(dir_tmpl) + "'").c_str());
}

TEST_CASE("credentials: container: 5xx, 429 and transport failures are tried again; other statuses are not") {
  auto t = std::make_shared<scripted>();
  t->script.push_back(scripted::reply(500, "{}"));
  t->script.push_back(scripted::fail(transport_failure::receive));
  t->script.push_back(scripted::reply(200, answer()));
  auto p = make_container_credentials_provider(options_with(t, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c"}}));
  CHECK(p->get().access_key_id == "ASIACONTAINER");
  CHECK(t->sent.size() == 3);

  auto t2 = std::make_shared<scripted>();
  t2->script.push_back(scripted::reply(404, R"({"code":"NotFound","message":"no role for this task"})"));
  auto p2 = make_container_credentials_provider(options_with(t2, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c"}}));
  const std::string msg = error_of(*p2);
  CHECK(t2->sent.size() == 1);
  CHECK(msg.find("HTTP 404") != std::string::npos);
  CHECK(msg.find("NotFound") != std::string::npos);
  CHECK(msg.find("no role for this task") != std::string::npos);

  auto t3 = std::make_shared<scripted>();
  for (int i = 0; i < 3; ++i) t3->script.push_back(scripted::reply(503, "busy"));
  auto p3 = make_container_credentials_provider(options_with(t3, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c"}}));
  CHECK(error_of(*p3).find("HTTP 503") != std::string::npos);
  CHECK(t3->sent.size() == 3);
}

TEST_CASE("credentials: container: answers without a field, expired or not JSON are errors that quote nothing") {
  const std::string full = std::string(R"({"AccessKeyId":"ASIA1","SecretAccessKey":")") + kSecret + R"(","Token":")" +
                           kToken + R"(","Expiration":"2030-01-01T00:00:00Z"})";
  const struct {
    std::string body;
    const char* says;
  } cases[] = {
      {std::string(R"({"AccessKeyId":"ASIA1","SecretAccessKey":")") + kSecret + R"(","Expiration":"2030-01-01T00:00:00Z"})", "no Token"},
      {std::string(R"({"SecretAccessKey":")") + kSecret + R"(","Token":"t","Expiration":"2030-01-01T00:00:00Z"})", "no AccessKeyId"},
      {std::string(R"({"AccessKeyId":"ASIA1","SecretAccessKey":")") + kSecret + R"(","Token":")" + kToken + R"("})", "no Expiration"},
      {std::string(R"({"AccessKeyId":"ASIA1","SecretAccessKey":")") + kSecret + R"(","Token":")" + kToken +
           R"(","Expiration":"2001-01-01T00:00:00Z"})", "expired"},
      {std::string(R"({"AccessKeyId":"ASIA1","SecretAccessKey":")") + kSecret + R"(","Token":")" + kToken +
           R"(","Expiration":"next tuesday"})", "RFC 3339"},
      {full.substr(0, full.size() / 2), "not a JSON object"},
      {"[1,2]", "not a JSON object"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.says);
    auto t = std::make_shared<scripted>();
    t->script.push_back(scripted::reply(200, c.body));
    auto p = make_container_credentials_provider(options_with(t, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c"}}));
    const std::string msg = error_of(*p);
    CHECK(msg.find(c.says) != std::string::npos);
    check_no_secret(msg);
  }
}

TEST_CASE("credentials: container: the default chain uses it after the shared files") {
  auto t = std::make_shared<scripted>();
  t->script.push_back(scripted::reply(200, answer()));
  default_chain_options o;
  o.container_http = t;
  auto chain = make_default_credentials_provider(
      env_of({{"HOME", "/nonexistent-home"}, {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c"}}), o);
  const credentials c = chain->get();
  CHECK(c.access_key_id == "ASIACONTAINER");
  CHECK(c.source.find("container") != std::string::npos);

  // Environment keys come first: the container endpoint is not asked.
  auto t2 = std::make_shared<scripted>();
  default_chain_options o2;
  o2.container_http = t2;
  auto chain2 = make_default_credentials_provider(
      env_of({{"HOME", "/nonexistent-home"}, {"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "x"},
              {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c"}}),
      o2);
  CHECK(chain2->get().access_key_id == "AKIDENV");
  CHECK(t2->sent.empty());

  // Nothing configured: the chain's error lists the container step among the reasons.
  auto chain3 = make_default_credentials_provider(env_of({{"HOME", "/nonexistent-home"}}), default_chain_options{});
  const std::string msg = error_of(*chain3);
  CHECK(msg.find("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != std::string::npos);
}

#if defined(MPADJUST_WITH_CURL)
TEST_CASE("credentials: container: fetched over HTTP from a loopback endpoint with the default transport") {
  credentials_http_fake::loopback_server server([](const std::string&) { return answer(); });
  container_options o;
  o.env = env_of({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url("/v1/creds")},
                  {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "sekrit-auth-http"}});
  const credentials c = make_container_credentials_provider(o)->get();
  const std::vector<std::string> heads = server.heads();
  CHECK(c.access_key_id == "ASIACONTAINER");
  CHECK(c.session_token.reveal() == kToken);
  REQUIRE(heads.size() == 1);
  CHECK(heads[0].rfind("GET /v1/creds HTTP/1.1\r\n", 0) == 0);
  CHECK(heads[0].find("\r\nAuthorization: sekrit-auth-http\r\n") != std::string::npos);
  CHECK(heads[0].find("\r\nAccept: application/json\r\n") != std::string::npos);
}
#endif
