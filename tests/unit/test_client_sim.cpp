// Client against the Agreement Service simulator (tests/simulator). These cases are run by the
// ctest entries client.sim / client.sim.big (tests/client.cmake) under run_with_simulator.py,
// which exports MPADJUST_SIM_ENDPOINT and the default seller's credentials. They fail clearly
// when run without it.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include <mpadjust/client.hpp>
#include <mpadjust/credentials.hpp>
#include <mpadjust/http.hpp>

using namespace mpadjust;
using namespace std::chrono_literals;

namespace {

const char* const k_agreement = "agmt-7Q2mXk9RbT4vNc8LpW3sYd5H";
const char* const k_invoice = "E2E20260105a108cfae";
const char* const k_other_sellers_agreement = "agmt-3RyH6wLn8PcV4tMk2XqD9sJg";

std::string sim_endpoint() {
  const char* e = std::getenv("MPADJUST_SIM_ENDPOINT");
  if (!e || !*e) {
    FAIL("MPADJUST_SIM_ENDPOINT is not set: run these cases through ctest (client.sim) or "
         "tests/simulator/run_with_simulator.py -- mpadjust-unit-tests --test-case='client-sim:*'");
  }
  return e;
}

// The simulator's /_sim/ control endpoint.
struct sim_control {
  std::string base = sim_endpoint();
  std::unique_ptr<transport> http = make_default_transport();

  rapidjson::Document call(const char* method, const std::string& path, const std::string& body = "") {
    http_request r;
    r.method = method;
    r.url = base + path;
    r.body = body;
    if (!body.empty()) r.headers.push_back({"Content-Type", "application/json"});
    http_response resp = http->send(r);
    REQUIRE_MESSAGE(resp.status == 200, path << " -> HTTP " << resp.status << ": " << resp.body);
    rapidjson::Document d;
    d.Parse(resp.body.c_str());
    return d;
  }
  void reset() { call("POST", "/_sim/reset"); }
  void faults(const std::string& json) { call("POST", "/_sim/faults", json); }
  rapidjson::Document requests() { return call("GET", "/_sim/requests"); }
  void clear_requests() { call("DELETE", "/_sim/requests"); }
  // The simulator records a request just after answering it: wait until the count settles.
  std::size_t request_count() {
    std::size_t last = requests()["count"].GetUint64();
    for (int i = 0; i < 50; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      std::size_t now = requests()["count"].GetUint64();
      if (now == last) return now;
      last = now;
    }
    return last;
  }
};

client_config sim_config() {
  client_config cfg;
  cfg.endpoint = sim_endpoint();
  cfg.region = "us-east-1";
  cfg.credentials = make_static_credentials_provider("AKIDSIMULATOR0000001", secret_string("simulator-secret-key-1"));
  cfg.retry.base_delay = 1ms;  // keep fault runs quick; the formula is tested elsewhere
  cfg.retry.throttling_base_delay = 1ms;
  return cfg;
}

describe_agreement_input describe(const char* id = k_agreement) {
  describe_agreement_input in;
  in.agreement_id = id;
  return in;
}

template <class F>
service_error_info service_failure(F&& f) {
  try {
    f();
  } catch (const service_error& e) {
    return e.info();
  } catch (const mpadjust::error& e) {
    FAIL("expected a service_error, got: " << e.what());
  }
  FAIL("expected a service_error");
  return {};
}

}  // namespace

