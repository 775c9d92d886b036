// Unit tests of the AWS JSON 1.0 codec, error parsing, input validation, and the cross-check of
// the C++ model types against the botocore model (label "client").
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <rapidjson/document.h>

#include <mpadjust/client.hpp>
#include <mpadjust/model.hpp>

#include "client/validate.hpp"
#include "json/json_codec.hpp"
#include "json/model_fields.hpp"

using namespace mpadjust;
using mpadjust::detail::json_parser;
using mpadjust::detail::write_json;

namespace {

template <class T>
std::string to_json(const T& in) {
  std::string out;
  write_json(in, out);
  return out;
}

template <class T>
T from_json(std::string body, std::size_t max = 1u << 20) {
  json_parser p;
  T out;
  p.parse(body, out, "test", max);
  return out;
}

template <class T>
mpadjust::error parse_failure(std::string body, std::size_t max = 1u << 20) {
  try {
    from_json<T>(std::move(body), max);
  } catch (const mpadjust::error& e) {
    return e;
  }
  FAIL("expected a parse error");
  return mpadjust::error(MPADJUST_OK, "");
}

template <class T>
mpadjust::error validation_failure(const T& in) {
  try {
    detail::validate(in);
  } catch (const mpadjust::error& e) {
    return e;
  }
  FAIL("expected a validation error");
  return mpadjust::error(MPADJUST_OK, "");
}

batch_create_billing_adjustment_request_entry entry(std::string token, std::string agreement = "agmt-1") {
  batch_create_billing_adjustment_request_entry e;
  e.agreement_id = std::move(agreement);
  e.original_invoice_id = "E2E20230929a108cfae";
  e.adjustment_amount = "500.00";
  e.currency_code = "USD";
  e.adjustment_reason_code = "OTHER";
  e.client_token = std::move(token);
  return e;
}

filter make_filter(std::string name, std::string value) {
  filter f;
  f.name = std::move(name);
  f.values.push_back(std::move(value));
  return f;
}

}  // namespace

// ------------------------------------------------------------------ serialisation

TEST_CASE("client: requests carry only the fields set, {} when empty") {
  CHECK(to_json(list_billing_adjustment_requests_input{}) == "{}");
  CHECK(to_json(search_agreements_input{}) == "{}");

  describe_agreement_input d;
  d.agreement_id = "agmt-SvIzsqYMyQwI3GWgJAe17URx";
  CHECK(to_json(d) == R"({"agreementId":"agmt-SvIzsqYMyQwI3GWgJAe17URx"})");

  get_agreement_terms_input g;
  g.agreement_id = "a";
  g.max_results = 50;
  CHECK(to_json(g) == R"({"agreementId":"a","maxResults":50})");

  search_agreements_input s;
  s.catalog = "AWSMarketplace";
  s.filters.push_back(make_filter("PartyType", "Proposer"));
  s.sort = sort_spec{std::string("EndTime"), std::string("DESCENDING")};
  CHECK(to_json(s) ==
        R"({"catalog":"AWSMarketplace","filters":[{"name":"PartyType","values":["Proposer"]}],)"
        R"("sort":{"sortBy":"EndTime","sortOrder":"DESCENDING"}})");
}

TEST_CASE("client: timestamps are written as epoch seconds") {
  list_billing_adjustment_requests_input in;
  in.created_after = timestamp_from_epoch_ms(1700000000000);
  in.created_before = timestamp_from_epoch_ms(1700000000123);
  CHECK(to_json(in) == R"({"createdAfter":1700000000,"createdBefore":1700000000.123})");
  in.created_after = timestamp_from_epoch_ms(-1500);
  in.created_before = timestamp_from_epoch_ms(5);
  CHECK(to_json(in) == R"({"createdAfter":-1.500,"createdBefore":0.005})");
}

