// SigV4 signer: the official aws-c-auth suite (every stage, both modes) plus own cases for what
// the suite lacks. Expected values of the own cases come from a second implementation, botocore
// 1.44.8 (SigV4Auth / S3SigV4Auth / S3SigV4QueryAuth, clock pinned), printed by
// tests/data/sigv4/derive_expected.py and pasted here; never from this signer's output.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <mpadjust/sigv4.hpp>

#include "../tools/sigv4_suite.hpp"

using namespace mpadjust;
using std::chrono::seconds;
using std::chrono::system_clock;

namespace {

// ---------------------------------------------------------------- botocore 1.44.8 values
// (tests/data/sigv4/derive_expected.py; same request, key AKIDEXAMPLE /
// wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 2015-08-30T12:36:00Z, us-east-1)
constexpr const char* s3_mode_cr = R"(GET
/my%20bucket/a//b/../c%2Bd.txt

host:examplebucket.s3.amazonaws.com
x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
x-amz-date:20150830T123600Z

host;x-amz-content-sha256;x-amz-date
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)";
constexpr const char* s3_mode_sig = "a7bf8bf16a6864174db557d64314923c73d1ea183525f9e44014ae0450731b3a";
constexpr const char* encoded_path_cr = R"(GET
/foo%2520bar/a%252Fb/%257Euser

host:example.amazonaws.com
x-amz-date:20150830T123600Z

host;x-amz-date
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)";
constexpr const char* encoded_path_sig = "1e2c87fba034847d9e0f0d6311910579fe3d38de9aa58c7fceddf6dbdfdfbf9e";
constexpr const char* query_repeated_cr = R"(GET
/
a=&a=1&a=3&b=2&c=
host:example.amazonaws.com
x-amz-date:20150830T123600Z

host;x-amz-date
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)";
constexpr const char* query_repeated_sig = "f73ba1cf290105c0d50947dbe60ab58eca89448e101a3c966c87a0a7b055d348";
constexpr const char* query_plus_cr = R"(GET
/
q=a%2Bb&r=%2B&s=x%20y&t=%25
host:example.amazonaws.com
x-amz-date:20150830T123600Z

host;x-amz-date
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)";
constexpr const char* query_plus_sig = "a8d78e033264b052a93efe76ab076885f33b2b644809ec7a0a36a4892befd40b";
constexpr const char* unsigned_header_cr = R"(PUT
/photo.jpg

content-type:image/jpeg
host:examplebucket.s3.amazonaws.com
x-amz-content-sha256:UNSIGNED-PAYLOAD
x-amz-date:20150830T123600Z

content-type;host;x-amz-content-sha256;x-amz-date
UNSIGNED-PAYLOAD)";
constexpr const char* unsigned_header_sig = "c8d85ae9a5a65158884cac5c3c786ae4dab2e48181becdf45731c08d07d5c5fa";
constexpr const char* unsigned_query_cr = R"(GET
/test.txt
X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host
host:examplebucket.s3.amazonaws.com

host
UNSIGNED-PAYLOAD)";
constexpr const char* unsigned_query_sig = "22f95d09b0190803168fd8aa457df8a63da2968679a9db522dc3ede3c488fc6f";
// SHA-256("streamed elsewhere")
constexpr const char* precomputed_hash = "76a1550632a914925e64895a28764a0f7b93e7c5e73fe153f35292dcb9286113";
constexpr const char* precomputed_cr = R"(PUT
/upload

host:example.amazonaws.com
x-amz-content-sha256:76a1550632a914925e64895a28764a0f7b93e7c5e73fe153f35292dcb9286113
x-amz-date:20150830T123600Z

host;x-amz-content-sha256;x-amz-date
76a1550632a914925e64895a28764a0f7b93e7c5e73fe153f35292dcb9286113)";
constexpr const char* precomputed_sig = "1f278aa702690225305dacc7ada7f462496dfd2dc1ef1a52b72f04acd5038e46";
constexpr const char* json_agreement_cr = R"(POST
/

content-type:application/x-amz-json-1.0
host:agreement-marketplace.us-east-1.amazonaws.com
x-amz-date:20150830T123600Z
x-amz-target:AWSMPCommerceService_v20200301.DescribeAgreement

content-type;host;x-amz-date;x-amz-target
22c79cceb0fe73230fb99cd8bfbd4046486a6b7d6adff46514313733c2a7c0f5)";
constexpr const char* json_agreement_sig = "2ecba7d8c11e3a18a0d40fccd9fdbddd0c33ed113bed6af765db8b214a8501ae";
constexpr const char* prefix_headers_cr = R"(GET
/

