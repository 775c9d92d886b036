// tests/capi: the whole refund through the C ABI against the Agreement Service simulator
// (tests/simulator; botocore checks every signature and body). Run by the ctest entry
// capi.flow under tests/simulator/run_with_simulator.py, which exports MPADJUST_SIM_ENDPOINT
// and the simulator's credentials; the plain `capi` entry excludes these cases.
// Expected values come from tests/simulator/seed.json and the simulator's README.
#include <mpadjust.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

const char* const kAgreement = "agmt-7Q2mXk9RbT4vNc8LpW3sYd5H";
const char* const kInvoice = "E2E20260105a108cfae";

std::string sim_endpoint() {
  const char* e = std::getenv("MPADJUST_SIM_ENDPOINT");
  REQUIRE_MESSAGE(e != nullptr, "MPADJUST_SIM_ENDPOINT is not set: run under tests/simulator/run_with_simulator.py");
  return e;
}

// A client of the simulator with the default credentials chain (the environment's keys).
mpadjust_client* sim_client(const std::string& endpoint) {
  mpadjust_client_options opts = MPADJUST_CLIENT_OPTIONS_INIT;
  opts.endpoint = endpoint.c_str();
  mpadjust_client* c = nullptr;
  REQUIRE_MESSAGE(mpadjust_client_new(&c, "us-east-1", nullptr, &opts) == MPADJUST_OK,
                  mpadjust_last_error_message());
  return c;
}

std::string take(mpadjust_buf* b) {
  std::string s = b->ptr != nullptr ? std::string(b->ptr, b->size) : std::string();
  mpadjust_buf_dispose(b);
  return s;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

size_t occurrences(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) ++n;
  return n;
}

std::string temp_dir() {
  char tmpl[] = "/tmp/mpadjust-capi-flow-XXXXXX";
  const char* d = mkdtemp(tmpl);
  REQUIRE(d != nullptr);
  return d;
}

mpadjust_entry metering_refund(const char* amount) {
  mpadjust_entry e = MPADJUST_ENTRY_INIT;
  e.agreement_id = kAgreement;
  e.invoice_id = kInvoice;
  e.amount = amount;
  e.currency = "USD";
  e.reason_code = "INCORRECT_METERING";
  e.description = "Usage meter double-counted API calls from 2026-01-03 to 2026-01-05 (support case 17345)";
  e.support_case_id = "17345";
  e.buyer_reference = "PO-2026-0042";
  return e;
}

}  // namespace

