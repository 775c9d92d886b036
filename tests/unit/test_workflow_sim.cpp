// The refund workflow against the simulator (tests/simulator). These cases are named
// "workflow-sim: ..." and run by ctest's workflow.sim entry under run_with_simulator.py, which
// exports MPADJUST_SIM_ENDPOINT and the default seller's credentials. Each case resets the
// simulator to its default seed first. Without MPADJUST_SIM_ENDPOINT they report that and stop.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <set>

#include <rapidjson/document.h>

#include <mpadjust/adjustment.hpp>
#include <mpadjust/client.hpp>
#include <mpadjust/http.hpp>

using namespace mpadjust;

namespace {

const char* sim_endpoint() { return std::getenv("MPADJUST_SIM_ENDPOINT"); }

#define REQUIRE_SIM()                                                                 \
  do {                                                                                \
    if (!sim_endpoint()) {                                                            \
      MESSAGE("MPADJUST_SIM_ENDPOINT is not set: run via ctest (workflow.sim)");      \
      return;                                                                         \
    }                                                                                 \
  } while (0)

// Control endpoints of the simulator, over the library's own transport.
struct sim_control {
  std::unique_ptr<transport> t = make_default_transport();
  rapidjson::Document call(const std::string& method, const std::string& path,
                           const std::string& body = "") {
    http_request r;
    r.method = method;
    r.url = std::string(sim_endpoint()) + path;
    r.body = body;
    if (!body.empty()) r.headers.push_back({"Content-Type", "application/json"});
    const http_response resp = t->send(r);
    REQUIRE(resp.status == 200);
    rapidjson::Document d;
    d.Parse(resp.body.c_str());
    REQUIRE_FALSE(d.HasParseError());
    return d;
  }
  void reset() { call("POST", "/_sim/reset", "{}"); }
  void clear_requests() { call("DELETE", "/_sim/requests"); }
  // Operations logged since the last clear.
  std::vector<std::string> operations() {
    std::vector<std::string> ops;
    const auto d = call("GET", "/_sim/requests");
    for (const auto& r : d["requests"].GetArray()) {
      if (r.HasMember("operation") && r["operation"].IsString()) ops.push_back(r["operation"].GetString());
    }
    return ops;
  }
  int batch_creates() {
    int n = 0;
    for (const auto& op : operations()) n += op == "BatchCreateBillingAdjustmentRequest";
    return n;
  }
  // client token -> count of adjustments in the ledger.
  std::map<std::string, int> ledger_tokens() {
    std::map<std::string, int> m;
    const auto d = call("GET", "/_sim/ledger");
    for (const auto& b : d["billingAdjustmentRequests"].GetArray()) {
      if (b.HasMember("clientToken")) ++m[b["clientToken"].GetString()];
    }
    return m;
  }
  std::size_t ledger_size() {
    const auto d = call("GET", "/_sim/ledger");
    return d["billingAdjustmentRequests"].Size();
  }
};

client sim_client() {
  client_config cfg;
  cfg.endpoint = sim_endpoint();
  cfg.region = "us-east-1";
  cfg.retry.max_attempts = 3;
  cfg.retry.sleep = [](std::chrono::milliseconds) {};
  return client(cfg);
}

std::string temp_journal() {
  char tmpl[] = "/tmp/mpadjust-wfsim-XXXXXX";
  const char* d = mkdtemp(tmpl);
  REQUIRE(d != nullptr);
  return std::string(d) + "/journal.jsonl";
}

entry_spec spec(std::string agmt, std::string inv, std::string amount, std::string cur = "USD",
                std::string reason = "BUYER_DISSATISFACTION",
                std::string desc = "Outage on 2026-02-03 left the product unusable for two days") {
  entry_spec s;
  s.agreement_id = std::move(agmt);
  s.invoice_id = std::move(inv);
  s.amount = std::move(amount);
  s.currency = std::move(cur);
  s.reason_code = std::move(reason);
  s.description = std::move(desc);
  return s;
}

const std::string A1 = "agmt-7Q2mXk9RbT4vNc8LpW3sYd5H";  // buyer 210987654321, USD
const std::string A_JPY = "agmt-8VnB4hKs2LqX9tCw6RyF3pMz";
const std::string A_EUR = "agmt-4WcJ7rPy3MvD8kTn2QsL5hXb";

}  // namespace

