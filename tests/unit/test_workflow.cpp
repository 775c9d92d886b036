// The refund workflow (issue #5) without a network: hand-made plan_facts, and a fake service
// behind the transport interface (workflow_fake.hpp) for the parts that use the client.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <mpadjust/adjustment.hpp>
#include <mpadjust/client.hpp>

#include "workflow_fake.hpp"

using namespace mpadjust;

namespace {

// Hand-made facts with call counters.
struct facts_fixture {
  std::map<std::string, agreement_info> agreements;
  std::map<std::string, std::vector<invoice_info>> invoices;
  int agreement_calls = 0, invoice_calls = 0;

  facts_fixture() {
    add_agreement("agmt-A1", "ACTIVE");
    add_agreement("agmt-A2", "ACTIVE");
    add_agreement("agmt-EXP", "EXPIRED");
    add_agreement("agmt-JP", "ACTIVE");
    add_invoice("agmt-A1", "INV-1", "INVOICE", "1200.00", "1200.00", "USD");
    add_invoice("agmt-A1", "INV-2", "INVOICE", "1080.00", "1000.00", "USD");
    add_invoice("agmt-A1", "CM-1", "CREDIT_MEMO", "-80.00", "0.00", "USD");
    add_invoice("agmt-A2", "INV-3", "INVOICE", "500.00", "500.00", "USD");
    add_invoice("agmt-A2", "INV-4", "INVOICE", "89.90", "89.90", "EUR");
    add_invoice("agmt-A2", "INV-0", "INVOICE", "10.00", "0.00", "USD");
    add_invoice("agmt-EXP", "INV-5", "INVOICE", "750.00", "750.00", "USD");
    add_invoice("agmt-JP", "INV-JP", "INVOICE", "150000", "150000", "JPY");
  }
  void add_agreement(const std::string& id, const std::string& status) {
    agreement_info a;
    a.agreement_id = id;
    a.status = status;
    agreements[id] = a;
  }
  void add_invoice(const std::string& agmt, const std::string& id, const std::string& type,
                   const std::string& amount, const std::string& max, const std::string& cur) {
    invoice_info i;
    i.agreement_id = agmt;
    i.invoice_id = id;
    i.invoice_type = type;
    i.amount = amount;
    i.max_adjustment_amount = max;
    i.currency_code = cur;
    invoices[agmt].push_back(i);
  }
  plan_facts facts() {
    plan_facts f;
    f.agreement = [this](const std::string& id) {
      ++agreement_calls;
      auto it = agreements.find(id);
      if (it == agreements.end()) throw error(MPADJUST_ENOTFOUND, "no agreement " + id);
      return it->second;
    };
    f.invoices = [this](const std::string& id) {
      ++invoice_calls;
      return invoices[id];
    };
    return f;
  }
};

entry_spec spec(std::string agmt, std::string inv, std::string amount, std::string cur = "USD",
                std::string reason = "BUYER_DISSATISFACTION",
                std::string desc = "Service outage on 2026-02-03 made the product unusable for two days") {
  entry_spec s;
  s.agreement_id = std::move(agmt);
  s.invoice_id = std::move(inv);
  s.amount = std::move(amount);
  s.currency = std::move(cur);
  s.reason_code = std::move(reason);
  s.description = std::move(desc);
  return s;
}

std::vector<std::string> problems_of(const std::vector<entry_spec>& specs, plan_facts f,
                                     plan_options o = {}) {
  try {
    resolve_plan(specs, f, o);
  } catch (const plan_error& e) {
    return e.problems();
  }
  return {};
}

bool any_starts_with(const std::vector<std::string>& v, const std::string& prefix) {
  for (const auto& s : v) {
    if (s.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::string temp_dir() {
  char tmpl[] = "/tmp/mpadjust-wf-XXXXXX";
  const char* d = mkdtemp(tmpl);
  REQUIRE(d != nullptr);
  return d;
}

}  // namespace

// ------------------------------------------------------------------ reasons

TEST_CASE("workflow: reason codes are the model's seven") {
  const auto& c = billing_adjustment_reason_codes();
  CHECK(c.size() == 7);
  CHECK(std::set<std::string>(c.begin(), c.end()) ==
        std::set<std::string>{"INCORRECT_TERMS_ACCEPTED", "INCORRECT_METERING",
                              "TEST_ENVIRONMENT_CHARGES", "ALTERNATIVE_PROCUREMENT_CHANNEL",
                              "UNINTENDED_RENEWAL", "BUYER_DISSATISFACTION", "OTHER"});
}

TEST_CASE("workflow: vague descriptions are flagged with what a good reason names") {
  for (const char* vague : {"refund requested", "Buyer issue", "refund", "REFUND!", "refund request"}) {
    const auto r = check_reason("BUYER_DISSATISFACTION", vague);
    CHECK(r.errors.empty());
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].find("vague") != std::string::npos);
    CHECK(r.warnings[0].find("names what went wrong") != std::string::npos);
  }
  const auto good = check_reason("OTHER", "Upfront charge left in place after the ABO moved the buyer to monthly payments");
  CHECK(good.errors.empty());
  CHECK(good.warnings.empty());
  CHECK(check_reason("OTHER", "").errors.at(0).find("required for reason OTHER") != std::string::npos);
  CHECK(check_reason("BUYER_DISSATISFACTION", "").errors.empty());
  CHECK(check_reason("other", "x y z w").errors.at(0).find("upper case: OTHER") != std::string::npos);
  CHECK(check_reason("OTHER", std::string(501, 'a')).errors.at(0).find("501 characters") != std::string::npos);
  // 500 characters of 2-byte UTF-8 are 1000 bytes and still fine.
  std::string e500;
  for (int i = 0; i < 500; ++i) e500 += "\xC3\xA9";
  CHECK(check_reason("OTHER", e500).errors.empty());
  {
    plan_options o;
    o.strict_reasons = true;
    facts_fixture ff;
    auto p = problems_of({spec("agmt-A1", "INV-1", "10", "USD", "BUYER_DISSATISFACTION", "refund")},
                         ff.facts(), o);
    REQUIRE(p.size() == 1);
    CHECK(p[0].rfind("entries[0].description: ", 0) == 0);
  }
}

// ------------------------------------------------------------------ resolve_plan

TEST_CASE("workflow: full resolves to the invoice's current maximum and is frozen") {
  facts_fixture ff;
  const plan p = resolve_plan({spec("agmt-A1", "INV-2", "full"), spec("agmt-A1", "INV-1", "12.5")},
                              ff.facts());
  REQUIRE(p.entries.size() == 2);
  CHECK(p.entries[0].amount == "1000.00");  // maxAdjustmentAmount, not the invoice amount 1080
  CHECK(p.entries[0].full);
  CHECK(p.entries[0].remaining_after == "0.00");
  CHECK(p.entries[1].amount == "12.50");
  CHECK(p.entries[1].remaining_after == "1187.50");
  CHECK(ff.agreement_calls == 1);  // facts are fetched once per agreement
  CHECK(ff.invoice_calls == 1);
  // Saved and loaded, the plan is identical; "full" never comes back.
  const plan q = plan_from_json(plan_to_json(p));
  REQUIRE(q.entries.size() == 2);
  CHECK(q.entries[0].amount == "1000.00");
  CHECK(q.entries[0].client_token == p.entries[0].client_token);
  CHECK(q.plan_key == p.plan_key);
  CHECK(plan_to_json(q) == plan_to_json(p));
}

TEST_CASE("workflow: client tokens are deterministic, valid and depend on plan key and content") {
  facts_fixture ff;
  plan_options o;
  o.plan_key = "refunds-2026-02";
  const auto specs = std::vector<entry_spec>{spec("agmt-A1", "INV-1", "10"), spec("agmt-A1", "INV-1", "11")};
  const plan a = resolve_plan(specs, ff.facts(), o);
  const plan b = resolve_plan(specs, ff.facts(), o);
  CHECK(a.entries[0].client_token == b.entries[0].client_token);
  CHECK(a.entries[0].client_token != a.entries[1].client_token);
  for (const auto& e : a.entries) {
    CHECK(e.client_token.size() <= 64);
    CHECK(e.client_token.rfind("mpa-", 0) == 0);
    CHECK(e.client_token.find_first_not_of(
              "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == std::string::npos);
  }
  o.plan_key = "refunds-2026-03";
  const plan c = resolve_plan(specs, ff.facts(), o);
  CHECK(c.entries[0].client_token != a.entries[0].client_token);
  // "10" and "10.00" are the same refund: same token.
  o.plan_key = "refunds-2026-02";
  const plan d = resolve_plan({spec("agmt-A1", "INV-1", "10.00"), spec("agmt-A1", "INV-1", "11")},
                              ff.facts(), o);
  CHECK(d.entries[0].client_token == a.entries[0].client_token);
  // A derived plan key is stable for the same input.
  CHECK(resolve_plan(specs, ff.facts()).plan_key == resolve_plan(specs, ff.facts()).plan_key);
}

TEST_CASE("workflow: the plan as a whole: entries that together exceed an invoice's maximum") {
  facts_fixture ff;
  auto p = problems_of({spec("agmt-A1", "INV-2", "600"), spec("agmt-A2", "INV-3", "1"),
                        spec("agmt-A1", "INV-2", "400.01")},
                       ff.facts());
  REQUIRE(p.size() == 1);
  CHECK(p[0].rfind("entries[2].amount: ", 0) == 0);
  CHECK(p[0].find("together with entries[0]") != std::string::npos);
  CHECK(p[0].find("(400.00 USD left)") != std::string::npos);
  // Exactly the maximum in two parts is fine.
  CHECK(resolve_plan({spec("agmt-A1", "INV-2", "600"), spec("agmt-A1", "INV-2", "400")}, ff.facts())
            .entries.size() == 2);
  // full + anything on the same invoice is too much.
  p = problems_of({spec("agmt-A1", "INV-2", "full"), spec("agmt-A1", "INV-2", "0.01")}, ff.facts());
  REQUIRE(p.size() == 1);
  CHECK(p[0].rfind("entries[1].amount: ", 0) == 0);
}

TEST_CASE("workflow: identical entries are a duplicate, not two refunds") {
  facts_fixture ff;
  auto p = problems_of({spec("agmt-A1", "INV-1", "10"), spec("agmt-A1", "INV-1", "10.00")}, ff.facts());
  REQUIRE(p.size() == 1);
  CHECK(p[0].find("entries[1]") == 0);
  CHECK(p[0].find("duplicate of entries[0]") != std::string::npos);
}

TEST_CASE("workflow: every problem of every entry is reported at once") {
  facts_fixture ff;
  auto p = problems_of({spec("agmt-A1", "INV-1", "-5", "usd", "NOPE", ""),
                        spec("agmt-A1", "CM-1", "1"), spec("agmt-JP", "INV-JP", "100.5", "JPY"),
                        spec("agmt-A2", "INV-4", "1", "USD"), spec("agmt-A1", "NOPE", "1")},
                       ff.facts());
  CHECK(any_starts_with(p, "entries[0].amount: "));
  CHECK(any_starts_with(p, "entries[0].currency: "));
  CHECK(any_starts_with(p, "entries[0].reason_code: "));
  CHECK(any_starts_with(p, "entries[1].invoice_id: "));
  CHECK(any_starts_with(p, "entries[2].amount: "));
  CHECK(any_starts_with(p, "entries[3].currency: "));
  CHECK(any_starts_with(p, "entries[4].invoice_id: "));
  // The unknown invoice lists those that exist.
  for (const auto& s : p) {
    if (s.rfind("entries[4].invoice_id", 0) == 0) {
      CHECK(s.find("INV-1, INV-2, CM-1 (credit memo)") != std::string::npos);
    }
  }
  try {
    resolve_plan({spec("agmt-A1", "CM-1", "1")}, ff.facts());
    FAIL("expected plan_error");
  } catch (const plan_error& e) {
    CHECK(e.status() == MPADJUST_EINVALID);
    CHECK(e.field() == "entries[0].invoice_id");
    CHECK(std::string(e.what()).find("credit memo") != std::string::npos);
  }
}

TEST_CASE("workflow: a non-ACTIVE agreement gives a warning, not a silent pass") {
  facts_fixture ff;
  const plan p = resolve_plan({spec("agmt-EXP", "INV-5", "100")}, ff.facts());
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].find("EXPIRED, not ACTIVE") != std::string::npos);
  CHECK(p.entries[0].agreement_status == "EXPIRED");
  CHECK(preview_text(p).find("EXPIRED, not ACTIVE") != std::string::npos);
}

TEST_CASE("workflow: batches hold at most 5 entries of one agreement, in plan order") {
  facts_fixture ff;
  std::vector<entry_spec> specs;
  for (int i = 1; i <= 7; ++i) specs.push_back(spec("agmt-A1", "INV-1", std::to_string(i)));
  specs.push_back(spec("agmt-A2", "INV-3", "1"));
  for (int i = 8; i <= 11; ++i) specs.push_back(spec("agmt-A1", "INV-1", std::to_string(i)));
  const plan p = resolve_plan(specs, ff.facts());
  const auto b = p.batches();
  REQUIRE(b.size() == 4);
  CHECK(b[0].size() == 5);
  CHECK(b[1].size() == 5);
  CHECK(b[2].size() == 1);
  CHECK(b[3].size() == 1);
  CHECK(b[3][0]->agreement_id == "agmt-A2");
  CHECK(b[0][0]->amount == "1.00");
  CHECK(b[1][0]->amount == "6.00");
  CHECK(b[1][2]->amount == "8.00");  // agmt-A1's entries after agmt-A2's keep their order
  for (const auto& batch : b) {
    for (const auto* e : batch) CHECK(e->agreement_id == batch.front()->agreement_id);
  }
  CHECK(p.total().display() == "67.00 USD");
}

TEST_CASE("workflow: preview as text and JSON") {
  facts_fixture ff;
  const plan p = resolve_plan({spec("agmt-A1", "INV-1", "1134.5"), spec("agmt-A2", "INV-4", "full", "EUR"),
                               spec("agmt-JP", "INV-JP", "1000", "JPY", "OTHER", "refund")},
                              ff.facts());
  const std::string t = preview_text(p);
  CHECK(t.find("Agreement agmt-A1 (ACTIVE)") != std::string::npos);
  CHECK(t.find("INV-4") != std::string::npos);
  CHECK(t.find("89.90 (full)") != std::string::npos);
  CHECK(t.find("Total: 89.90 EUR, 1,000 JPY, 1,134.50 USD") != std::string::npos);
  const std::string j = preview_json(p);
  rapidjson::Document d;
  d.Parse(j.c_str());
  REQUIRE(!d.HasParseError());
  CHECK(d["entry_count"].GetUint64() == 3);
  CHECK(d["call_count"].GetUint64() == 3);
  CHECK(d["agreements"].Size() == 3);
  CHECK(std::string(d["totals"][0]["currency"].GetString()) == "EUR");
  CHECK(std::string(d["totals"][0]["amount"].GetString()) == "89.90");
  CHECK(std::string(d["totals"][1]["amount"].GetString()) == "1000");
  CHECK(t.find("vague") != std::string::npos);  // the JPY entry's description
}

TEST_CASE("workflow: an edited plan file is refused (token no longer matches)") {
  facts_fixture ff;
  const plan p = resolve_plan({spec("agmt-A1", "INV-1", "10")}, ff.facts());
  std::string j = plan_to_json(p);
  const auto pos = j.find("\"10.00\"");
  REQUIRE(pos != std::string::npos);
  j.replace(pos, 7, "\"99.00\"");
  try {
    plan_from_json(j);
    FAIL("expected plan_error");
  } catch (const plan_error& e) {
    CHECK(e.problems().at(0).find("entries[0].client_token: does not match") == 0);
  }
  CHECK_THROWS_AS(plan_from_json("{\"version\":2}"), error);
  CHECK_THROWS_AS(plan_from_json("{nope"), error);
}

// ------------------------------------------------------------------ import

TEST_CASE("workflow: entries from CSV (RFC 4180) and JSON") {
  const std::string csv =
      "\xEF\xBB\xBF" "agreement_id,invoice_id,amount,currency,reason_code,description,notes\r\n"
      "agmt-A1,INV-1,10.00,USD,OTHER,\"Charged twice, see case 123 \"\"dup\"\"\",\"line1\nline2\"\r\n"
      "\r\n"
      "agmt-A2,INV-3,full,USD,BUYER_DISSATISFACTION,,\r\n";
  const auto e = entries_from_csv(csv);
  REQUIRE(e.size() == 2);
  CHECK(e[0].description == "Charged twice, see case 123 \"dup\"");
  CHECK(e[0].details.notes == "line1\nline2");
  CHECK(e[1].amount == "full");
  CHECK_THROWS_WITH_AS(entries_from_csv("agreement_id,invoice_id,amount,currency\n"),
                       doctest::Contains("missing column reason_code"), error);
  CHECK_THROWS_WITH_AS(entries_from_csv("agreement_id,invoice,amount,currency,reason_code\n"),
                       doctest::Contains("unknown column"), error);
  CHECK_THROWS_WITH_AS(
      entries_from_csv("agreement_id,invoice_id,amount,currency,reason_code\nagmt-A1,INV-1,1,USD\n"),
      doctest::Contains("csv line 2: 4 fields"), error);
  CHECK_THROWS_AS(entries_from_csv("agreement_id,invoice_id,amount,currency,reason_code\n\"open"), error);

  const auto j = entries_from_json(
      R"({"entries":[{"agreementId":"agmt-A1","invoice_id":"INV-1","amount":"1.5","currency":"USD",)"
      R"("reason_code":"OTHER","description":"d e f","details":{"support_case_id":"case-9"}}]})");
  REQUIRE(j.size() == 1);
  CHECK(j[0].agreement_id == "agmt-A1");
  CHECK(j[0].details.support_case_id == "case-9");
  CHECK_THROWS_WITH_AS(entries_from_json(R"([{"amount":12.5}])"), doctest::Contains("entries[0].amount"), error);
  CHECK_THROWS_WITH_AS(entries_from_json(R"([{"amonut":"1"}])"), doctest::Contains("unknown member"), error);
}

// ------------------------------------------------------------------ the catalogue

TEST_CASE("workflow: 50+ malformed inputs each name their field and send nothing") {
  auto svc = wf_fake::service::seeded();
  client c = wf_fake::make_client(svc);
  const plan_facts facts = client_facts(c);
  struct row {
    const char* what;
    std::function<void(entry_spec&)> mutate;
    const char* field;
  };
  const std::string long501(501, 'x');
  const std::vector<row> rows = {
      {"amount with minus sign", [](entry_spec& s) { s.amount = "-10"; }, "amount"},
      {"amount with plus sign", [](entry_spec& s) { s.amount = "+10"; }, "amount"},
      {"amount exponent", [](entry_spec& s) { s.amount = "1e2"; }, "amount"},
      {"amount comma decimal", [](entry_spec& s) { s.amount = "10,50"; }, "amount"},
      {"amount grouping", [](entry_spec& s) { s.amount = "1,000.00"; }, "amount"},
      {"amount 9 decimals", [](entry_spec& s) { s.amount = "1.000000001"; }, "amount"},
      {"amount empty", [](entry_spec& s) { s.amount = ""; }, "amount"},
      {"amount leading space", [](entry_spec& s) { s.amount = " 10"; }, "amount"},
      {"amount trailing space", [](entry_spec& s) { s.amount = "10 "; }, "amount"},
      {"amount zero", [](entry_spec& s) { s.amount = "0"; }, "amount"},
      {"amount zero decimals", [](entry_spec& s) { s.amount = "0.00"; }, "amount"},
      {"amount dot only", [](entry_spec& s) { s.amount = "."; }, "amount"},
      {"amount two dots", [](entry_spec& s) { s.amount = "1.2.3"; }, "amount"},
      {"amount letters", [](entry_spec& s) { s.amount = "ten"; }, "amount"},
      {"amount currency symbol", [](entry_spec& s) { s.amount = "$10"; }, "amount"},
      {"amount hex", [](entry_spec& s) { s.amount = "0x10"; }, "amount"},
      {"amount NaN", [](entry_spec& s) { s.amount = "NaN"; }, "amount"},
      {"amount infinity", [](entry_spec& s) { s.amount = "inf"; }, "amount"},
      {"amount fullwidth digits", [](entry_spec& s) { s.amount = "\xEF\xBC\x91\xEF\xBC\x90"; }, "amount"},
      {"amount 19 integer digits", [](entry_spec& s) { s.amount = "1000000000000000000"; }, "amount"},
      {"amount 3 decimals in USD", [](entry_spec& s) { s.amount = "1.005"; }, "amount"},
      {"amount over maximum", [](entry_spec& s) { s.amount = "1200.01"; }, "amount"},
      {"amount 'fullest'", [](entry_spec& s) { s.amount = "fullest"; }, "amount"},
      {"amount with NUL", [](entry_spec& s) { s.amount = std::string("1\0", 2); }, "amount"},
      {"currency lower case", [](entry_spec& s) { s.currency = "usd"; }, "currency"},
      {"currency two letters", [](entry_spec& s) { s.currency = "US"; }, "currency"},
      {"currency four letters", [](entry_spec& s) { s.currency = "USDX"; }, "currency"},
      {"currency empty", [](entry_spec& s) { s.currency = ""; }, "currency"},
      {"currency symbol", [](entry_spec& s) { s.currency = "US$"; }, "currency"},
      {"currency other than the invoice's", [](entry_spec& s) { s.currency = "EUR"; }, "currency"},
      {"currency unknown well-formed, mismatch", [](entry_spec& s) { s.currency = "XQQ"; }, "currency"},
      {"reason empty", [](entry_spec& s) { s.reason_code = ""; }, "reason_code"},
      {"reason unknown", [](entry_spec& s) { s.reason_code = "CUSTOMER_ANGRY"; }, "reason_code"},
      {"reason lower case", [](entry_spec& s) { s.reason_code = "other"; }, "reason_code"},
      {"reason with space", [](entry_spec& s) { s.reason_code = "OTHER "; }, "reason_code"},
      {"reason cancellation-only code", [](entry_spec& s) { s.reason_code = "PRODUCT_DISCONTINUED"; }, "reason_code"},
      {"OTHER without description", [](entry_spec& s) { s.reason_code = "OTHER"; s.description = ""; }, "description"},
      {"description 501 chars", [&](entry_spec& s) { s.description = long501; }, "description"},
      {"description invalid UTF-8", [](entry_spec& s) { s.description = "bad \xC3\x28 byte here"; }, "description"},
      {"description control char", [](entry_spec& s) { s.description = "a b c\x01 d"; }, "description"},
      {"description punctuation only", [](entry_spec& s) { s.description = "!!! ???"; }, "description"},
      {"agreement empty", [](entry_spec& s) { s.agreement_id = ""; }, "agreement_id"},
      {"agreement with space", [](entry_spec& s) { s.agreement_id = "agmt A1"; }, "agreement_id"},
      {"agreement 65 chars", [](entry_spec& s) { s.agreement_id = "agmt-" + std::string(60, 'a'); }, "agreement_id"},
      {"agreement with dot", [](entry_spec& s) { s.agreement_id = "agmt.A1"; }, "agreement_id"},
      {"agreement unicode", [](entry_spec& s) { s.agreement_id = "agmt-\xC3\xA9"; }, "agreement_id"},
      {"agreement unknown", [](entry_spec& s) { s.agreement_id = "agmt-NOPE"; }, "agreement_id"},
      {"invoice empty", [](entry_spec& s) { s.invoice_id = ""; }, "invoice_id"},
      {"invoice 256 chars", [](entry_spec& s) { s.invoice_id = std::string(256, '1'); }, "invoice_id"},
      {"invoice control char", [](entry_spec& s) { s.invoice_id = "INV\n1"; }, "invoice_id"},
      {"invoice surrounding space", [](entry_spec& s) { s.invoice_id = " INV-1"; }, "invoice_id"},
      {"invoice unknown", [](entry_spec& s) { s.invoice_id = "INV-404"; }, "invoice_id"},
      {"invoice of another agreement", [](entry_spec& s) { s.invoice_id = "INV-3"; }, "invoice_id"},
      {"invoice is a credit memo", [](entry_spec& s) { s.invoice_id = "CM-1"; }, "invoice_id"},
      {"support case id too long", [](entry_spec& s) { s.details.support_case_id = std::string(129, 'c'); }, "details.support_case_id"},
      {"buyer reference control", [](entry_spec& s) { s.details.buyer_reference = "ref\r1"; }, "details.buyer_reference"},
      {"notes invalid UTF-8", [](entry_spec& s) { s.details.notes = "\xFF"; }, "details.notes"},
  };
  CHECK(rows.size() >= 50);
  for (const auto& r : rows) {
    CAPTURE(r.what);
    entry_spec s = spec("agmt-A1", "INV-1", "10.00");
    r.mutate(s);
    // Put the malformed entry second, behind a valid one: the valid one must not go out either.
    const std::vector<entry_spec> specs{spec("agmt-A2", "INV-3", "1.00"), s};
    try {
      resolve_plan(specs, facts);
      FAIL("no error for: " << r.what);
    } catch (const plan_error& e) {
      CHECK(e.status() == MPADJUST_EINVALID);
      const std::string want = std::string("entries[1].") + r.field + ": ";
      CHECK_MESSAGE(any_starts_with(e.problems(), want), e.what());
      CHECK_FALSE(any_starts_with(e.problems(), "entries[0]."));
    }
  }
  // JPY has no minor unit.
  try {
    resolve_plan({spec("agmt-JP", "INV-JP", "100.5", "JPY")}, facts);
    FAIL("JPY decimals accepted");
  } catch (const plan_error& e) {
    CHECK(e.problems().at(0).find("entries[0].amount: JPY") == 0);
  }
  CHECK(svc->count("BatchCreateBillingAdjustmentRequest") == 0);
  CHECK(svc->ledger.empty());
}

// ------------------------------------------------------------------ lookup

TEST_CASE("workflow: find_agreement by ID, and an ambiguous buyer search lists every candidate") {
  auto svc = wf_fake::service::seeded();
  client c = wf_fake::make_client(svc);
  agreement_query q;
  q.agreement_id = "agmt-A1";
  const auto one = find_agreement(c, q);
  REQUIRE(one.unique());
  CHECK(one.one().offer_id == "offer-aaa");
  CHECK(one.one().product_ids == std::vector<std::string>{"prod-xxx"});

  agreement_query b;
  b.buyer_account_id = "210987654321";
  const auto many = find_agreement(c, b);
  CHECK(many.candidates.size() == 2);
  CHECK_FALSE(many.unique());
  try {
    (void)many.one();
    FAIL("expected EAMBIGUOUS");
  } catch (const error& e) {
    CHECK(e.status() == MPADJUST_EAMBIGUOUS);
    CHECK(std::string(e.what()).find("agmt-A1") != std::string::npos);
    CHECK(std::string(e.what()).find("agmt-A2") != std::string::npos);
  }
  // Offer + product: searched by offer, product filtered locally (the service refuses both).
  b.offer_id = "offer-bbb";
  b.product_id = "prod-xxx";
  CHECK(find_agreement(c, b).one().agreement_id == "agmt-A2");
  b.product_id = "prod-other";
  CHECK(find_agreement(c, b).candidates.empty());

  agreement_query e;
  e.agreement_id = "agmt-EXP";
  CHECK(find_agreement(c, e).warnings.at(0).find("EXPIRED") != std::string::npos);

  const int before = svc->total_calls;
  agreement_query bad;
  bad.buyer_account_id = "2109-8765-4321";
  CHECK_THROWS_WITH_AS(find_agreement(c, bad), doctest::Contains("buyer_account_id"), plan_error);
  CHECK_THROWS_AS(find_agreement(c, agreement_query{}), plan_error);
  CHECK(svc->total_calls == before);

  agreement_query nf;
  nf.agreement_id = "agmt-NOPE";
  try {
    find_agreement(c, nf);
    FAIL("expected ENOTFOUND");
  } catch (const error& x) {
    CHECK(x.status() == MPADJUST_ENOTFOUND);
  }
  const auto inv = list_invoices(c, "agmt-A1");
  CHECK(inv.size() == 3);
  CHECK(select_invoice(inv, "INV-2").max_adjustment_amount == "1000.00");
  CHECK_THROWS_WITH_AS(select_invoice(inv, "INV-9"), doctest::Contains("INV-1, INV-2, CM-1"), error);
  CHECK(format_invoices(inv).find("1,080.00") != std::string::npos);
}

// ------------------------------------------------------------------ submit

TEST_CASE("workflow: submit journals, matches items/errors by token, never sends twice") {
  auto svc = wf_fake::service::seeded();
  client c = wf_fake::make_client(svc);
  const std::string dir = temp_dir();
  std::vector<entry_spec> specs;
  for (int i = 1; i <= 6; ++i) specs.push_back(spec("agmt-A1", "INV-1", std::to_string(i)));
  specs.push_back(spec("agmt-A2", "INV-3", "7"));
  plan_options o;
  o.plan_key = "t1";
  const plan p = resolve_plan(specs, client_facts(c), o);
  svc->reject[p.entries[2].client_token] = {"VALIDATION_EXCEPTION", "invoice period closed"};

  std::vector<progress> seen;
  submit_options so;
  so.on_progress = [&](const progress& pr) {
    seen.push_back(pr);
    return true;
  };
  {
    auto j = journal_writer::open(dir + "/j.jsonl");
    const auto r = submit(c, p, j, so);
    REQUIRE(r.size() == 7);
    CHECK(r[0].outcome == entry_outcome::created);
    CHECK(r[0].billing_adjustment_request_id.rfind("ba-", 0) == 0);
    CHECK(r[2].outcome == entry_outcome::rejected);
    CHECK(r[2].error_code == "VALIDATION_EXCEPTION");
    CHECK(r[2].error_message == "invoice period closed");
    CHECK(r[6].outcome == entry_outcome::created);
    CHECK(svc->count("BatchCreateBillingAdjustmentRequest") == 3);  // 5 + 1 of A1, 1 of A2
    CHECK(svc->ledger.size() == 6);
    REQUIRE(!seen.empty());
    CHECK(seen.back().done == 7);
    CHECK(seen.back().total == 7);
    CHECK(seen.back().failed == 1);
    // Wait: all COMPLETED; journaled.
    auto results = r;
    wait_options wo;
    wo.sleep = [](std::chrono::milliseconds) {};
    wait(c, results, j, wo);
    CHECK(results[0].status == "COMPLETED");
  }
  // Intent before outcome, in the file.
  const auto recs = read_journal(dir + "/j.jsonl").records;
  REQUIRE(recs.size() >= 14);
  CHECK(recs[0].kind == journal_kind::intent);
  CHECK(recs[0].client_token == p.entries[0].client_token);
  CHECK(recs[0].amount == "1.00");
  // A second run sends nothing.
  {
    auto j = journal_writer::open(dir + "/j.jsonl");
    const auto r = submit(c, p, j);
    CHECK(r[0].outcome == entry_outcome::already_done);
    CHECK(r[2].outcome == entry_outcome::rejected);
    CHECK(svc->count("BatchCreateBillingAdjustmentRequest") == 3);
    CHECK(svc->ledger.size() == 6);
    const auto again = results_from_journal(p, fold_journal(read_journal(dir + "/j.jsonl").records));
    CHECK(again[1].status == "COMPLETED");
    CHECK(format_results(again).find("already_done") != std::string::npos);
  }
}

TEST_CASE("workflow: a dropped response is in doubt and settled by re-sending the same token") {
  auto svc = wf_fake::service::seeded();
  client c = wf_fake::make_client(svc);
  const std::string dir = temp_dir();
  const plan p = resolve_plan({spec("agmt-A1", "INV-2", "full"), spec("agmt-A1", "INV-1", "5")},
                              client_facts(c));
  int n = 0;
  svc->batch_fault = [&](const rapidjson::Document&) { return ++n == 1 ? -1 : 0; };
  auto j = journal_writer::open(dir + "/j.jsonl");
  auto r = submit(c, p, j);
  CHECK(r[0].outcome == entry_outcome::in_doubt);
  CHECK(svc->ledger.size() == 2);  // applied, but the answer was lost
  // The invoice's maximum is now 0: a re-resolved "full" would be refused, and the frozen plan
  // is not re-checked for in-doubt entries: it is re-sent with the same token.
  r = submit(c, p, j);
  CHECK(r[0].outcome == entry_outcome::created);
  CHECK(r[0].billing_adjustment_request_id == svc->ledger[0].ba_id);
  CHECK(svc->ledger.size() == 2);
  CHECK(svc->count("BatchCreateBillingAdjustmentRequest") == 2);
  const auto folded = fold_journal(read_journal(dir + "/j.jsonl").records);
  for (const auto& e : folded) CHECK(e.state == entry_state::confirmed);
}

TEST_CASE("workflow: entries never sent are re-checked against the live maximum") {
  auto svc = wf_fake::service::seeded();
  client c = wf_fake::make_client(svc);
  const std::string dir = temp_dir();
  const plan p = resolve_plan({spec("agmt-A1", "INV-2", "600")}, client_facts(c));
  svc->invoices[1].max = "500.00";  // someone refunded 500 in the console meanwhile
  auto j = journal_writer::open(dir + "/j.jsonl");
  CHECK_THROWS_WITH_AS(submit(c, p, j), doctest::Contains("entries[0].amount"), plan_error);
  CHECK(svc->count("BatchCreateBillingAdjustmentRequest") == 0);
  CHECK(read_journal(dir + "/j.jsonl").records.empty());
}

TEST_CASE("workflow: throttled and failed calls, and bounded concurrency") {
  auto svc = wf_fake::service::seeded();
  client c = wf_fake::make_client(svc);
  const std::string dir = temp_dir();
  std::vector<entry_spec> specs;
  for (int i = 1; i <= 40; ++i) specs.push_back(spec(i % 2 ? "agmt-A1" : "agmt-A2", i % 2 ? "INV-1" : "INV-3", std::to_string(i) + ".01"));
  const plan p = resolve_plan(specs, client_facts(c));
  std::atomic<int> calls{0};
  svc->batch_fault = [&](const rapidjson::Document&) { return ++calls == 2 ? 400 : 0; };
  submit_options so;
  so.concurrency = 4;
  so.make_client = [&] { return std::make_unique<client>(wf_fake::make_client(svc)); };
  std::atomic<int> in_callback{0};
  bool overlapped = false;
  so.on_progress = [&](const progress&) {
    if (++in_callback > 1) overlapped = true;
    --in_callback;
    return true;
  };
  auto j = journal_writer::open(dir + "/j.jsonl");
  auto r = submit(c, p, j, so);
  CHECK_FALSE(overlapped);
  std::size_t created = 0, not_sent = 0;
  for (const auto& x : r) {
    created += x.outcome == entry_outcome::created;
    not_sent += x.outcome == entry_outcome::not_sent;
  }
  CHECK(created == 35);
  CHECK(not_sent == 5);  // the throttled call
  r = submit(c, p, j, so);
  for (const auto& x : r) CHECK((x.outcome == entry_outcome::created || x.outcome == entry_outcome::already_done));
  CHECK(svc->ledger.size() == 40);
  std::set<std::string> tokens;
  for (const auto& l : svc->ledger) tokens.insert(l.token);
  CHECK(tokens.size() == 40);
}

TEST_CASE("workflow: wait surfaces statusMessage, times out and can be cancelled") {
  auto svc = wf_fake::service::seeded();
  client c = wf_fake::make_client(svc);
  const std::string dir = temp_dir();
  const plan p = resolve_plan({spec("agmt-A1", "INV-1", "13"), spec("agmt-A1", "INV-1", "14")},
                              client_facts(c));
  auto j = journal_writer::open(dir + "/j.jsonl");
  auto r = submit(c, p, j);
  wait_options wo;
  wo.sleep = [](std::chrono::milliseconds) {};
  wait(c, r, j, wo);
  CHECK(r[0].status == "VALIDATION_FAILED");
  CHECK(r[0].status_message == "unlucky amount");
  CHECK(r[1].status == "COMPLETED");
  const auto again = results_from_journal(p, fold_journal(read_journal(dir + "/j.jsonl").records));
  CHECK(again[0].status == "VALIDATION_FAILED");
  CHECK(again[0].status_message == "unlucky amount");

  // Never-terminal statuses: a pending result whose request is polled until the timeout.
  std::vector<entry_result> pending = again;
  pending[1].status = "PENDING";
  std::atomic<bool> cancel{true};
  wo.cancel = &cancel;
  CHECK_THROWS_WITH_AS(wait(c, pending, j, wo), doctest::Contains("cancelled"), error);
}

// ------------------------------------------------------------------ refund form

TEST_CASE("workflow: the Request Refund form is filled from validated data") {
  refund_form_input in;
  in.buyer_account_id = "210987654321";
  in.buyer_email = "ap@buyer.example.com";
  in.seller_account_id = "111122223333";
  in.product_id = "prod-4vbe7ztjq3kfy";
  in.offer_id = "offer-3fj7q2lxk5m8a";
  in.billing_period = "2026-01";
  in.invoice_id = "E2E20260105a108cfae";
  in.amount = "1200";
  in.currency = "USD";
  in.full = true;
  in.subscription_cancelled = true;
  in.annual_subscription_date = "2026-01-01";
  in.reason = "Upfront charge left in place after the ABO moved the buyer to monthly payments";
  const refund_form f = make_refund_form(in);
  CHECK(f.fields.at(0) == std::make_pair(std::string("Buyer AWS account ID"), std::string("210987654321")));
  CHECK(f.additional_comments.find("Amount to refund (pre-tax): 1200.00 USD (full refund)") != std::string::npos);
  CHECK(f.additional_comments.find("Subscription cancelled as well: yes") != std::string::npos);
  CHECK(f.additional_comments.find("Annual subscription date: 2026-01-01") != std::string::npos);

  refund_form_input bad = in;
  bad.buyer_account_id = "21098765432";
  bad.buyer_email = "ap@@buyer";
  bad.seller_account_id = "1111-2222-3333";
  bad.product_id = "4vbe7ztjq3kfy";
  bad.offer_id = "offer-";
  bad.billing_period = "2026-13";
  bad.invoice_id = "";
  bad.amount = "12.345";
  bad.annual_subscription_date = "2026-02-30";
  bad.reason = "";
  try {
    make_refund_form(bad);
    FAIL("expected plan_error");
  } catch (const plan_error& e) {
    for (const char* field : {"buyer_account_id: ", "buyer_email: ", "seller_account_id: ", "product_id: ",
                              "offer_id: ", "billing_period: ", "invoice_id: ", "amount: ",
                              "annual_subscription_date: ", "reason: "}) {
      CHECK_MESSAGE(any_starts_with(e.problems(), field), field);
    }
  }
}
