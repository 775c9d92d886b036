// tests/capi: the client and workflow C ABI through <mpadjust.h> only, offline: a custom
// transport callback (a C function serving canned AWS JSON 1.0 responses) stands in for the
// service. Statuses, messages, NULL handling, the extensible structs' struct_size rules,
// transport return codes, service error details, plans, submit/wait with cancellation.
#include <mpadjust.h>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace {

const char* const kAgreement = "agmt-7Q2mXk9RbT4vNc8LpW3sYd5H";
const char* const kInvoice = "E2E20260105a108cfae";
const char* const kCreditMemo = "E2E20260210d4f06b13";
const char* const kSecret = "canned-secret-key-never-logged";

// ------------------------------------------------------------------ the canned service

enum class mode { serve, drop, connect_fail, timeout, weird_code, no_status, validation_error };

struct canned_service {
  mode m = mode::serve;
  std::mutex mu;
  std::vector<std::string> targets;  // X-Amz-Target of every request, in order
  std::vector<std::string> bodies;
  bool every_request_signed = true;
  std::string batch_status = "PENDING";  // what GetBillingAdjustmentRequest answers

  size_t count(const std::string& op) {
    std::lock_guard<std::mutex> lock(mu);
    size_t n = 0;
    for (const auto& t : targets)
      if (t == "AWSMPCommerceService_v20200301." + op) ++n;
    return n;
  }
};

std::string header_value(const mpadjust_http_request* req, const char* name) {
  for (size_t i = 0; i < req->header_count; ++i)
    if (strcasecmp(req->headers[i].name, name) == 0) return req->headers[i].value;
  return "";
}

// The value of the first "key":"..." in a JSON text (enough for the canned requests).
std::string json_string(const std::string& json, const std::string& key) {
  const std::string pat = "\"" + key + "\":\"";
  const size_t p = json.find(pat);
  if (p == std::string::npos) return "";
  const size_t start = p + pat.size();
  return json.substr(start, json.find('"', start) - start);
}

void reply(mpadjust_http_response* resp, int status, const std::string& body) {
  REQUIRE(mpadjust_http_response_set_status(resp, status) == MPADJUST_OK);
  REQUIRE(mpadjust_http_response_add_header(resp, "Content-Type", "application/x-amz-json-1.0") == MPADJUST_OK);
  REQUIRE(mpadjust_http_response_add_header(resp, "x-amzn-RequestId", "req-canned-0001") == MPADJUST_OK);
  REQUIRE(mpadjust_http_response_append_body(resp, body.data(), body.size()) == MPADJUST_OK);
}

int canned_transport(mpadjust_http_response* resp, const mpadjust_http_request* req, void* userdata) {
  auto* svc = static_cast<canned_service*>(userdata);
  const std::string target = header_value(req, "X-Amz-Target");
  const std::string body(static_cast<const char*>(req->body), req->body_len);
  {
    std::lock_guard<std::mutex> lock(svc->mu);
    svc->targets.push_back(target);
    svc->bodies.push_back(body);
    if (header_value(req, "Authorization").rfind("AWS4-HMAC-SHA256 Credential=AKIDCANNED/", 0) != 0)
      svc->every_request_signed = false;
  }
  switch (svc->m) {
    case mode::drop: return MPADJUST_TRANSPORT_RECEIVE_FAILED;
    case mode::connect_fail: return MPADJUST_TRANSPORT_CONNECT_FAILED;
    case mode::timeout: return MPADJUST_TRANSPORT_TIMEOUT;
    case mode::weird_code: return 7;
    case mode::no_status: return 0;
    case mode::validation_error:
      reply(resp, 400,
            "{\"__type\":\"com.amazonaws.marketplaceagreement#ValidationException\",\"message\":\"bad "
            "agreement\",\"requestId\":\"req-canned-0001\",\"reason\":\"INVALID_AGREEMENT_ID\",\"fields\":"
            "[{\"name\":\"agreementId\",\"message\":\"not found in this catalog\"}]}");
      return 0;
    case mode::serve: break;
  }
  if (target == "AWSMPCommerceService_v20200301.DescribeAgreement") {
    reply(resp, 200,
          std::string("{\"agreementId\":\"") + kAgreement +
              "\",\"acceptor\":{\"accountId\":\"210987654321\"},\"proposer\":{\"accountId\":\"111122223333\"},"
              "\"startTime\":1767225600,\"endTime\":1798761600,\"agreementType\":\"PurchaseAgreement\","
              "\"proposalSummary\":{\"offerId\":\"offer-abc123\",\"resources\":[{\"id\":\"prod-xyz789\","
              "\"type\":\"SaaSProduct\"}]},\"status\":\"ACTIVE\"}");
  } else if (target == "AWSMPCommerceService_v20200301.ListAgreementInvoiceLineItems") {
    reply(resp, 200,
          std::string("{\"agreementInvoiceLineItemGroupSummaries\":[{\"agreementId\":\"") + kAgreement +
              "\",\"invoiceId\":\"" + kInvoice +
              "\",\"pricingCurrencyAmount\":{\"amount\":\"1200.00\",\"maxAdjustmentAmount\":\"1200.00\","
              "\"currencyCode\":\"USD\"},\"invoiceBillingPeriod\":{\"month\":1,\"year\":2026},"
              "\"issuedTime\":1767571200,\"invoiceType\":\"INVOICE\"},{\"agreementId\":\"" +
              kAgreement + "\",\"invoiceId\":\"" + kCreditMemo +
              "\",\"pricingCurrencyAmount\":{\"amount\":\"50.00\",\"maxAdjustmentAmount\":\"0\","
              "\"currencyCode\":\"USD\"},\"invoiceBillingPeriod\":{\"month\":2,\"year\":2026},"
              "\"issuedTime\":1770681600,\"invoiceType\":\"CREDIT_MEMO\"}]}");
  } else if (target == "AWSMPCommerceService_v20200301.BatchCreateBillingAdjustmentRequest") {
    reply(resp, 200,
          "{\"items\":[{\"billingAdjustmentRequestId\":\"ba-Canned0001\",\"clientToken\":\"" +
              json_string(body, "clientToken") + "\"}],\"errors\":[]}");
  } else if (target == "AWSMPCommerceService_v20200301.GetBillingAdjustmentRequest") {
    reply(resp, 200,
          std::string("{\"billingAdjustmentRequestId\":\"ba-Canned0001\",\"agreementId\":\"") + kAgreement +
              "\",\"adjustmentReasonCode\":\"INCORRECT_METERING\",\"originalInvoiceId\":\"" + kInvoice +
              "\",\"adjustmentAmount\":\"100.00\",\"currencyCode\":\"USD\",\"status\":\"" + svc->batch_status +
              "\",\"createdAt\":1767571200,\"updatedAt\":1767571200}");
  } else {
    reply(resp, 400, "{\"__type\":\"UnknownOperationException\",\"message\":\"unknown\"}");
  }
  return 0;
}