TEST_CASE("client-sim: every operation, end to end") {
  sim_control sim;
  sim.reset();
  client c(sim_config());

  auto d = c.describe_agreement(describe());
  CHECK(*d.agreement_id == k_agreement);
  CHECK(*d.status == "ACTIVE");
  CHECK(*d.proposer->account_id == "111122223333");
  CHECK(*d.acceptor->account_id == "210987654321");

  search_agreements_input s;
  s.filters = {filter{std::string("PartyType"), {"Proposer"}}, filter{std::string("AgreementType"), {"PurchaseAgreement"}}};
  auto found = c.search_agreements(s);
  std::set<std::string> ids;
  for (const auto& a : found.agreement_view_summaries) ids.insert(*a.agreement_id);
  CHECK(ids.count(k_agreement) == 1);
  CHECK(ids.count(k_other_sellers_agreement) == 0);

  get_agreement_terms_input gt;
  gt.agreement_id = "agmt-6LmS9qDt4HxW2bNc7KvR3yPf";
  auto terms = c.get_agreement_terms(gt);
  CHECK_FALSE(terms.accepted_terms.empty());

  list_agreement_invoice_line_items_input li;
  li.agreement_id = k_agreement;
  auto inv = c.list_agreement_invoice_line_items(li);
  bool saw_invoice = false;
  for (const auto& g : inv.agreement_invoice_line_item_group_summaries) {
    if (*g.invoice_id == k_invoice) {
      saw_invoice = true;
      CHECK(*g.pricing_currency_amount->max_adjustment_amount == "1200.00");
      CHECK(*g.pricing_currency_amount->currency_code == "USD");
    }
  }
  CHECK(saw_invoice);

  batch_create_billing_adjustment_request_input b;
  b.billing_adjustment_request_entries.push_back(
      {k_agreement, k_invoice, "10.00", "USD", "BUYER_DISSATISFACTION", std::string("sim test"), "client-sim-tok-1"});
  auto created = c.batch_create_billing_adjustment_request(b);
  REQUIRE(created.items.size() == 1);
  CHECK(created.errors.empty());
  CHECK(created.items[0].client_token == "client-sim-tok-1");
  const std::string ba = created.items[0].billing_adjustment_request_id;

  auto got = c.get_billing_adjustment_request({k_agreement, ba});
  CHECK(got.adjustment_amount == "10.00");
  CHECK((got.status == "PENDING" || got.status == "COMPLETED"));
  CHECK(epoch_ms(got.created_at) > 1600000000000);

  list_billing_adjustment_requests_input lb;
  lb.agreement_id = k_agreement;
  bool listed = false;
  for (const auto& page : c.list_billing_adjustment_requests_pages(lb))
    for (const auto& item : page.items) listed |= item.billing_adjustment_request_id == ba;
  CHECK(listed);

  send_agreement_cancellation_request_input sc;
  sc.agreement_id = "agmt-9FhL2pVx6RtK3mZq8WcB4nJy";
  sc.reason_code = "TEST_AGREEMENT";
  sc.description = "created by client-sim";
  auto acr = c.send_agreement_cancellation_request(sc);
  REQUIRE(acr.agreement_cancellation_request_id);
  CHECK(*acr.status == "PENDING_APPROVAL");
  auto acr_get = c.get_agreement_cancellation_request({*acr.agreement_cancellation_request_id, sc.agreement_id});
  CHECK(*acr_get.reason_code == "TEST_AGREEMENT");
  list_agreement_cancellation_requests_input lc;
  lc.party_type = "Proposer";
  lc.agreement_id = sc.agreement_id;
  auto acrs = c.list_agreement_cancellation_requests(lc);
  REQUIRE(acrs.items.size() >= 1);
  auto cancelled = c.cancel_agreement_cancellation_request({sc.agreement_id, *acr.agreement_cancellation_request_id, "withdrawn"});
  CHECK(*cancelled.status == "CANCELLED");
  // Cancelling again: ConflictException.
  auto conflict = service_failure([&] {
    c.cancel_agreement_cancellation_request({sc.agreement_id, *acr.agreement_cancellation_request_id, "again"});
  });
  CHECK(conflict.error_type == "ConflictException");
  CHECK(conflict.http_status == 409);
}