TEST_CASE("capi flow: find, invoices, plan, preview, submit, wait, journal CSV against the simulator") {
  const std::string endpoint = sim_endpoint();
  mpadjust_client* c = sim_client(endpoint);
  CHECK(std::string(mpadjust_client_endpoint(c)) == endpoint);
  mpadjust_buf buf = MPADJUST_BUF_INIT;

  // 1. The buyer has three agreements with this seller: the library returns them all.
  mpadjust_agreement_query q = MPADJUST_AGREEMENT_QUERY_INIT;
  q.buyer_account_id = "210987654321";
  REQUIRE_MESSAGE(mpadjust_agreements_find(&buf, c, &q) == MPADJUST_OK, mpadjust_last_error_message());
  const std::string found = take(&buf);
  CHECK(occurrences(found, "\"agreementId\":") == 3);
  CHECK(contains(found, "\"agreementId\":\"agmt-7Q2mXk9RbT4vNc8LpW3sYd5H\""));
  CHECK(contains(found, "\"agreementId\":\"agmt-9FhL2pVx6RtK3mZq8WcB4nJy\""));
  CHECK(contains(found, "\"agreementId\":\"agmt-2KdR8sWq5YhN7vLx3TpM6cGb\""));
  CHECK(contains(found, "\"status\":\"EXPIRED\""));
  CHECK(contains(found, "\"startTime\":\"2026-01-01T00:00:00Z\""));

  // 2. Its invoices.
  REQUIRE(mpadjust_invoices_list(&buf, c, kAgreement, nullptr) == MPADJUST_OK);
  const std::string invoices = take(&buf);
  CHECK(contains(invoices, "\"invoiceId\":\"E2E20260105a108cfae\",\"invoiceType\":\"INVOICE\",\"currencyCode\":"
                           "\"USD\",\"amount\":\"1200.00\",\"maxAdjustmentAmount\":\"1200.00\""));
  CHECK(contains(invoices, "\"invoiceId\":\"E2E20260210d4f06b13\",\"invoiceType\":\"CREDIT_MEMO\""));
  CHECK(contains(invoices, "\"issuedTime\":\"2026-01-05T18:59:09Z\""));

  // 3. A plan above the invoice's maximum is refused locally, naming the amount; no state changes.
  mpadjust_plan* bad = nullptr;
  REQUIRE(mpadjust_plan_new(&bad, nullptr) == MPADJUST_OK);
  const mpadjust_entry too_much = metering_refund("5000.00");
  REQUIRE(mpadjust_plan_add_entry(bad, &too_much) == MPADJUST_OK);
  CHECK(mpadjust_plan_resolve(bad, c, 0) == MPADJUST_EINVALID);
  CHECK(contains(mpadjust_last_error_message(), "entries[0].amount"));
  CHECK(contains(mpadjust_last_error_message(), "1,200.00 USD"));
  CHECK(mpadjust_plan_is_resolved(bad) == 0);
  mpadjust_plan_free(bad);

  // 4. The real plan: 100.00 USD.
  mpadjust_plan* p = nullptr;
  REQUIRE(mpadjust_plan_new(&p, nullptr) == MPADJUST_OK);
  const mpadjust_entry e = metering_refund("100.00");
  REQUIRE(mpadjust_plan_add_entry(p, &e) == MPADJUST_OK);
  REQUIRE_MESSAGE(mpadjust_plan_resolve(p, c, 1) == MPADJUST_OK, mpadjust_last_error_message());
  REQUIRE(mpadjust_plan_preview_text(&buf, p) == MPADJUST_OK);
  const std::string preview = take(&buf);
  CHECK(contains(preview, kInvoice));
  CHECK(contains(preview, "100.00"));
  CHECK(contains(preview, "INCORRECT_METERING"));

  // 5. Submit, then wait until COMPLETED (simulator: --adjustment-delay 0.3).
  const std::string journal = temp_dir() + "/journal.jsonl";
  mpadjust_results* r = nullptr;
  REQUIRE_MESSAGE(mpadjust_plan_submit(&r, p, c, journal.c_str(), nullptr) == MPADJUST_OK,
                  mpadjust_last_error_message());
  REQUIRE(mpadjust_results_count(r) == 1);
  REQUIRE(mpadjust_results_outcome(r, 0) == MPADJUST_OUTCOME_CREATED);
  const std::string ba = mpadjust_results_billing_adjustment_request_id(r, 0);
  CHECK(ba.rfind("ba-", 0) == 0);
  CHECK(std::string(mpadjust_results_status(r, 0)) == "PENDING");
  REQUIRE_MESSAGE(mpadjust_results_wait(r, c, journal.c_str(), 30000) == MPADJUST_OK, mpadjust_last_error_message());
  CHECK(std::string(mpadjust_results_status(r, 0)) == "COMPLETED");
  CHECK(std::string(mpadjust_results_billing_adjustment_request_id(r, 0)) == ba);
  mpadjust_results_free(r);

  // The service applied it: the invoice's refundable maximum dropped by 100.00.
  REQUIRE(mpadjust_invoices_list(&buf, c, kAgreement, nullptr) == MPADJUST_OK);
  CHECK(contains(take(&buf), "\"amount\":\"1200.00\",\"maxAdjustmentAmount\":\"1100.00\""));

  // 6. Running the same plan again sends nothing new.
  REQUIRE(mpadjust_plan_submit(&r, p, c, journal.c_str(), nullptr) == MPADJUST_OK);
  CHECK(mpadjust_results_outcome(r, 0) == MPADJUST_OUTCOME_ALREADY_DONE);
  CHECK(std::string(mpadjust_results_billing_adjustment_request_id(r, 0)) == ba);
  mpadjust_results_free(r);
  REQUIRE(mpadjust_invoices_list(&buf, c, kAgreement, nullptr) == MPADJUST_OK);
  CHECK(contains(take(&buf), "\"maxAdjustmentAmount\":\"1100.00\""));

  // 7. The record: the journal's CSV names the ba- id, its status and the seller's references.
  REQUIRE(mpadjust_journal_export_csv(&buf, journal.c_str()) == MPADJUST_OK);
  const std::string csv = take(&buf);
  CHECK(contains(csv, ba));
  CHECK(contains(csv, "COMPLETED"));
  CHECK(contains(csv, "17345"));
  CHECK(contains(csv, "PO-2026-0042"));
  REQUIRE(mpadjust_journal_list_json(&buf, journal.c_str()) == MPADJUST_OK);
  const std::string listing = take(&buf);
  CHECK(occurrences(listing, "\"entryKey\":") == 1);
  CHECK(contains(listing, "\"billingAdjustmentRequestId\":\"" + ba + "\""));

  mpadjust_plan_free(p);
  mpadjust_client_free(c);
}