struct log_sink {
  std::mutex mu;
  std::vector<std::string> lines;
};

void collect_log(int32_t level, const char* line, void* userdata) {
  auto* sink = static_cast<log_sink*>(userdata);
  std::lock_guard<std::mutex> lock(sink->mu);
  sink->lines.push_back(std::to_string(level) + " " + line);
}

// A client whose every request goes to `svc`.
mpadjust_client* canned_client(canned_service* svc, int32_t max_attempts = 1, log_sink* log = nullptr) {
  mpadjust_credentials* creds = nullptr;
  REQUIRE(mpadjust_credentials_new_static(&creds, "AKIDCANNED", kSecret, nullptr) == MPADJUST_OK);
  mpadjust_client_options opts = MPADJUST_CLIENT_OPTIONS_INIT;
  opts.endpoint = "https://agreement.canned.example";
  opts.transport = canned_transport;
  opts.transport_userdata = svc;
  opts.max_attempts = max_attempts;
  if (log != nullptr) {
    opts.log = collect_log;
    opts.log_userdata = log;
    opts.log_level = MPADJUST_LOG_DEBUG;
  }
  mpadjust_client* c = nullptr;
  REQUIRE(mpadjust_client_new(&c, "us-east-1", creds, &opts) == MPADJUST_OK);
  mpadjust_credentials_free(creds);  // the client keeps its own reference
  REQUIRE(c != nullptr);
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

std::string temp_dir() {
  char tmpl[] = "/tmp/mpadjust-capi-XXXXXX";
  const char* d = mkdtemp(tmpl);
  REQUIRE(d != nullptr);
  return d;
}

mpadjust_entry refund_entry(const char* amount) {
  mpadjust_entry e = MPADJUST_ENTRY_INIT;
  e.agreement_id = kAgreement;
  e.invoice_id = kInvoice;
  e.amount = amount;
  e.currency = "USD";
  e.reason_code = "INCORRECT_METERING";
  e.description = "Metering counted each API call twice from 2026-01-03 to 2026-01-05 (case 4711)";
  e.support_case_id = "4711";
  return e;
}

mpadjust_plan* resolved_plan(mpadjust_client* c, const char* amount) {
  mpadjust_plan* p = nullptr;
  REQUIRE(mpadjust_plan_new(&p, "capi-test-plan") == MPADJUST_OK);
  const mpadjust_entry e = refund_entry(amount);
  REQUIRE(mpadjust_plan_add_entry(p, &e) == MPADJUST_OK);
  REQUIRE_MESSAGE(mpadjust_plan_resolve(p, c, 0) == MPADJUST_OK, mpadjust_last_error_message());
  return p;
}

// A struct of type T in a byte buffer `extra` bytes larger than T, for struct_size tests.
template <class T>
struct oversized {
  explicit oversized(size_t extra) : bytes(sizeof(T) + extra, 0) {}
  T* get() { return reinterpret_cast<T*>(bytes.data()); }
  void poison_tail() { bytes.back() = 1; }
  alignas(T) std::vector<unsigned char> bytes;
};

}  // namespace

// ------------------------------------------------------------------ client

TEST_CASE("capi client: options init, NULL options, endpoint and NULL handling") {
  mpadjust_client_options opts;
  std::memset(&opts, 0xAB, sizeof opts);
  REQUIRE(mpadjust_client_options_init(&opts, sizeof opts) == MPADJUST_OK);
  CHECK(opts.struct_size == sizeof opts);
  CHECK(opts.endpoint == nullptr);
  CHECK((opts.transport == nullptr));
  CHECK(opts.max_attempts == 0);
  CHECK(mpadjust_client_options_init(nullptr, sizeof opts) == MPADJUST_EINVALID);
  CHECK(mpadjust_client_options_init(&opts, MPADJUST_CLIENT_OPTIONS_MIN_SIZE - 1) == MPADJUST_EINVALID);
  CHECK(contains(mpadjust_last_error_message(), "struct_size"));

  canned_service svc;
  mpadjust_client* c = canned_client(&svc);
  CHECK(std::string(mpadjust_client_endpoint(c)) == "https://agreement.canned.example");
  CHECK(svc.targets.empty());  // nothing is sent until the first operation
  mpadjust_client_free(c);

  CHECK(std::string(mpadjust_client_endpoint(nullptr)).empty());
  mpadjust_client_free(nullptr);
  mpadjust_client_cancel(nullptr);
  mpadjust_plan_free(nullptr);
  mpadjust_results_free(nullptr);
  CHECK(mpadjust_client_new(nullptr, "us-east-1", nullptr, nullptr) == MPADJUST_EINVALID);
  mpadjust_client* out = reinterpret_cast<mpadjust_client*>(&opts);
  CHECK(mpadjust_client_new(&out, "", nullptr, nullptr) == MPADJUST_EINVALID);
  CHECK(out == nullptr);
  CHECK(contains(mpadjust_last_error_message(), "region"));
  opts = mpadjust_client_options MPADJUST_CLIENT_OPTIONS_INIT;
  opts.log_level = 9;
  CHECK(mpadjust_client_new(&out, "us-east-1", nullptr, &opts) == MPADJUST_EINVALID);
  CHECK(contains(mpadjust_last_error_message(), "log_level"));
  opts.log_level = 0;
  opts.max_attempts = -1;
  CHECK(mpadjust_client_new(&out, "us-east-1", nullptr, &opts) == MPADJUST_EINVALID);
  CHECK(contains(mpadjust_last_error_message(), "max_attempts"));
  opts.max_attempts = 0;
  opts.endpoint = "http://agreement.example.com";  // plain http to a remote host
#ifdef MPADJUST_WITH_CURL
  // The default transport refuses it when a request is made, not at construction.
  CHECK(mpadjust_client_new(&out, "us-east-1", nullptr, &opts) == MPADJUST_OK);
  mpadjust_client_free(out);
#else
  // Built without libcurl: no default transport, and the error says so.
  CHECK(mpadjust_client_new(&out, "us-east-1", nullptr, &opts) == MPADJUST_EINVALID);
  CHECK(contains(mpadjust_last_error_message(), "libcurl"));
#endif
}