TEST_CASE("client: batch entries serialise in model member order, strings escaped") {
  batch_create_billing_adjustment_request_input in;
  auto e = entry("71a5e82e-a49b-4075-8c7f-52df1d294379", "agmt-SvIzsqYMyQwI3GWgJAe17URx");
  e.description = "quote \" and \\ and \n";
  in.billing_adjustment_request_entries.push_back(e);
  CHECK(to_json(in) ==
        R"({"billingAdjustmentRequestEntries":[{"agreementId":"agmt-SvIzsqYMyQwI3GWgJAe17URx",)"
        R"("originalInvoiceId":"E2E20230929a108cfae","adjustmentAmount":"500.00","currencyCode":"USD",)"
        R"("adjustmentReasonCode":"OTHER","description":"quote \" and \\ and \n",)"
        R"("clientToken":"71a5e82e-a49b-4075-8c7f-52df1d294379"}]})");

  list_agreement_invoice_line_items_input li;
  li.agreement_id = "agmt-EXAMPLESvIzsqYMyQwI3";
  CHECK(to_json(li) == R"({"agreementId":"agmt-EXAMPLESvIzsqYMyQwI3","groupBy":"INVOICE_ID"})");
  li.invoice_billing_period = invoice_billing_period{1, 2025};
  CHECK(to_json(li) == R"({"agreementId":"agmt-EXAMPLESvIzsqYMyQwI3","groupBy":"INVOICE_ID",)"
                       R"("invoiceBillingPeriod":{"month":1,"year":2025}})");
}

// ------------------------------------------------------------------ parsing

TEST_CASE("client: DescribeAgreement response parses every member") {
  auto out = from_json<describe_agreement_output>(R"({
    "agreementId":"agmt-1","acceptor":{"accountId":"123456789012"},
    "proposer":{"accountId":"210987654321"},"startTime":1700000000,"endTime":1731536000.5,
    "acceptanceTime":1699999999.999,"agreementType":"PurchaseAgreement",
    "estimatedCharges":{"currencyCode":"USD","agreementValue":"1200.00"},
    "proposalSummary":{"resources":[{"id":"prod-1","type":"SaaSProduct"}],"offerId":"offer-1","offerSetId":"os-1"},
    "status":"ACTIVE"})");
  CHECK(*out.agreement_id == "agmt-1");
  CHECK(*out.acceptor->account_id == "123456789012");
  CHECK(*out.proposer->account_id == "210987654321");
  CHECK(epoch_ms(*out.start_time) == 1700000000000);
  CHECK(epoch_ms(*out.end_time) == 1731536000500);
  CHECK(epoch_ms(*out.acceptance_time) == 1699999999999);
  CHECK(*out.agreement_type == "PurchaseAgreement");
  CHECK(*out.estimated_charges->agreement_value == "1200.00");
  REQUIRE(out.proposal_summary->resources.size() == 1);
  CHECK(*out.proposal_summary->resources[0].type == "SaaSProduct");
  CHECK(*out.proposal_summary->offer_set_id == "os-1");
  CHECK(*out.status == "ACTIVE");
}

TEST_CASE("client: responses are lenient: unknown members ignored, unknown enums kept, null absent") {
  auto out = from_json<describe_agreement_output>(
      R"({"agreementId":"agmt-1","brandNewField":{"x":[1,2,{"y":null}]},"status":"PAUSED_BY_2030_FEATURE",)"
      R"("endTime":null,"__type":"whatever"})");
  CHECK(*out.agreement_id == "agmt-1");
  CHECK(*out.status == "PAUSED_BY_2030_FEATURE");
  CHECK_FALSE(out.end_time.has_value());
  CHECK_FALSE(out.acceptor.has_value());

  // Empty body and {} are both an empty output.
  auto empty = from_json<cancel_agreement_cancellation_request_output>("");
  CHECK_FALSE(empty.status.has_value());
  auto braces = from_json<list_agreement_cancellation_requests_output>("  {}  ");
  CHECK(braces.items.empty());
  CHECK_FALSE(braces.next_token.has_value());
}

