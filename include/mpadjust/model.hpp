// mpadjust/model.hpp - inputs and outputs of the AWS Marketplace Agreement Service operations
// that mpadjust calls (API version 2020-03-01, AWS JSON 1.0).
//
// One C++ struct per model shape; one member per model member, named in snake_case after the
// JSON member name (agreementId -> agreement_id). A unit test walks the botocore model
// (shared/aws-models/service-2.json) and checks that every member of every shape reachable from
// the 11 operations below has its counterpart here, so these types cannot drift from the model.
//
// Conventions:
//   - Required model members are plain values; optional ones are std::optional. Lists are
//     std::vector (an empty list is not sent in a request and means "absent" in a response).
//   - Enumerations are std::string: a value the service adds later is kept as text, never an
//     error. Requests are checked against the known values before anything is sent.
//   - Money (adjustmentAmount, amount, maxAdjustmentAmount, price, ...) is a decimal string,
//     exactly as on the wire; never a floating-point number.
//   - Timestamps are epoch milliseconds (the wire carries epoch seconds, possibly fractional).
//   - Members the model marks `sensitive` (descriptions, reasons) are never logged.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mpadjust {
inline namespace v1 {

// A point in time with millisecond precision (UTC).
using timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

inline timestamp timestamp_from_epoch_ms(std::int64_t ms) {
  return timestamp(std::chrono::milliseconds(ms));
}
inline std::int64_t epoch_ms(timestamp t) { return t.time_since_epoch().count(); }

// ------------------------------------------------------------------ common shapes

struct acceptor {
  std::optional<std::string> account_id;  // AWSAccountId, 12 digits
};

struct proposer {
  std::optional<std::string> account_id;  // AWSAccountId, 12 digits
};

struct estimated_charges {
  std::optional<std::string> currency_code;    // ISO 4217
  std::optional<std::string> agreement_value;  // decimal string
};

struct resource {
  std::optional<std::string> id;    // product id
  std::optional<std::string> type;  // AmiProduct, SaaSProduct, ...
};

struct proposal_summary {
  std::vector<resource> resources;
  std::optional<std::string> offer_id;
  std::optional<std::string> offer_set_id;
};

struct entitlement {
  std::optional<std::string> license_arn;
};

// ------------------------------------------------------------------ DescribeAgreement

struct describe_agreement_input {
  std::string agreement_id;  // required; ResourceId 1..64 [A-Za-z0-9_/-]+
};

struct describe_agreement_output {
  std::optional<std::string> agreement_id;
  std::optional<mpadjust::acceptor> acceptor;
  std::optional<mpadjust::proposer> proposer;
  std::optional<timestamp> start_time;
  std::optional<timestamp> end_time;  // absent for pay-as-you-go agreements
  std::optional<timestamp> acceptance_time;
  std::optional<std::string> agreement_type;  // PurchaseAgreement, VendorInsightsAgreement
  std::optional<mpadjust::estimated_charges> estimated_charges;
  std::optional<mpadjust::proposal_summary> proposal_summary;
  // ACTIVE | ARCHIVED | CANCELLED | EXPIRED | RENEWED | REPLACED | ROLLED_BACK | SUPERSEDED | TERMINATED
  std::optional<std::string> status;
};

// ------------------------------------------------------------------ SearchAgreements

// One search filter. The service takes exactly one value per filter.
struct filter {
  std::optional<std::string> name;  // PartyType, AgreementType, ResourceIdentifier, ResourceType,
                                    // AcceptorAccountId, OfferId, OfferSetId, Status,
                                    // BeforeEndTime, AfterEndTime
  std::vector<std::string> values;  // exactly one value
};

struct sort_spec {
  std::optional<std::string> sort_by;     // only "EndTime" is supported
  std::optional<std::string> sort_order;  // ASCENDING | DESCENDING
};

struct search_agreements_input {
  std::optional<std::string> catalog;  // e.g. AWSMarketplace
  std::vector<filter> filters;         // 1..10 when present; combinations are checked
  std::optional<sort_spec> sort;
  std::optional<std::int32_t> max_results;  // 1..50
  std::optional<std::string> next_token;
};

struct agreement_view_summary {
  std::optional<std::string> agreement_id;
  std::optional<timestamp> acceptance_time;
  std::optional<timestamp> start_time;
  std::optional<timestamp> end_time;
  std::optional<std::string> agreement_type;
  std::optional<mpadjust::acceptor> acceptor;
  std::optional<mpadjust::proposer> proposer;
  std::optional<mpadjust::proposal_summary> proposal_summary;
  std::optional<std::string> status;
  std::vector<entitlement> entitlements;
};

struct search_agreements_output {
  std::vector<agreement_view_summary> agreement_view_summaries;
  std::optional<std::string> next_token;  // absent or empty on the last page
};

// ------------------------------------------------------------------ GetAgreementTerms

struct document_item {
  std::optional<std::string> type;  // CustomEula, CustomDsa, StandardEula, StandardDsa
  std::optional<std::string> url;
  std::optional<std::string> version;
};

struct legal_term {
  std::optional<std::string> type;
  std::optional<std::string> id;
  std::vector<document_item> documents;
};

struct support_term {
  std::optional<std::string> type;
  std::optional<std::string> id;
  std::optional<std::string> refund_policy;
};

struct renewal_term_configuration {
  bool enable_auto_renew = false;  // required
};

struct renewal_term {
  std::optional<std::string> type;
  std::optional<std::string> id;
  std::optional<renewal_term_configuration> configuration;
};

struct rate_card_item {
  std::optional<std::string> dimension_key;
  std::optional<std::string> price;  // decimal string
};

struct usage_based_rate_card_item {
  std::vector<rate_card_item> rate_card;
};

struct usage_based_pricing_term {
  std::optional<std::string> type;
  std::optional<std::string> id;
  std::optional<std::string> currency_code;
  std::vector<usage_based_rate_card_item> rate_cards;
};

struct selector {
  std::optional<std::string> type;
  std::optional<std::string> value;
};

struct constraints {
  std::optional<std::string> multiple_dimension_selection;  // Allowed | Disallowed
  std::optional<std::string> quantity_configuration;        // Allowed | Disallowed
};

struct configurable_upfront_rate_card_item {
  std::optional<mpadjust::selector> selector;
  std::optional<mpadjust::constraints> constraints;
  std::vector<rate_card_item> rate_card;
};

struct dimension {
  std::string dimension_key;        // required
  std::int32_t dimension_value = 0;  // required, >= 0
};

struct configurable_upfront_pricing_term_configuration {
  std::string selector_value;         // required
  std::vector<dimension> dimensions;  // required, 1..
};

struct configurable_upfront_pricing_term {
  std::optional<std::string> type;
  std::optional<std::string> id;
  std::optional<std::string> currency_code;
  std::vector<configurable_upfront_rate_card_item> rate_cards;
  std::optional<configurable_upfront_pricing_term_configuration> configuration;
};

struct byol_pricing_term {
  std::optional<std::string> type;
  std::optional<std::string> id;
};

struct recurring_payment_term {
  std::optional<std::string> type;
  std::optional<std::string> id;
  std::optional<std::string> currency_code;
  std::optional<std::string> billing_period;
  std::optional<std::string> price;
};

struct validity_term {
  std::optional<std::string> type;
  std::optional<std::string> id;
  std::optional<std::string> agreement_duration;  // ISO 8601 duration
  std::optional<timestamp> agreement_start_date;
  std::optional<timestamp> agreement_end_date;
};

struct schedule_item {
  std::optional<timestamp> charge_date;
  std::optional<std::string> charge_amount;  // decimal string
};

struct payment_schedule_term {
  std::optional<std::string> type;
  std::optional<std::string> id;
  std::optional<std::string> currency_code;
  std::vector<schedule_item> schedule;
};

struct grant_item {
  std::optional<std::string> dimension_key;
  std::optional<std::int32_t> max_quantity;  // >= 1; absent = unlimited
};

struct free_trial_pricing_term {
  std::optional<std::string> type;
  std::optional<std::string> id;
  std::optional<std::string> duration;
  std::vector<grant_item> grants;
};

struct fixed_upfront_pricing_term {
  std::optional<std::string> type;
  std::optional<std::string> id;
  std::optional<std::string> currency_code;
  std::optional<std::string> duration;
  std::optional<std::string> price;
  std::vector<grant_item> grants;
};

struct variable_payment_term_configuration {
  std::string payment_request_approval_strategy;  // required; AUTO_APPROVE_ON_EXPIRATION | WAIT_FOR_APPROVAL
  std::optional<std::string> expiration_duration;  // ISO 8601 duration
};

struct variable_payment_term {
  std::optional<std::string> type;
  std::optional<std::string> id;
  std::optional<std::string> currency_code;
  std::optional<std::string> max_total_charge_amount;
  std::optional<variable_payment_term_configuration> configuration;
};

struct net_payment_term {
  std::optional<std::string> type;
  std::optional<std::string> id;
  std::optional<std::string> payment_due_period;  // ISO 8601 duration
};

// A union in the model: exactly one member is set. A member this version does not know is
// reported by name in unknown_member (and is not an error).
struct accepted_term {
  std::optional<mpadjust::legal_term> legal_term;
  std::optional<mpadjust::support_term> support_term;
  std::optional<mpadjust::renewal_term> renewal_term;
  std::optional<mpadjust::usage_based_pricing_term> usage_based_pricing_term;
  std::optional<mpadjust::configurable_upfront_pricing_term> configurable_upfront_pricing_term;
  std::optional<mpadjust::byol_pricing_term> byol_pricing_term;
  std::optional<mpadjust::recurring_payment_term> recurring_payment_term;
  std::optional<mpadjust::validity_term> validity_term;
  std::optional<mpadjust::payment_schedule_term> payment_schedule_term;
  std::optional<mpadjust::free_trial_pricing_term> free_trial_pricing_term;
  std::optional<mpadjust::fixed_upfront_pricing_term> fixed_upfront_pricing_term;
  std::optional<mpadjust::variable_payment_term> variable_payment_term;
  std::optional<mpadjust::net_payment_term> net_payment_term;
  std::string unknown_member;  // not a model member: the name of an unrecognised union member
};

struct get_agreement_terms_input {
  std::string agreement_id;  // required
  std::optional<std::int32_t> max_results;  // 1..50
  std::optional<std::string> next_token;
};

struct get_agreement_terms_output {
  std::vector<accepted_term> accepted_terms;
  std::optional<std::string> next_token;
};

// ------------------------------------------------------------------ ListAgreementInvoiceLineItems

struct invoice_billing_period {
  std::int32_t month = 0;  // required, 1..12
  std::int32_t year = 0;   // required, 2023..2050
};

struct list_agreement_invoice_line_items_input {
  std::string agreement_id;             // required
  std::string group_by = "INVOICE_ID";  // required; the only value is INVOICE_ID
  std::optional<std::string> invoice_id;
  std::optional<std::string> invoice_type;  // INVOICE | CREDIT_MEMO
  std::optional<mpadjust::invoice_billing_period> invoice_billing_period;
  std::optional<timestamp> before_issued_time;
  std::optional<timestamp> after_issued_time;
  std::optional<std::int32_t> max_results;  // 1..50
  std::optional<std::string> next_token;
};

struct pricing_currency_amount {
  std::optional<std::string> amount;                 // pre-tax amount, decimal string
  std::optional<std::string> max_adjustment_amount;  // the most that can be refunded
  std::optional<std::string> currency_code;
};

struct invoicing_entity {
  std::optional<std::string> legal_name;
  std::optional<std::string> branch_name;
};

struct agreement_invoice_line_item_group_summary {
  std::optional<std::string> agreement_id;
  std::optional<std::string> invoice_id;
  std::optional<mpadjust::pricing_currency_amount> pricing_currency_amount;
  std::optional<mpadjust::invoice_billing_period> invoice_billing_period;
  std::optional<timestamp> issued_time;
  std::optional<std::string> invoice_type;  // INVOICE | CREDIT_MEMO
  std::optional<mpadjust::invoicing_entity> invoicing_entity;
};

struct list_agreement_invoice_line_items_output {
  std::vector<agreement_invoice_line_item_group_summary> agreement_invoice_line_item_group_summaries;
  std::optional<std::string> next_token;
};

// ------------------------------------------------------------------ billing adjustments

struct batch_create_billing_adjustment_request_entry {
  std::string agreement_id;          // required
  std::string original_invoice_id;   // required, 1..255 characters
  std::string adjustment_amount;     // required; positive decimal, up to 8 decimals, pre-tax
  std::string currency_code;         // required; ISO 4217
  // required: INCORRECT_TERMS_ACCEPTED | INCORRECT_METERING | TEST_ENVIRONMENT_CHARGES |
  // ALTERNATIVE_PROCUREMENT_CHANNEL | UNINTENDED_RENEWAL | BUYER_DISSATISFACTION | OTHER
  std::string adjustment_reason_code;
  std::optional<std::string> description;  // 1..500 characters; sensitive
  std::string client_token;  // required, 1..64 [a-zA-Z0-9-]+; unique per entry, kept across retries
};

// At most 5 entries, all of one agreement, client tokens unique (checked before sending).
struct batch_create_billing_adjustment_request_input {
  std::vector<batch_create_billing_adjustment_request_entry> billing_adjustment_request_entries;
};

struct batch_create_billing_adjustment_item {
  std::string billing_adjustment_request_id;  // ba-...
  std::string client_token;
};

struct batch_create_billing_adjustment_error {
  // CONFLICT_EXCEPTION | VALIDATION_EXCEPTION | RESOURCE_NOT_FOUND_EXCEPTION | INTERNAL_FAILURE
  std::string code;
  std::string message;
  std::string client_token;
};

struct batch_create_billing_adjustment_request_output {
  std::vector<batch_create_billing_adjustment_item> items;
  std::vector<batch_create_billing_adjustment_error> errors;
};

struct get_billing_adjustment_request_input {
  std::string agreement_id;                   // required
  std::string billing_adjustment_request_id;  // required; ba-[a-zA-Z0-9]+
};

struct get_billing_adjustment_request_output {
  std::string billing_adjustment_request_id;
  std::string agreement_id;
  std::string adjustment_reason_code;
  std::optional<std::string> description;
  std::string original_invoice_id;
  std::string adjustment_amount;
  std::string currency_code;
  std::string status;  // PENDING | VALIDATION_FAILED | COMPLETED
  std::optional<std::string> status_message;
  timestamp created_at{};
  timestamp updated_at{};
};

struct list_billing_adjustment_requests_input {
  std::optional<std::string> agreement_id;
  std::optional<std::string> status;  // PENDING | VALIDATION_FAILED | COMPLETED
  std::optional<timestamp> created_after;
  std::optional<timestamp> created_before;
  std::optional<std::int32_t> max_results;  // 1..50
  std::optional<std::string> catalog;
  std::optional<std::string> agreement_type;
  std::optional<std::string> next_token;
};

struct billing_adjustment_summary {
  std::string billing_adjustment_request_id;
  std::string original_invoice_id;
  std::string adjustment_amount;
  std::string currency_code;
  std::string status;
  std::string agreement_id;
  timestamp created_at{};
  timestamp updated_at{};
  std::string agreement_type;
  std::string catalog;
};

struct list_billing_adjustment_requests_output {
  std::optional<std::string> next_token;
  std::vector<billing_adjustment_summary> items;
};

// ------------------------------------------------------------------ cancellation requests

struct send_agreement_cancellation_request_input {
  std::string agreement_id;  // required
  // required: INCORRECT_TERMS_ACCEPTED | REPLACING_AGREEMENT | TEST_AGREEMENT |
  // ALTERNATIVE_PROCUREMENT_CHANNEL | PRODUCT_DISCONTINUED | UNINTENDED_RENEWAL |
  // BUYER_DISSATISFACTION | OTHER
  std::string reason_code;
  // Idempotency token. When absent the client generates one (a UUID) per call and keeps it on
  // every retry of that call.
  std::optional<std::string> client_token;
  std::optional<std::string> description;  // 1..2000 characters; sensitive
};

struct send_agreement_cancellation_request_output {
  std::optional<std::string> agreement_id;
  std::optional<std::string> agreement_cancellation_request_id;  // acr-...
  std::optional<std::string> status;  // PENDING_APPROVAL | APPROVED | REJECTED | CANCELLED | VALIDATION_FAILED
  std::optional<std::string> reason_code;
  std::optional<std::string> description;
  std::optional<timestamp> created_at;
  std::optional<timestamp> updated_at;
};

struct get_agreement_cancellation_request_input {
  std::string agreement_cancellation_request_id;  // required; acr-[a-zA-Z0-9]+
  std::string agreement_id;                       // required
};

struct get_agreement_cancellation_request_output {
  std::optional<std::string> agreement_cancellation_request_id;
  std::optional<std::string> agreement_id;
  std::optional<std::string> reason_code;
  std::optional<std::string> description;
  std::optional<std::string> status;
  std::optional<std::string> status_message;
  std::optional<timestamp> created_at;
  std::optional<timestamp> updated_at;
};

struct list_agreement_cancellation_requests_input {
  std::string party_type;  // required; Proposer | Acceptor
  std::optional<std::string> agreement_id;
  std::optional<std::string> status;
  std::optional<std::string> agreement_type;
  std::optional<std::string> catalog;
  std::optional<std::int32_t> max_results;  // 1..50
  std::optional<std::string> next_token;
};

struct agreement_cancellation_request_summary {
  std::optional<std::string> agreement_cancellation_request_id;
  std::optional<std::string> agreement_id;
  std::optional<std::string> status;
  std::optional<std::string> reason_code;
  std::optional<std::string> agreement_type;
  std::optional<std::string> catalog;
  std::optional<timestamp> created_at;
  std::optional<timestamp> updated_at;
};

struct list_agreement_cancellation_requests_output {
  std::optional<std::string> next_token;
  std::vector<agreement_cancellation_request_summary> items;
};

struct cancel_agreement_cancellation_request_input {
  std::string agreement_id;                       // required
  std::string agreement_cancellation_request_id;  // required
  std::string cancellation_reason;                // required, 1..2000 characters; sensitive
};

struct cancel_agreement_cancellation_request_output {
  std::optional<std::string> agreement_cancellation_request_id;
  std::optional<std::string> agreement_id;
  std::optional<std::string> reason_code;
  std::optional<std::string> description;
  std::optional<std::string> status;
  std::optional<std::string> status_message;
  std::optional<timestamp> created_at;
  std::optional<timestamp> updated_at;
};

}  // namespace v1
}  // namespace mpadjust