TEST_CASE("capi client: client options struct_size: first layout, larger with zero tail, non-zero tail, too small") {
  mpadjust_credentials* creds = nullptr;
  REQUIRE(mpadjust_credentials_new_static(&creds, "AKIDCANNED", kSecret, nullptr) == MPADJUST_OK);
  oversized<mpadjust_client_options> big(16);
  REQUIRE(mpadjust_client_options_init(big.get(), big.bytes.size()) == MPADJUST_OK);
  CHECK(big.get()->struct_size == sizeof(mpadjust_client_options) + 16);
  big.get()->endpoint = "https://larger.example";
  big.get()->transport = canned_transport;  // no network, and no dependency on libcurl
  canned_service svc;
  big.get()->transport_userdata = &svc;
  mpadjust_client* c = nullptr;
  CHECK(mpadjust_client_new(&c, "us-east-1", creds, big.get()) == MPADJUST_OK);
  CHECK(std::string(mpadjust_client_endpoint(c)) == "https://larger.example");
  mpadjust_client_free(c);

  big.poison_tail();
  CHECK(mpadjust_client_new(&c, "us-east-1", creds, big.get()) == MPADJUST_EINVALID);
  CHECK(c == nullptr);
  CHECK(contains(mpadjust_last_error_message(), "opts.struct_size"));

  mpadjust_client_options opts = MPADJUST_CLIENT_OPTIONS_INIT;
  opts.endpoint = "https://first-layout.example";
  opts.transport = canned_transport;
  opts.transport_userdata = &svc;
  opts.struct_size = MPADJUST_CLIENT_OPTIONS_MIN_SIZE;  // the 1.0 layout, without padding
  CHECK(mpadjust_client_new(&c, "us-east-1", creds, &opts) == MPADJUST_OK);
  CHECK(std::string(mpadjust_client_endpoint(c)) == "https://first-layout.example");
  mpadjust_client_free(c);
  opts.struct_size = MPADJUST_CLIENT_OPTIONS_MIN_SIZE - 1;
  CHECK(mpadjust_client_new(&c, "us-east-1", creds, &opts) == MPADJUST_EINVALID);
  opts.struct_size = sizeof(size_t);
  CHECK(mpadjust_client_new(&c, "us-east-1", creds, &opts) == MPADJUST_EINVALID);
  mpadjust_credentials_free(creds);
}

// ------------------------------------------------------------------ custom transport

TEST_CASE("capi client: a custom transport serves DescribeAgreement and ListAgreementInvoiceLineItems") {
  canned_service svc;
  mpadjust_client* c = canned_client(&svc);
  mpadjust_agreement_query q = MPADJUST_AGREEMENT_QUERY_INIT;
  q.agreement_id = kAgreement;
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  REQUIRE_MESSAGE(mpadjust_agreements_find(&buf, c, &q) == MPADJUST_OK, mpadjust_last_error_message());
  const std::string agreements = take(&buf);
  CHECK(contains(agreements, "\"agreements\":[{\"agreementId\":\"agmt-7Q2mXk9RbT4vNc8LpW3sYd5H\""));
  CHECK(contains(agreements, "\"status\":\"ACTIVE\""));
  CHECK(contains(agreements, "\"offerId\":\"offer-abc123\""));
  CHECK(contains(agreements, "\"productIds\":[\"prod-xyz789\"]"));
  CHECK(contains(agreements, "\"buyerAccountId\":\"210987654321\""));
  CHECK(contains(agreements, "\"sellerAccountId\":\"111122223333\""));
  CHECK(contains(agreements, "\"startTime\":\"2026-01-01T00:00:00Z\""));  // 1767225600
  CHECK(contains(agreements, "\"endTime\":\"2027-01-01T00:00:00Z\""));    // 1798761600
  CHECK(svc.count("DescribeAgreement") == 1);
  CHECK(contains(svc.bodies.at(0), "\"agreementId\":\"agmt-7Q2mXk9RbT4vNc8LpW3sYd5H\""));

  REQUIRE(mpadjust_invoices_list(&buf, c, kAgreement, nullptr) == MPADJUST_OK);
  const std::string invoices = take(&buf);
  CHECK(contains(invoices, "\"invoiceId\":\"E2E20260105a108cfae\""));
  CHECK(contains(invoices, "\"amount\":\"1200.00\",\"maxAdjustmentAmount\":\"1200.00\""));
  CHECK(contains(invoices, "\"billingPeriod\":\"2026-01\""));
  CHECK(contains(invoices, "\"issuedTime\":\"2026-01-05T00:00:00Z\""));  // 1767571200
  CHECK(contains(invoices, "\"invoiceType\":\"CREDIT_MEMO\""));
  CHECK(contains(invoices, "\"adjustable\":true"));
  CHECK(contains(invoices, "\"adjustable\":false"));
  CHECK(svc.count("ListAgreementInvoiceLineItems") == 1);
  CHECK(contains(svc.bodies.back(), "\"groupBy\":\"INVOICE_ID\""));
  CHECK(svc.every_request_signed);
  mpadjust_client_free(c);
}

TEST_CASE("capi client: transport return codes map to statuses; 2 is a dropped connection, retried") {
  canned_service svc;
  mpadjust_buf buf = MPADJUST_BUF_INIT;

  svc.m = mode::drop;
  mpadjust_client* c = canned_client(&svc, 1);
  CHECK(mpadjust_invoices_list(&buf, c, kAgreement, nullptr) == MPADJUST_ETRANSPORT);
  CHECK(buf.ptr == nullptr);
  CHECK(contains(mpadjust_last_error_message(), "dropped"));
  CHECK(svc.targets.size() == 1);
  mpadjust_client_free(c);

  svc.targets.clear();
  c = canned_client(&svc, 3);  // a read is retried after a dropped connection
  CHECK(mpadjust_invoices_list(&buf, c, kAgreement, nullptr) == MPADJUST_ETRANSPORT);
  CHECK(svc.targets.size() == 3);
  mpadjust_client_free(c);

  svc.targets.clear();
  svc.m = mode::connect_fail;
  c = canned_client(&svc, 1);
  CHECK(mpadjust_invoices_list(&buf, c, kAgreement, nullptr) == MPADJUST_ETRANSPORT);
  CHECK(contains(mpadjust_last_error_message(), "connect"));
  svc.m = mode::timeout;
  CHECK(mpadjust_invoices_list(&buf, c, kAgreement, nullptr) == MPADJUST_ETIMEOUT);
  svc.m = mode::weird_code;
  CHECK(mpadjust_invoices_list(&buf, c, kAgreement, nullptr) == MPADJUST_ECALLBACK);
  CHECK(contains(mpadjust_last_error_message(), "7"));
  svc.m = mode::no_status;
  CHECK(mpadjust_invoices_list(&buf, c, kAgreement, nullptr) == MPADJUST_ECALLBACK);
  CHECK(contains(mpadjust_last_error_message(), "status"));
  mpadjust_client_free(c);

  // The response setters validate their arguments.
  CHECK(mpadjust_http_response_set_status(nullptr, 200) == MPADJUST_EINVALID);
  CHECK(mpadjust_http_response_add_header(nullptr, "a", "b") == MPADJUST_EINVALID);
  CHECK(mpadjust_http_response_append_body(nullptr, "x", 1) == MPADJUST_EINVALID);
}