TEST_CASE("client: GetAgreementTerms union members and an unknown union member") {
  auto out = from_json<get_agreement_terms_output>(R"({"acceptedTerms":[
    {"legalTerm":{"type":"LegalTerm","id":"term-1","documents":[{"type":"StandardEula","version":"2022-07-14"}]}},
    {"renewalTerm":{"type":"RenewalTerm","id":"term-2","configuration":{"enableAutoRenew":true}}},
    {"configurableUpfrontPricingTerm":{"type":"ConfigurableUpfrontPricingTerm","id":"t3","currencyCode":"USD",
      "rateCards":[{"selector":{"type":"Duration","value":"P12M"},"constraints":{"multipleDimensionSelection":"Allowed","quantityConfiguration":"Allowed"},
      "rateCard":[{"dimensionKey":"users","price":"10.00"}]}],
      "configuration":{"selectorValue":"P12M","dimensions":[{"dimensionKey":"users","dimensionValue":25}]}}},
    {"paymentScheduleTerm":{"id":"t4","schedule":[{"chargeDate":1704067200,"chargeAmount":"100.00"}]}},
    {"variablePaymentTerm":{"id":"t5","maxTotalChargeAmount":"5000","configuration":{"paymentRequestApprovalStrategy":"WAIT_FOR_APPROVAL","expirationDuration":"P10D"}}},
    {"freeTrialPricingTerm":{"id":"t6","duration":"P7D","grants":[{"dimensionKey":"users","maxQuantity":5}]}},
    {"netPaymentTerm":{"id":"t7","paymentDuePeriod":"P30D"}},
    {"quantumPricingTerm":{"id":"t8"}}
  ],"nextToken":"abc="})");
  REQUIRE(out.accepted_terms.size() == 8);
  CHECK(*out.accepted_terms[0].legal_term->documents[0].version == "2022-07-14");
  CHECK(out.accepted_terms[1].renewal_term->configuration->enable_auto_renew);
  const auto& cu = *out.accepted_terms[2].configurable_upfront_pricing_term;
  CHECK(*cu.rate_cards[0].selector->value == "P12M");
  CHECK(*cu.rate_cards[0].rate_card[0].price == "10.00");
  CHECK(cu.configuration->dimensions[0].dimension_value == 25);
  CHECK(epoch_ms(*out.accepted_terms[3].payment_schedule_term->schedule[0].charge_date) == 1704067200000);
  CHECK(out.accepted_terms[4].variable_payment_term->configuration->payment_request_approval_strategy ==
        "WAIT_FOR_APPROVAL");
  CHECK(*out.accepted_terms[5].free_trial_pricing_term->grants[0].max_quantity == 5);
  CHECK(*out.accepted_terms[6].net_payment_term->payment_due_period == "P30D");
  CHECK(out.accepted_terms[6].unknown_member.empty());
  CHECK(out.accepted_terms[7].unknown_member == "quantumPricingTerm");
  CHECK(*out.next_token == "abc=");
}

TEST_CASE("client: wrong types give a parse error naming the JSON path") {
  auto e = parse_failure<list_agreement_invoice_line_items_output>(
      R"({"agreementInvoiceLineItemGroupSummaries":[{"invoiceId":"i1"},{"invoiceBillingPeriod":{"month":"1","year":2025}}]})");
  CHECK(e.status() == MPADJUST_EPARSE);
  CHECK(std::string(e.what()).find("$.agreementInvoiceLineItemGroupSummaries[1].invoiceBillingPeriod.month") !=
        std::string::npos);
  CHECK(std::string(e.what()).find("expected a 32-bit integer, got a string") != std::string::npos);

  e = parse_failure<describe_agreement_output>(R"({"agreementId":42})");
  CHECK(std::string(e.what()).find("$.agreementId: expected a string, got an integer") != std::string::npos);
  e = parse_failure<describe_agreement_output>(R"({"startTime":"2025-01-01T00:00:00Z"})");
  CHECK(std::string(e.what()).find("$.startTime") != std::string::npos);
  e = parse_failure<describe_agreement_output>(R"([1,2,3])");
  CHECK(std::string(e.what()).find("$: expected an object, got an array") != std::string::npos);
  e = parse_failure<search_agreements_output>(R"({"agreementViewSummaries":{"a":1}})");
  CHECK(e.status() == MPADJUST_EPARSE);
  e = parse_failure<get_agreement_terms_output>(
      R"({"acceptedTerms":[{"renewalTerm":{"configuration":{"enableAutoRenew":"yes"}}}]})");
  CHECK(std::string(e.what()).find("enableAutoRenew: expected a boolean") != std::string::npos);
  e = parse_failure<get_agreement_terms_output>(
      R"({"acceptedTerms":[{"freeTrialPricingTerm":{"grants":[{"maxQuantity":3000000000}]}}]})");
  CHECK(e.status() == MPADJUST_EPARSE);
  e = parse_failure<describe_agreement_output>(R"({"startTime":1e300})");
  CHECK(std::string(e.what()).find("timestamp out of range") != std::string::npos);
}