TEST_CASE("workflow-sim: the full flow: find, list, plan, preview, submit, wait, journal") {
  REQUIRE_SIM();
  sim_control sim;
  sim.reset();
  client c = sim_client();
  agreement_query q;
  q.agreement_id = A1;
  const auto found = find_agreement(c, q);
  REQUIRE(found.unique());
  CHECK(found.one().status == "ACTIVE");
  CHECK(found.one().buyer_account_id == "210987654321");
  const auto invoices = list_invoices(c, A1);
  CHECK(select_invoice(invoices, "E2E20260205b27d41c9").max_adjustment_amount == "1000.00");

  const plan p = resolve_plan({spec(A1, "E2E20260205b27d41c9", "full"),
                               spec(A1, "E2E20260105a108cfae", "120.5"),
                               spec(A_EUR, "E2E20260101b8d4af57", "9.90", "EUR"),
                               // The seed fails adjustments of this invoice asynchronously.
                               spec(A1, "E2E20260305c3e95a02", "10")},
                              client_facts(c));
  CHECK(p.entries[0].amount == "1000.00");
  const std::string preview = preview_text(p);
  CHECK(preview.find("1,000.00 (full)") != std::string::npos);
  CHECK(preview.find("Total: 9.90 EUR, 1,130.50 USD") != std::string::npos);

  const std::string jpath = temp_journal();
  auto journal = journal_writer::open(jpath);
  auto results = submit(c, p, journal);
  for (const auto& r : results) {
    CHECK(r.outcome == entry_outcome::created);
    CHECK(r.billing_adjustment_request_id.rfind("ba-", 0) == 0);
  }
  wait_options wo;
  wo.initial_interval = std::chrono::milliseconds(20);
  wo.timeout = std::chrono::seconds(30);
  wait(c, results, journal, wo);
  for (std::size_t i = 0; i < 3; ++i) CHECK(results[i].status == "COMPLETED");
  CHECK(results[3].status == "VALIDATION_FAILED");
  CHECK(results[3].status_message.find("under dispute") != std::string::npos);
  // The journal kept the statuses: a restart sees them without asking the service.
  const auto from_journal = results_from_journal(p, fold_journal(read_journal(jpath).records));
  CHECK(from_journal[3].status == "VALIDATION_FAILED");
  CHECK(from_journal[3].status_message.find("under dispute") != std::string::npos);
  const auto tokens = sim.ledger_tokens();
  for (const auto& e : p.entries) CHECK(tokens.count(e.client_token) == 1);

  // Submitting the same plan again sends nothing and refunds nothing.
  sim.clear_requests();
  const std::size_t before = sim.ledger_size();
  const auto again = submit(c, p, journal);
  for (const auto& r : again) CHECK(r.outcome == entry_outcome::already_done);
  CHECK(sim.batch_creates() == 0);
  CHECK(sim.ledger_size() == before);
  // The invoice's maximum fell by what was refunded.
  CHECK(select_invoice(list_invoices(c, A1), "E2E20260105a108cfae").max_adjustment_amount == "1079.50");
}

TEST_CASE("workflow-sim: an ambiguous buyer search returns every candidate, never a guess") {
  REQUIRE_SIM();
  sim_control sim;
  sim.reset();
  client c = sim_client();
  agreement_query q;
  q.buyer_account_id = "210987654321";
  const auto found = find_agreement(c, q);
  std::set<std::string> ids;
  for (const auto& a : found.candidates) ids.insert(a.agreement_id);
  CHECK(ids == std::set<std::string>{"agmt-7Q2mXk9RbT4vNc8LpW3sYd5H", "agmt-9FhL2pVx6RtK3mZq8WcB4nJy",
                                     "agmt-2KdR8sWq5YhN7vLx3TpM6cGb"});
  CHECK_THROWS_WITH_AS((void)found.one(), doctest::Contains("agmt-9FhL2pVx6RtK3mZq8WcB4nJy"), error);
  bool expired_warned = false;
  for (const auto& w : found.warnings) expired_warned |= w.find("EXPIRED") != std::string::npos;
  CHECK(expired_warned);
  // Narrowed by product (searched by buyer + product) and by offer + product (product local).
  q.product_id = "prod-4vbe7ztjq3kfy";
  CHECK(find_agreement(c, q).candidates.size() == 2);
  q.offer_id = "offer-3fj7q2lxk5m8a";
  CHECK(find_agreement(c, q).one().agreement_id == A1);
  q.status = "EXPIRED";
  CHECK(find_agreement(c, q).candidates.empty());
}