namespace {
int bad_setter_transport(mpadjust_http_response* resp, const mpadjust_http_request*, void* userdata) {
  auto* statuses = static_cast<std::vector<int>*>(userdata);
  statuses->push_back(mpadjust_http_response_set_status(resp, 42));
  statuses->push_back(mpadjust_http_response_add_header(resp, "Bad\r\nName", "v"));
  statuses->push_back(mpadjust_http_response_add_header(resp, "X-Ok", "line\nbreak"));
  statuses->push_back(mpadjust_http_response_append_body(resp, nullptr, 3));
  statuses->push_back(mpadjust_http_response_append_body(resp, nullptr, 0));
  return MPADJUST_TRANSPORT_CONNECT_FAILED;
}
}  // namespace

TEST_CASE("capi client: the response setters reject bad values inside the callback") {
  std::vector<int> statuses;
  mpadjust_credentials* creds = nullptr;
  REQUIRE(mpadjust_credentials_new_static(&creds, "AKIDCANNED", kSecret, nullptr) == MPADJUST_OK);
  mpadjust_client_options opts = MPADJUST_CLIENT_OPTIONS_INIT;
  opts.endpoint = "https://agreement.canned.example";
  opts.transport = bad_setter_transport;
  opts.transport_userdata = &statuses;
  opts.max_attempts = 1;
  mpadjust_client* c = nullptr;
  REQUIRE(mpadjust_client_new(&c, "us-east-1", creds, &opts) == MPADJUST_OK);
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  CHECK(mpadjust_invoices_list(&buf, c, kAgreement, nullptr) == MPADJUST_ETRANSPORT);
  REQUIRE(statuses.size() == 5);
  CHECK(statuses[0] == MPADJUST_EINVALID);
  CHECK(statuses[1] == MPADJUST_EINVALID);
  CHECK(statuses[2] == MPADJUST_EINVALID);
  CHECK(statuses[3] == MPADJUST_EINVALID);
  CHECK(statuses[4] == MPADJUST_OK);
  mpadjust_client_free(c);
  mpadjust_credentials_free(creds);
}

TEST_CASE("capi client: a service error's details are kept per thread until the next call") {
  canned_service svc;
  svc.m = mode::validation_error;
  mpadjust_client* c = canned_client(&svc);
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  CHECK(mpadjust_invoices_list(&buf, c, kAgreement, nullptr) == MPADJUST_ESERVICE);
  CHECK(contains(mpadjust_last_error_message(), "bad agreement"));
  REQUIRE(mpadjust_last_service_error_json(&buf) == MPADJUST_OK);
  const std::string info = take(&buf);
  CHECK(contains(info, "\"httpStatus\":400"));
  CHECK(contains(info, "\"errorType\":\"ValidationException\""));
  CHECK(contains(info, "\"message\":\"bad agreement\""));
  CHECK(contains(info, "\"requestId\":\"req-canned-0001\""));
  CHECK(contains(info, "\"reason\":\"INVALID_AGREEMENT_ID\""));
  CHECK(contains(info, "\"fields\":[{\"name\":\"agreementId\",\"message\":\"not found in this catalog\"}]"));
  CHECK(contains(info, "\"operation\":\"ListAgreementInvoiceLineItems\""));
  // Reading it does not clear it.
  REQUIRE(mpadjust_last_service_error_json(&buf) == MPADJUST_OK);
  mpadjust_buf_dispose(&buf);

  // Another thread has its own (none).
  int other = 0;
  std::thread t([&] {
    mpadjust_buf b = MPADJUST_BUF_INIT;
    other = mpadjust_last_service_error_json(&b);
  });
  t.join();
  CHECK(other == MPADJUST_ENOTFOUND);

  svc.m = mode::serve;
  REQUIRE(mpadjust_invoices_list(&buf, c, kAgreement, nullptr) == MPADJUST_OK);
  mpadjust_buf_dispose(&buf);
  CHECK(mpadjust_last_service_error_json(&buf) == MPADJUST_ENOTFOUND);
  CHECK(mpadjust_last_service_error_json(nullptr) == MPADJUST_EINVALID);
  mpadjust_client_free(c);
}

TEST_CASE("capi client: the log callback gets debug lines and never the secret key") {
  canned_service svc;
  log_sink sink;
  mpadjust_client* c = canned_client(&svc, 1, &sink);
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  REQUIRE(mpadjust_invoices_list(&buf, c, kAgreement, nullptr) == MPADJUST_OK);
  mpadjust_buf_dispose(&buf);
  mpadjust_client_free(c);
  REQUIRE(!sink.lines.empty());
  bool mentions_operation = false;
  for (const auto& l : sink.lines) {
    CHECK_FALSE(contains(l, kSecret));
    const size_t sig = l.find("Signature=");
    if (sig != std::string::npos) CHECK(l.compare(sig, 20, "Signature=<redacted>") == 0);
    if (contains(l, "ListAgreementInvoiceLineItems")) mentions_operation = true;
  }
  CHECK(mentions_operation);
}

