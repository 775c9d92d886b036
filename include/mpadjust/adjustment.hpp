// mpadjust/adjustment.hpp - the refund workflow: agreement -> invoice -> plan -> preview ->
// submit -> track -> record.
//
// A billing adjustment refunds (part of) one invoice's pre-tax amount and leaves the agreement
// active; it cannot be undone. This layer's promise: every check happens before a request
// leaves, a refund is never sent twice, and no record is lost.
//
//   1. find_agreement()  - by ID (DescribeAgreement) or by buyer/offer/product/status
//                          (SearchAgreements, all pages): exactly one, or every candidate.
//   2. list_invoices()   - ListAgreementInvoiceLineItems, all pages; select_invoice() by ID.
//   3. entry_spec        - invoice, amount ("full" or a decimal), currency, reason code,
//                          description, additional details.
//   4. resolve_plan()    - checks a list of entries against live invoice data, resolves "full",
//                          fixes every amount and derives each entry's client token. The result,
//                          a `plan`, is frozen: saved as JSON, it is what submit sends.
//   5. preview_text() / preview_json()
//   6. submit()          - journal first (fsync'd intent), then BatchCreateBillingAdjustmentRequest
//                          in calls of <= 5 entries of one agreement; outcomes journaled.
//   7. wait()            - GetBillingAdjustmentRequest until COMPLETED / VALIDATION_FAILED.
//
// Cancellation (ending an agreement) is a different operation: see client.hpp
// (send_agreement_cancellation_request); nothing here cancels anything.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mpadjust/error.hpp>
#include <mpadjust/journal.hpp>
#include <mpadjust/model.hpp>
#include <mpadjust/money.hpp>

