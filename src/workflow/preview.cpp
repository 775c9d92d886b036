// workflow: preview of a plan, tables of candidates, invoices and results.
#include <map>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "json/json_write.hpp"
#include "workflow/workflow_internal.hpp"

namespace mpadjust {
inline namespace v1 {

using namespace workflow_detail;

namespace {

std::string shown(const std::string& api_text, const std::string& cur) {
  if (api_text.empty()) return "-";
  try {
    return money::parse(api_text, cur).value().display(
        iso4217_minor_units(cur).value_or(0));
  } catch (const error&) {
    return api_text;
  }
}

std::string opt_time(const std::optional<timestamp>& t) {
  return t ? iso8601(*t).substr(0, 10) : std::string("-");
}

std::string dash(const std::string& s) { return s.empty() ? std::string("-") : s; }

}  // namespace

std::string preview_text(const plan& p) {
  std::string out;
  out += "Plan " + p.plan_key + " (" + std::to_string(p.entries.size()) + " entr" +
         (p.entries.size() == 1 ? "y" : "ies") + ", created " + dash(p.created_at) + ")\n";
  std::vector<std::string> order;
  std::map<std::string, std::vector<const plan_entry*>> by_agreement;
  for (const auto& e : p.entries) {
    auto& v = by_agreement[e.agreement_id];
    if (v.empty()) order.push_back(e.agreement_id);
    v.push_back(&e);
  }
  for (const auto& id : order) {
    const auto& v = by_agreement[id];
    out += "\nAgreement " + id;
    if (!v.front()->agreement_status.empty()) out += " (" + v.front()->agreement_status + ")";
    out += "\n";
    std::vector<std::vector<std::string>> rows{
        {"#", "Invoice", "Amount", "Currency", "Max now", "Left after", "Reason", "Description"}};
    for (const auto* e : v) {
      const auto idx = static_cast<std::size_t>(e - p.entries.data());
      std::string desc = e->description;
      if (utf8_length(desc) > 60) desc = desc.substr(0, 57) + "...";
      for (auto& c : desc) {
        if (c == '\n' || c == '\t') c = ' ';
      }
      rows.push_back({std::to_string(idx + 1), e->invoice_id,
                      shown(e->amount, e->currency) + (e->full ? " (full)" : ""), e->currency,
                      shown(e->max_adjustment_amount, e->currency),
                      shown(e->remaining_after, e->currency), e->reason_code, dash(desc)});
    }
    out += text_table(rows, {true, false, true, false, true, true, false, false});
  }
  out += "\nTotal: " + (p.entries.empty() ? std::string("nothing") : p.total().display()) + "\n";
  std::vector<std::string> warnings = p.warnings;
  for (std::size_t i = 0; i < p.entries.size(); ++i) {
    for (const auto& w : p.entries[i].warnings) {
      const std::string line = "entry " + std::to_string(i + 1) + ": " + w;
      warnings.push_back(line);
    }
  }
  if (!warnings.empty()) {
    out += "\nWarnings:\n";
    for (const auto& w : warnings) out += "  ! " + w + "\n";
  }
  out += "\nA refund cannot be undone. Submitting this plan again never refunds twice: every "
         "entry carries its client token.\n";
  return out;
}

std::string preview_json(const plan& p) {
  // The preview JSON is the plan plus its totals and batching, for programs that display it.
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  const auto str = [&](const std::string& s) { detail::write_string(w, s); };
  w.StartObject();
  w.Key("plan_key");
  str(p.plan_key);
  w.Key("entry_count");
  w.Uint64(p.entries.size());
  w.Key("call_count");
  w.Uint64(p.batches().size());
  w.Key("totals");
  w.StartArray();
  if (!p.entries.empty()) {
    for (const auto& m : p.total().items()) {
      w.StartObject();
      w.Key("currency");
      str(m.currency_code());
      w.Key("amount");
      str(m.api_text());
      w.EndObject();
    }
  }
  w.EndArray();
  w.Key("warnings");
  w.StartArray();
  for (const auto& s : p.warnings) str(s);
  w.EndArray();
  w.Key("agreements");
  w.StartArray();
  std::vector<std::string> order;
  std::map<std::string, std::vector<const plan_entry*>> by_agreement;
  for (const auto& e : p.entries) {
    auto& v = by_agreement[e.agreement_id];
    if (v.empty()) order.push_back(e.agreement_id);
    v.push_back(&e);
  }
  for (const auto& id : order) {
    w.StartObject();
    w.Key("agreement_id");
    str(id);
    w.Key("agreement_status");
    str(by_agreement[id].front()->agreement_status);
    w.Key("entries");
    w.StartArray();
    for (const auto* e : by_agreement[id]) {
      w.StartObject();
      w.Key("index");
      w.Uint64(static_cast<std::uint64_t>(e - p.entries.data()));
      w.Key("invoice_id");
      str(e->invoice_id);
      w.Key("amount");
      str(e->amount);
      w.Key("currency");
      str(e->currency);
      w.Key("full");
      w.Bool(e->full);
      w.Key("max_adjustment_amount");
      str(e->max_adjustment_amount);
      w.Key("remaining_after");
      str(e->remaining_after);
      w.Key("reason_code");
      str(e->reason_code);
      w.Key("description");
      str(e->description);
      w.Key("client_token");
      str(e->client_token);
      w.Key("warnings");
      w.StartArray();
      for (const auto& s : e->warnings) str(s);
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

std::string format_candidates(const std::vector<agreement_info>& candidates) {
  std::vector<std::vector<std::string>> rows{
      {"Agreement", "Offer", "Product", "Buyer", "Status", "Start", "End"}};
  for (const auto& a : candidates) {
    std::string products;
    for (const auto& p : a.product_ids) products += (products.empty() ? "" : ",") + p;
    rows.push_back({a.agreement_id, dash(a.offer_id), dash(products), dash(a.buyer_account_id),
                    dash(a.status), opt_time(a.start_time), opt_time(a.end_time)});
  }
  return text_table(rows);
}

const agreement_info& agreement_lookup::one() const {
  if (candidates.empty()) throw error(MPADJUST_ENOTFOUND, "no agreement matches the query");
  if (candidates.size() > 1) {
    throw error(MPADJUST_EAMBIGUOUS, std::to_string(candidates.size()) +
                                         " agreements match; choose one by ID:\n" +
                                         format_candidates(candidates));
  }
  return candidates.front();
}

const invoice_info& select_invoice(const std::vector<invoice_info>& invoices,
                                   std::string_view invoice_id) {
  for (const auto& inv : invoices) {
    if (inv.invoice_id == invoice_id) return inv;
  }
  std::string ids;
  for (const auto& inv : invoices) ids += (ids.empty() ? "" : ", ") + inv.invoice_id;
  throw error(MPADJUST_ENOTFOUND,
              "invoice_id: " + quoted(invoice_id) + " is not an invoice of this agreement; " +
                  (ids.empty() ? std::string("the agreement has no invoices")
                               : "the invoices are: " + ids),
              "invoice_id");
}

std::string format_invoices(const std::vector<invoice_info>& invoices) {
  std::vector<std::vector<std::string>> rows{
      {"Invoice", "Type", "Period", "Issued", "Amount", "Refundable", "Currency"}};
  for (const auto& inv : invoices) {
    rows.push_back({inv.invoice_id, dash(inv.invoice_type),
                    inv.billing_period ? period_text(*inv.billing_period) : "-",
                    opt_time(inv.issued_time), shown(inv.amount, inv.currency_code),
                    shown(inv.max_adjustment_amount, inv.currency_code), dash(inv.currency_code)});
  }
  return text_table(rows, {false, false, false, false, true, true, false});
}

std::string format_results(const std::vector<entry_result>& results) {
  std::vector<std::vector<std::string>> rows{
      {"Agreement", "Invoice", "Amount", "Outcome", "Request", "Status", "Message"}};
  for (const auto& r : results) {
    const plan_entry* e = r.entry;
    std::string msg = r.status_message;
    if (msg.empty() && !r.error_code.empty()) msg = r.error_code + ": " + r.error_message;
    if (msg.empty()) msg = r.error_message;
    rows.push_back({e ? e->agreement_id : "-", e ? e->invoice_id : "-",
                    e ? e->amount + " " + e->currency : "-", to_string(r.outcome),
                    dash(r.billing_adjustment_request_id), dash(r.status), dash(msg)});
  }
  return text_table(rows);
}

}  // namespace v1
}  // namespace mpadjust