host:example.amazonaws.com
x-amz-date:20150830T123600Z
x-amz-meta-test:a
x-amz-meta-test-two:b
x-amz-meta-test2:c

host;x-amz-date;x-amz-meta-test;x-amz-meta-test-two;x-amz-meta-test2
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)";
constexpr const char* prefix_headers_sig = "32ca893d63a1d5084782d839182536f0d534a75d44d4472109e48a66e0905e3b";
constexpr const char* tabs_cr = R"(GET
/

host:example.amazonaws.com
my-header:a b c
my-header2:x y
x-amz-date:20150830T123600Z

host;my-header;my-header2;x-amz-date
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)";
constexpr const char* tabs_sig = "73ca0a4a67c0567f1dec690a3cb46913cf9c752f8d357312dc22addb40df031f";
constexpr const char* skipped_cr = R"(GET
/

host:example.amazonaws.com
my-header:v
x-amz-date:20150830T123600Z

host;my-header;x-amz-date
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)";
constexpr const char* skipped_sig = "844fbd42182b9e52113ccce7a22612c1b4570095cdcf81e77825cfe8266d001d";
constexpr const char* url_default_port_cr = R"(GET
/path
x=1
host:example.amazonaws.com
x-amz-date:20150830T123600Z

host;x-amz-date
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)";
constexpr const char* url_default_port_sig = "65810168eb29d0cafb4962f944b35cf83b04699c63134e910b2a7f44bb0075f5";
constexpr const char* url_other_port_sig = "73013269542aa1295f8ad9cd3e682502d434c9fcc8c7b8bd06622095d379f983";
// GET https://example.amazonaws.com/, service "service": [key][date] (key 2 = key 0's id with a
// rotated secret). cache_sigs[0][0] equals the suite's get-vanilla header signature.
constexpr const char* cache_sigs[3][4] = {
    {"5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
     "7b62a1e066715148eedb81d38758cca8cef7be3fea03eb1c11d458649e25ea98",
     "40594224ac0a94043d75b57f4ed7175e6805b3e9ec6910b8c0a7c248374fd301",
     "514ada45250bf4569178da553bb26f3ac74d0a9248f9e9cf641ba8696bbcedc8"},
    {"8744fa8d63511e35b0dc9dc5efd9284f77ca1f951f066978426e74f6a755e310",
     "77fc07b4218610ddcc6baec07eec3b806feaf8e58d857d95835ce40b52466dbe",
     "88ccb9060ab6d67969e372f326822f0002bef03f34f811d2bc044bd113fb1722",
     "bf1ed44a0baa9de81c2ca36b3e2d25de672770f1c0d9b87e417b81f32eea60ca"},
    {"427fe01447cb797092e8a30567c4b2dc7bcc387d558fa75ffdc165d5cebec8e1",
     "53b18353f71c6a09820a68e6f0acfd15f529e5fb525f192fba462b04539eeb3f",
     "0163e6fdd0ad6c88eef3499a5a3b258cdd55b420c1009caf90a693c8eacb7fff",
     "341a0a1d83b4afba60cfc20a0faaa3ce9768c8cf9dc9e44f78b8826034e7a1c7"},
};
constexpr const char* cache_keys[3][2] = {
    {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
    {"AKIDOTHER", "otherSecretKeyForCacheTests0123456789abc"},
    {"AKIDEXAMPLE", "rotatedSecretKeyUnderTheSameKeyId0123456"}};
// 2015-08-30T12:36:00Z, 2015-08-31T00:00:01Z, 2016-02-29T23:59:59Z, 2024-12-31T12:00:00Z
constexpr long long cache_times[4] = {1440938160, 1440979201, 1456790399, 1735646400};
constexpr const char* skew_plus_300_sig = "ef76ce0c1a80384da341214ae686df3f64ca8e7201f5a71e8fe705ceca621389";
constexpr const char* skew_minus_7200_sig = "e4386811b182e30e287e924b278baad2f58833fa1040755fdad7fd5f33a6d5aa";

const system_clock::time_point t0{seconds(1440938160)};  // 2015-08-30T12:36:00Z

credentials make_creds(std::string id = "AKIDEXAMPLE",
                       std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                       std::string token = "") {
  credentials c;
  c.access_key_id = std::move(id);
  c.secret_access_key = secret_string(secret);
  c.session_token = secret_string(token);
  return c;
}

signing_config config_for(std::string service, signature_location where = signature_location::header) {
  signing_config c;
  c.service = std::move(service);
  c.location = where;
  return c;
}

signing_config s3_config(signature_location where = signature_location::header) {
  signing_config c = config_for("s3", where);
  c.normalize_path = false;
  c.double_encode_path = false;
  c.payload = payload_mode::hash_body_signed_header;
  return c;
}

signing_output sign_one(const signing_config& cfg, std::string_view method, std::string_view target,
                        std::vector<header_view> headers, std::string_view body = {},
                        const credentials& creds = make_creds(),
                        system_clock::time_point when = t0) {
  signer s(cfg);
  signing_request r;
  r.method = method;
  r.target = target;
  r.headers = headers.data();
  r.header_count = headers.size();
  r.body = body;
  signing_output out;
  s.sign_at(r, creds, when, out);
  return out;
}

const http_header* find_added(const signing_output& out, std::string_view name) {
  for (const auto& h : out.headers_to_add)
    if (h.name == name) return &h;
  return nullptr;
}

// Runs `f`, expecting mpadjust::error with `status`; returns its message.
template <class F>
std::string error_of(F&& f, mpadjust_status status = MPADJUST_EINVALID) {
  try {
    f();
  } catch (const mpadjust::error& e) {
    CHECK(e.status() == status);
    return e.what();
  }
  FAIL("no mpadjust::error thrown");
  return {};
}

}  // namespace