namespace mpadjust {
inline namespace v1 {

class client;

// ------------------------------------------------------------------ 1. agreement

struct agreement_info {
  std::string agreement_id;
  std::string status;  // ACTIVE, EXPIRED, CANCELLED, ... ("" if the service did not say)
  std::string agreement_type;
  std::string offer_id;
  std::vector<std::string> product_ids;
  std::string buyer_account_id;   // acceptor
  std::string seller_account_id;  // proposer
  std::optional<timestamp> start_time;
  std::optional<timestamp> end_time;
  std::optional<timestamp> acceptance_time;
};

struct agreement_query {
  std::optional<std::string> agreement_id;      // preferred: unique
  std::optional<std::string> buyer_account_id;  // 12 digits
  std::optional<std::string> offer_id;
  std::optional<std::string> product_id;
  std::optional<std::string> status;  // ACTIVE, EXPIRED, ...
};

struct agreement_lookup {
  // Every agreement that matches (one when the query was by ID). The library never picks one
  // of several: the caller shows them and chooses.
  std::vector<agreement_info> candidates;
  std::vector<std::string> warnings;  // e.g. "agreement agmt-x is EXPIRED, not ACTIVE"
  bool unique() const noexcept { return candidates.size() == 1; }
  // The one agreement; throws error(MPADJUST_EAMBIGUOUS) listing the candidates when there
  // are several, error(MPADJUST_ENOTFOUND) when there are none.
  const agreement_info& one() const;
};

// Checks the query (IDs' patterns, 12-digit account, known status) before sending anything.
agreement_lookup find_agreement(client& c, const agreement_query& query);

// Human-readable table of candidates (ID, offer, product, buyer, status, start, end).
std::string format_candidates(const std::vector<agreement_info>& candidates);

// ------------------------------------------------------------------ 2. invoices

struct invoice_info {
  std::string agreement_id;
  std::string invoice_id;
  std::string invoice_type;  // INVOICE | CREDIT_MEMO
  std::string currency_code;
  std::string amount;                 // pre-tax amount, API text
  std::string max_adjustment_amount;  // what can still be refunded, API text
  std::optional<invoice_billing_period> billing_period;
  std::optional<timestamp> issued_time;
  std::string invoicing_entity;
  bool adjustable() const noexcept { return invoice_type != "CREDIT_MEMO"; }
};

struct invoice_filter {
  std::optional<invoice_billing_period> billing_period;
  std::optional<std::string> invoice_type;  // INVOICE | CREDIT_MEMO
  std::optional<std::string> invoice_id;
  std::optional<timestamp> issued_after;
  std::optional<timestamp> issued_before;
};

std::vector<invoice_info> list_invoices(client& c, const std::string& agreement_id,
                                        const invoice_filter& filter = {});

// The invoice with that ID; error(MPADJUST_ENOTFOUND, field "invoice_id") listing the IDs that
// exist otherwise.
const invoice_info& select_invoice(const std::vector<invoice_info>& invoices,
                                   std::string_view invoice_id);

// "Invoice  Type  Period  Issued  Amount  Refundable  Currency" table.
std::string format_invoices(const std::vector<invoice_info>& invoices);

// ------------------------------------------------------------------ 3. entries and reasons

struct additional_details {
  std::string support_case_id;
  std::string buyer_reference;  // the buyer's request reference
  std::string notes;
};

// What the caller asks for. Plain text in, checked by resolve_plan().
struct entry_spec {
  std::string agreement_id;
  std::string invoice_id;
  std::string amount;    // "full" (the invoice's current maxAdjustmentAmount) or a decimal
  std::string currency;  // must equal the invoice's
  std::string reason_code;
  std::string description;
  additional_details details;
};

// The API's reason codes (BillingAdjustmentReasonCode).
const std::vector<std::string>& billing_adjustment_reason_codes();

struct reason_check {
  std::vector<std::string> errors;    // "description: required for reason OTHER", ...
  std::vector<std::string> warnings;  // vague descriptions and what a good one names
};
// Checks a reason code and description: known code, description 1..500 characters (required
// for OTHER), and flags vague text ("refund requested", "buyer issue", "refund").
reason_check check_reason(std::string_view reason_code, std::string_view description,
                          std::string_view field_prefix = "");

// ------------------------------------------------------------------ 4. plan

struct plan_entry {
  std::string entry_key;     // stable ID of the entry (derived from its content)
  std::string client_token;  // derived from plan_key + content; the same on every retry
  std::string agreement_id;
  std::string invoice_id;
  std::string amount;  // resolved API text (never "full")
  std::string currency;
  bool full = false;  // the amount was "full" (the whole remaining maximum)
  std::string reason_code;
  std::string description;
  additional_details details;
  // What the invoice showed when the plan was made.
  std::string invoice_amount;
  std::string max_adjustment_amount;
  std::string remaining_after;  // max_adjustment_amount - sum of this plan's entries so far
  std::string agreement_status;
  std::vector<std::string> warnings;
};

struct plan {
  int version = 1;
  std::string plan_key;    // chosen by the caller or derived; part of every client token
  std::string created_at;  // ISO 8601
  std::vector<plan_entry> entries;
  std::vector<std::string> warnings;  // plan-wide (unknown currency, non-ACTIVE agreement, ...)

  // Entries grouped into calls: at most 5 entries, one agreement per call, in plan order.
  std::vector<std::vector<const plan_entry*>> batches() const;
  totals total() const;  // per currency
};

// Where resolve_plan() gets facts about agreements and invoices. The default reads them with
// the client (DescribeAgreement, ListAgreementInvoiceLineItems); tests may supply their own.
struct plan_facts {
  std::function<agreement_info(const std::string& agreement_id)> agreement;
  std::function<std::vector<invoice_info>(const std::string& agreement_id)> invoices;
};
plan_facts client_facts(client& c);

struct plan_options {
  std::string plan_key;  // "" = derived from the entries' content
  // Treat vague-description warnings as errors.
  bool strict_reasons = false;
};

// Every problem of every entry, each naming its field ("entries[2].amount: ...").
class plan_error : public error {
 public:
  explicit plan_error(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const noexcept { return problems_; }

 private:
  std::vector<std::string> problems_;
};

// Checks every entry and the plan as a whole (two entries that together exceed one invoice's
// maximum, duplicates, credit memos, currency mismatch, decimals beyond the currency's minor
// unit) and returns the frozen plan. Throws plan_error listing every problem; nothing is sent.
plan resolve_plan(const std::vector<entry_spec>& entries, const plan_facts& facts,
                  const plan_options& options = {});

// Entries from CSV (header: agreement_id,invoice_id,amount,currency,reason_code,description,
// support_case_id,buyer_reference,notes) or JSON ({"entries":[{...}]} or a bare array).
std::vector<entry_spec> entries_from_csv(std::string_view text);
std::vector<entry_spec> entries_from_json(std::string_view text);

std::string plan_to_json(const plan& p);
plan plan_from_json(std::string_view text);

// ------------------------------------------------------------------ 5. preview

std::string preview_text(const plan& p);
std::string preview_json(const plan& p);

// ------------------------------------------------------------------ 6. submit

enum class entry_outcome {
  created,         // the service created it: billing_adjustment_request_id set
  already_done,    // the journal already had it confirmed: not sent again
  rejected,        // the service rejected the entry (error_code / error_message)
  in_doubt,        // the call failed after it may have been applied; re-run to settle
  not_sent,        // a failure before sending (e.g. the call was throttled until giving up)
};
const char* to_string(entry_outcome o) noexcept;

struct entry_result {
  const plan_entry* entry = nullptr;
  entry_outcome outcome = entry_outcome::not_sent;
  std::string billing_adjustment_request_id;
  std::string request_id;
  std::string error_code;
  std::string error_message;
  std::string status;  // PENDING / COMPLETED / VALIDATION_FAILED once known
  std::string status_message;
};

struct progress {
  std::size_t done = 0;
  std::size_t total = 0;
  std::size_t failed = 0;
};

struct submit_options {
  // Called once before the first call and after each call, from one thread at a time (a worker
  // thread when concurrency > 1); return false to stop early (entries not yet sent stay
  // not_sent and unjournaled).
  std::function<bool(const progress&)> on_progress;
  // Parallel calls for bulk plans: `concurrency` workers share a queue of calls; the first uses
  // the client passed to submit(), each other its own client from make_client (required for
  // concurrency > 1, else submit runs sequentially). Throttling is retried by each client.
  unsigned concurrency = 1;
  std::function<std::unique_ptr<client>()> make_client;
  // Re-send entries the journal shows as rejected (default: report them, do not re-send).
  bool retry_rejected = false;
  // Before sending, check entries that were never sent against the live invoices
  // (ListAgreementInvoiceLineItems): throws plan_error and sends nothing when an invoice's
  // maximum has fallen below what the plan still has to send. In-doubt entries are not
  // re-checked (their own earlier attempt may have lowered the maximum).
  bool recheck = true;
};

// Sends the plan. Reads the journal first: confirmed entries are skipped, in-doubt ones are
// re-sent with the same token (the service deduplicates). Journals an intent (fsync'd) before
// every call and the outcome after it. The results are in plan order.
std::vector<entry_result> submit(client& c, const plan& p, journal_writer& journal,
                                 const submit_options& options = {});

// ------------------------------------------------------------------ 7. track

struct wait_options {
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  std::chrono::milliseconds initial_interval{500};
  std::chrono::milliseconds max_interval{std::chrono::seconds(15)};
  const std::atomic<bool>* cancel = nullptr;  // set to true to stop waiting
  std::function<bool(const progress&)> on_progress;
  // Injectable for tests: sleeps (or is woken by cancel); default uses a condition variable.
  std::function<void(std::chrono::milliseconds)> sleep;
};

// Polls every created entry until COMPLETED or VALIDATION_FAILED (statusMessage surfaced) and
// journals each new status. Throws error(MPADJUST_ETIMEOUT) / (MPADJUST_ECANCELLED) with the
// statuses so far in the message; results are updated in place either way.
void wait(client& c, std::vector<entry_result>& results, journal_writer& journal,
          const wait_options& options = {});

// Results rebuilt from the journal (what `mpadjust wait PLAN.json` uses after a restart).
std::vector<entry_result> results_from_journal(const plan& p,
                                               const std::vector<journal_entry>& entries);

std::string format_results(const std::vector<entry_result>& results);

// ------------------------------------------------------------------ the traditional route

// The seller portal's "Request Refund" support form, filled from validated data.
struct refund_form_input {
  std::string buyer_account_id;   // 12 digits
  std::string buyer_email;
  std::string seller_account_id;  // 12 digits
  std::string product_id;         // prod-...
  std::string offer_id;           // offer-...
  std::string billing_period;     // YYYY-MM
  std::string invoice_id;
  std::string amount;  // pre-tax
  std::string currency;
  bool full = false;
  bool subscription_cancelled = false;
  std::string annual_subscription_date;  // YYYY-MM-DD, for annual subscriptions
  std::string reason;
};

struct refund_form {
  std::vector<std::pair<std::string, std::string>> fields;  // label, value
  std::string additional_comments;                         // the form's free-text box
};

// Throws plan_error naming every invalid field.
refund_form make_refund_form(const refund_form_input& input);

// ------------------------------------------------------------------ renderings

// JSON documents (API camelCase names; times as ISO 8601 text, absent when unknown), the forms the
// C ABI returns and `mpadjust --output json` prints:
//   {"agreements":[{agreementId,status,agreementType,offerId,productIds,buyerAccountId,
//                   sellerAccountId,startTime,endTime,acceptanceTime}],"warnings":[...]}
std::string agreements_to_json(const agreement_lookup& lookup);
//   {"invoices":[{agreementId,invoiceId,invoiceType,currencyCode,amount,maxAdjustmentAmount,
//                 billingPeriod:"YYYY-MM",issuedTime,invoicingEntity,adjustable}]}
std::string invoices_to_json(const std::vector<invoice_info>& invoices);
//   {"results":[{agreementId,invoiceId,amount,currency,clientToken,entryKey,outcome,
//                billingAdjustmentRequestId,requestId,status,statusMessage,errorCode,errorMessage}]}
std::string results_to_json(const std::vector<entry_result>& results);
//   {"entries":[{state,displayStatus,planKey,entryKey,clientToken,agreementId,...,attempts}],
//    "warnings":[...]}
std::string journal_to_json(const std::vector<journal_entry>& entries,
                            const std::vector<std::string>& warnings);
//   {"fields":[{"label","value"}],"additionalComments":"..."}
std::string refund_form_to_json(const refund_form& form);
// "Label: value" lines, a blank line, then "Additional comments:" and its text.
std::string refund_form_to_text(const refund_form& form);

}  // namespace v1
}  // namespace mpadjust