TEST_CASE("capi flow: unknown resources: ENOTFOUND from the workflow, service error details from raw operations") {
  mpadjust_client* c = sim_client(sim_endpoint());
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  // The workflow turns ResourceNotFoundException into MPADJUST_ENOTFOUND.
  CHECK(mpadjust_invoices_list(&buf, c, "agmt-DoesNotExist000000000000", nullptr) == MPADJUST_ENOTFOUND);
  CHECK(contains(mpadjust_last_error_message(), "agmt-DoesNotExist000000000000"));
  CHECK(mpadjust_last_service_error_json(&buf) == MPADJUST_ENOTFOUND);
  // A raw operation reports the service's error with its details.
  CHECK(mpadjust_cancellation_get(&buf, c, kAgreement, "acr-DoesNotExist0000") == MPADJUST_ESERVICE);
  REQUIRE(mpadjust_last_service_error_json(&buf) == MPADJUST_OK);
  const std::string info = take(&buf);
  CHECK(contains(info, "\"operation\":\"GetAgreementCancellationRequest\""));
  CHECK(contains(info, "\"httpStatus\":404"));
  CHECK(contains(info, "\"errorType\":\"ResourceNotFoundException\""));
  CHECK_FALSE(contains(info, "\"requestId\":\"\""));
  mpadjust_client_free(c);
}

TEST_CASE("capi flow: cancellation requests: send, get, list, withdraw") {
  mpadjust_client* c = sim_client(sim_endpoint());
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  const char* agreement = "agmt-9FhL2pVx6RtK3mZq8WcB4nJy";  // ACTIVE, not used by the refund case
  REQUIRE_MESSAGE(mpadjust_cancellation_send(&buf, c, agreement, "REPLACING_AGREEMENT",
                                             "Replaced by the 2026 enterprise agreement", nullptr) == MPADJUST_OK,
                  mpadjust_last_error_message());
  const std::string sent = take(&buf);
  const std::string key = "\"agreementCancellationRequestId\":\"";
  const size_t at = sent.find(key);
  REQUIRE(at != std::string::npos);
  const std::string acr = sent.substr(at + key.size(), sent.find('"', at + key.size()) - at - key.size());
  CHECK(acr.rfind("acr-", 0) == 0);
  CHECK(contains(sent, "\"status\":\"PENDING_APPROVAL\""));

  REQUIRE(mpadjust_cancellation_get(&buf, c, agreement, acr.c_str()) == MPADJUST_OK);
  CHECK(contains(take(&buf), "\"reasonCode\":\"REPLACING_AGREEMENT\""));
  REQUIRE(mpadjust_cancellation_list(&buf, c, agreement, nullptr) == MPADJUST_OK);
  const std::string listed = take(&buf);
  CHECK(listed.rfind("{\"items\":[", 0) == 0);
  CHECK(contains(listed, acr));
  REQUIRE(mpadjust_cancellation_withdraw(&buf, c, agreement, acr.c_str(), "Sent by mistake") == MPADJUST_OK);
  CHECK(contains(take(&buf), "\"status\":\"CANCELLED\""));
  // Withdrawing twice is a conflict the service reports.
  CHECK(mpadjust_cancellation_withdraw(&buf, c, agreement, acr.c_str(), "again") == MPADJUST_ESERVICE);
  REQUIRE(mpadjust_last_service_error_json(&buf) == MPADJUST_OK);
  CHECK(contains(take(&buf), "\"errorType\":\"ConflictException\""));
  mpadjust_client_free(c);
}