TEST_CASE("capi client: agreements_find and invoices_list validate before sending") {
  canned_service svc;
  mpadjust_client* c = canned_client(&svc);
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  mpadjust_agreement_query q = MPADJUST_AGREEMENT_QUERY_INIT;
  CHECK(mpadjust_agreements_find(&buf, c, &q) == MPADJUST_EINVALID);  // empty query
  CHECK(mpadjust_agreements_find(&buf, c, nullptr) == MPADJUST_EINVALID);
  CHECK(mpadjust_agreements_find(&buf, nullptr, &q) == MPADJUST_EINVALID);
  q.buyer_account_id = "2109-8765-4321";
  CHECK(mpadjust_agreements_find(&buf, c, &q) == MPADJUST_EINVALID);
  CHECK(contains(mpadjust_last_error_message(), "buyer_account_id"));
  CHECK(mpadjust_invoices_list(&buf, c, nullptr, nullptr) == MPADJUST_EINVALID);
  mpadjust_invoice_filter f = MPADJUST_INVOICE_FILTER_INIT;
  f.period_year = 2026;  // without a month
  CHECK(mpadjust_invoices_list(&buf, c, kAgreement, &f) == MPADJUST_EINVALID);
  CHECK(contains(mpadjust_last_error_message(), "period_month"));
  CHECK(svc.targets.empty());
  CHECK(buf.ptr == nullptr);
  mpadjust_client_free(c);
}

TEST_CASE("capi client: query and filter struct_size rules") {
  canned_service svc;
  mpadjust_client* c = canned_client(&svc);
  mpadjust_buf buf = MPADJUST_BUF_INIT;

  oversized<mpadjust_agreement_query> q(8);
  REQUIRE(mpadjust_agreement_query_init(q.get(), q.bytes.size()) == MPADJUST_OK);
  q.get()->agreement_id = kAgreement;
  CHECK(mpadjust_agreements_find(&buf, c, q.get()) == MPADJUST_OK);
  mpadjust_buf_dispose(&buf);
  q.poison_tail();
  CHECK(mpadjust_agreements_find(&buf, c, q.get()) == MPADJUST_EINVALID);
  mpadjust_agreement_query small = MPADJUST_AGREEMENT_QUERY_INIT;
  small.agreement_id = kAgreement;
  small.struct_size = MPADJUST_AGREEMENT_QUERY_MIN_SIZE - 1;
  CHECK(mpadjust_agreements_find(&buf, c, &small) == MPADJUST_EINVALID);
  CHECK(mpadjust_agreement_query_init(&small, MPADJUST_AGREEMENT_QUERY_MIN_SIZE - 1) == MPADJUST_EINVALID);
  CHECK(mpadjust_agreement_query_init(nullptr, sizeof small) == MPADJUST_EINVALID);

  oversized<mpadjust_invoice_filter> f(8);
  REQUIRE(mpadjust_invoice_filter_init(f.get(), f.bytes.size()) == MPADJUST_OK);
  f.get()->invoice_type = "INVOICE";
  CHECK(mpadjust_invoices_list(&buf, c, kAgreement, f.get()) == MPADJUST_OK);
  mpadjust_buf_dispose(&buf);
  CHECK(contains(svc.bodies.back(), "\"invoiceType\":\"INVOICE\""));
  f.poison_tail();
  CHECK(mpadjust_invoices_list(&buf, c, kAgreement, f.get()) == MPADJUST_EINVALID);
  mpadjust_invoice_filter fs = MPADJUST_INVOICE_FILTER_INIT;
  fs.struct_size = MPADJUST_INVOICE_FILTER_MIN_SIZE;
  CHECK(mpadjust_invoices_list(&buf, c, kAgreement, &fs) == MPADJUST_OK);
  mpadjust_buf_dispose(&buf);
  fs.struct_size = MPADJUST_INVOICE_FILTER_MIN_SIZE - 1;
  CHECK(mpadjust_invoices_list(&buf, c, kAgreement, &fs) == MPADJUST_EINVALID);
  CHECK(mpadjust_invoice_filter_init(&fs, 4) == MPADJUST_EINVALID);
  mpadjust_client_free(c);
}

// ------------------------------------------------------------------ plans

TEST_CASE("capi plan: an amount above the invoice's maximum is EINVALID naming the field; nothing is sent") {
  canned_service svc;
  mpadjust_client* c = canned_client(&svc);
  mpadjust_plan* p = nullptr;
  REQUIRE(mpadjust_plan_new(&p, nullptr) == MPADJUST_OK);
  const mpadjust_entry e = refund_entry("5000.00");
  REQUIRE(mpadjust_plan_add_entry(p, &e) == MPADJUST_OK);
  CHECK(mpadjust_plan_entry_count(p) == 1);
  CHECK(mpadjust_plan_resolve(p, c, 0) == MPADJUST_EINVALID);
  const std::string msg = mpadjust_last_error_message();
  CHECK(contains(msg, "entries[0].amount"));
  CHECK_MESSAGE(contains(msg, "1,200.00 USD"), msg);  // the invoice's maximum
  CHECK(mpadjust_plan_is_resolved(p) == 0);
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  REQUIRE(mpadjust_plan_problems(&buf, p) == MPADJUST_OK);
  const std::string problems = take(&buf);
  CHECK(contains(problems, "{\"problems\":[\"entries[0].amount"));
  CHECK(mpadjust_plan_to_json(&buf, p) == MPADJUST_EINVALID);  // not resolved
  CHECK(mpadjust_plan_preview_text(&buf, p) == MPADJUST_EINVALID);
  mpadjust_results* r = nullptr;
  CHECK(mpadjust_plan_submit(&r, p, c, "/nonexistent/journal.jsonl", nullptr) == MPADJUST_EINVALID);
  CHECK(r == nullptr);
  CHECK(svc.count("BatchCreateBillingAdjustmentRequest") == 0);
  mpadjust_plan_free(p);
  mpadjust_client_free(c);
}

TEST_CASE("capi plan: entries, resolve, preview, JSON round trip; a resolved plan is frozen") {
  canned_service svc;
  mpadjust_client* c = canned_client(&svc);
  mpadjust_plan* p = resolved_plan(c, "100.00");
  CHECK(mpadjust_plan_is_resolved(p) == 1);
  CHECK(mpadjust_plan_entry_count(p) == 1);
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  REQUIRE(mpadjust_plan_preview_text(&buf, p) == MPADJUST_OK);
  const std::string preview = take(&buf);
  CHECK(contains(preview, kInvoice));
  CHECK(contains(preview, "100.00"));
  REQUIRE(mpadjust_plan_preview_json(&buf, p) == MPADJUST_OK);
  CHECK(contains(take(&buf), "100.00"));
  REQUIRE(mpadjust_plan_problems(&buf, p) == MPADJUST_OK);
  CHECK(take(&buf) == "{\"problems\":[]}");

  const mpadjust_entry e = refund_entry("1.00");
  CHECK(mpadjust_plan_add_entry(p, &e) == MPADJUST_ECONFLICT);
  CHECK(mpadjust_plan_add_csv(p, "x", 1) == MPADJUST_ECONFLICT);
  CHECK(mpadjust_plan_resolve(p, c, 0) == MPADJUST_ECONFLICT);

  REQUIRE(mpadjust_plan_to_json(&buf, p) == MPADJUST_OK);
  const std::string saved = take(&buf);
  CHECK(contains(saved, "capi-test-plan"));
  mpadjust_plan* loaded = nullptr;
  REQUIRE(mpadjust_plan_from_json(&loaded, saved.data(), saved.size()) == MPADJUST_OK);
  CHECK(mpadjust_plan_is_resolved(loaded) == 1);
  CHECK(mpadjust_plan_entry_count(loaded) == 1);
  REQUIRE(mpadjust_plan_to_json(&buf, loaded) == MPADJUST_OK);
  CHECK(take(&buf) == saved);
  mpadjust_plan_free(loaded);
  CHECK(mpadjust_plan_from_json(&loaded, "{\"not\":\"a plan\"}", 16) != MPADJUST_OK);
  CHECK(loaded == nullptr);

  mpadjust_plan_free(p);
  mpadjust_client_free(c);
}