TEST_CASE("client: malformed, truncated, huge and hostile bodies are parse errors, never crashes") {
  for (const char* body : {"{", R"({"agreementId":)", R"({"agreementId":"agmt)", "not json",
                           R"({"a":1,})", "{}}", R"({"a":tru})", "\x7b\x22\xff\xfe\x22\x3a\x31\x7d"}) {
    CAPTURE(body);
    auto e = parse_failure<describe_agreement_output>(body);
    CHECK(e.status() == MPADJUST_EPARSE);
    CHECK(std::string(e.what()).find("test response") == 0);
  }
  auto nul = parse_failure<describe_agreement_output>(std::string("{}\0{\"x\":1}", 10));
  CHECK(std::string(nul.what()).find("NUL") != std::string::npos);

  auto big = parse_failure<describe_agreement_output>(std::string(2000, ' ') + "{}", 1000);
  CHECK(std::string(big.what()).find("exceeds the limit of 1000") != std::string::npos);

  // 1 million nested arrays: the iterative parser does not recurse; the reader rejects the type.
  std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  auto d = parse_failure<describe_agreement_output>(deep, 4u << 20);
  CHECK(d.status() == MPADJUST_EPARSE);
  std::string deep_member = R"({"proposalSummary":{"resources":)" + std::string(200000, '[') +
                            std::string(200000, ']') + "}}";
  auto dm = parse_failure<describe_agreement_output>(deep_member, 4u << 20);
  CHECK(std::string(dm.what()).find("$.proposalSummary.resources[0]: expected an object") != std::string::npos);
}

TEST_CASE("client: one parser reuses its memory across many documents") {
  json_parser p;
  for (int i = 0; i < 200; ++i) {
    std::string body = R"({"agreementViewSummaries":[)";
    for (int k = 0; k < 60; ++k) {
      if (k) body += ',';
      body += R"({"agreementId":"agmt-)" + std::to_string(i * 100 + k) + R"(","startTime":1700000000})";
    }
    body += R"(],"nextToken":"t)" + std::to_string(i) + "\"}";
    search_agreements_output out;
    p.parse(body, out, "page", 1u << 20);
    REQUIRE(out.agreement_view_summaries.size() == 60);
    CHECK(*out.agreement_view_summaries[59].agreement_id == "agmt-" + std::to_string(i * 100 + 59));
    CHECK(*out.next_token == "t" + std::to_string(i));
  }
}

// ------------------------------------------------------------------ errors

namespace {
service_error_info error_of(int status, std::string body, std::vector<http_header> headers = {}) {
  json_parser p;
  http_response r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return detail::parse_error_response(p, r, r.body, "DescribeAgreement", 1u << 20);
}
}  // namespace

TEST_CASE("client: error type sanitising follows the Smithy AWS JSON rules") {
  using detail::sanitize_error_type;
  CHECK(sanitize_error_type("com.amazonaws.marketplaceagreement#ValidationException") == "ValidationException");
  CHECK(sanitize_error_type("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/") ==
        "FooError");
  CHECK(sanitize_error_type("FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/") == "FooError");
  CHECK(sanitize_error_type("ThrottlingException") == "ThrottlingException");
  CHECK(sanitize_error_type("") == "");
}