namespace {
struct progress_log {
  std::atomic<int> calls{0};
  std::atomic<size_t> last_done{0};
  std::atomic<size_t> total{0};
};
int count_progress(size_t done, size_t total, size_t, void* userdata) {
  auto* log = static_cast<progress_log*>(userdata);
  ++log->calls;
  log->last_done = done;
  log->total = total;
  return 0;
}
}  // namespace

TEST_CASE("capi flow: a concurrent submit of 7 entries (2 calls on 2 clients) creates each once") {
  mpadjust_client* c = sim_client(sim_endpoint());
  const char* agreement = "agmt-4WcJ7rPy3MvD8kTn2QsL5hXb";  // EUR; invoice 89.90, max 89.90
  const char* invoice = "E2E20260101b8d4af57";
  mpadjust_plan* p = nullptr;
  REQUIRE(mpadjust_plan_new(&p, "capi-flow-concurrent") == MPADJUST_OK);
  const char* amounts[] = {"1.00", "2.00", "3.00", "4.00", "5.00", "6.00", "7.00"};
  for (const char* amount : amounts) {
    mpadjust_entry e = MPADJUST_ENTRY_INIT;
    e.agreement_id = agreement;
    e.invoice_id = invoice;
    e.amount = amount;
    e.currency = "EUR";
    e.reason_code = "TEST_ENVIRONMENT_CHARGES";
    e.description = "Charges from the buyer's staging account during the January load test";
    REQUIRE(mpadjust_plan_add_entry(p, &e) == MPADJUST_OK);
  }
  REQUIRE_MESSAGE(mpadjust_plan_resolve(p, c, 0) == MPADJUST_OK, mpadjust_last_error_message());
  const std::string journal = temp_dir() + "/journal.jsonl";
  progress_log log;
  mpadjust_submit_options opts = MPADJUST_SUBMIT_OPTIONS_INIT;
  opts.concurrency = 4;
  opts.progress = count_progress;
  opts.progress_userdata = &log;
  mpadjust_results* r = nullptr;
  REQUIRE_MESSAGE(mpadjust_plan_submit(&r, p, c, journal.c_str(), &opts) == MPADJUST_OK,
                  mpadjust_last_error_message());
  REQUIRE(mpadjust_results_count(r) == 7);
  std::vector<std::string> ids;
  for (size_t i = 0; i < 7; ++i) {
    CHECK(mpadjust_results_outcome(r, i) == MPADJUST_OUTCOME_CREATED);
    CHECK(std::string(mpadjust_results_amount(r, i)) == amounts[i]);
    ids.push_back(mpadjust_results_billing_adjustment_request_id(r, i));
    CHECK(ids.back().rfind("ba-", 0) == 0);
  }
  std::sort(ids.begin(), ids.end());
  CHECK(std::unique(ids.begin(), ids.end()) == ids.end());
  CHECK(log.calls >= 3);  // before the first call and after each of the 2 calls
  CHECK(log.last_done == 7);
  CHECK(log.total == 7);
  mpadjust_results_free(r);

  // 1 + 2 + ... + 7 = 28.00 EUR refunded: 89.90 - 28.00 = 61.90 left.
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  REQUIRE(mpadjust_invoices_list(&buf, c, agreement, nullptr) == MPADJUST_OK);
  CHECK(contains(take(&buf), "\"invoiceId\":\"E2E20260101b8d4af57\",\"invoiceType\":\"INVOICE\",\"currencyCode\":"
                             "\"EUR\",\"amount\":\"89.90\",\"maxAdjustmentAmount\":\"61.90\""));
  mpadjust_plan_free(p);
  mpadjust_client_free(c);
}