TEST_CASE("capi plan: CSV and JSON entries; malformed input adds nothing") {
  mpadjust_plan* p = nullptr;
  REQUIRE(mpadjust_plan_new(&p, "k") == MPADJUST_OK);
  const std::string csv =
      "agreement_id,invoice_id,amount,currency,reason_code,description,support_case_id,buyer_reference,notes\n"
      "agmt-7Q2mXk9RbT4vNc8LpW3sYd5H,E2E20260105a108cfae,10.00,USD,INCORRECT_METERING,Double-counted calls on "
      "2026-01-03,,,\n";
  REQUIRE_MESSAGE(mpadjust_plan_add_csv(p, csv.data(), csv.size()) == MPADJUST_OK, mpadjust_last_error_message());
  CHECK(mpadjust_plan_entry_count(p) == 1);
  const std::string json =
      "{\"entries\":[{\"agreement_id\":\"agmt-7Q2mXk9RbT4vNc8LpW3sYd5H\",\"invoice_id\":\"E2E20260105a108cfae\","
      "\"amount\":\"full\",\"currency\":\"USD\",\"reason_code\":\"BUYER_DISSATISFACTION\",\"description\":"
      "\"Buyer could not use the product after the outage of 2026-01-04\"}]}";
  REQUIRE_MESSAGE(mpadjust_plan_add_json(p, json.data(), json.size()) == MPADJUST_OK, mpadjust_last_error_message());
  CHECK(mpadjust_plan_entry_count(p) == 2);
  const std::string bad = "{\"entries\":[{\"agreement_id\":";
  CHECK(mpadjust_plan_add_json(p, bad.data(), bad.size()) != MPADJUST_OK);
  CHECK(mpadjust_plan_entry_count(p) == 2);
  CHECK(mpadjust_plan_add_csv(p, nullptr, 5) == MPADJUST_EINVALID);
  mpadjust_plan_free(p);

  CHECK(mpadjust_plan_new(nullptr, nullptr) == MPADJUST_EINVALID);
  CHECK(mpadjust_plan_new(&p, "") == MPADJUST_EINVALID);
  CHECK(p == nullptr);
  CHECK(mpadjust_plan_entry_count(nullptr) == 0);
  CHECK(mpadjust_plan_is_resolved(nullptr) == 0);
}

TEST_CASE("capi plan: entry struct_size rules and required fields") {
  mpadjust_plan* p = nullptr;
  REQUIRE(mpadjust_plan_new(&p, nullptr) == MPADJUST_OK);
  oversized<mpadjust_entry> big(8);
  REQUIRE(mpadjust_entry_init(big.get(), big.bytes.size()) == MPADJUST_OK);
  mpadjust_entry* e = big.get();
  e->agreement_id = kAgreement;
  e->invoice_id = kInvoice;
  e->amount = "1.00";
  e->currency = "USD";
  e->reason_code = "OTHER";
  CHECK(mpadjust_plan_add_entry(p, e) == MPADJUST_OK);
  big.poison_tail();
  CHECK(mpadjust_plan_add_entry(p, e) == MPADJUST_EINVALID);
  mpadjust_entry first = refund_entry("1.00");
  first.struct_size = MPADJUST_ENTRY_MIN_SIZE;
  CHECK(mpadjust_plan_add_entry(p, &first) == MPADJUST_OK);
  first.struct_size = MPADJUST_ENTRY_MIN_SIZE - 1;
  CHECK(mpadjust_plan_add_entry(p, &first) == MPADJUST_EINVALID);
  mpadjust_entry missing = refund_entry("1.00");
  missing.currency = nullptr;
  CHECK(mpadjust_plan_add_entry(p, &missing) == MPADJUST_EINVALID);
  CHECK(contains(mpadjust_last_error_message(), "currency"));
  CHECK(mpadjust_plan_entry_count(p) == 2);
  CHECK(mpadjust_entry_init(e, 3) == MPADJUST_EINVALID);
  mpadjust_plan_free(p);
}

// ------------------------------------------------------------------ submit, wait, results

namespace {
int stop_at_once(size_t, size_t, size_t, void* userdata) {
  ++*static_cast<int*>(userdata);
  return 1;
}
}  // namespace

TEST_CASE("capi submit: a progress callback returning non-zero stops before sending (ECALLBACK)") {
  canned_service svc;
  mpadjust_client* c = canned_client(&svc);
  mpadjust_plan* p = resolved_plan(c, "100.00");
  const std::string journal = temp_dir() + "/journal.jsonl";
  int calls = 0;
  mpadjust_submit_options opts = MPADJUST_SUBMIT_OPTIONS_INIT;
  opts.progress = stop_at_once;
  opts.progress_userdata = &calls;
  mpadjust_results* r = nullptr;
  CHECK(mpadjust_plan_submit(&r, p, c, journal.c_str(), &opts) == MPADJUST_ECALLBACK);
  CHECK(r == nullptr);
  CHECK(calls == 1);
  CHECK(svc.count("BatchCreateBillingAdjustmentRequest") == 0);
  mpadjust_plan_free(p);
  mpadjust_client_free(c);
}