// ---------------------------------------------------------------- the official suite

TEST_CASE("sigv4: conformance suite, every stage, header and query mode") {
  namespace suite = mpadjust_test::sigv4_suite;
  std::string root;
  std::string source;
  if (const char* d = std::getenv("MPADJUST_SIGV4_SUITE_DIR"); d && *d) {
    root = d;
    source = "MPADJUST_SIGV4_SUITE_DIR";
  } else if (const char* s = std::getenv("MPADJUST_SHARED_DIR"); s && *s) {
    root = std::string(s) + "/sigv4-test-suite/v4";
    source = "MPADJUST_SHARED_DIR (+ /sigv4-test-suite/v4)";
  } else {
    root = std::string(MPADJUST_DEFAULT_SHARED_DIR) + "/sigv4-test-suite/v4";
    source = "MPADJUST_DEFAULT_SHARED_DIR (compile time; set MPADJUST_SHARED_DIR or "
             "MPADJUST_SIGV4_SUITE_DIR)";
  }
  INFO("SigV4 suite folder: " << root << " (from " << source << ")");
  std::error_code ec;
  REQUIRE_MESSAGE(std::filesystem::is_directory(root, ec),
                  "the SigV4 test-suite folder " << root << " is absent; point "
                  "MPADJUST_SIGV4_SUITE_DIR at a v4/ case folder or MPADJUST_SHARED_DIR at shared/");
  const auto dirs = suite::case_dirs(root);
  REQUIRE_MESSAGE(!dirs.empty(), "no case directories in " << root);
  int passed = 0;
  for (const auto& dir : dirs) {
    for (auto mode : {signature_location::header, signature_location::query}) {
      const suite::outcome o = suite::run_case(dir, mode);
      CHECK_MESSAGE(o.result == suite::outcome::pass,
                    dir.filename().string() << " " << suite::mode_name(mode) << ": "
                                            << (o.result == suite::outcome::skipped
                                                    ? "expectation files missing"
                                                    : o.detail));
      if (o.result == suite::outcome::pass) ++passed;
    }
  }
  CHECK(passed == static_cast<int>(2 * dirs.size()));
  MESSAGE(passed << " suite signatures passed (" << dirs.size() << " cases x 2 modes)");
}

TEST_CASE("sigv4: request.txt parser keeps continuation lines and the body") {
  namespace suite = mpadjust_test::sigv4_suite;
  suite::parsed_request r;
  std::string why;
  REQUIRE(suite::parse_request("POST /a b HTTP/1.1\nHost:h\nMy:v1\n  v2\n\nbody\nline", r, why));
  CHECK(r.method == "POST");
  CHECK(r.target == "/a b");
  REQUIRE(r.headers.size() == 2);
  CHECK(r.headers[1].value == "v1\n  v2");
  CHECK(r.body == "body\nline");
  CHECK_FALSE(suite::parse_request("GARBAGE\n", r, why));
}

// ---------------------------------------------------------------- own cases (botocore)

