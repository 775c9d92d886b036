// JSON and text renderings of the workflow's results, shared by the C ABI, the bindings (through
// it) and the mpadjust command. Field names follow the API's camelCase.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <mpadjust/adjustment.hpp>

#include "json/json_write.hpp"
#include "workflow/workflow_internal.hpp"

namespace mpadjust {
inline namespace v1 {
namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

using detail::buffer_text;
using detail::write_member;
using detail::write_string;
using detail::write_string_list;

void time_member(writer& w, const char* key, const std::optional<timestamp>& t) {
  if (t) write_member(w, key, workflow_detail::iso8601(*t));
}

}  // namespace

std::string agreements_to_json(const agreement_lookup& lookup) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  w.Key("agreements");
  w.StartArray();
  for (const auto& a : lookup.candidates) {
    w.StartObject();
    write_member(w, "agreementId", a.agreement_id);
    write_member(w, "status", a.status);
    write_member(w, "agreementType", a.agreement_type);
    write_member(w, "offerId", a.offer_id);
    write_string_list(w, "productIds", a.product_ids);
    write_member(w, "buyerAccountId", a.buyer_account_id);
    write_member(w, "sellerAccountId", a.seller_account_id);
    time_member(w, "startTime", a.start_time);
    time_member(w, "endTime", a.end_time);
    time_member(w, "acceptanceTime", a.acceptance_time);
    w.EndObject();
  }
  w.EndArray();
  write_string_list(w, "warnings", lookup.warnings);
  w.EndObject();
  return buffer_text(buf);
}

std::string invoices_to_json(const std::vector<invoice_info>& invoices) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  w.Key("invoices");
  w.StartArray();
  for (const auto& v : invoices) {
    w.StartObject();
    write_member(w, "agreementId", v.agreement_id);
    write_member(w, "invoiceId", v.invoice_id);
    write_member(w, "invoiceType", v.invoice_type);
    write_member(w, "currencyCode", v.currency_code);
    write_member(w, "amount", v.amount);
    write_member(w, "maxAdjustmentAmount", v.max_adjustment_amount);
    if (v.billing_period) write_member(w, "billingPeriod", workflow_detail::period_text(*v.billing_period));
    time_member(w, "issuedTime", v.issued_time);
    if (!v.invoicing_entity.empty()) write_member(w, "invoicingEntity", v.invoicing_entity);
    w.Key("adjustable");
    w.Bool(v.adjustable());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buffer_text(buf);
}

std::string results_to_json(const std::vector<entry_result>& results) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  static const std::string empty;
  w.StartObject();
  w.Key("results");
  w.StartArray();
  for (const auto& r : results) {
    const plan_entry* e = r.entry;
    w.StartObject();
    write_member(w, "agreementId", e ? e->agreement_id : empty);
    write_member(w, "invoiceId", e ? e->invoice_id : empty);
    write_member(w, "amount", e ? e->amount : empty);
    write_member(w, "currency", e ? e->currency : empty);
    write_member(w, "clientToken", e ? e->client_token : empty);
    write_member(w, "entryKey", e ? e->entry_key : empty);
    w.Key("outcome");
    w.String(to_string(r.outcome));
    write_member(w, "billingAdjustmentRequestId", r.billing_adjustment_request_id);
    write_member(w, "requestId", r.request_id);
    write_member(w, "status", r.status);
    write_member(w, "statusMessage", r.status_message);
    write_member(w, "errorCode", r.error_code);
    write_member(w, "errorMessage", r.error_message);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buffer_text(buf);
}

std::string journal_to_json(const std::vector<journal_entry>& entries, const std::vector<std::string>& warnings) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  w.Key("entries");
  w.StartArray();
  for (const auto& e : entries) {
    w.StartObject();
    w.Key("state");
    w.String(to_string(e.state));
    write_member(w, "displayStatus", entry_display_status(e));
    write_member(w, "planKey", e.plan_key);
    write_member(w, "entryKey", e.entry_key);
    write_member(w, "clientToken", e.client_token);
    write_member(w, "agreementId", e.agreement_id);
    write_member(w, "invoiceId", e.invoice_id);
    write_member(w, "amount", e.amount);
    write_member(w, "currency", e.currency);
    write_member(w, "reasonCode", e.reason_code);
    write_member(w, "description", e.description);
    write_member(w, "supportCaseId", e.details.support_case_id);
    write_member(w, "buyerReference", e.details.buyer_reference);
    write_member(w, "notes", e.details.notes);
    write_member(w, "requestId", e.request_id);
    write_member(w, "billingAdjustmentRequestId", e.billing_adjustment_request_id);
    write_member(w, "status", e.status);
    write_member(w, "statusMessage", e.status_message);
    write_member(w, "errorCode", e.error_code);
    write_member(w, "errorMessage", e.error_message);
    write_member(w, "created", e.created);
    write_member(w, "updated", e.updated);
    w.Key("attempts");
    w.Uint(e.attempts);
    w.EndObject();
  }
  w.EndArray();
  write_string_list(w, "warnings", warnings);
  w.EndObject();
  return buffer_text(buf);
}

std::string refund_form_to_json(const refund_form& form) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  w.Key("fields");
  w.StartArray();
  for (const auto& f : form.fields) {
    w.StartObject();
    write_member(w, "label", f.first);
    write_member(w, "value", f.second);
    w.EndObject();
  }
  w.EndArray();
  write_member(w, "additionalComments", form.additional_comments);
  w.EndObject();
  return buffer_text(buf);
}

std::string refund_form_to_text(const refund_form& form) {
  std::string out;
  for (const auto& f : form.fields) out += f.first + ": " + f.second + "\n";
  out += "\nAdditional comments:\n" + form.additional_comments + "\n";
  return out;
}

}  // namespace v1
}  // namespace mpadjust