TEST_CASE("capi submit: submit options struct_size rules; bad values rejected before the journal") {
  canned_service svc;
  mpadjust_client* c = canned_client(&svc);
  mpadjust_plan* p = resolved_plan(c, "100.00");
  mpadjust_results* r = nullptr;
  // A journal under a regular file: it can never be created.
  const std::string blocker = temp_dir() + "/file";
  { FILE* f = std::fopen(blocker.c_str(), "w"); REQUIRE(f != nullptr); std::fclose(f); }
  const std::string nowhere_path = blocker + "/journal.jsonl";
  const char* nowhere = nowhere_path.c_str();
  oversized<mpadjust_submit_options> big(8);
  REQUIRE(mpadjust_submit_options_init(big.get(), big.bytes.size()) == MPADJUST_OK);
  big.get()->concurrency = 17;
  CHECK(mpadjust_plan_submit(&r, p, c, nowhere, big.get()) == MPADJUST_EINVALID);
  CHECK(contains(mpadjust_last_error_message(), "concurrency"));
  big.get()->concurrency = 1;
  big.poison_tail();
  CHECK(mpadjust_plan_submit(&r, p, c, nowhere, big.get()) == MPADJUST_EINVALID);
  CHECK(contains(mpadjust_last_error_message(), "struct_size"));
  mpadjust_submit_options small = MPADJUST_SUBMIT_OPTIONS_INIT;
  small.struct_size = MPADJUST_SUBMIT_OPTIONS_MIN_SIZE - 1;
  CHECK(mpadjust_plan_submit(&r, p, c, nowhere, &small) == MPADJUST_EINVALID);
  // Valid options with an unusable journal: EIO (the options were accepted).
  small.struct_size = MPADJUST_SUBMIT_OPTIONS_MIN_SIZE;
  const int st = mpadjust_plan_submit(&r, p, c, nowhere, &small);
  CHECK((st == MPADJUST_EIO || st == MPADJUST_EINVALID));
  CHECK_MESSAGE(contains(mpadjust_last_error_message(), blocker), mpadjust_last_error_message());
  CHECK(svc.count("BatchCreateBillingAdjustmentRequest") == 0);
  CHECK(mpadjust_submit_options_init(&small, 2) == MPADJUST_EINVALID);
  mpadjust_plan_free(p);
  mpadjust_client_free(c);
}

TEST_CASE("capi submit: submit, results getters, one-look wait, cancelled wait, re-submit is already done") {
  canned_service svc;
  mpadjust_client* c = canned_client(&svc);
  mpadjust_plan* p = resolved_plan(c, "100.00");
  const std::string journal = temp_dir() + "/journal.jsonl";
  mpadjust_results* r = nullptr;
  REQUIRE_MESSAGE(mpadjust_plan_submit(&r, p, c, journal.c_str(), nullptr) == MPADJUST_OK,
                  mpadjust_last_error_message());
  CHECK(svc.count("BatchCreateBillingAdjustmentRequest") == 1);
  REQUIRE(mpadjust_results_count(r) == 1);
  CHECK(mpadjust_results_outcome(r, 0) == MPADJUST_OUTCOME_CREATED);
  CHECK(std::string(mpadjust_results_billing_adjustment_request_id(r, 0)) == "ba-Canned0001");
  CHECK(std::string(mpadjust_results_agreement_id(r, 0)) == kAgreement);
  CHECK(std::string(mpadjust_results_invoice_id(r, 0)) == kInvoice);
  CHECK(std::string(mpadjust_results_amount(r, 0)) == "100.00");
  CHECK(std::string(mpadjust_results_currency(r, 0)) == "USD");
  const std::string token = mpadjust_results_client_token(r, 0);
  CHECK(!token.empty());
  {
    std::lock_guard<std::mutex> lock(svc.mu);
    CHECK(contains(svc.bodies.back(), "\"clientToken\":\"" + token + "\""));
    CHECK(contains(svc.bodies.back(), "\"adjustmentAmount\":\"100.00\""));
  }
  CHECK(std::string(mpadjust_results_status(r, 0)) == "PENDING");
  CHECK(std::string(mpadjust_results_error_code(r, 0)).empty());
  // Out of range and NULL: "" / -1 / 0.
  CHECK(mpadjust_results_outcome(r, 1) == -1);
  CHECK(std::string(mpadjust_results_billing_adjustment_request_id(r, 1)).empty());
  CHECK(std::string(mpadjust_results_amount(r, 99)).empty());
  CHECK(std::string(mpadjust_results_status(nullptr, 0)).empty());
  CHECK(mpadjust_results_count(nullptr) == 0);
  CHECK(mpadjust_results_outcome(nullptr, 0) == -1);

  // The results outlive the plan they were made from (they hold a copy).
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  REQUIRE(mpadjust_plan_to_json(&buf, p) == MPADJUST_OK);
  const std::string saved = take(&buf);
  mpadjust_plan_free(p);
  CHECK(std::string(mpadjust_results_invoice_id(r, 0)) == kInvoice);
  REQUIRE(mpadjust_results_json(&buf, r) == MPADJUST_OK);
  const std::string rj = take(&buf);
  CHECK(contains(rj, "\"outcome\":\"created\""));
  CHECK(contains(rj, "\"billingAdjustmentRequestId\":\"ba-Canned0001\""));

  // One look: still PENDING -> ETIMEOUT, results unchanged.
  CHECK(mpadjust_results_wait(r, c, journal.c_str(), 0) == MPADJUST_ETIMEOUT);
  CHECK(svc.count("GetBillingAdjustmentRequest") == 1);
  CHECK(std::string(mpadjust_results_status(r, 0)) == "PENDING");

  // A wait cancelled from another thread returns ECANCELLED promptly.
  std::atomic<int> wait_status{1};
  const auto t0 = std::chrono::steady_clock::now();
  std::thread waiter([&] { wait_status = mpadjust_results_wait(r, c, journal.c_str(), 60000); });
  while (svc.count("GetBillingAdjustmentRequest") < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // inside the sleep between polls
  mpadjust_client_cancel(c);
  waiter.join();
  CHECK(wait_status == MPADJUST_ECANCELLED);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));
  // The cancel was consumed by the wait: the next call works.
  REQUIRE(mpadjust_invoices_list(&buf, c, kAgreement, nullptr) == MPADJUST_OK);
  mpadjust_buf_dispose(&buf);

  svc.batch_status = "COMPLETED";
  CHECK(mpadjust_results_wait(r, c, journal.c_str(), 10000) == MPADJUST_OK);
  CHECK(std::string(mpadjust_results_status(r, 0)) == "COMPLETED");
  mpadjust_results_free(r);

  // From the journal, and a second submit of the same plan sends nothing.
  mpadjust_plan* again = nullptr;
  REQUIRE(mpadjust_plan_from_json(&again, saved.data(), saved.size()) == MPADJUST_OK);
  REQUIRE(mpadjust_results_from_journal(&r, again, journal.c_str()) == MPADJUST_OK);
  CHECK(std::string(mpadjust_results_billing_adjustment_request_id(r, 0)) == "ba-Canned0001");
  CHECK(std::string(mpadjust_results_status(r, 0)) == "COMPLETED");
  mpadjust_results_free(r);
  REQUIRE(mpadjust_plan_submit(&r, again, c, journal.c_str(), nullptr) == MPADJUST_OK);
  CHECK(mpadjust_results_outcome(r, 0) == MPADJUST_OUTCOME_ALREADY_DONE);
  CHECK(svc.count("BatchCreateBillingAdjustmentRequest") == 1);
  mpadjust_results_free(r);

  REQUIRE(mpadjust_journal_list_json(&buf, journal.c_str()) == MPADJUST_OK);
  const std::string listing = take(&buf);
  CHECK(contains(listing, "\"state\":\"confirmed\""));
  CHECK(contains(listing, "\"billingAdjustmentRequestId\":\"ba-Canned0001\""));
  CHECK(contains(listing, "\"status\":\"COMPLETED\""));
  CHECK(contains(listing, "\"supportCaseId\":\"4711\""));
  REQUIRE(mpadjust_journal_export_csv(&buf, journal.c_str()) == MPADJUST_OK);
  const std::string csv = take(&buf);
  CHECK(csv.rfind("created,updated,agreement_id,invoice_id,amount,currency", 0) == 0);
  CHECK(contains(csv, "ba-Canned0001"));
  CHECK(contains(csv, "COMPLETED"));

  mpadjust_plan_free(again);
  mpadjust_client_free(c);
}

