// Endpoint resolution: every case of the official endpoint-tests-1.json, the partitions, and
// the environment sources.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <mpadjust/endpoints.hpp>

using namespace mpadjust;

namespace {

std::string shared_dir() {
  if (const char* d = std::getenv("MPADJUST_SHARED_DIR"); d && *d) return d;
  return MPADJUST_DEFAULT_SHARED_DIR;
}

environment fake_env(std::map<std::string, std::string> vars) {
  environment env;
  env.get = [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  return env;
}

std::string error_text(const endpoint_params& p) {
  try {
    resolve_endpoint(p);
  } catch (const error& e) {
    CHECK(e.status() == MPADJUST_EINVALID);
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("endpoints: every case of endpoint-tests-1.json") {
  const std::string path = shared_dir() + "/aws-models/endpoint-tests-1.json";
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path
                                            << " (set MPADJUST_SHARED_DIR to the shared/ folder)");
  std::stringstream ss;
  ss << in.rdbuf();
  rapidjson::Document doc;
  doc.Parse(ss.str().c_str());
  REQUIRE_FALSE(doc.HasParseError());
  REQUIRE(doc.HasMember("testCases"));
  const auto& cases = doc["testCases"];
  REQUIRE(cases.IsArray());
  REQUIRE(cases.Size() > 0);

  int passed = 0;
  for (const auto& tc : cases.GetArray()) {
    const std::string doc_text = tc.HasMember("documentation") ? tc["documentation"].GetString() : "";
    CAPTURE(doc_text);
    endpoint_params p;
    if (tc.HasMember("params")) {
      const auto& pr = tc["params"];
      for (auto it = pr.MemberBegin(); it != pr.MemberEnd(); ++it) {
        const std::string name = it->name.GetString();
        if (name == "Region") p.region = it->value.GetString();
        else if (name == "Endpoint") p.endpoint = it->value.GetString();
        else if (name == "UseFIPS") p.use_fips = it->value.GetBool();
        else if (name == "UseDualStack") p.use_dual_stack = it->value.GetBool();
        else FAIL("unknown parameter " << name);
      }
    }
    const auto& expect = tc["expect"];
    if (expect.HasMember("endpoint")) {
      const std::string want = expect["endpoint"]["url"].GetString();
      std::string got;
      try {
        got = resolve_endpoint(p);
      } catch (const error& e) {
        got = std::string("error: ") + e.what();
      }
      CHECK(got == want);
      if (got == want) ++passed;
    } else {
      REQUIRE(expect.HasMember("error"));
      const std::string want = expect["error"].GetString();
      const std::string got = error_text(p);
      CHECK(got == want);
      if (got == want) ++passed;
    }
  }
  MESSAGE("endpoint-tests-1.json: " << passed << "/" << cases.Size() << " cases pass");
  CHECK(passed == static_cast<int>(cases.Size()));
}

TEST_CASE("endpoints: partitions and their region patterns") {
  CHECK(partition_for_region("us-east-1").id == "aws");
  CHECK(partition_for_region("il-central-1").id == "aws");
  CHECK(partition_for_region("mx-central-1").id == "aws");
  CHECK(partition_for_region("aws-global").id == "aws");
  CHECK(partition_for_region("cn-northwest-1").id == "aws-cn");
  CHECK(partition_for_region("us-gov-west-1").id == "aws-us-gov");
  CHECK(partition_for_region("us-iso-west-1").id == "aws-iso");
  CHECK(partition_for_region("us-isob-east-1").id == "aws-iso-b");
  CHECK(partition_for_region("eu-isoe-west-1").id == "aws-iso-e");
  CHECK(partition_for_region("us-isof-south-1").id == "aws-iso-f");
  CHECK(partition_for_region("eusc-de-east-1").id == "aws-eusc");
  CHECK(partition_for_region("aws-iso-b-global").id == "aws-iso-b");
  // Unknown names fall back to "aws" (aws.partition semantics).
  CHECK(partition_for_region("xx-nowhere-1").id == "aws");
  CHECK(partition_for_region("local").id == "aws");

  // Dns suffixes from agreement-api.md §4.1 (endpoints.json facts).
  CHECK(resolve_endpoint({std::string("us-isof-south-1"), false, false, std::nullopt}) ==
        "https://agreement-marketplace.us-isof-south-1.csp.hci.ic.gov");
  CHECK(resolve_endpoint({std::string("eusc-de-east-1"), false, false, std::nullopt}) ==
        "https://agreement-marketplace.eusc-de-east-1.amazonaws.eu");
  CHECK(resolve_endpoint({std::string("us-iso-east-1"), true, false, std::nullopt}) ==
        "https://agreement-marketplace-fips.us-iso-east-1.c2s.ic.gov");
}

TEST_CASE("endpoints: a region that is not a DNS label is refused") {
  for (const char* bad : {"evil.com#", "us-east-1.evil.com", "us east 1", "", "-us", "us/1", "a@b"}) {
    CAPTURE(bad);
    endpoint_params p;
    p.region = bad;
    try {
      resolve_endpoint(p);
      FAIL("accepted region " << bad);
    } catch (const error& e) {
      CHECK(e.status() == MPADJUST_EINVALID);
      CHECK(e.field() == "region");
    }
  }
}

TEST_CASE("endpoints: a custom endpoint must be an http(s) URL with a host") {
  endpoint_params p;
  p.endpoint = "ftp://example.com";
  CHECK_THROWS_AS(resolve_endpoint(p), error);
  p.endpoint = "example.com";
  CHECK_THROWS_AS(resolve_endpoint(p), error);
  p.endpoint = "https://user:secret@example.com";
  try {
    resolve_endpoint(p);
    FAIL("accepted user information");
  } catch (const error& e) {
    CHECK(e.field() == "endpoint");
    CHECK(std::string(e.what()).find("secret") == std::string::npos);
  }
  p.endpoint = "http://127.0.0.1:8080/prefix";
  CHECK(resolve_endpoint(p) == "http://127.0.0.1:8080/prefix");
}

TEST_CASE("endpoints: environment sources and their precedence") {
  // Service-specific variable wins over the global one.
  auto p = endpoint_params_from_environment(fake_env({{"AWS_ENDPOINT_URL", "https://global.example"},
                                                      {"AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT",
                                                       "https://service.example"}}));
  REQUIRE(p.endpoint);
  CHECK(*p.endpoint == "https://service.example");

  p = endpoint_params_from_environment(fake_env({{"AWS_ENDPOINT_URL", "https://global.example"}}));
  REQUIRE(p.endpoint);
  CHECK(*p.endpoint == "https://global.example");

  // An explicit option wins over both.
  endpoint_overrides o;
  o.endpoint = "https://explicit.example";
  o.region = "us-east-1";
  p = endpoint_params_from_environment(
      fake_env({{"AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT", "https://service.example"}}), o);
  CHECK(*p.endpoint == "https://explicit.example");
  CHECK(*p.region == "us-east-1");

  // AWS_IGNORE_CONFIGURED_ENDPOINT_URLS drops the environment's endpoints, not explicit ones.
  p = endpoint_params_from_environment(fake_env({{"AWS_ENDPOINT_URL", "https://global.example"},
                                                 {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"}}));
  CHECK_FALSE(p.endpoint);

  // Empty values count as unset.
  p = endpoint_params_from_environment(fake_env({{"AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT", ""},
                                                 {"AWS_ENDPOINT_URL", "https://global.example"}}));
  CHECK(*p.endpoint == "https://global.example");

  // FIPS / dual-stack flags.
  p = endpoint_params_from_environment(
      fake_env({{"AWS_USE_FIPS_ENDPOINT", "true"}, {"AWS_USE_DUALSTACK_ENDPOINT", "False"}}));
  CHECK(p.use_fips);
  CHECK_FALSE(p.use_dual_stack);
  o = {};
  o.use_fips = false;
  o.region = "us-east-1";
  p = endpoint_params_from_environment(fake_env({{"AWS_USE_FIPS_ENDPOINT", "true"}}), o);
  CHECK_FALSE(p.use_fips);
  CHECK(resolve_endpoint(p) == "https://agreement-marketplace.us-east-1.amazonaws.com");

  try {
    endpoint_params_from_environment(fake_env({{"AWS_USE_DUALSTACK_ENDPOINT", "yes"}}));
    FAIL("accepted yes");
  } catch (const error& e) {
    CHECK(e.field() == "AWS_USE_DUALSTACK_ENDPOINT");
  }

  // FIPS from the environment with a custom endpoint from the environment: the rule's error.
  o = {};
  o.region = "us-east-1";
  p = endpoint_params_from_environment(
      fake_env({{"AWS_USE_FIPS_ENDPOINT", "true"}, {"AWS_ENDPOINT_URL", "https://x.example"}}), o);
  CHECK(error_text(p) == "Invalid Configuration: FIPS and custom endpoint are not supported");
}