TEST_CASE("sigv4: S3 mode signs the path as sent (no normalisation, single encoding)") {
  const auto out = sign_one(s3_config(), "GET",
                            "http://examplebucket.s3.amazonaws.com/my%20bucket/a//b/../c%2Bd.txt", {});
  CHECK(out.canonical_request == s3_mode_cr);
  CHECK(out.signature == s3_mode_sig);
  const http_header* h = find_added(out, "x-amz-content-sha256");
  REQUIRE(h != nullptr);
  CHECK(h->value == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // Bytes that can never be raw in a URI are encoded as an HTTP stack would send them.
  const auto raw = sign_one(s3_config(), "GET",
                            "http://examplebucket.s3.amazonaws.com/my bucket/a//b/../c%2Bd.txt", {});
  CHECK(raw.signature == s3_mode_sig);
}

TEST_CASE("sigv4: an already percent-encoded path is encoded again ('%' -> '%25')") {
  const auto out = sign_one(config_for("service"), "GET", "/foo%20bar/a%2Fb/%7Euser",
                            {{"Host", "example.amazonaws.com"}});
  CHECK(out.canonical_request == encoded_path_cr);
  CHECK(out.signature == encoded_path_sig);
}

TEST_CASE("sigv4: repeated query keys, empty values and keys without '=' are kept and sorted") {
  const auto out = sign_one(config_for("service"), "GET", "/?b=2&a=3&a=1&a=&c",
                            {{"Host", "example.amazonaws.com"}});
  CHECK(out.canonical_request == query_repeated_cr);
  CHECK(out.signature == query_repeated_sig);
  // Empty pieces ("&&") are dropped, as in aws-c-auth.
  const auto again = sign_one(config_for("service"), "GET", "/?&b=2&&a=3&a=1&a=&c&",
                              {{"Host", "example.amazonaws.com"}});
  CHECK(again.signature == query_repeated_sig);
}

TEST_CASE("sigv4: '+' in a query is a literal plus (%2B); a space is %20, never '+'") {
  const std::vector<header_view> host = {{"Host", "example.amazonaws.com"}};
  const auto out = sign_one(config_for("service"), "GET", "/?q=a+b&r=%2B&s=x%20y&t=%25", host);
  CHECK(out.canonical_request == query_plus_cr);
  CHECK(out.signature == query_plus_sig);
  // Decoded then re-encoded: lower-case escapes, raw spaces and another order sign the same.
  const auto other = sign_one(config_for("service"), "GET", "/?t=%25&s=x y&r=%2b&q=a+b", host);
  CHECK(other.canonical_request == query_plus_cr);
}

TEST_CASE("sigv4: UNSIGNED-PAYLOAD in header mode adds a signed x-amz-content-sha256 header") {
  signing_config cfg = s3_config();
  cfg.payload = payload_mode::unsigned_payload;
  const auto out = sign_one(cfg, "PUT", "/photo.jpg",
                            {{"Content-Type", "image/jpeg"},
                             {"Host", "examplebucket.s3.amazonaws.com"}},
                            "hello world");
  CHECK(out.canonical_request == unsigned_header_cr);
  CHECK(out.signature == unsigned_header_sig);
  CHECK(out.payload_hash == "UNSIGNED-PAYLOAD");
  REQUIRE(out.headers_to_add.size() == 3);
  CHECK(out.headers_to_add[0].name == "X-Amz-Date");
  CHECK(out.headers_to_add[1].name == "x-amz-content-sha256");
  CHECK(out.headers_to_add[1].value == "UNSIGNED-PAYLOAD");
  CHECK(out.headers_to_add[2].name == "Authorization");
}

TEST_CASE("sigv4: presigned S3 URL with UNSIGNED-PAYLOAD") {
  signing_config cfg = s3_config(signature_location::query);
  cfg.payload = payload_mode::unsigned_payload;
  cfg.expires_seconds = 86400;
  const auto out =
      sign_one(cfg, "GET", "/test.txt", {{"Host", "examplebucket.s3.amazonaws.com"}});
  CHECK(out.canonical_request == unsigned_query_cr);
  CHECK(out.signature == unsigned_query_sig);
  CHECK(out.headers_to_add.empty());
  CHECK(out.query ==
        std::string("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2F"
                    "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders="
                    "host&X-Amz-Expires=86400&X-Amz-Signature=") +
            unsigned_query_sig);
}

TEST_CASE("sigv4: a precomputed payload hash is used verbatim and signed") {
  signing_config cfg = config_for("service");
  cfg.payload = payload_mode::precomputed;
  cfg.precomputed_payload_hash = precomputed_hash;
  const auto out = sign_one(cfg, "PUT", "/upload", {{"Host", "example.amazonaws.com"}},
                            "this body is not hashed");
  CHECK(out.canonical_request == precomputed_cr);
  CHECK(out.signature == precomputed_sig);
}

TEST_CASE("sigv4: a JSON 1.0 body is hashed without an x-amz-content-sha256 header") {
  signing_config cfg = config_for("aws-marketplace");
  signer s(cfg);
  const header_view headers[] = {
      {"Content-Type", "application/x-amz-json-1.0"},
      {"X-Amz-Target", "AWSMPCommerceService_v20200301.DescribeAgreement"}};
  signing_request r;
  r.method = "POST";
  r.target = "/";
  r.host = "agreement-marketplace.us-east-1.amazonaws.com";
  r.headers = headers;
  r.header_count = 2;
  r.body = R"({"AgreementId":"agmt-1111111111111111111111111"})";
  signing_output out;
  s.sign_at(r, make_creds(), t0, out);
  CHECK(out.canonical_request == json_agreement_cr);
  CHECK(out.signature == json_agreement_sig);
  REQUIRE(out.headers_to_add.size() == 2);
  CHECK(out.headers_to_add[0].name == "X-Amz-Date");
  CHECK(out.headers_to_add[0].value == "20150830T123600Z");
  CHECK(out.headers_to_add[1].name == "Authorization");
  CHECK(out.headers_to_add[1].value ==
        std::string("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/aws-marketplace/"
                    "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                    "Signature=") +
            json_agreement_sig);
  CHECK(out.query.empty());
  // Steady state: a reused signing_output keeps its buffers.
  const char* cr_data = out.canonical_request.data();
  const char* sts_data = out.string_to_sign.data();
  const char* auth_data = out.headers_to_add[1].value.data();
  s.sign_at(r, make_creds(), t0, out);
  CHECK(out.canonical_request.data() == cr_data);
  CHECK(out.string_to_sign.data() == sts_data);
  CHECK(out.headers_to_add[1].value.data() == auth_data);
  CHECK(out.signature == json_agreement_sig);
}

TEST_CASE("sigv4: header names sharing a prefix sort by name, not by line") {
  const auto out = sign_one(config_for("service"), "GET", "/",
                            {{"x-amz-meta-test-two", "b"},
                             {"X-Amz-Meta-Test", "a"},
                             {"x-amz-meta-test2", "c"},
                             {"Host", "example.amazonaws.com"}});
  CHECK(out.canonical_request == prefix_headers_cr);
  CHECK(out.signature == prefix_headers_sig);
}

TEST_CASE("sigv4: tabs and whitespace runs in values are trimmed and folded") {
  const auto out = sign_one(config_for("service"), "GET", "/",
                            {{"My-Header", "\ta\t\tb  c \t"},
                             {"My-Header2", "x\ty"},
                             {"Host", "example.amazonaws.com"}});
  CHECK(out.canonical_request == tabs_cr);
  CHECK(out.signature == tabs_sig);
  // A CRLF obs-fold is folded like a plain run of spaces (long values use the word path too).
  const auto folded = sign_one(config_for("service"), "GET", "/",
                               {{"My-Header", "abcdefghij\r\n   klmnopqrstuvwxyz"},
                                {"Host", "example.amazonaws.com"}});
  CHECK(folded.canonical_request.find("\nmy-header:abcdefghij klmnopqrstuvwxyz\n") !=
        std::string::npos);
}

TEST_CASE("sigv4: skip-listed headers are not signed; the list is replaceable; host always is") {
  const std::vector<header_view> base = {{"User-Agent", "mpadjust/1.0"},
                                         {"Expect", "100-continue"},
                                         {"X-Amzn-Trace-Id", "Root=1-abc"},
                                         {"My-Header", "v"},
                                         {"Host", "example.amazonaws.com"}};
  const auto out = sign_one(config_for("service"), "GET", "/", base);
  CHECK(out.canonical_request == skipped_cr);
  CHECK(out.signature == skipped_sig);

  signing_config custom = config_for("service");
  custom.unsigned_headers = {"X-Custom-Skip", "host"};  // case-insensitive; host cannot be skipped
  const auto out2 = sign_one(custom, "GET", "/",
                             {{"My-Header", "v"}, {"x-custom-skip", "anything"},
                              {"Host", "example.amazonaws.com"}});
  CHECK(out2.canonical_request == skipped_cr);
  CHECK(out2.signature == skipped_sig);
  // With the custom list, User-Agent is signed again.
  const auto out3 = sign_one(custom, "GET", "/",
                             {{"User-Agent", "ua"}, {"My-Header", "v"},
                              {"Host", "example.amazonaws.com"}});
  CHECK(out3.signed_headers == "host;my-header;user-agent;x-amz-date");
}

TEST_CASE("sigv4: X-Amz-Expires outside 1..604800 is rejected with a clear error") {
  for (std::int64_t bad : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{604801},
                           std::int64_t{1} << 40}) {
    signing_config cfg = config_for("service", signature_location::query);
    cfg.expires_seconds = bad;
    CAPTURE(bad);
    const std::string msg = error_of([&] { signer s(cfg); });
    CHECK(msg.find("604800") != std::string::npos);
    CHECK(msg.find("expires_seconds") != std::string::npos);
  }
  for (std::int64_t good : {std::int64_t{1}, std::int64_t{604800}}) {
    signing_config cfg = config_for("service", signature_location::query);
    cfg.expires_seconds = good;
    const auto out = sign_one(cfg, "GET", "/", {{"Host", "example.amazonaws.com"}});
    CHECK(out.query.find("X-Amz-Expires=" + std::to_string(good) + "&") != std::string::npos);
  }
  signing_config header_mode = config_for("service");
  header_mode.expires_seconds = 0;  // irrelevant to header signing
  CHECK_NOTHROW(signer{header_mode});
}

TEST_CASE("sigv4: the key cache gives correct signatures under concurrent threads") {
  signer s(config_for("service"));  // one shared signer: 12 (key, date) pairs > 8 cache entries
  const header_view host[] = {{"Host", "example.amazonaws.com"}};
  signing_request r;
  r.method = "GET";
  r.target = "/";
  r.headers = host;
  r.header_count = 1;
  std::vector<credentials> creds;
  for (const auto& k : cache_keys) creds.push_back(make_creds(k[0], k[1]));
  std::atomic<int> wrong{0}, done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      signing_output out;
      for (int i = 0; i < 600; ++i) {
        const int combo = (i * (t + 1) + t * 5) % 12;  // a different walk per thread
        const int key = combo / 4, date = combo % 4;
        try {
          s.sign_at(r, creds[key], system_clock::time_point(seconds(cache_times[date])), out);
          if (out.signature != cache_sigs[key][date]) ++wrong;
        } catch (...) {
          ++wrong;
        }
        ++done;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(done == 2400);
  CHECK(wrong == 0);
}

TEST_CASE("sigv4: a rotated secret under the same key id is not served a stale key") {
  signer s(config_for("service"));
  const header_view host[] = {{"Host", "example.amazonaws.com"}};
  signing_request r;
  r.method = "GET";
  r.target = "/";
  r.headers = host;
  r.header_count = 1;
  signing_output out;
  const auto when = system_clock::time_point(seconds(cache_times[0]));
  s.sign_at(r, make_creds(cache_keys[0][0], cache_keys[0][1]), when, out);
  CHECK(out.signature == cache_sigs[0][0]);
  s.sign_at(r, make_creds(cache_keys[2][0], cache_keys[2][1]), when, out);
  CHECK(out.signature == cache_sigs[2][0]);
  s.sign_at(r, make_creds(cache_keys[0][0], cache_keys[0][1]), when, out);
  CHECK(out.signature == cache_sigs[0][0]);
}

TEST_CASE("sigv4: the clock is injectable and the clock skew is applied") {
  signing_config cfg = config_for("service");
  cfg.clock = [] { return t0 + std::chrono::milliseconds(999); };  // sub-second part truncated
  signer s(cfg);
  const header_view host[] = {{"Host", "example.amazonaws.com"}};
  signing_request r;
  r.method = "GET";
  r.target = "/";
  r.headers = host;
  r.header_count = 1;
  signing_output out;
  const credentials c = make_creds();
  s.sign(r, c, out);
  CHECK(out.amz_date == "20150830T123600Z");
  CHECK(out.signature == cache_sigs[0][0]);
  s.set_clock_skew(seconds(300));
  CHECK(s.clock_skew() == seconds(300));
  s.sign(r, c, out);
  CHECK(out.amz_date == "20150830T124100Z");
  CHECK(out.signature == skew_plus_300_sig);
  s.set_clock_skew(seconds(-7200));
  s.sign(r, c, out);
  CHECK(out.amz_date == "20150830T103600Z");
  CHECK(out.signature == skew_minus_7200_sig);
  s.sign_at(r, c, t0, out);  // sign_at: exactly the time given, no skew
  CHECK(out.signature == cache_sigs[0][0]);
}

TEST_CASE("sigv4: absolute URL targets supply the host (default port dropped)") {
  const auto out = sign_one(config_for("service"), "GET",
                            "https://example.amazonaws.com:443/path?x=1", {});
  CHECK(out.canonical_request == url_default_port_cr);
  CHECK(out.signature == url_default_port_sig);
  const auto other = sign_one(config_for("service"), "GET",
                              "https://example.amazonaws.com:8443/path", {});
  CHECK(other.signature == url_other_port_sig);
  // Host from signing_request::host.
  signer s(config_for("service"));
  signing_request r;
  r.method = "GET";
  r.target = "/path?x=1";
  r.host = "example.amazonaws.com";
  signing_output o;
  s.sign_at(r, make_creds(), t0, o);
  CHECK(o.signature == url_default_port_sig);
  // Disagreeing sources are an error.
  const std::string msg = error_of([] {
    sign_one(config_for("service"), "GET", "https://example.amazonaws.com/path",
             {{"Host", "evil.example.com"}});
  });
  CHECK(msg.find("host") != std::string::npos);
}

TEST_CASE("sigv4: session token placement, omission and redaction") {
  const std::string token = "FQoG/token+with=special/chars==";
  const credentials c = make_creds("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token);
  const std::vector<header_view> host = {{"Host", "example.amazonaws.com"}};

  // Header mode: signed x-amz-security-token header, first of the headers to add.
  signing_config cfg = config_for("service");
  cfg.payload = payload_mode::hash_body_signed_header;
  const auto hdr = sign_one(cfg, "GET", "/", host, {}, c);
  REQUIRE(hdr.headers_to_add.size() == 4);
  CHECK(hdr.headers_to_add[0].name == "X-Amz-Security-Token");
  CHECK(hdr.headers_to_add[0].value == token);
  CHECK(hdr.headers_to_add[1].name == "X-Amz-Date");
  CHECK(hdr.headers_to_add[2].name == "x-amz-content-sha256");
  CHECK(hdr.headers_to_add[3].name == "Authorization");
  CHECK(hdr.signed_headers == "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
  CHECK(hdr.canonical_request.find("\nx-amz-security-token:" + token + "\n") != std::string::npos);
  const std::string red = redact_canonical_request(hdr.canonical_request);
  CHECK(red.find(token) == std::string::npos);
  std::string expected = hdr.canonical_request;
  expected.replace(expected.find(token), token.size(), "<redacted>");
  CHECK(red == expected);

  // Query mode: encoded X-Amz-Security-Token parameter inside the canonical query.
  const std::string encoded = "FQoG%2Ftoken%2Bwith%3Dspecial%2Fchars%3D%3D";
  const auto q = sign_one(config_for("service", signature_location::query), "GET", "/", host, {}, c);
  CHECK(q.headers_to_add.empty());
  CHECK(q.canonical_request.find("&X-Amz-Security-Token=" + encoded + "&X-Amz-SignedHeaders=host\n") !=
        std::string::npos);
  CHECK(q.query.find("&X-Amz-Security-Token=" + encoded + "&X-Amz-Signature=") != std::string::npos);
  const std::string qred = redact_canonical_request(q.canonical_request);
  CHECK(qred.find(encoded) == std::string::npos);
  CHECK(qred.find("&X-Amz-Security-Token=<redacted>&X-Amz-SignedHeaders=host\n") != std::string::npos);

  // omit_session_token: still sent, not signed.
  signing_config omit = config_for("service");
  omit.omit_session_token = true;
  const auto o = sign_one(omit, "GET", "/", host, {}, c);
  CHECK(o.signed_headers == "host;x-amz-date");
  CHECK(o.signature == cache_sigs[0][0]);  // identical to signing without a token
  REQUIRE(o.headers_to_add.size() == 3);
  CHECK(o.headers_to_add[0].value == token);
}

TEST_CASE("sigv4: requests that already carry signing fields are rejected") {
  for (std::string_view name : {"Authorization", "X-Amz-Date", "x-amz-security-token",
                                "X-Amz-Content-Sha256", "X-Amz-Region-Set"}) {
    CAPTURE(name);
    const std::string msg = error_of([&] {
      sign_one(config_for("service"), "GET", "/",
               {{"Host", "example.amazonaws.com"}, {name, "x"}});
    });
    CHECK(msg.find(std::string(name)) != std::string::npos);
  }
  for (std::string_view target : {"/?X-Amz-Signature=abc", "/?a=1&x-amz-credential=k",
                                  "/?X-Amz-Date=20150830T123600Z", "/?X%2DAmz-Expires=1"}) {
    CAPTURE(target);
    error_of([&] {
      sign_one(config_for("service", signature_location::query), "GET", target,
               {{"Host", "example.amazonaws.com"}});
    });
  }
}

TEST_CASE("sigv4: malformed input is a clear error") {
  const std::vector<header_view> host = {{"Host", "example.amazonaws.com"}};
  const signing_config cfg = config_for("service");
  for (std::string_view target : {"/?a=%zz", "/?a=%4", "/?a%=1", "/?x=%"}) {
    CAPTURE(target);
    const std::string msg = error_of([&] { sign_one(cfg, "GET", target, host); });
    CHECK(msg.find("percent-escape") != std::string::npos);
  }
  CHECK(error_of([&] { sign_one(s3_config(), "GET", "/bucket/%G1", host); }).find("percent-escape") !=
        std::string::npos);
  CHECK(error_of([&] { sign_one(cfg, "GET", "/#frag", host); }).find("fragment") != std::string::npos);
  CHECK(error_of([&] { sign_one(cfg, "GET", "/", {}); }).find("host") != std::string::npos);
  error_of([&] { sign_one(cfg, "", "/", host); });
  error_of([&] { sign_one(cfg, "GET /x", "/", host); });
  error_of([&] { sign_one(cfg, "GET", "relative", host); });
  // Header injection and bad names.
  error_of([&] { sign_one(cfg, "GET", "/", {host[0], {"X-A", "v\r\nX-Evil: 1"}}); });
  error_of([&] { sign_one(cfg, "GET", "/", {host[0], {"X-A", "v\n"}}); });
  error_of([&] { sign_one(cfg, "GET", "/", {host[0], {"X-A", std::string_view("v\0w", 3)}}); });
  error_of([&] { sign_one(cfg, "GET", "/", {host[0], {"User-Agent", "ua\r\nX: 1"}}); });  // skipped too
  error_of([&] { sign_one(cfg, "GET", "/", {host[0], {"Bad Name", "v"}}); });
  error_of([&] { sign_one(cfg, "GET", "/", {host[0], {"", "v"}}); });
  error_of([&] { sign_one(cfg, "GET", "/", {host[0], host[0]}); });
  // Credentials.
  error_of([&] { sign_one(cfg, "GET", "/", host, {}, make_creds("", "s")); }, MPADJUST_ECREDENTIALS);
  error_of([&] { sign_one(cfg, "GET", "/", host, {}, make_creds("AKID", "")); }, MPADJUST_ECREDENTIALS);
  error_of([&] { sign_one(cfg, "GET", "/", host, {}, make_creds("AK/ID", "s")); },
           MPADJUST_ECREDENTIALS);
  error_of([&] { sign_one(cfg, "GET", "/", host, {}, make_creds("AKID", "s", "tok\nen")); },
           MPADJUST_ECREDENTIALS);
  // Configuration.
  signing_config bad = config_for("service");
  bad.payload = payload_mode::precomputed;
  bad.precomputed_payload_hash = "not a hash";
  CHECK(error_of([&] { signer s(bad); }).find("precomputed_payload_hash") != std::string::npos);
  signing_config bad_region = config_for("service");
  bad_region.region = "us-east-1/x";
  error_of([&] { signer s(bad_region); });
  signing_config bad_service = config_for("");
  error_of([&] { signer s(bad_service); });
  // A secret never shows in an error message.
  try {
    sign_one(cfg, "GET", "/?a=%zz", host, {}, make_creds("AKID", "TopSecretValue"));
  } catch (const mpadjust::error& e) {
    CHECK(std::string(e.what()).find("TopSecretValue") == std::string::npos);
  }
}

TEST_CASE("sigv4: path normalisation resolves dot segments and keeps a trailing slash") {
  // Hand-derived from RFC 3986 remove_dot_segments plus empty-segment removal (botocore
  // normalize_url_path / aws-c-auth s_append_normalized_path).
  const std::vector<header_view> host = {{"Host", "example.amazonaws.com"}};
  struct c { const char* in; const char* out; } cases[] = {
      {"", "/"}, {"/", "/"}, {"//", "/"}, {"/a/./b/../c/", "/a/c/"}, {"/a/b/..", "/a"},
      {"/../..", "/"}, {"/a/..//b", "/b"}, {"/a b/~x", "/a%20b/~x"}, {"/a/.", "/a"}};
  for (const auto& k : cases) {
    CAPTURE(k.in);
    const auto out = sign_one(config_for("service"), "GET", std::string(k.in), host);
    CHECK(out.canonical_request.substr(4, out.canonical_request.find('\n', 4) - 4) == k.out);
  }
}