TEST_CASE("client-sim: every error type is mapped") {
  sim_control sim;
  sim.reset();
  auto cfg = sim_config();
  cfg.retry.max_attempts = 1;
  client c(cfg);

  auto nf = service_failure([&] { c.describe_agreement(describe("agmt-doesnotexist")); });
  CHECK(nf.error_type == "ResourceNotFoundException");
  CHECK(nf.http_status == 404);
  CHECK_FALSE(nf.request_id.empty());

  auto ad = service_failure([&] { c.describe_agreement(describe(k_other_sellers_agreement)); });
  CHECK(ad.error_type == "AccessDeniedException");
  CHECK(ad.http_status == 403);
  CHECK(ad.reason == "INVALID_ACCESS");

  list_billing_adjustment_requests_input bad_token;
  bad_token.next_token = "Zm9yZ2Vk";
  auto v = service_failure([&] { c.list_billing_adjustment_requests(bad_token); });
  CHECK(v.error_type == "ValidationException");
  CHECK(v.http_status == 400);
  CHECK(v.reason == "INVALID_NEXT_TOKEN");

  sim.faults(R"({"next":["throttle","error500","error503"]})");
  auto t = service_failure([&] { c.describe_agreement(describe()); });
  CHECK(t.error_type == "ThrottlingException");
  CHECK(t.http_status == 429);
  CHECK(t.throttling);
  auto i = service_failure([&] { c.describe_agreement(describe()); });
  CHECK(i.error_type == "InternalServerException");
  CHECK(i.http_status == 500);
  CHECK(i.retryable);
  auto u = service_failure([&] { c.describe_agreement(describe()); });
  CHECK(u.http_status == 503);
  CHECK(u.retryable);

  send_agreement_cancellation_request_input sc;
  sc.agreement_id = "agmt-2KdR8sWq5YhN7vLx3TpM6cGb";  // EXPIRED
  sc.reason_code = "OTHER";
  auto inactive = service_failure([&] { c.send_agreement_cancellation_request(sc); });
  CHECK(inactive.error_type == "ValidationException");
  CHECK(inactive.reason == "INACTIVE_AGREEMENT");

  // Wrong secret: the simulator (botocore) rejects the signature; no retry, typed error.
  auto bad = sim_config();
  bad.credentials = make_static_credentials_provider("AKIDSIMULATOR0000001", secret_string("not-the-secret"));
  client wrong(bad);
  sim.clear_requests();
  auto sig = service_failure([&] { wrong.describe_agreement(describe()); });
  CHECK(sig.error_type == "InvalidSignatureException");
  CHECK(sig.http_status == 403);
  CHECK(sim.request_count() == 1);
}

TEST_CASE("client-sim: retries recover from throttles, 500s and dropped connections with faults on") {
  sim_control sim;
  sim.reset();
  sim.faults(R"({"throttle_rate":0.15,"error500_rate":0.1,"error503_rate":0.05,"drop_before_rate":0.1,"fault_seed":7})");
  auto cfg = sim_config();
  cfg.retry.max_attempts = 10;
  client c(cfg);
  for (int i = 0; i < 40; ++i) {
    CHECK(*c.describe_agreement(describe()).agreement_id == k_agreement);
    list_agreement_invoice_line_items_input li;
    li.agreement_id = k_agreement;
    CHECK_FALSE(c.list_agreement_invoice_line_items(li).agreement_invoice_line_item_group_summaries.empty());
  }
  auto log = sim.requests();
  std::set<std::string> faults;
  for (const auto& r : log["requests"].GetArray())
    if (r.HasMember("fault") && r["fault"].IsString()) faults.insert(r["fault"].GetString());
  CHECK(log["count"].GetUint64() > 80);  // some attempts were faulted and retried
  CHECK(faults.size() >= 3);
  sim.faults(R"({"throttle_rate":0,"error500_rate":0,"error503_rate":0,"drop_before_rate":0})");
}

TEST_CASE("client-sim: a batch whose response is lost is retried with the same tokens, applied once") {
  sim_control sim;
  sim.reset();
  sim.faults(R"({"next":["drop_after","error500"]})");
  client c(sim_config());
  batch_create_billing_adjustment_request_input b;
  b.billing_adjustment_request_entries.push_back({k_agreement, k_invoice, "25.00", "USD", "OTHER", std::nullopt, "sim-retry-a"});
  b.billing_adjustment_request_entries.push_back(
      {k_agreement, "E2E20260205b27d41c9", "5.00", "USD", "OTHER", std::nullopt, "sim-retry-b"});
  auto out = c.batch_create_billing_adjustment_request(b);
  CHECK(out.items.size() == 2);
  CHECK(out.errors.empty());
  auto ledger = sim.call("GET", "/_sim/ledger");
  int a = 0, bb = 0;
  std::function<void(const rapidjson::Value&)> scan = [&](const rapidjson::Value& v) {
    if (v.IsObject()) {
      if (v.HasMember("clientToken") && v["clientToken"].IsString()) {
        std::string t = v["clientToken"].GetString();
        a += t == "sim-retry-a";
        bb += t == "sim-retry-b";
      }
      for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) scan(it->value);
    } else if (v.IsArray()) {
      for (const auto& x : v.GetArray()) scan(x);
    }
  };
  scan(ledger);
  CHECK(a == 1);  // three attempts, one adjustment each
  CHECK(bb == 1);
  CHECK(sim.request_count() == 3);
}

