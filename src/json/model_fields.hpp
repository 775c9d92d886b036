// model_fields.hpp - one description of every model shape: its JSON member names, the C++
// member each maps to, and (for request shapes) the model's constraints. The JSON reader, the
// JSON writer, the input validator and the model cross-check test are all visitors over it.
//
// visit_fields(v, obj) calls v(json_name, obj.member) or v(json_name, obj.member, rule) for
// every member, in model order.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include <mpadjust/model.hpp>

namespace mpadjust {
inline namespace v1 {
namespace detail {

// Character classes of the model's patterns (each pattern is `prefix` + class+).
enum class charset : std::uint8_t {
  any,           // no pattern
  id,            // [A-Za-z0-9_/-]   ResourceId, AgreementId
  catalog,       // [a-zA-Z0-9.-]    Catalog
  alpha,         // [A-Za-z]         AgreementType, PartyType
  alpha_us,      // [A-Za-z_]        FilterName, SortBy
  filter_value,  // [A-Za-z0-9+:_-]  FilterValue
  next_token,    // [a-zA-Z0-9+/=_-] NextToken
  client_token,  // [a-zA-Z0-9-]     ClientToken
  alnum,         // [a-zA-Z0-9]      after "ba-" / "acr-"
  upper,         // [A-Z]            CurrencyCode
  amount         // [0-9]*(\.[0-9]{0,8})?  PositiveAmountUpto8Decimals (checked specially)
};

// The constraints of one request member. Lengths count Unicode code points (Smithy @length).
struct rule {
  long min_len = -1;  // -1: none
  long max_len = -1;
  charset chars = charset::any;
  std::string_view prefix{};
  const std::string_view* enum_values = nullptr;
  std::size_t enum_count = 0;
  long long min_value = LLONG_MIN;
  long long max_value = LLONG_MAX;
  const char* pattern_text = nullptr;  // for messages
};

inline constexpr rule no_rule{};

// ---- enumerations (request side; responses keep any value as text)
inline constexpr std::string_view e_sort_order[] = {"ASCENDING", "DESCENDING"};
inline constexpr std::string_view e_group_by[] = {"INVOICE_ID"};
inline constexpr std::string_view e_invoice_type[] = {"INVOICE", "CREDIT_MEMO"};
inline constexpr std::string_view e_billing_adjustment_reason_code[] = {
    "INCORRECT_TERMS_ACCEPTED", "INCORRECT_METERING",   "TEST_ENVIRONMENT_CHARGES",
    "ALTERNATIVE_PROCUREMENT_CHANNEL", "UNINTENDED_RENEWAL", "BUYER_DISSATISFACTION", "OTHER"};
inline constexpr std::string_view e_billing_adjustment_status[] = {"PENDING", "VALIDATION_FAILED",
                                                                   "COMPLETED"};
inline constexpr std::string_view e_cancellation_reason_code[] = {
    "INCORRECT_TERMS_ACCEPTED", "REPLACING_AGREEMENT",  "TEST_AGREEMENT",
    "ALTERNATIVE_PROCUREMENT_CHANNEL", "PRODUCT_DISCONTINUED", "UNINTENDED_RENEWAL",
    "BUYER_DISSATISFACTION", "OTHER"};
inline constexpr std::string_view e_cancellation_status[] = {
    "PENDING_APPROVAL", "APPROVED", "REJECTED", "CANCELLED", "VALIDATION_FAILED"};

template <std::size_t N>
constexpr rule enum_rule(const std::string_view (&values)[N]) {
  rule r;
  r.enum_values = values;
  r.enum_count = N;
  return r;
}
constexpr rule str_rule(long min, long max, charset cs, const char* text,
                        std::string_view prefix = {}) {
  rule r;
  r.min_len = min;
  r.max_len = max;
  r.chars = cs;
  r.prefix = prefix;
  r.pattern_text = text;
  return r;
}
constexpr rule int_rule(long long min, long long max) {
  rule r;
  r.min_value = min;
  r.max_value = max;
  return r;
}

inline constexpr rule r_resource_id = str_rule(1, 64, charset::id, "[A-Za-z0-9_/-]+");
inline constexpr rule r_agreement_id = r_resource_id;
inline constexpr rule r_catalog = str_rule(1, 64, charset::catalog, "[a-zA-Z0-9.-]+");
inline constexpr rule r_agreement_type = str_rule(1, 64, charset::alpha, "[A-Za-z]+");
inline constexpr rule r_party_type = str_rule(1, 32, charset::alpha, "[A-Za-z]+");
inline constexpr rule r_filter_name = str_rule(1, 32, charset::alpha_us, "[A-Za-z_]+");
inline constexpr rule r_filter_value = str_rule(1, 64, charset::filter_value, "[A-Za-z0-9+:_-]+");
inline constexpr rule r_sort_by = str_rule(1, 255, charset::alpha_us, "[A-Za-z_]+");
inline constexpr rule r_next_token = str_rule(0, 8192, charset::next_token, "[a-zA-Z0-9+/=_-]+");
inline constexpr rule r_client_token = str_rule(1, 64, charset::client_token, "[a-zA-Z0-9-]+");
inline constexpr rule r_currency_code = str_rule(3, 3, charset::upper, "[A-Z]+");
inline constexpr rule r_invoice_id = str_rule(1, 255, charset::any, nullptr);
inline constexpr rule r_amount = str_rule(-1, -1, charset::amount, "[0-9]*(\\.[0-9]{0,8})?");
inline constexpr rule r_billing_adjustment_request_id =
    str_rule(1, 64, charset::alnum, "ba-[a-zA-Z0-9]+", "ba-");
inline constexpr rule r_cancellation_request_id =
    str_rule(1, 64, charset::alnum, "acr-[a-zA-Z0-9]+", "acr-");
inline constexpr rule r_billing_adjustment_description = str_rule(1, 500, charset::any, nullptr);
inline constexpr rule r_cancellation_text = str_rule(1, 2000, charset::any, nullptr);
inline constexpr rule r_max_results = int_rule(1, 50);
inline constexpr rule r_month = int_rule(1, 12);
inline constexpr rule r_year = int_rule(2023, 2050);
inline constexpr rule r_sort_order = enum_rule(e_sort_order);
inline constexpr rule r_group_by = enum_rule(e_group_by);
inline constexpr rule r_invoice_type = enum_rule(e_invoice_type);
inline constexpr rule r_ba_reason_code = enum_rule(e_billing_adjustment_reason_code);
inline constexpr rule r_ba_status = enum_rule(e_billing_adjustment_status);
inline constexpr rule r_acr_reason_code = enum_rule(e_cancellation_reason_code);
inline constexpr rule r_acr_status = enum_rule(e_cancellation_status);

#define MPADJUST_FIELDS(T)                                                                      \
  template <class V, class O>                                                                   \
  std::enable_if_t<std::is_same<std::remove_const_t<O>, T>::value> visit_fields(V& v, O& o)

// ------------------------------------------------------------------ common
MPADJUST_FIELDS(acceptor) { v("accountId", o.account_id); }
MPADJUST_FIELDS(proposer) { v("accountId", o.account_id); }
MPADJUST_FIELDS(estimated_charges) {
  v("currencyCode", o.currency_code);
  v("agreementValue", o.agreement_value);
}
MPADJUST_FIELDS(resource) {
  v("id", o.id);
  v("type", o.type);
}
MPADJUST_FIELDS(proposal_summary) {
  v("resources", o.resources);
  v("offerId", o.offer_id);
  v("offerSetId", o.offer_set_id);
}
MPADJUST_FIELDS(entitlement) { v("licenseArn", o.license_arn); }

// ------------------------------------------------------------------ DescribeAgreement
MPADJUST_FIELDS(describe_agreement_input) { v("agreementId", o.agreement_id, r_resource_id); }
MPADJUST_FIELDS(describe_agreement_output) {
  v("agreementId", o.agreement_id);
  v("acceptor", o.acceptor);
  v("proposer", o.proposer);
  v("startTime", o.start_time);
  v("endTime", o.end_time);
  v("acceptanceTime", o.acceptance_time);
  v("agreementType", o.agreement_type);
  v("estimatedCharges", o.estimated_charges);
  v("proposalSummary", o.proposal_summary);
  v("status", o.status);
}

// ------------------------------------------------------------------ SearchAgreements
MPADJUST_FIELDS(filter) {
  v("name", o.name, r_filter_name);
  v("values", o.values, r_filter_value);  // rule applies to each value
}
MPADJUST_FIELDS(sort_spec) {
  v("sortBy", o.sort_by, r_sort_by);
  v("sortOrder", o.sort_order, r_sort_order);
}
MPADJUST_FIELDS(search_agreements_input) {
  v("catalog", o.catalog, r_catalog);
  v("filters", o.filters);
  v("sort", o.sort);
  v("maxResults", o.max_results, r_max_results);
  v("nextToken", o.next_token, r_next_token);
}
MPADJUST_FIELDS(agreement_view_summary) {
  v("agreementId", o.agreement_id);
  v("acceptanceTime", o.acceptance_time);
  v("startTime", o.start_time);
  v("endTime", o.end_time);
  v("agreementType", o.agreement_type);
  v("acceptor", o.acceptor);
  v("proposer", o.proposer);
  v("proposalSummary", o.proposal_summary);
  v("status", o.status);
  v("entitlements", o.entitlements);
}
MPADJUST_FIELDS(search_agreements_output) {
  v("agreementViewSummaries", o.agreement_view_summaries);
  v("nextToken", o.next_token);
}

// ------------------------------------------------------------------ GetAgreementTerms
MPADJUST_FIELDS(document_item) {
  v("type", o.type);
  v("url", o.url);
  v("version", o.version);
}
MPADJUST_FIELDS(legal_term) {
  v("type", o.type);
  v("id", o.id);
  v("documents", o.documents);
}
MPADJUST_FIELDS(support_term) {
  v("type", o.type);
  v("id", o.id);
  v("refundPolicy", o.refund_policy);
}
MPADJUST_FIELDS(renewal_term_configuration) { v("enableAutoRenew", o.enable_auto_renew); }
MPADJUST_FIELDS(renewal_term) {
  v("type", o.type);
  v("id", o.id);
  v("configuration", o.configuration);
}
MPADJUST_FIELDS(rate_card_item) {
  v("dimensionKey", o.dimension_key);
  v("price", o.price);
}
MPADJUST_FIELDS(usage_based_rate_card_item) { v("rateCard", o.rate_card); }
MPADJUST_FIELDS(usage_based_pricing_term) {
  v("type", o.type);
  v("id", o.id);
  v("currencyCode", o.currency_code);
  v("rateCards", o.rate_cards);
}
MPADJUST_FIELDS(selector) {
  v("type", o.type);
  v("value", o.value);
}
MPADJUST_FIELDS(constraints) {
  v("multipleDimensionSelection", o.multiple_dimension_selection);
  v("quantityConfiguration", o.quantity_configuration);
}
MPADJUST_FIELDS(configurable_upfront_rate_card_item) {
  v("selector", o.selector);
  v("constraints", o.constraints);
  v("rateCard", o.rate_card);
}
MPADJUST_FIELDS(dimension) {
  v("dimensionKey", o.dimension_key);
  v("dimensionValue", o.dimension_value);
}
MPADJUST_FIELDS(configurable_upfront_pricing_term_configuration) {
  v("selectorValue", o.selector_value);
  v("dimensions", o.dimensions);
}
MPADJUST_FIELDS(configurable_upfront_pricing_term) {
  v("type", o.type);
  v("id", o.id);
  v("currencyCode", o.currency_code);
  v("rateCards", o.rate_cards);
  v("configuration", o.configuration);
}
MPADJUST_FIELDS(byol_pricing_term) {
  v("type", o.type);
  v("id", o.id);
}
MPADJUST_FIELDS(recurring_payment_term) {
  v("type", o.type);
  v("id", o.id);
  v("currencyCode", o.currency_code);
  v("billingPeriod", o.billing_period);
  v("price", o.price);
}
MPADJUST_FIELDS(validity_term) {
  v("type", o.type);
  v("id", o.id);
  v("agreementDuration", o.agreement_duration);
  v("agreementStartDate", o.agreement_start_date);
  v("agreementEndDate", o.agreement_end_date);
}
MPADJUST_FIELDS(schedule_item) {
  v("chargeDate", o.charge_date);
  v("chargeAmount", o.charge_amount);
}
MPADJUST_FIELDS(payment_schedule_term) {
  v("type", o.type);
  v("id", o.id);
  v("currencyCode", o.currency_code);
  v("schedule", o.schedule);
}
MPADJUST_FIELDS(grant_item) {
  v("dimensionKey", o.dimension_key);
  v("maxQuantity", o.max_quantity);
}
MPADJUST_FIELDS(free_trial_pricing_term) {
  v("type", o.type);
  v("id", o.id);
  v("duration", o.duration);
  v("grants", o.grants);
}
MPADJUST_FIELDS(fixed_upfront_pricing_term) {
  v("type", o.type);
  v("id", o.id);
  v("currencyCode", o.currency_code);
  v("duration", o.duration);
  v("price", o.price);
  v("grants", o.grants);
}
MPADJUST_FIELDS(variable_payment_term_configuration) {
  v("paymentRequestApprovalStrategy", o.payment_request_approval_strategy);
  v("expirationDuration", o.expiration_duration);
}
MPADJUST_FIELDS(variable_payment_term) {
  v("type", o.type);
  v("id", o.id);
  v("currencyCode", o.currency_code);
  v("maxTotalChargeAmount", o.max_total_charge_amount);
  v("configuration", o.configuration);
}
MPADJUST_FIELDS(net_payment_term) {
  v("type", o.type);
  v("id", o.id);
  v("paymentDuePeriod", o.payment_due_period);
}
MPADJUST_FIELDS(accepted_term) {
  v("legalTerm", o.legal_term);
  v("supportTerm", o.support_term);
  v("renewalTerm", o.renewal_term);
  v("usageBasedPricingTerm", o.usage_based_pricing_term);
  v("configurableUpfrontPricingTerm", o.configurable_upfront_pricing_term);
  v("byolPricingTerm", o.byol_pricing_term);
  v("recurringPaymentTerm", o.recurring_payment_term);
  v("validityTerm", o.validity_term);
  v("paymentScheduleTerm", o.payment_schedule_term);
  v("freeTrialPricingTerm", o.free_trial_pricing_term);
  v("fixedUpfrontPricingTerm", o.fixed_upfront_pricing_term);
  v("variablePaymentTerm", o.variable_payment_term);
  v("netPaymentTerm", o.net_payment_term);
}
MPADJUST_FIELDS(get_agreement_terms_input) {
  v("agreementId", o.agreement_id, r_resource_id);
  v("maxResults", o.max_results, r_max_results);
  v("nextToken", o.next_token, r_next_token);
}
MPADJUST_FIELDS(get_agreement_terms_output) {
  v("acceptedTerms", o.accepted_terms);
  v("nextToken", o.next_token);
}

// ------------------------------------------------------------------ ListAgreementInvoiceLineItems
MPADJUST_FIELDS(invoice_billing_period) {
  v("month", o.month, r_month);
  v("year", o.year, r_year);
}
MPADJUST_FIELDS(list_agreement_invoice_line_items_input) {
  v("agreementId", o.agreement_id, r_resource_id);
  v("groupBy", o.group_by, r_group_by);
  v("invoiceId", o.invoice_id, r_resource_id);
  v("invoiceType", o.invoice_type, r_invoice_type);
  v("invoiceBillingPeriod", o.invoice_billing_period);
  v("beforeIssuedTime", o.before_issued_time);
  v("afterIssuedTime", o.after_issued_time);
  v("maxResults", o.max_results, r_max_results);
  v("nextToken", o.next_token, r_next_token);
}
MPADJUST_FIELDS(pricing_currency_amount) {
  v("amount", o.amount);
  v("maxAdjustmentAmount", o.max_adjustment_amount);
  v("currencyCode", o.currency_code);
}
MPADJUST_FIELDS(invoicing_entity) {
  v("legalName", o.legal_name);
  v("branchName", o.branch_name);
}
MPADJUST_FIELDS(agreement_invoice_line_item_group_summary) {
  v("agreementId", o.agreement_id);
  v("invoiceId", o.invoice_id);
  v("pricingCurrencyAmount", o.pricing_currency_amount);
  v("invoiceBillingPeriod", o.invoice_billing_period);
  v("issuedTime", o.issued_time);
  v("invoiceType", o.invoice_type);
  v("invoicingEntity", o.invoicing_entity);
}
MPADJUST_FIELDS(list_agreement_invoice_line_items_output) {
  v("agreementInvoiceLineItemGroupSummaries", o.agreement_invoice_line_item_group_summaries);
  v("nextToken", o.next_token);
}

// ------------------------------------------------------------------ billing adjustments
MPADJUST_FIELDS(batch_create_billing_adjustment_request_entry) {
  v("agreementId", o.agreement_id, r_agreement_id);
  v("originalInvoiceId", o.original_invoice_id, r_invoice_id);
  v("adjustmentAmount", o.adjustment_amount, r_amount);
  v("currencyCode", o.currency_code, r_currency_code);
  v("adjustmentReasonCode", o.adjustment_reason_code, r_ba_reason_code);
  v("description", o.description, r_billing_adjustment_description);
  v("clientToken", o.client_token, r_client_token);
}
MPADJUST_FIELDS(batch_create_billing_adjustment_request_input) {
  v("billingAdjustmentRequestEntries", o.billing_adjustment_request_entries);
}
MPADJUST_FIELDS(batch_create_billing_adjustment_item) {
  v("billingAdjustmentRequestId", o.billing_adjustment_request_id);
  v("clientToken", o.client_token);
}
MPADJUST_FIELDS(batch_create_billing_adjustment_error) {
  v("code", o.code);
  v("message", o.message);
  v("clientToken", o.client_token);
}
MPADJUST_FIELDS(batch_create_billing_adjustment_request_output) {
  v("items", o.items);
  v("errors", o.errors);
}
MPADJUST_FIELDS(get_billing_adjustment_request_input) {
  v("agreementId", o.agreement_id, r_agreement_id);
  v("billingAdjustmentRequestId", o.billing_adjustment_request_id,
    r_billing_adjustment_request_id);
}
MPADJUST_FIELDS(get_billing_adjustment_request_output) {
  v("billingAdjustmentRequestId", o.billing_adjustment_request_id);
  v("agreementId", o.agreement_id);
  v("adjustmentReasonCode", o.adjustment_reason_code);
  v("description", o.description);
  v("originalInvoiceId", o.original_invoice_id);
  v("adjustmentAmount", o.adjustment_amount);
  v("currencyCode", o.currency_code);
  v("status", o.status);
  v("statusMessage", o.status_message);
  v("createdAt", o.created_at);
  v("updatedAt", o.updated_at);
}
MPADJUST_FIELDS(list_billing_adjustment_requests_input) {
  v("agreementId", o.agreement_id, r_agreement_id);
  v("status", o.status, r_ba_status);
  v("createdAfter", o.created_after);
  v("createdBefore", o.created_before);
  v("maxResults", o.max_results, r_max_results);
  v("catalog", o.catalog, r_catalog);
  v("agreementType", o.agreement_type, r_agreement_type);
  v("nextToken", o.next_token, r_next_token);
}
MPADJUST_FIELDS(billing_adjustment_summary) {
  v("billingAdjustmentRequestId", o.billing_adjustment_request_id);
  v("originalInvoiceId", o.original_invoice_id);
  v("adjustmentAmount", o.adjustment_amount);
  v("currencyCode", o.currency_code);
  v("status", o.status);
  v("agreementId", o.agreement_id);
  v("createdAt", o.created_at);
  v("updatedAt", o.updated_at);
  v("agreementType", o.agreement_type);
  v("catalog", o.catalog);
}
MPADJUST_FIELDS(list_billing_adjustment_requests_output) {
  v("nextToken", o.next_token);
  v("items", o.items);
}

// ------------------------------------------------------------------ cancellation requests
MPADJUST_FIELDS(send_agreement_cancellation_request_input) {
  v("agreementId", o.agreement_id, r_agreement_id);
  v("reasonCode", o.reason_code, r_acr_reason_code);
  v("clientToken", o.client_token, r_client_token);
  v("description", o.description, r_cancellation_text);
}
MPADJUST_FIELDS(send_agreement_cancellation_request_output) {
  v("agreementId", o.agreement_id);
  v("agreementCancellationRequestId", o.agreement_cancellation_request_id);
  v("status", o.status);
  v("reasonCode", o.reason_code);
  v("description", o.description);
  v("createdAt", o.created_at);
  v("updatedAt", o.updated_at);
}
MPADJUST_FIELDS(get_agreement_cancellation_request_input) {
  v("agreementCancellationRequestId", o.agreement_cancellation_request_id,
    r_cancellation_request_id);
  v("agreementId", o.agreement_id, r_agreement_id);
}
MPADJUST_FIELDS(get_agreement_cancellation_request_output) {
  v("agreementCancellationRequestId", o.agreement_cancellation_request_id);
  v("agreementId", o.agreement_id);
  v("reasonCode", o.reason_code);
  v("description", o.description);
  v("status", o.status);
  v("statusMessage", o.status_message);
  v("createdAt", o.created_at);
  v("updatedAt", o.updated_at);
}
MPADJUST_FIELDS(list_agreement_cancellation_requests_input) {
  v("partyType", o.party_type, r_party_type);
  v("agreementId", o.agreement_id, r_agreement_id);
  v("status", o.status, r_acr_status);
  v("agreementType", o.agreement_type, r_agreement_type);
  v("catalog", o.catalog, r_catalog);
  v("maxResults", o.max_results, r_max_results);
  v("nextToken", o.next_token, r_next_token);
}
MPADJUST_FIELDS(agreement_cancellation_request_summary) {
  v("agreementCancellationRequestId", o.agreement_cancellation_request_id);
  v("agreementId", o.agreement_id);
  v("status", o.status);
  v("reasonCode", o.reason_code);
  v("agreementType", o.agreement_type);
  v("catalog", o.catalog);
  v("createdAt", o.created_at);
  v("updatedAt", o.updated_at);
}
MPADJUST_FIELDS(list_agreement_cancellation_requests_output) {
  v("nextToken", o.next_token);
  v("items", o.items);
}
MPADJUST_FIELDS(cancel_agreement_cancellation_request_input) {
  v("agreementId", o.agreement_id, r_agreement_id);
  v("agreementCancellationRequestId", o.agreement_cancellation_request_id,
    r_cancellation_request_id);
  v("cancellationReason", o.cancellation_reason, r_cancellation_text);
}
MPADJUST_FIELDS(cancel_agreement_cancellation_request_output) {
  v("agreementCancellationRequestId", o.agreement_cancellation_request_id);
  v("agreementId", o.agreement_id);
  v("reasonCode", o.reason_code);
  v("description", o.description);
  v("status", o.status);
  v("statusMessage", o.status_message);
  v("createdAt", o.created_at);
  v("updatedAt", o.updated_at);
}

#undef MPADJUST_FIELDS

// is_struct<T>: T has a visit_fields description.
struct any_field_visitor {
  template <class M>
  void operator()(const char*, M&, const rule& = no_rule) {}
};
template <class T, class = void>
struct is_struct : std::false_type {};
template <class T>
struct is_struct<T, std::void_t<decltype(visit_fields(std::declval<any_field_visitor&>(),
                                                      std::declval<T&>()))>> : std::true_type {};

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
