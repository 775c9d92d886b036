// JSON and text renderings of the workflow's results, shared by the C ABI, the bindings (through
// it) and the mpadjust command. Field names follow the API's camelCase.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <mpadjust/adjustment.hpp>

#include "workflow/workflow_internal.hpp"

namespace mpadjust {
inline namespace v1 {
namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(writer& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void member(writer& w, const char* key, const std::string& value) {
  w.Key(key);
  str(w, value);
}

void time_member(writer& w, const char* key, const std::optional<timestamp>& t) {
  if (t) member(w, key, workflow_detail::iso8601(*t));
}

void string_list(writer& w, const char* key, const std::vector<std::string>& items) {
  w.Key(key);
  w.StartArray();
  for (const auto& s : items) str(w, s);
  w.EndArray();
}

std::string done(const rapidjson::StringBuffer& buf) { return std::string(buf.GetString(), buf.GetSize()); }

}  // namespace

std::string agreements_to_json(const agreement_lookup& lookup) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  w.Key("agreements");
  w.StartArray();
  for (const auto& a : lookup.candidates) {
    w.StartObject();
    member(w, "agreementId", a.agreement_id);
    member(w, "status", a.status);
    member(w, "agreementType", a.agreement_type);
    member(w, "offerId", a.offer_id);
    string_list(w, "productIds", a.product_ids);
    member(w, "buyerAccountId", a.buyer_account_id);
    member(w, "sellerAccountId", a.seller_account_id);
    time_member(w, "startTime", a.start_time);
    time_member(w, "endTime", a.end_time);
    time_member(w, "acceptanceTime", a.acceptance_time);
    w.EndObject();
  }
  w.EndArray();
  string_list(w, "warnings", lookup.warnings);
  w.EndObject();
  return done(buf);
}

std::string invoices_to_json(const std::vector<invoice_info>& invoices) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  w.Key("invoices");
  w.StartArray();
  for (const auto& v : invoices) {
    w.StartObject();
    member(w, "agreementId", v.agreement_id);
    member(w, "invoiceId", v.invoice_id);
    member(w, "invoiceType", v.invoice_type);
    member(w, "currencyCode", v.currency_code);
    member(w, "amount", v.amount);
    member(w, "maxAdjustmentAmount", v.max_adjustment_amount);
    if (v.billing_period) member(w, "billingPeriod", workflow_detail::period_text(*v.billing_period));
    time_member(w, "issuedTime", v.issued_time);
    if (!v.invoicing_entity.empty()) member(w, "invoicingEntity", v.invoicing_entity);
    w.Key("adjustable");
    w.Bool(v.adjustable());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(buf);
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
    member(w, "agreementId", e ? e->agreement_id : empty);
    member(w, "invoiceId", e ? e->invoice_id : empty);
    member(w, "amount", e ? e->amount : empty);
    member(w, "currency", e ? e->currency : empty);
    member(w, "clientToken", e ? e->client_token : empty);
    member(w, "entryKey", e ? e->entry_key : empty);
    w.Key("outcome");
    w.String(to_string(r.outcome));
    member(w, "billingAdjustmentRequestId", r.billing_adjustment_request_id);
    member(w, "requestId", r.request_id);
    member(w, "status", r.status);
    member(w, "statusMessage", r.status_message);
    member(w, "errorCode", r.error_code);
    member(w, "errorMessage", r.error_message);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(buf);
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
    member(w, "displayStatus", entry_display_status(e));
    member(w, "planKey", e.plan_key);
    member(w, "entryKey", e.entry_key);
    member(w, "clientToken", e.client_token);
    member(w, "agreementId", e.agreement_id);
    member(w, "invoiceId", e.invoice_id);
    member(w, "amount", e.amount);
    member(w, "currency", e.currency);
    member(w, "reasonCode", e.reason_code);
    member(w, "description", e.description);
    member(w, "supportCaseId", e.details.support_case_id);
    member(w, "buyerReference", e.details.buyer_reference);
    member(w, "notes", e.details.notes);
    member(w, "requestId", e.request_id);
    member(w, "billingAdjustmentRequestId", e.billing_adjustment_request_id);
    member(w, "status", e.status);
    member(w, "statusMessage", e.status_message);
    member(w, "errorCode", e.error_code);
    member(w, "errorMessage", e.error_message);
    member(w, "created", e.created);
    member(w, "updated", e.updated);
    w.Key("attempts");
    w.Uint(e.attempts);
    w.EndObject();
  }
  w.EndArray();
  string_list(w, "warnings", warnings);
  w.EndObject();
  return done(buf);
}

std::string refund_form_to_json(const refund_form& form) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  w.Key("fields");
  w.StartArray();
  for (const auto& f : form.fields) {
    w.StartObject();
    member(w, "label", f.first);
    member(w, "value", f.second);
    w.EndObject();
  }
  w.EndArray();
  member(w, "additionalComments", form.additional_comments);
  w.EndObject();
  return done(buf);
}

std::string refund_form_to_text(const refund_form& form) {
  std::string out;
  for (const auto& f : form.fields) out += f.first + ": " + f.second + "\n";
  out += "\nAdditional comments:\n" + form.additional_comments + "\n";
  return out;
}

}  // namespace v1
}  // namespace mpadjust