TEST_CASE("client-sim: no retry on validation errors") {
  sim_control sim;
  sim.reset();
  client c(sim_config());
  sim.clear_requests();
  list_agreement_invoice_line_items_input li;
  li.agreement_id = k_agreement;
  li.next_token = "bm90LWEtdG9rZW4=";
  auto v = service_failure([&] { c.list_agreement_invoice_line_items(li); });
  CHECK(v.error_type == "ValidationException");
  CHECK(sim.request_count() == 1);
  // A client-side validation failure sends nothing.
  batch_create_billing_adjustment_request_input b;
  for (int i = 0; i < 6; ++i)
    b.billing_adjustment_request_entries.push_back({k_agreement, k_invoice, "1", "USD", "OTHER", std::nullopt, "t" + std::to_string(i)});
  CHECK_THROWS_AS(c.batch_create_billing_adjustment_request(b), mpadjust::error);
  CHECK(sim.request_count() == 1);
}

TEST_CASE("client-sim: the clock-skew retry") {
  sim_control sim;
  sim.reset();
  sim.faults(R"({"clock_offset":3600})");  // the service's clock is an hour ahead of ours
  client c(sim_config());
  sim.clear_requests();
  CHECK(*c.describe_agreement(describe()).agreement_id == k_agreement);
  CHECK(c.clock_skew() >= 3590s);
  CHECK(c.clock_skew() <= 3610s);
  CHECK(sim.request_count() == 2);
  CHECK_NOTHROW(c.describe_agreement(describe()));  // the offset is kept
  CHECK(sim.request_count() == 3);
  auto off = sim_config();
  off.clock_skew_correction = false;
  client no_fix(off);
  auto e = service_failure([&] { no_fix.describe_agreement(describe()); });
  CHECK(e.error_type == "InvalidSignatureException");
  sim.faults(R"({"clock_offset":0})");
}

TEST_CASE("client-sim: a custom transport wraps the default one") {
  struct counting : transport {
    std::unique_ptr<transport> inner = make_default_transport();
    int sends = 0;
    http_response send(const http_request& r) override {
      ++sends;
      return inner->send(r);
    }
    void cancel() noexcept override { inner->cancel(); }
    void reset_cancel() noexcept override { inner->reset_cancel(); }
  };
  sim_control sim;
  sim.reset();
  auto t = std::make_shared<counting>();
  auto cfg = sim_config();
  cfg.http_transport = t;
  client c(cfg);
  c.describe_agreement(describe());
  c.describe_agreement(describe());
  CHECK(t->sends == 2);
}

TEST_CASE("client-sim: cancel() aborts a slow call") {
  sim_control sim;
  sim.reset();
  sim.faults(R"({"latency_ms":3000})");
  client c(sim_config());
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    c.cancel();
  });
  auto t0 = std::chrono::steady_clock::now();
  try {
    c.describe_agreement(describe());
    FAIL("not cancelled");
  } catch (const mpadjust::error& e) {
    CHECK(e.status() == MPADJUST_ECANCELLED);
  }
  canceller.join();
  CHECK(std::chrono::steady_clock::now() - t0 < 2900ms);
  sim.faults(R"({"latency_ms":0})");
  CHECK_NOTHROW(c.describe_agreement(describe()));
}

TEST_CASE("client-sim: endpoint from AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT and the default chain") {
  sim_control sim;
  sim.reset();
  client_config cfg;
  std::string ep = sim_endpoint();
  cfg.env.get = [ep](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT") return ep;
    if (name == "AWS_ACCESS_KEY_ID") return std::string("AKIDSIMULATOR0000001");
    if (name == "AWS_SECRET_ACCESS_KEY") return std::string("simulator-secret-key-1");
    if (name == "AWS_CONFIG_FILE" || name == "AWS_SHARED_CREDENTIALS_FILE") return std::string("/nonexistent");
    return std::nullopt;
  };
  client c(cfg);
  CHECK(c.endpoint() == ep);
  CHECK(c.region() == "us-east-1");
  CHECK(*c.describe_agreement(describe()).agreement_id == k_agreement);
}