TEST_CASE("workflow-sim: partial refunds until the maximum is reached, then refused locally") {
  REQUIRE_SIM();
  sim_control sim;
  sim.reset();
  client c = sim_client();
  const std::string jpath = temp_journal();
  auto journal = journal_writer::open(jpath);
  const std::string a2 = "agmt-9FhL2pVx6RtK3mZq8WcB4nJy";
  const std::string inv = "E2E20260112e5a17c24";  // 599.98
  for (const char* amt : {"200", "350.48", "49.50"}) {
    CAPTURE(amt);
    const plan p = resolve_plan({spec(a2, inv, amt)}, client_facts(c));
    const auto r = submit(c, p, journal);
    CHECK(r.at(0).outcome == entry_outcome::created);
  }
  CHECK(select_invoice(list_invoices(c, a2), inv).max_adjustment_amount == "0.00");
  sim.clear_requests();
  const std::size_t before = sim.ledger_size();
  for (const char* amt : {"0.01", "full"}) {
    CAPTURE(amt);
    try {
      resolve_plan({spec(a2, inv, amt)}, client_facts(c));
      FAIL("accepted after the maximum was reached");
    } catch (const plan_error& e) {
      CHECK(e.field() == "entries[0].amount");
    }
  }
  CHECK(sim.batch_creates() == 0);
  CHECK(sim.ledger_size() == before);
}

TEST_CASE("workflow-sim: over-maximum, wrong currency, JPY decimals, credit memo never reach the simulator") {
  REQUIRE_SIM();
  sim_control sim;
  sim.reset();
  client c = sim_client();
  sim.clear_requests();
  const std::size_t before = sim.ledger_size();
  struct row {
    entry_spec s;
    const char* field;
  };
  const std::vector<row> rows = {
      {spec(A1, "E2E20260205b27d41c9", "1000.01"), "entries[0].amount"},
      {spec(A1, "E2E20260105a108cfae", "10", "EUR"), "entries[0].currency"},
      {spec(A_JPY, "E2E20260120a7c39e46", "100.5", "JPY"), "entries[0].amount"},
      {spec(A1, "E2E20260210d4f06b13", "1"), "entries[0].invoice_id"},
      {spec(A1, "NO-SUCH-INVOICE", "1"), "entries[0].invoice_id"},
      {spec(A1, "E2E20260105a108cfae", "0"), "entries[0].amount"},
      {spec("agmt-DoesNotExist000", "E2E20260105a108cfae", "1"), "entries[0].agreement_id"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.field);
    CAPTURE(r.s.invoice_id);
    try {
      resolve_plan({r.s}, client_facts(c));
      FAIL("accepted");
    } catch (const plan_error& e) {
      CHECK(e.field() == r.field);
    }
  }
  // The valid JPY amount works (and shows no decimals).
  const plan ok = resolve_plan({spec(A_JPY, "E2E20260120a7c39e46", "100.00", "JPY")}, client_facts(c));
  CHECK(ok.entries[0].amount == "100");
  CHECK(sim.batch_creates() == 0);
  CHECK(sim.ledger_size() == before);
}

TEST_CASE("workflow-sim: partial batch failure is reported per entry by client token") {
  REQUIRE_SIM();
  sim_control sim;
  sim.reset();
  client c = sim_client();
  auto journal = journal_writer::open(temp_journal());
  // Two plans over the same invoice, each valid alone; the first one takes the whole maximum.
  const plan first = resolve_plan({spec(A1, "E2E20260105a108cfae", "full")}, client_facts(c));
  const plan second = resolve_plan({spec(A1, "E2E20260105a108cfae", "100"),
                                    spec(A1, "E2E20260205b27d41c9", "50")},
                                   client_facts(c));
  CHECK(submit(c, first, journal).at(0).outcome == entry_outcome::created);
  // With the live re-check (default), nothing of the second plan is sent.
  sim.clear_requests();
  CHECK_THROWS_WITH_AS(submit(c, second, journal), doctest::Contains("entries[0].amount"), plan_error);
  CHECK(sim.batch_creates() == 0);
  // Without it, the service refuses one entry of the call and creates the other.
  submit_options so;
  so.recheck = false;
  const auto r = submit(c, second, journal, so);
  CHECK(sim.batch_creates() == 1);
  CHECK(r[0].outcome == entry_outcome::rejected);
  CHECK_FALSE(r[0].error_code.empty());
  CHECK_FALSE(r[0].error_message.empty());
  CHECK(r[1].outcome == entry_outcome::created);
  const auto tokens = sim.ledger_tokens();
  CHECK(tokens.count(second.entries[0].client_token) == 0);
  CHECK(tokens.count(second.entries[1].client_token) == 1);
  MESSAGE("service said: " << r[0].error_code << ": " << r[0].error_message);
}
