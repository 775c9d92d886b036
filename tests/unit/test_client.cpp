// Client behaviour over an in-memory transport (which is also the "custom transport" test):
// request format, retries, quota, clock skew, cancellation, pagination, logging, endpoints.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <mpadjust/client.hpp>
#include <mpadjust/credentials.hpp>

using namespace mpadjust;
using namespace std::chrono_literals;

namespace {

const char* const k_secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const char* const k_token = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvalue0123456789abcdef";

// A scripted transport: each send() pops the next action and records the request.
class fake_transport : public transport {
 public:
  using action = std::function<http_response(const http_request&)>;
  std::deque<action> script;
  action fallback;  // used when the script is empty
  std::vector<http_request> sent;
  std::atomic<bool> cancelled{false};

  http_response send(const http_request& r) override {
    sent.push_back(r);
    action a;
    if (!script.empty()) {
      a = std::move(script.front());
      script.pop_front();
    } else if (fallback) {
      a = fallback;
    } else {
      FAIL("unexpected request");
    }
    return a(r);
  }
  void cancel() noexcept override { cancelled = true; }
  void reset_cancel() noexcept override { cancelled = false; }
};

http_response respond(int status, std::string body, std::vector<http_header> headers = {}) {
  http_response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  r.headers.push_back({"x-amzn-RequestId", "req-" + std::to_string(status)});
  return r;
}
fake_transport::action reply(int status, std::string body, std::vector<http_header> headers = {}) {
  return [=](const http_request&) { return respond(status, body, headers); };
}
fake_transport::action service_error_reply(int status, const std::string& type, const std::string& extra = "") {
  return reply(status, R"({"__type":"com.amazonaws.marketplaceagreement#)" + type +
                           R"(","message":"simulated )" + type + "\"" + extra + "}");
}
fake_transport::action drop(transport_failure kind = transport_failure::receive) {
  return [=](const http_request&) -> http_response {
    throw transport_error(kind, "http: connection dropped (simulated)");
  };
}

// AWS_EC2_METADATA_DISABLED=true unless given: a default chain never reaches a real IMDS.
environment fake_env(std::map<std::string, std::string> vars = {}) {
  vars.emplace("AWS_EC2_METADATA_DISABLED", "true");
  environment env;
  env.get = [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  return env;
}

struct harness {
  std::shared_ptr<fake_transport> fake = std::make_shared<fake_transport>();
  std::vector<std::chrono::milliseconds> sleeps;
  std::vector<std::pair<log_level, std::string>> lines;
  client_config cfg;

  harness() {
    cfg.env = fake_env();
    cfg.http_transport = fake;
    cfg.credentials = make_static_credentials_provider("AKIDEXAMPLE", secret_string(k_secret));
    cfg.retry.sleep = [this](std::chrono::milliseconds d) { sleeps.push_back(d); };
    cfg.retry.rng_seed = 42;
  }
  client make() { return client(cfg); }
  std::string header(std::size_t i, std::string_view name) const {
    for (const auto& h : fake->sent.at(i).headers) {
      if (h.name.size() == name.size() &&
          std::equal(h.name.begin(), h.name.end(), name.begin(),
                     [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
        return h.value;
    }
    return {};
  }
};

// Text shape checks (no <regex>: GCC 12 warns inside it under ASan + -Werror).
bool is_hex(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}
bool is_uuid4(std::string_view s) {
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return false;
  if (s[14] != '4' || std::string_view("89ab").find(s[19]) == std::string_view::npos) return false;
  return is_hex(s.substr(0, 8)) && is_hex(s.substr(9, 4)) && is_hex(s.substr(14, 4)) &&
         is_hex(s.substr(19, 4)) && is_hex(s.substr(24));
}
bool is_amz_date(std::string_view s) {
  return s.size() == 16 && s[8] == 'T' && s[15] == 'Z' &&
         s.substr(0, 8).find_first_not_of("0123456789") == std::string_view::npos &&
         s.substr(9, 6).find_first_not_of("0123456789") == std::string_view::npos;
}
// Every value of "clientToken":"..." in a JSON text, in order.
std::vector<std::string> client_tokens(const std::string& body) {
  std::vector<std::string> out;
  const std::string key = "\"clientToken\":\"";
  for (auto pos = body.find(key); pos != std::string::npos; pos = body.find(key, pos)) {
    pos += key.size();
    out.push_back(body.substr(pos, body.find('"', pos) - pos));
  }
  return out;
}

describe_agreement_input describe(const char* id = "agmt-1") {
  describe_agreement_input in;
  in.agreement_id = id;
  return in;
}

std::string http_date(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

template <class F>
mpadjust::error failure(F&& f) {
  try {
    f();
  } catch (const mpadjust::error& e) {
    return e;
  }
  FAIL("expected an mpadjust::error");
  return mpadjust::error(MPADJUST_OK, "");
}

}  // namespace

TEST_CASE("client: a custom transport carries an AWS JSON 1.0 request signed for aws-marketplace") {
  harness h;
  h.fake->script.push_back(reply(200, R"({"agreementId":"agmt-1","status":"ACTIVE","startTime":1700000000})"));
  auto c = h.make();
  CHECK(c.region() == "us-east-1");
  CHECK(c.endpoint() == "https://agreement-marketplace.us-east-1.amazonaws.com");
  auto out = c.describe_agreement(describe());
  CHECK(*out.status == "ACTIVE");
  CHECK(epoch_ms(*out.start_time) == 1700000000000);

  REQUIRE(h.fake->sent.size() == 1);
  const auto& r = h.fake->sent[0];
  CHECK(r.method == "POST");
  CHECK(r.url == "https://agreement-marketplace.us-east-1.amazonaws.com/");
  CHECK(r.body == R"({"agreementId":"agmt-1"})");
  CHECK(h.header(0, "Content-Type") == "application/x-amz-json-1.0");
  CHECK(h.header(0, "X-Amz-Target") == "AWSMPCommerceService_v20200301.DescribeAgreement");
  CHECK(h.header(0, "amz-sdk-request") == "attempt=1; max=3");
  CHECK(is_uuid4(h.header(0, "amz-sdk-invocation-id")));
  CHECK(is_amz_date(h.header(0, "X-Amz-Date")));
  const std::string auth = h.header(0, "Authorization");
  const std::string prefix = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + h.header(0, "X-Amz-Date").substr(0, 8) +
                             "/us-east-1/aws-marketplace/aws4_request, SignedHeaders=";
  CHECK(auth.compare(0, prefix.size(), prefix) == 0);
  auto sig_at = auth.find(", Signature=");
  REQUIRE(sig_at != std::string::npos);
  std::string signed_headers = auth.substr(prefix.size(), sig_at - prefix.size());
  CHECK(signed_headers.find("x-amz-target") != std::string::npos);
  CHECK(signed_headers.find("x-amz-date") != std::string::npos);
  std::string sig = auth.substr(sig_at + 12);
  CHECK(sig.size() == 64);
  CHECK(is_hex(sig));
  CHECK(h.header(0, "Authorization").find("host;") != std::string::npos);
}

TEST_CASE("client: every operation sends its target and parses its output") {
  harness h;
  h.fake->fallback = [](const http_request& r) {
    std::string target;
    for (const auto& hd : r.headers)
      if (hd.name == "X-Amz-Target") target = hd.value;
    return respond(200, R"({"items":[],"errors":[],"nextToken":""})");
  };
  auto c = h.make();
  c.describe_agreement(describe());
  search_agreements_input s;
  c.search_agreements(s);
  get_agreement_terms_input gt;
  gt.agreement_id = "agmt-1";
  c.get_agreement_terms(gt);
  list_agreement_invoice_line_items_input li;
  li.agreement_id = "agmt-1";
  c.list_agreement_invoice_line_items(li);
  batch_create_billing_adjustment_request_input b;
  b.billing_adjustment_request_entries.push_back({"agmt-1", "inv-1", "1.00", "USD", "OTHER", std::nullopt, "tok-1"});
  c.batch_create_billing_adjustment_request(b);
  c.get_billing_adjustment_request({"agmt-1", "ba-1"});
  c.list_billing_adjustment_requests({});
  send_agreement_cancellation_request_input sc;
  sc.agreement_id = "agmt-1";
  sc.reason_code = "OTHER";
  c.send_agreement_cancellation_request(sc);
  c.get_agreement_cancellation_request({"acr-1", "agmt-1"});
  list_agreement_cancellation_requests_input lc;
  lc.party_type = "Proposer";
  c.list_agreement_cancellation_requests(lc);
  c.cancel_agreement_cancellation_request({"agmt-1", "acr-1", "no longer needed"});
  const char* expected[] = {"DescribeAgreement", "SearchAgreements", "GetAgreementTerms",
                            "ListAgreementInvoiceLineItems", "BatchCreateBillingAdjustmentRequest",
                            "GetBillingAdjustmentRequest", "ListBillingAdjustmentRequests",
                            "SendAgreementCancellationRequest", "GetAgreementCancellationRequest",
                            "ListAgreementCancellationRequests", "CancelAgreementCancellationRequest"};
  REQUIRE(h.fake->sent.size() == 11);
  for (std::size_t i = 0; i < 11; ++i) {
    CHECK(h.header(i, "X-Amz-Target") == std::string("AWSMPCommerceService_v20200301.") + expected[i]);
  }
  CHECK(h.fake->sent[1].body == "{}");
  CHECK(h.fake->sent[6].body == "{}");
  // SendAgreementCancellationRequest got a generated idempotency token.
  auto generated = client_tokens(h.fake->sent[7].body);
  REQUIRE(generated.size() == 1);
  CHECK(is_uuid4(generated[0]));
}

TEST_CASE("client: retries recover from throttles, 500s and dropped connections") {
  harness h;
  h.fake->script = {service_error_reply(429, "ThrottlingException"), service_error_reply(500, "InternalServerException"),
                    reply(200, R"({"agreementId":"agmt-1"})")};
  h.cfg.retry.max_attempts = 3;
  auto c = h.make();
  int quota_before = c.retry_quota();
  CHECK(quota_before == 500);
  CHECK(*c.describe_agreement(describe()).agreement_id == "agmt-1");
  REQUIRE(h.fake->sent.size() == 3);
  CHECK(h.header(0, "amz-sdk-request") == "attempt=1; max=3");
  CHECK(h.header(1, "amz-sdk-request") == "attempt=2; max=3");
  CHECK(h.header(2, "amz-sdk-request") == "attempt=3; max=3");
  CHECK(h.header(0, "amz-sdk-invocation-id") == h.header(2, "amz-sdk-invocation-id"));
  REQUIRE(h.sleeps.size() == 2);
  // Long-standing standard mode: rand * min(1 s * 2^(n-1), 20 s).
  CHECK(h.sleeps[0] <= 1000ms);
  CHECK(h.sleeps[1] <= 2000ms);
  // Two retries cost 5 each; the success returns the last retry's 5.
  CHECK(c.retry_quota() == 495);

  h.fake->script = {drop(), drop(transport_failure::connect), reply(200, R"({"agreementId":"agmt-2"})")};
  CHECK(*c.describe_agreement(describe("agmt-2")).agreement_id == "agmt-2");
  CHECK(h.fake->sent.size() == 6);
  CHECK(c.retry_quota() == 495 - 5 - 5 + 5);  // two retries taken, the last one returned
  h.fake->script = {drop(transport_failure::timeout), drop(transport_failure::timeout)};
  h.fake->fallback = reply(200, "{}");
  c.describe_agreement(describe());
  CHECK(c.retry_quota() == 490 - 10 - 10 + 10);  // a retry after a timeout costs 10
}

TEST_CASE("client: giving up after max attempts keeps the typed error") {
  harness h;
  h.fake->fallback = service_error_reply(500, "InternalServerException");
  auto c = h.make();
  try {
    c.describe_agreement(describe());
    FAIL("no error");
  } catch (const service_error& s) {
    CHECK(s.status() == MPADJUST_ESERVICE);
    CHECK(s.http_status() == 500);
    CHECK(s.error_type() == "InternalServerException");
    CHECK(s.retryable());
    CHECK(s.info().attempts == 3);
    CHECK(s.request_id() == "req-500");
    CHECK(std::string(s.what()).find("after 3 attempts") != std::string::npos);
  }
  CHECK(h.fake->sent.size() == 3);

  h.fake->fallback = drop();
  auto t = failure([&] { c.describe_agreement(describe()); });
  CHECK(t.status() == MPADJUST_ETRANSPORT);
  CHECK(std::string(t.what()).find("after 3 attempts") != std::string::npos);

  h.fake->fallback = drop(transport_failure::tls);  // not transient: no retry
  std::size_t before = h.fake->sent.size();
  failure([&] { c.describe_agreement(describe()); });
  CHECK(h.fake->sent.size() == before + 1);
}

TEST_CASE("client: no retry on validation or access errors; every error type is mapped") {
  harness h;
  auto c = h.make();
  struct row {
    int status;
    const char* type;
    bool retryable;
  } rows[] = {{400, "ValidationException", false},       {403, "AccessDeniedException", false},
              {404, "ResourceNotFoundException", false}, {409, "ConflictException", false},
              {402, "ServiceQuotaExceededException", false}, {429, "ThrottlingException", true},
              {500, "InternalServerException", true}};
  for (const auto& r : rows) {
    CAPTURE(r.type);
    std::size_t before = h.fake->sent.size();
    h.fake->fallback = service_error_reply(
        r.status, r.type,
        R"(,"reason":"INVALID_AGREEMENT_ID","fields":[{"name":"agreementId","message":"bad"}],"resourceId":"agmt-1","resourceType":"Agreement","quotaCode":"q","serviceCode":"s")");
    try {
      c.describe_agreement(describe());
      FAIL("no error");
    } catch (const service_error& e) {
      CHECK(e.error_type() == r.type);
      CHECK(e.http_status() == r.status);
      CHECK(e.retryable() == r.retryable);
      CHECK(e.service_message() == std::string("simulated ") + r.type);
      CHECK(e.info().resource_id == "agmt-1");
      CHECK(e.reason() == "INVALID_AGREEMENT_ID");
    }
    CHECK(h.fake->sent.size() - before == (r.retryable ? 3u : 1u));
  }
}

TEST_CASE("client: AWS_MAX_ATTEMPTS, the quota and the 2026 base delays") {
  harness h;
  h.cfg.env = fake_env({{"AWS_MAX_ATTEMPTS", "5"}});
  h.fake->fallback = service_error_reply(503, "ServiceUnavailable");
  {
    auto c = h.make();
    CHECK(c.max_attempts() == 5);
    failure([&] { c.describe_agreement(describe()); });
    CHECK(h.fake->sent.size() == 5);
    CHECK(h.header(4, "amz-sdk-request") == "attempt=5; max=5");
    CHECK(c.retry_quota() == 500 - 4 * 5);  // a failed call returns nothing
  }
  h.cfg.env = fake_env({{"AWS_MAX_ATTEMPTS", "zero"}});
  CHECK(failure([&] { h.make(); }).field() == "AWS_MAX_ATTEMPTS");

  // A quota of 12 allows two retries of cost 5, then the error is returned.
  harness q;
  q.cfg.retry.max_attempts = 10;
  q.cfg.retry.quota_capacity = 12;
  q.fake->fallback = service_error_reply(500, "InternalServerException");
  auto qc = q.make();
  failure([&] { qc.describe_agreement(describe()); });
  CHECK(q.fake->sent.size() == 3);

  // 2026: 50 ms base for non-throttling errors, cost 14; cap applies before jitter.
  harness n;
  n.cfg.env = fake_env({{"AWS_NEW_RETRIES_2026", "true"}});
  n.cfg.retry.max_attempts = 8;
  n.fake->fallback = service_error_reply(500, "InternalServerException");
  auto nc = n.make();
  CHECK(nc.mode() == retry_mode::standard_2026);
  failure([&] { nc.describe_agreement(describe()); });
  REQUIRE(n.sleeps.size() == 7);
  for (std::size_t i = 0; i < n.sleeps.size(); ++i) CHECK(n.sleeps[i].count() <= 50LL << i);
  CHECK(nc.retry_quota() == 500 - 7 * 14);

  // Standard mode: delays never exceed max_backoff.
  harness cap;
  cap.cfg.retry.max_attempts = 12;
  cap.cfg.retry.max_backoff = 3000ms;
  cap.fake->fallback = service_error_reply(429, "ThrottlingException");
  auto cc = cap.make();
  failure([&] { cc.describe_agreement(describe()); });
  REQUIRE(cap.sleeps.size() == 11);
  long long over_one_second = 0;
  for (auto d : cap.sleeps) {
    CHECK(d <= 3000ms);
    over_one_second += d > 1000ms;
  }
  CHECK(over_one_second > 0);  // growth happens (seeded RNG, bounds only)
}

TEST_CASE("client: a retried batch re-sends the byte-identical body with the same client tokens") {
  harness h;
  h.fake->script = {service_error_reply(500, "InternalServerException"), drop(),
                    reply(200, R"({"items":[{"billingAdjustmentRequestId":"ba-1","clientToken":"tok-a"},)"
                               R"({"billingAdjustmentRequestId":"ba-2","clientToken":"tok-b"}],"errors":[]})")};
  auto c = h.make();
  batch_create_billing_adjustment_request_input in;
  in.billing_adjustment_request_entries.push_back({"agmt-1", "inv-1", "10.00", "USD", "OTHER", std::string("dup"), "tok-a"});
  in.billing_adjustment_request_entries.push_back({"agmt-1", "inv-2", "0.5", "USD", "INCORRECT_METERING", std::nullopt, "tok-b"});
  auto out = c.batch_create_billing_adjustment_request(in);
  CHECK(out.items.size() == 2);
  CHECK(out.items[1].billing_adjustment_request_id == "ba-2");
  REQUIRE(h.fake->sent.size() == 3);
  for (const auto& r : h.fake->sent) {
    CHECK(r.body == h.fake->sent[0].body);
    CHECK(client_tokens(r.body) == std::vector<std::string>{"tok-a", "tok-b"});
  }
  // Invalid batches never reach the transport.
  in.billing_adjustment_request_entries[1].agreement_id = "agmt-2";
  CHECK(failure([&] { c.batch_create_billing_adjustment_request(in); }).status() == MPADJUST_EINVALID);
  CHECK(h.fake->sent.size() == 3);

  // The generated cancellation-request token is kept across retries too.
  h.fake->script = {drop(), reply(200, R"({"agreementCancellationRequestId":"acr-1"})")};
  send_agreement_cancellation_request_input sc;
  sc.agreement_id = "agmt-1";
  sc.reason_code = "OTHER";
  c.send_agreement_cancellation_request(sc);
  REQUIRE(h.fake->sent.size() == 5);
  CHECK(h.fake->sent[3].body == h.fake->sent[4].body);
}

TEST_CASE("client: clock skew is learnt from Date and the request retried once") {
  harness h;
  const auto real = std::chrono::system_clock::now();
  h.cfg.clock = [real] { return real - 1h; };  // our clock is an hour behind
  h.fake->script = {
      [real](const http_request&) {
        return respond(400, R"({"__type":"InvalidSignatureException","message":"Signature expired"})",
                       {{"Date", http_date(real)}});
      },
      reply(200, R"({"agreementId":"agmt-1"})")};
  auto c = h.make();
  CHECK(*c.describe_agreement(describe()).agreement_id == "agmt-1");
  REQUIRE(h.fake->sent.size() == 2);
  CHECK(h.sleeps.empty());  // retried immediately
  CHECK(c.clock_skew() >= 3599s);
  CHECK(c.clock_skew() <= 3601s);
  std::time_t tt = std::chrono::system_clock::to_time_t(real);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y%m%d", &tm);
  CHECK(h.header(1, "X-Amz-Date").substr(0, 8) == date);
  CHECK(h.header(1, "X-Amz-Date") != h.header(0, "X-Amz-Date"));

  // Only once per call; and no skew retry when the Date agrees with our clock.
  harness g;
  g.fake->fallback = [](const http_request&) {
    return respond(403, R"({"__type":"AccessDeniedException","message":"no"})",
                   {{"Date", http_date(std::chrono::system_clock::now())}});
  };
  auto gc = g.make();
  failure([&] { gc.describe_agreement(describe()); });
  CHECK(g.fake->sent.size() == 1);
  CHECK(gc.clock_skew() == 0s);

  harness twice;
  twice.cfg.clock = [real] { return real + 2h; };
  twice.fake->fallback = [real](const http_request&) {
    return respond(403, R"({"__type":"InvalidSignatureException"})", {{"Date", http_date(real - 2h)}});
  };
  auto tc = twice.make();
  failure([&] { tc.describe_agreement(describe()); });
  CHECK(twice.fake->sent.size() == 2);
}

TEST_CASE("client: x-amz-retry-after lengthens 2026 backoffs within 5 s; standard mode ignores it") {
  auto with_retry_after = [](int status, const std::string& type, const std::string& value) {
    return [=](const http_request&) {
      return respond(status, R"({"__type":")" + type + R"("})", {{"x-amz-retry-after", value}});
    };
  };
  harness n;
  n.cfg.retry.mode = retry_mode::standard_2026;
  n.cfg.retry.max_attempts = 6;
  n.fake->script = {with_retry_after(429, "ThrottlingException", "3000"),      // t <= 1 s: 3000
                    with_retry_after(500, "InternalServerException", "60000"),  // t <= 100 ms: t + 5 s
                    with_retry_after(503, "ServiceUnavailable", "abc"),         // ignored: t <= 200 ms
                    with_retry_after(503, "ServiceUnavailable", "-5"),          // ignored: t <= 400 ms
                    with_retry_after(503, "ServiceUnavailable", "0"),           // max(t, 0) = t <= 800 ms
                    reply(200, R"({"agreementId":"agmt-1"})")};
  auto nc = n.make();
  CHECK(*nc.describe_agreement(describe()).agreement_id == "agmt-1");
  REQUIRE(n.sleeps.size() == 5);
  CHECK(n.sleeps[0] == 3000ms);
  CHECK(n.sleeps[1] >= 5000ms);
  CHECK(n.sleeps[1] <= 5100ms);
  CHECK(n.sleeps[2] <= 200ms);
  CHECK(n.sleeps[3] <= 400ms);
  CHECK(n.sleeps[4] <= 800ms);

  harness s;
  s.cfg.retry.mode = retry_mode::standard;
  s.fake->script = {with_retry_after(429, "ThrottlingException", "3000"), reply(200, R"({"agreementId":"agmt-1"})")};
  auto sc = s.make();
  sc.describe_agreement(describe());
  REQUIRE(s.sleeps.size() == 1);
  CHECK(s.sleeps[0] <= 1000ms);
}

TEST_CASE("client: AWS_RETRY_MODE selects the adaptive mode; unknown modes are refused") {
  for (const auto& [value, adaptive] : std::vector<std::pair<std::string, bool>>{
           {"adaptive", true}, {"standard", false}, {"legacy", false}}) {
    harness h;
    h.cfg.env = fake_env({{"AWS_RETRY_MODE", value}});
    CHECK(h.make().adaptive() == adaptive);
  }
  harness none;
  CHECK_FALSE(none.make().adaptive());
  harness bad;
  bad.cfg.env = fake_env({{"AWS_RETRY_MODE", "Adaptive-ish"}});
  CHECK(failure([&] { bad.make(); }).field() == "AWS_RETRY_MODE");
  harness forced;
  forced.cfg.env = fake_env({{"AWS_RETRY_MODE", "standard"}});
  forced.cfg.retry.adaptive = true;  // the option wins over the environment
  CHECK(forced.make().adaptive());
}

TEST_CASE("client: adaptive mode paces requests only after a throttle") {
  // Time only moves when the client sleeps (backoff or pacing): without a limiter any number
  // of calls takes no time at all.
  auto t = std::make_shared<std::chrono::system_clock::time_point>(std::chrono::system_clock::from_time_t(1790000000));
  auto run = [&](bool adaptive, std::vector<std::chrono::milliseconds>& sleeps) {
    harness h;
    h.cfg.retry.adaptive = adaptive;
    h.cfg.clock = [t] { return *t; };
    h.cfg.clock_skew_correction = false;
    h.cfg.retry.sleep = [t, &sleeps](std::chrono::milliseconds d) {
      sleeps.push_back(d);
      *t += d;
    };
    h.fake->fallback = reply(200, R"({"agreementId":"agmt-1"})");
    auto c = h.make();
    for (int i = 0; i < 50; ++i) c.describe_agreement(describe());
    CHECK(sleeps.empty());  // no throttle yet: never paced
    h.fake->script = {service_error_reply(400, "ThrottlingException")};
    c.describe_agreement(describe());  // throttled, then retried
    const size_t after_throttle = sleeps.size();
    CHECK(after_throttle >= 1);
    const auto start = *t;
    for (int i = 0; i < 20; ++i) c.describe_agreement(describe());
    return std::chrono::duration<double>(*t - start).count();
  };
  std::vector<std::chrono::milliseconds> adaptive_sleeps, standard_sleeps;
  const double adaptive_seconds = run(true, adaptive_sleeps);
  const double standard_seconds = run(false, standard_sleeps);
  CHECK(standard_seconds == 0.0);  // standard mode: the throttle costs one backoff, then full speed
  CHECK(standard_sleeps.size() == 1);
  // Adaptive: 20 calls after the throttle are spread out, at no less than the 0.5/s floor.
  MESSAGE("20 calls after a throttle took " << adaptive_seconds << " s of (fake) time in adaptive mode");
  CHECK(adaptive_seconds > 1.0);
  CHECK(adaptive_seconds <= 20 / 0.5 + 1);
  for (size_t i = 1; i < adaptive_sleeps.size(); ++i) CHECK(adaptive_sleeps[i] <= 2001ms);  // 1 token at >= 0.5/s
}

TEST_CASE("client: amz-sdk-request carries ttl= once a response gave the server's Date") {
  // Local clock 2026-11-27T10:00:00Z; the server says 12:00:00, two hours ahead. ttl = local now
  // + total timeout (60 s) + (server - local) = 12:01:00Z (botocore _calculate_ttl).
  std::tm tm{};
  tm.tm_year = 2026 - 1900;
  tm.tm_mon = 10;
  tm.tm_mday = 27;
  tm.tm_hour = 10;
  const auto local = std::chrono::system_clock::from_time_t(timegm(&tm));
  harness h;
  h.cfg.clock = [local] { return local; };
  h.cfg.clock_skew_correction = false;
  h.fake->script = {drop(),  // no response: no ttl yet
                    [local](const http_request&) {
                      return respond(503, R"({"__type":"ServiceUnavailable"})", {{"Date", http_date(local + 2h)}});
                    },
                    reply(200, R"({"agreementId":"agmt-1"})")};
  auto c = h.make();
  c.describe_agreement(describe());
  REQUIRE(h.fake->sent.size() == 3);
  CHECK(h.header(0, "amz-sdk-request") == "attempt=1; max=3");
  CHECK(h.header(1, "amz-sdk-request") == "attempt=2; max=3");
  CHECK(h.header(2, "amz-sdk-request") == "ttl=20261127T120100Z; attempt=3; max=3");
}

TEST_CASE("client: cancel() interrupts a backoff wait and a blocked transport") {
  // Backoff wait: no sleep hook, a 10 s base delay; cancel after the first failure.
  harness h;
  h.cfg.retry.sleep = nullptr;
  h.cfg.retry.base_delay = 10000ms;
  h.cfg.retry.throttling_base_delay = 10000ms;
  h.cfg.retry.rng_seed = 7;
  h.fake->fallback = service_error_reply(500, "InternalServerException");
  auto c = h.make();
  std::atomic<bool> done{false};
  std::thread canceller([&] {
    while (h.fake->sent.empty()) std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(20ms);
    c.cancel();
    done = true;
  });
  auto t0 = std::chrono::steady_clock::now();
  auto e = failure([&] { c.describe_agreement(describe()); });
  canceller.join();
  CHECK(e.status() == MPADJUST_ECANCELLED);
  CHECK(std::chrono::steady_clock::now() - t0 < 9s);
  CHECK(h.fake->sent.size() <= 2);
  // The cancellation is consumed: the next call works.
  h.fake->script = {reply(200, "{}")};
  CHECK_NOTHROW(c.describe_agreement(describe()));

  // A cancel with no call in progress aborts the next call before anything is sent.
  std::size_t before = h.fake->sent.size();
  c.cancel();
  CHECK(failure([&] { c.describe_agreement(describe()); }).status() == MPADJUST_ECANCELLED);
  CHECK(h.fake->sent.size() == before);

  // Transport cancellation is reported as ECANCELLED and not retried.
  h.fake->script = {drop(transport_failure::cancelled)};
  CHECK(failure([&] { c.describe_agreement(describe()); }).status() == MPADJUST_ECANCELLED);
  CHECK(h.fake->sent.size() == before + 1);
}

TEST_CASE("client: pagination fetches pages lazily and refuses a repeated token") {
  harness h;
  h.fake->script = {reply(200, R"({"agreementViewSummaries":[{"agreementId":"a1"},{"agreementId":"a2"}],"nextToken":"t1"})"),
                    reply(200, R"({"agreementViewSummaries":[{"agreementId":"a3"}],"nextToken":"t2"})"),
                    reply(200, R"({"agreementViewSummaries":[{"agreementId":"a4"}],"nextToken":""})")};
  auto c = h.make();
  search_agreements_input in;
  in.max_results = 2;
  auto pages = c.search_agreements_pages(in);
  CHECK(h.fake->sent.empty());  // nothing fetched yet
  std::vector<std::string> ids;
  for (const auto& page : pages)
    for (const auto& s : page.agreement_view_summaries) ids.push_back(*s.agreement_id);
  CHECK(ids == std::vector<std::string>{"a1", "a2", "a3", "a4"});
  REQUIRE(h.fake->sent.size() == 3);
  CHECK(h.fake->sent[0].body == R"({"maxResults":2})");
  CHECK(h.fake->sent[1].body == R"({"maxResults":2,"nextToken":"t1"})");
  CHECK(h.fake->sent[2].body == R"({"maxResults":2,"nextToken":"t2"})");
  CHECK_FALSE(pages.has_more_pages());

  h.fake->script = {reply(200, R"({"items":[],"nextToken":"same"})"), reply(200, R"({"items":[],"nextToken":"same"})")};
  list_billing_adjustment_requests_input li;
  auto p2 = c.list_billing_adjustment_requests_pages(li);
  p2.next_page();
  auto e = failure([&] { p2.next_page(); });
  CHECK(e.status() == MPADJUST_ESERVICE);
  CHECK(std::string(e.what()).find("same nextToken") != std::string::npos);
  CHECK_FALSE(p2.has_more_pages());
}

TEST_CASE("client: debug logging shows attempts and canonical requests but never a secret") {
  harness h;
  h.cfg.credentials = make_static_credentials_provider("ASIAEXAMPLE", secret_string(k_secret), secret_string(k_token));
  h.cfg.level = log_level::debug;
  h.cfg.log = [&](log_level l, std::string_view line) { h.lines.emplace_back(l, std::string(line)); };
  h.fake->script = {service_error_reply(429, "ThrottlingException"), drop(), reply(200, R"({"agreementId":"agmt-1"})"),
                    service_error_reply(400, "ValidationException", R"(,"reason":"OTHER")")};
  auto c = h.make();
  c.describe_agreement(describe());
  std::string err_text = failure([&] {
                           batch_create_billing_adjustment_request_input b;
                           b.billing_adjustment_request_entries.push_back(
                               {"agmt-1", "inv-1", "1", "USD", "OTHER", std::string("private note"), "tok"});
                           c.batch_create_billing_adjustment_request(b);
                         }).what();
  std::vector<std::string> secrets = {k_secret, k_token, "private note"};
  for (const auto& r : h.fake->sent) {
    for (const auto& hd : r.headers) {
      if (hd.name == "Authorization") secrets.push_back(hd.value.substr(hd.value.find("Signature=") + 10));
    }
  }
  bool saw_attempt = false, saw_canonical = false, saw_redacted_sig = false, saw_timing = false, saw_retry = false,
       saw_token_redacted = false;
  for (const auto& [level, line] : h.lines) {
    for (const auto& s : secrets) CHECK_MESSAGE(line.find(s) == std::string::npos, "secret in log line: " << line);
    saw_attempt |= line.find("DescribeAgreement attempt 2/3: POST https://") != std::string::npos;
    saw_canonical |= line.find("canonical request:\nPOST\n/\n") != std::string::npos;
    saw_redacted_sig |= line.find("Signature=<redacted>") != std::string::npos;
    saw_timing |= line.find(" ms") != std::string::npos && line.find("HTTP 200 in") != std::string::npos;
    saw_retry |= level == log_level::info && line.find("retrying in") != std::string::npos;
    saw_token_redacted |= line.find("x-amz-security-token:<redacted>") != std::string::npos;
  }
  CHECK(saw_attempt);
  CHECK(saw_canonical);
  CHECK(saw_redacted_sig);
  CHECK(saw_timing);
  CHECK(saw_retry);
  CHECK(saw_token_redacted);
  for (const auto& s : secrets) CHECK(err_text.find(s) == std::string::npos);
  // The session token is sent, of course.
  CHECK(h.header(0, "X-Amz-Security-Token") == k_token);

  // warn level: no debug lines.
  harness w;
  w.cfg.log = [&](log_level l, std::string_view) { CHECK(l != log_level::debug); };
  w.fake->script = {reply(200, "{}")};
  w.make().describe_agreement(describe());
}

TEST_CASE("client: credentials are asked for on every attempt (the provider refreshes them)") {
  struct rotating : credentials_provider {
    int n = 0;
    credentials get() override {
      credentials c;
      c.access_key_id = "AKID" + std::to_string(++n);
      c.secret_access_key = secret_string(k_secret);
      c.expiration = std::chrono::system_clock::now() + 1h;
      return c;
    }
  };
  harness h;
  auto p = std::make_shared<rotating>();
  h.cfg.credentials = p;
  h.fake->script = {service_error_reply(500, "InternalServerException"), reply(200, "{}")};
  auto c = h.make();
  c.describe_agreement(describe());
  CHECK(h.header(0, "Authorization").find("Credential=AKID1/") != std::string::npos);
  CHECK(h.header(1, "Authorization").find("Credential=AKID2/") != std::string::npos);
}

TEST_CASE("client: a malformed 200 body is a parse error") {
  harness h;
  h.fake->script = {reply(200, R"({"agreementId":)")};
  auto c = h.make();
  auto e = failure([&] { c.describe_agreement(describe()); });
  CHECK(e.status() == MPADJUST_EPARSE);
  CHECK(std::string(e.what()).find("DescribeAgreement response") != std::string::npos);
}

TEST_CASE("client: endpoint cases") {
  harness h;
  h.cfg.region = "eu-west-1";
  CHECK(h.make().endpoint() == "https://agreement-marketplace.eu-west-1.amazonaws.com");
  h.cfg.use_fips = true;
  CHECK(h.make().endpoint() == "https://agreement-marketplace-fips.eu-west-1.amazonaws.com");
  h.cfg.use_dual_stack = true;
  h.cfg.region = "us-east-1";
  CHECK(h.make().endpoint() == "https://agreement-marketplace-fips.us-east-1.api.aws");
  h.cfg.use_fips = false;
  CHECK(h.make().endpoint() == "https://agreement-marketplace.us-east-1.api.aws");
  h.cfg.use_dual_stack.reset();
  h.cfg.region = "cn-north-1";
  CHECK(h.make().endpoint() == "https://agreement-marketplace.cn-north-1.amazonaws.com.cn");

  harness custom;
  custom.cfg.endpoint = "http://127.0.0.1:8080";
  custom.fake->script = {reply(200, "{}")};
  auto cc = custom.make();
  cc.describe_agreement(describe());
  CHECK(custom.fake->sent[0].url == "http://127.0.0.1:8080/");
  custom.cfg.use_fips = true;
  auto e = failure([&] { custom.make(); });
  CHECK(e.status() == MPADJUST_EINVALID);
  CHECK(std::string(e.what()).find("FIPS and custom endpoint are not supported") != std::string::npos);

  harness env;
  env.cfg.env = fake_env({{"AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT", "http://localhost:9999"}, {"AWS_REGION", "us-west-2"}});
  auto ec = env.make();
  CHECK(ec.endpoint() == "http://localhost:9999");
  CHECK(ec.region() == "us-west-2");
}