TEST_CASE("client: error type from X-Amzn-ErrorType, then __type, then code") {
  auto a = error_of(400, R"({"__type":"com.amazonaws.marketplaceagreement#ValidationException","code":"X"})",
                    {{"X-Amzn-ErrorType", "ThrottlingException:http://internal/"}});
  CHECK(a.error_type == "ThrottlingException");
  auto b = error_of(400, R"({"__type":"com.amazonaws.marketplaceagreement#ValidationException","code":"X"})");
  CHECK(b.error_type == "ValidationException");
  auto c = error_of(409, R"({"code":"ConflictException","Message":"in use","resourceId":"acr-1","resourceType":"AgreementCancellationRequest"})");
  CHECK(c.error_type == "ConflictException");
  CHECK(c.message == "in use");
  CHECK(c.resource_id == "acr-1");
  CHECK(c.resource_type == "AgreementCancellationRequest");
  CHECK(c.http_status == 409);
}

TEST_CASE("client: ValidationException carries reason and fields; request id from header or body") {
  auto v = error_of(400,
                    R"({"__type":"com.amazonaws.marketplaceagreement#ValidationException","message":"bad filters",)"
                    R"("reason":"INVALID_FILTER_VALUES","fields":[{"name":"filters","message":"value"},{"name":"x"}],"requestId":"body-id"})",
                    {{"x-amzn-requestid", "hdr-id"}});
  CHECK(v.error_type == "ValidationException");
  CHECK(v.message == "bad filters");
  CHECK(v.reason == "INVALID_FILTER_VALUES");
  REQUIRE(v.fields.size() == 2);
  CHECK(v.fields[0].name == "filters");
  CHECK(v.fields[0].message == "value");
  CHECK(v.fields[1].name == "x");
  CHECK(v.request_id == "hdr-id");
  auto w = error_of(403, R"({"__type":"AccessDeniedException","reason":"MISSING_MFA","requestId":"body-id"})");
  CHECK(w.request_id == "body-id");
  CHECK(w.reason == "MISSING_MFA");

  service_error err(v);
  CHECK(err.status() == MPADJUST_ESERVICE);
  CHECK(err.field() == "filters");
  std::string what = err.what();
  CHECK(what.find("DescribeAgreement") != std::string::npos);
  CHECK(what.find("ValidationException") != std::string::npos);
  CHECK(what.find("INVALID_FILTER_VALUES") != std::string::npos);
  CHECK(what.find("hdr-id") != std::string::npos);
}

TEST_CASE("client: error bodies that are not JSON still give a typed error") {
  auto h = error_of(502, "<html>Bad Gateway</html>");
  CHECK(h.http_status == 502);
  CHECK(h.error_type.empty());
  auto t = error_of(503, "", {{"X-Amzn-ErrorType", "ServiceUnavailable"}});
  CHECK(t.error_type == "ServiceUnavailable");
  auto wrong = error_of(400, R"({"__type":17,"message":["x"],"fields":"nope"})");
  CHECK(wrong.error_type.empty());
  CHECK(wrong.message.empty());
  CHECK(wrong.fields.empty());
}

// ------------------------------------------------------------------ validation

TEST_CASE("client: validation names the field: length, pattern, enum, range") {
  describe_agreement_input d;
  auto e = validation_failure(d);
  CHECK(e.status() == MPADJUST_EINVALID);
  CHECK(e.field() == "agreementId");
  d.agreement_id = std::string(65, 'a');
  CHECK(validation_failure(d).field() == "agreementId");
  d.agreement_id = "agmt 1";
  CHECK(std::string(validation_failure(d).what()).find("[A-Za-z0-9_/-]+") != std::string::npos);
  d.agreement_id = "agmt-1/x_Y";
  CHECK_NOTHROW(detail::validate(d));

  get_agreement_terms_input g;
  g.agreement_id = "a";
  g.max_results = 0;
  CHECK(validation_failure(g).field() == "maxResults");
  g.max_results = 51;
  CHECK(validation_failure(g).field() == "maxResults");
  g.max_results = 50;
  g.next_token = "abc def";
  CHECK(validation_failure(g).field() == "nextToken");
  g.next_token = "aGVsbG8=+/_-";
  CHECK_NOTHROW(detail::validate(g));

  get_billing_adjustment_request_input b;
  b.agreement_id = "agmt-1";
  b.billing_adjustment_request_id = "xx-123";
  CHECK(validation_failure(b).field() == "billingAdjustmentRequestId");
  b.billing_adjustment_request_id = "ba-";
  CHECK(validation_failure(b).field() == "billingAdjustmentRequestId");
  b.billing_adjustment_request_id = "ba-1a2b3c4d5e6f7g";
  CHECK_NOTHROW(detail::validate(b));

  list_agreement_invoice_line_items_input li;
  li.agreement_id = "agmt-1";
  li.group_by = "AGREEMENT";
  CHECK(validation_failure(li).field() == "groupBy");
  li.group_by = "INVOICE_ID";
  li.invoice_billing_period = invoice_billing_period{13, 2025};
  CHECK(validation_failure(li).field() == "invoiceBillingPeriod.month");
  li.invoice_billing_period = invoice_billing_period{12, 2022};
  CHECK(validation_failure(li).field() == "invoiceBillingPeriod.year");
  li.invoice_billing_period = invoice_billing_period{12, 2050};
  li.invoice_type = "RECEIPT";
  CHECK(validation_failure(li).field() == "invoiceType");
  li.invoice_type = "CREDIT_MEMO";
  CHECK_NOTHROW(detail::validate(li));

  list_agreement_cancellation_requests_input lc;
  CHECK(validation_failure(lc).field() == "partyType");
  lc.party_type = "Proposer";
  lc.status = "DONE";
  CHECK(validation_failure(lc).field() == "status");
  lc.status = "PENDING_APPROVAL";
  lc.catalog = "AWS Marketplace";
  CHECK(validation_failure(lc).field() == "catalog");
  lc.catalog = "AWSMarketplace";
  CHECK_NOTHROW(detail::validate(lc));

  send_agreement_cancellation_request_input s;
  s.agreement_id = "agmt-1";
  s.reason_code = "TEST_ENVIRONMENT_CHARGES";  // a billing-adjustment reason, not a cancellation one
  CHECK(validation_failure(s).field() == "reasonCode");
  s.reason_code = "TEST_AGREEMENT";
  s.description = std::string(2001, 'x');
  CHECK(validation_failure(s).field() == "description");
  s.description = std::string(2000, 'x');
  CHECK_NOTHROW(detail::validate(s));
  // Lengths count characters, not bytes: 2000 euro signs are 6000 bytes.
  std::string euros;
  for (int i = 0; i < 2000; ++i) euros += "\xE2\x82\xAC";
  s.description = euros;
  CHECK_NOTHROW(detail::validate(s));
  s.description = std::string("\xC3\x28");
  CHECK(std::string(validation_failure(s).what()).find("UTF-8") != std::string::npos);

  cancel_agreement_cancellation_request_input c;
  c.agreement_id = "agmt-1";
  c.agreement_cancellation_request_id = "acr-12ab";
  CHECK(validation_failure(c).field() == "cancellationReason");
  c.cancellation_reason = "duplicate";
  CHECK_NOTHROW(detail::validate(c));
}

TEST_CASE("client: batch validation: <= 5 entries, one agreement, unique valid tokens, amounts") {
  batch_create_billing_adjustment_request_input in;
  CHECK(validation_failure(in).field() == "billingAdjustmentRequestEntries");
  for (int i = 0; i < 5; ++i) in.billing_adjustment_request_entries.push_back(entry("tok-" + std::to_string(i)));
  CHECK_NOTHROW(detail::validate(in));
  in.billing_adjustment_request_entries.push_back(entry("tok-5"));
  auto e = validation_failure(in);
  CHECK(e.field() == "billingAdjustmentRequestEntries");
  CHECK(std::string(e.what()).find("at most 5") != std::string::npos);
  in.billing_adjustment_request_entries.pop_back();

  in.billing_adjustment_request_entries[3].agreement_id = "agmt-2";
  CHECK(validation_failure(in).field() == "billingAdjustmentRequestEntries[3].agreementId");
  in.billing_adjustment_request_entries[3].agreement_id = "agmt-1";

  in.billing_adjustment_request_entries[4].client_token = "tok-1";
  CHECK(validation_failure(in).field() == "billingAdjustmentRequestEntries[4].clientToken");
  in.billing_adjustment_request_entries[4].client_token = "";
  CHECK(validation_failure(in).field() == "billingAdjustmentRequestEntries[4].clientToken");
  in.billing_adjustment_request_entries[4].client_token = "tok_4";
  CHECK(validation_failure(in).field() == "billingAdjustmentRequestEntries[4].clientToken");
  in.billing_adjustment_request_entries[4].client_token = std::string(65, 'a');
  CHECK(validation_failure(in).field() == "billingAdjustmentRequestEntries[4].clientToken");
  in.billing_adjustment_request_entries[4].client_token = std::string(64, 'a');
  CHECK_NOTHROW(detail::validate(in));

  auto& amt = in.billing_adjustment_request_entries[1].adjustment_amount;
  for (const char* bad : {"", ".", "0", "0.00", "-1", "+1", "1e3", "1.123456789", "1,00", " 1", "1."}) {
    CAPTURE(bad);
    amt = bad;
    if (std::string(bad) == "1.") {
      CHECK_NOTHROW(detail::validate(in));  // the model pattern allows an empty fraction
      continue;
    }
    CHECK(validation_failure(in).field() == "billingAdjustmentRequestEntries[1].adjustmentAmount");
  }
  for (const char* good : {"1", "0.01", ".5", "500.00", "1.12345678", "0000123.40"}) {
    CAPTURE(good);
    amt = good;
    CHECK_NOTHROW(detail::validate(in));
  }
  in.billing_adjustment_request_entries[2].currency_code = "usd";
  CHECK(validation_failure(in).field() == "billingAdjustmentRequestEntries[2].currencyCode");
  in.billing_adjustment_request_entries[2].currency_code = "USD";
  in.billing_adjustment_request_entries[2].adjustment_reason_code = "REPLACING_AGREEMENT";
  CHECK(validation_failure(in).field() == "billingAdjustmentRequestEntries[2].adjustmentReasonCode");
  in.billing_adjustment_request_entries[2].adjustment_reason_code = "INCORRECT_METERING";
  in.billing_adjustment_request_entries[0].original_invoice_id = std::string(256, '1');
  CHECK(validation_failure(in).field() == "billingAdjustmentRequestEntries[0].originalInvoiceId");
  in.billing_adjustment_request_entries[0].original_invoice_id = "2028746221";
  in.billing_adjustment_request_entries[0].description = std::string(501, 'd');
  CHECK(validation_failure(in).field() == "billingAdjustmentRequestEntries[0].description");
}

TEST_CASE("client: SearchAgreements filter rules and combinations") {
  search_agreements_input in;
  CHECK_NOTHROW(detail::validate(in));  // no filters: left to the service
  auto add = [&](const char* n, const char* v) { in.filters.push_back(make_filter(n, v)); };

  add("PartyType", "Proposer");
  auto e = validation_failure(in);
  CHECK(e.field() == "filters");  // AgreementType is always needed
  add("AgreementType", "PurchaseAgreement");
  CHECK_NOTHROW(detail::validate(in));
  add("AcceptorAccountId", "123456789012");
  add("OfferId", "offer-abc");
  add("Status", "ACTIVE");
  add("BeforeEndTime", "2050-11-18T00:00:00Z");
  add("AfterEndTime", "2020-01-01T00:00:00Z");
  CHECK_NOTHROW(detail::validate(in));  // AgreementType + AcceptorAccountId + OfferId + Status + EndTime

  // Acceptors cannot filter by AcceptorAccountId.
  in.filters[0].values[0] = "Acceptor";
  CHECK(validation_failure(in).field() == "filters");
  in.filters = {};
  add("PartyType", "Acceptor");
  add("AgreementType", "PurchaseAgreement");
  add("ResourceType", "SaaSProduct");
  add("AfterEndTime", "2020-01-01T00:00:00Z");
  CHECK_NOTHROW(detail::validate(in));  // Acceptor: AgreementType + ResourceType + EndTime
  add("Status", "ACTIVE");
  CHECK(validation_failure(in).field() == "filters");  // ...but not with Status
  in.filters.pop_back();

  add("ResourceType", "AmiProduct");
  CHECK(validation_failure(in).field() == "filters[4].name");  // twice
  in.filters.pop_back();
  in.filters[2].values[0] = "Spreadsheet";
  CHECK(validation_failure(in).field() == "filters[2].values");
  in.filters[2].values[0] = "SaaSProduct";
  in.filters[0].values[0] = "Buyer";
  CHECK(validation_failure(in).field() == "filters[0].values");
  in.filters[0].values[0] = "Acceptor";
  in.filters[1].values.push_back("Other");
  CHECK(validation_failure(in).field() == "filters[1].values");
  in.filters[1].values.pop_back();
  in.filters[3].values[0] = "2020-01-01 00:00";
  CHECK(validation_failure(in).field() == "filters[3].values[0]");
  in.filters[3].values[0] = "2020-01-01T00:00:00Z";
  in.filters[1].name = "Colour";
  CHECK(validation_failure(in).field() == "filters[1].name");
  in.filters[1].name = "AgreementType";
  CHECK_NOTHROW(detail::validate(in));

  while (in.filters.size() <= 10) add("OfferId", "o");
  CHECK(validation_failure(in).field() == "filters");
  in.filters.resize(4);
  in.sort = sort_spec{std::string("EndTime"), std::string("UP")};
  CHECK(validation_failure(in).field() == "sort.sortOrder");
}

// ------------------------------------------------------------------ model cross-check

namespace {

std::string shared_dir() {
  if (const char* d = std::getenv("MPADJUST_SHARED_DIR"); d && *d) return d;
  return MPADJUST_DEFAULT_SHARED_DIR;
}

struct model_checker {
  const rapidjson::Value& shapes;
  std::vector<std::string>& problems;
  std::set<std::string> checked;

  template <class M>
  void check_type(const std::string& shape_name, const std::string& where, bool required) {
    const rapidjson::Value& shape = shapes[shape_name.c_str()];
    std::string type = shape["type"].GetString();
    if constexpr (detail::is_optional<M>::value) {
      if (required) problems.push_back(where + ": required in the model but std::optional in C++");
      check_type<typename M::value_type>(shape_name, where, false);
    } else if constexpr (detail::is_vector<M>::value) {
      if (type != "list") problems.push_back(where + ": model type " + type + ", C++ vector");
      else check_type<typename M::value_type>(shape["member"]["shape"].GetString(), where + "[]", false);
    } else if constexpr (std::is_same<M, std::string>::value) {
      if (type != "string") problems.push_back(where + ": model type " + type + ", C++ string");
    } else if constexpr (std::is_same<M, std::int32_t>::value) {
      if (type != "integer") problems.push_back(where + ": model type " + type + ", C++ int32");
    } else if constexpr (std::is_same<M, std::int64_t>::value) {
      if (type != "long") problems.push_back(where + ": model type " + type + ", C++ int64");
    } else if constexpr (std::is_same<M, bool>::value) {
      if (type != "boolean") problems.push_back(where + ": model type " + type + ", C++ bool");
    } else if constexpr (std::is_same<M, timestamp>::value) {
      if (type != "timestamp") problems.push_back(where + ": model type " + type + ", C++ timestamp");
    } else {
      static_assert(detail::is_struct<M>::value, "unhandled");
      if (type != "structure") {
        problems.push_back(where + ": model type " + type + ", C++ struct");
        return;
      }
      check_struct<M>(shape_name, where);
    }
  }

  template <class T>
  void check_struct(const std::string& shape_name, const std::string& where) {
    const rapidjson::Value& shape = shapes[shape_name.c_str()];
    std::set<std::string> required;
    if (shape.HasMember("required"))
      for (const auto& r : shape["required"].GetArray()) required.insert(r.GetString());
    std::set<std::string> seen;
    T dummy{};
    auto visitor = [&](const char* name, auto& member, const detail::rule& = detail::no_rule) {
      using M = std::remove_reference_t<decltype(member)>;
      seen.insert(name);
      if (!shape["members"].HasMember(name)) {
        problems.push_back(where + "." + name + ": not a member of " + shape_name);
        return;
      }
      bool req = required.count(name) > 0;
      if (!req && !detail::is_optional<M>::value && !detail::is_vector<M>::value)
        problems.push_back(where + "." + name + ": optional in the model but a plain value in C++");
      check_type<M>(shape["members"][name]["shape"].GetString(), where + "." + name, req);
    };
    detail::visit_fields(visitor, dummy);
    for (auto it = shape["members"].MemberBegin(); it != shape["members"].MemberEnd(); ++it) {
      if (!seen.count(it->name.GetString()))
        problems.push_back(where + "." + it->name.GetString() + ": model member of " + shape_name +
                           " missing in C++");
    }
    checked.insert(shape_name);
  }
};

template <class In, class Out>
void check_operation(const rapidjson::Document& model, model_checker& c, const char* op) {
  const auto& o = model["operations"][op];
  c.check_struct<In>(o["input"]["shape"].GetString(), std::string(op) + ".input");
  c.check_struct<Out>(o["output"]["shape"].GetString(), std::string(op) + ".output");
}

}  // namespace

TEST_CASE("client: every member of the 11 operations' shapes in service-2.json has a C++ counterpart") {
  std::string path = shared_dir() + "/aws-models/service-2.json";
  std::ifstream f(path);
  if (!f) FAIL("cannot read " << path << " (set MPADJUST_SHARED_DIR to the shared/ folder)");
  std::stringstream ss;
  ss << f.rdbuf();
  rapidjson::Document model;
  model.Parse(ss.str().c_str());
  REQUIRE_FALSE(model.HasParseError());
  std::vector<std::string> problems;
  model_checker c{model["shapes"], problems, {}};
  check_operation<describe_agreement_input, describe_agreement_output>(model, c, "DescribeAgreement");
  check_operation<search_agreements_input, search_agreements_output>(model, c, "SearchAgreements");
  check_operation<get_agreement_terms_input, get_agreement_terms_output>(model, c, "GetAgreementTerms");
  check_operation<list_agreement_invoice_line_items_input, list_agreement_invoice_line_items_output>(
      model, c, "ListAgreementInvoiceLineItems");
  check_operation<batch_create_billing_adjustment_request_input, batch_create_billing_adjustment_request_output>(
      model, c, "BatchCreateBillingAdjustmentRequest");
  check_operation<get_billing_adjustment_request_input, get_billing_adjustment_request_output>(
      model, c, "GetBillingAdjustmentRequest");
  check_operation<list_billing_adjustment_requests_input, list_billing_adjustment_requests_output>(
      model, c, "ListBillingAdjustmentRequests");
  check_operation<send_agreement_cancellation_request_input, send_agreement_cancellation_request_output>(
      model, c, "SendAgreementCancellationRequest");
  check_operation<get_agreement_cancellation_request_input, get_agreement_cancellation_request_output>(
      model, c, "GetAgreementCancellationRequest");
  check_operation<list_agreement_cancellation_requests_input, list_agreement_cancellation_requests_output>(
      model, c, "ListAgreementCancellationRequests");
  check_operation<cancel_agreement_cancellation_request_input, cancel_agreement_cancellation_request_output>(
      model, c, "CancelAgreementCancellationRequest");
  for (const auto& p : problems) MESSAGE(p);
  CHECK(problems.empty());
  CHECK(c.checked.size() >= 60);  // every reachable structure was walked
  CHECK(c.checked.count("NetPaymentTerm") == 1);
  CHECK(c.checked.count("BatchCreateBillingAdjustmentRequestEntry") == 1);
}