TEST_CASE("client-sim: debug logs of a whole flow hold no secret") {
  sim_control sim;
  sim.reset();
  sim.faults(R"({"next":["throttle","drop_before"]})");
  const std::string secret = "simulator-secret-key-2", token = "simulator-session-token-2";
  auto cfg = sim_config();
  cfg.credentials = make_static_credentials_provider("ASIASIMULATOR0000002", secret_string(secret), secret_string(token));
  cfg.level = log_level::debug;
  std::vector<std::string> lines;
  cfg.log = [&](log_level, std::string_view l) { lines.emplace_back(l); };
  client c(cfg);
  std::vector<std::string> messages;
  c.describe_agreement(describe());
  batch_create_billing_adjustment_request_input b;
  b.billing_adjustment_request_entries.push_back(
      {k_agreement, k_invoice, "99999.00", "USD", "OTHER", std::string("sensitive-description-xyz"), "log-tok-1"});
  auto out = c.batch_create_billing_adjustment_request(b);  // entry error: amount above max
  CHECK(out.errors.size() == 1);
  for (const auto& e : out.errors) messages.push_back(e.message);
  try {
    c.describe_agreement(describe("agmt-doesnotexist"));
  } catch (const mpadjust::error& e) {
    messages.push_back(e.what());
  }
  CHECK(lines.size() > 10);
  bool attempts = false, canonical = false;
  for (const auto& l : lines) {
    CHECK(l.find(secret) == std::string::npos);
    CHECK(l.find(token) == std::string::npos);
    CHECK(l.find("sensitive-description-xyz") == std::string::npos);
    attempts |= l.find("attempt 2/3") != std::string::npos;
    canonical |= l.find("x-amz-security-token:<redacted>") != std::string::npos;
  }
  for (const auto& m : messages) {
    CHECK(m.find(secret) == std::string::npos);
    CHECK(m.find(token) == std::string::npos);
  }
  CHECK(attempts);
  CHECK(canonical);
}

// ------------------------------------------------------------------ big seed (client.sim.big)

TEST_CASE("client-sim-big: pagination through a 10 000-agreement seed") {
  const char* seed_path = std::getenv("MPADJUST_CLIENT_BIG_SEED");
  if (!seed_path || !*seed_path) FAIL("MPADJUST_CLIENT_BIG_SEED is not set (run through ctest client.sim.big)");
  std::ifstream f(seed_path);
  REQUIRE_MESSAGE(f, "cannot read " << seed_path);
  std::stringstream ss;
  ss << f.rdbuf();
  rapidjson::Document seed;
  seed.Parse(ss.str().c_str());
  REQUIRE_FALSE(seed.HasParseError());
  REQUIRE(seed["agreements"].Size() == 10000);
  std::set<std::string> expected;
  for (const auto& a : seed["agreements"].GetArray()) {
    if (std::string(a["proposerAccountId"].GetString()) == "111122223333" &&
        std::string(a["agreementType"].GetString()) == "PurchaseAgreement")
      expected.insert(a["agreementId"].GetString());
  }
  REQUIRE(expected.size() > 1000);

  client c(sim_config());
  search_agreements_input in;
  in.filters = {filter{std::string("PartyType"), {"Proposer"}}, filter{std::string("AgreementType"), {"PurchaseAgreement"}}};
  in.max_results = 50;
  std::set<std::string> seen;
  std::size_t total = 0;
  auto pages = c.search_agreements_pages(in);
  for (const auto& page : pages) {
    CHECK(page.agreement_view_summaries.size() <= 50);
    for (const auto& a : page.agreement_view_summaries) {
      seen.insert(*a.agreement_id);
      ++total;
    }
  }
  CHECK(total == expected.size());  // no duplicates, nothing missed
  CHECK(seen == expected);
  CHECK(pages.pages_fetched() == static_cast<int>((expected.size() + 49) / 50));
}