TEST_CASE("capi journal: a missing journal is ENOTFOUND; results_from_journal needs a resolved plan") {
  const std::string missing = temp_dir() + "/none.jsonl";
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  CHECK(mpadjust_journal_list_json(&buf, missing.c_str()) == MPADJUST_ENOTFOUND);
  CHECK(mpadjust_journal_export_csv(&buf, missing.c_str()) == MPADJUST_ENOTFOUND);
  CHECK(mpadjust_journal_list_json(nullptr, missing.c_str()) == MPADJUST_EINVALID);
  CHECK(mpadjust_journal_list_json(&buf, "") == MPADJUST_EINVALID);
  mpadjust_plan* p = nullptr;
  REQUIRE(mpadjust_plan_new(&p, nullptr) == MPADJUST_OK);
  mpadjust_results* r = nullptr;
  CHECK(mpadjust_results_from_journal(&r, p, missing.c_str()) == MPADJUST_EINVALID);
  CHECK(r == nullptr);
  mpadjust_plan_free(p);
}

// ------------------------------------------------------------------ refund form

TEST_CASE("capi refund form: text and JSON from valid input; every invalid field listed") {
  mpadjust_refund_form_input in = MPADJUST_REFUND_FORM_INPUT_INIT;
  in.buyer_account_id = "210987654321";
  in.buyer_email = "buyer@example.com";
  in.seller_account_id = "111122223333";
  in.product_id = "prod-xyz789";
  in.offer_id = "offer-abc123";
  in.billing_period = "2026-01";
  in.invoice_id = kInvoice;
  in.amount = "100.00";
  in.currency = "USD";
  in.reason = "Metering counted each API call twice from 2026-01-03 to 2026-01-05";
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  REQUIRE_MESSAGE(mpadjust_refund_form_text(&buf, &in) == MPADJUST_OK, mpadjust_last_error_message());
  const std::string text = take(&buf);
  CHECK(contains(text, "210987654321"));
  CHECK(contains(text, "buyer@example.com"));
  CHECK(contains(text, "\nAdditional comments:\n"));
  REQUIRE(mpadjust_refund_form_json(&buf, &in) == MPADJUST_OK);
  const std::string json = take(&buf);
  CHECK(json.rfind("{\"fields\":[{\"label\":", 0) == 0);
  CHECK(contains(json, "\"value\":\"offer-abc123\""));
  CHECK(contains(json, "\"additionalComments\":"));

  oversized<mpadjust_refund_form_input> big(8);
  REQUIRE(mpadjust_refund_form_input_init(big.get(), big.bytes.size()) == MPADJUST_OK);
  const size_t big_size = big.get()->struct_size;
  std::memcpy(static_cast<void*>(big.get()), &in, sizeof in);
  big.get()->struct_size = big_size;
  CHECK(mpadjust_refund_form_text(&buf, big.get()) == MPADJUST_OK);
  mpadjust_buf_dispose(&buf);
  big.poison_tail();
  CHECK(mpadjust_refund_form_text(&buf, big.get()) == MPADJUST_EINVALID);
  mpadjust_refund_form_input small = in;
  small.struct_size = MPADJUST_REFUND_FORM_INPUT_MIN_SIZE - 1;
  CHECK(mpadjust_refund_form_json(&buf, &small) == MPADJUST_EINVALID);
  CHECK(mpadjust_refund_form_input_init(&small, 1) == MPADJUST_EINVALID);

  in.buyer_account_id = "2109-8765-4321";
  in.billing_period = "January";
  CHECK(mpadjust_refund_form_text(&buf, &in) == MPADJUST_EINVALID);
  const std::string msg = mpadjust_last_error_message();
  CHECK(contains(msg, "buyer_account_id"));
  CHECK(contains(msg, "billing_period"));
  CHECK(buf.ptr == nullptr);
  CHECK(mpadjust_refund_form_text(&buf, nullptr) == MPADJUST_EINVALID);
}

TEST_CASE("capi cancellation: arguments are checked before anything is sent") {
  canned_service svc;
  mpadjust_client* c = canned_client(&svc);
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  CHECK(mpadjust_cancellation_send(&buf, c, nullptr, "OTHER", nullptr, nullptr) == MPADJUST_EINVALID);
  CHECK(mpadjust_cancellation_send(&buf, c, kAgreement, nullptr, nullptr, nullptr) == MPADJUST_EINVALID);
  CHECK(mpadjust_cancellation_get(&buf, c, kAgreement, nullptr) == MPADJUST_EINVALID);
  CHECK(mpadjust_cancellation_withdraw(&buf, c, kAgreement, "acr-abc", nullptr) == MPADJUST_EINVALID);
  CHECK(mpadjust_cancellation_list(&buf, nullptr, nullptr, nullptr) == MPADJUST_EINVALID);
  CHECK(svc.targets.empty());
  mpadjust_client_free(c);
}
