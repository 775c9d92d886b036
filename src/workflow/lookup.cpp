// workflow: finding the agreement and its invoices with the client.
#include <algorithm>

#include <mpadjust/client.hpp>

#include "workflow/workflow_internal.hpp"

namespace mpadjust {
inline namespace v1 {

using namespace workflow_detail;

namespace {

const char* const agreement_statuses[] = {"ACTIVE",   "ARCHIVED",    "CANCELLED",
                                          "EXPIRED",  "RENEWED",     "REPLACED",
                                          "ROLLED_BACK", "SUPERSEDED", "TERMINATED"};

bool filter_value_ok(std::string_view v) {
  if (v.empty() || v.size() > 64) return false;
  return std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '+' || c == ':' || c == '_' || c == '-';
  });
}

template <class Summary>
agreement_info to_info(const Summary& s) {
  agreement_info a;
  a.agreement_id = s.agreement_id.value_or("");
  a.status = s.status.value_or("");
  a.agreement_type = s.agreement_type.value_or("");
  if (s.proposal_summary) {
    a.offer_id = s.proposal_summary->offer_id.value_or("");
    for (const auto& r : s.proposal_summary->resources) {
      if (r.id) a.product_ids.push_back(*r.id);
    }
  }
  if (s.acceptor) a.buyer_account_id = s.acceptor->account_id.value_or("");
  if (s.proposer) a.seller_account_id = s.proposer->account_id.value_or("");
  a.start_time = s.start_time;
  a.end_time = s.end_time;
  a.acceptance_time = s.acceptance_time;
  return a;
}

// A ResourceNotFoundException from the service becomes MPADJUST_ENOTFOUND.
[[noreturn]] void rethrow_not_found(const service_error& e, const std::string& what) {
  if (e.error_type() == "ResourceNotFoundException" || e.http_status() == 404) {
    throw error(MPADJUST_ENOTFOUND, what + " was not found (" + e.service_message() + ")");
  }
  throw;
}

}  // namespace

agreement_lookup find_agreement(client& c, const agreement_query& q) {
  std::vector<std::string> problems;
  if (q.agreement_id) {
    const std::string p = agreement_id_problem(*q.agreement_id);
    if (!p.empty()) problems.push_back("agreement_id: " + p);
  }
  if (q.buyer_account_id && !is_account_id(*q.buyer_account_id)) {
    problems.push_back("buyer_account_id: " + quoted(*q.buyer_account_id) +
                       " is not an AWS account ID (12 digits, no dashes)");
  }
  if (q.offer_id && !filter_value_ok(*q.offer_id)) {
    problems.push_back("offer_id: " + quoted(*q.offer_id) + " is not an offer ID (offer-...)");
  }
  if (q.product_id && !filter_value_ok(*q.product_id)) {
    problems.push_back("product_id: " + quoted(*q.product_id) + " is not a product ID (prod-...)");
  }
  if (q.status &&
      std::none_of(std::begin(agreement_statuses), std::end(agreement_statuses),
                   [&](const char* s) { return *q.status == s; })) {
    problems.push_back("status: " + quoted(*q.status) +
                       " is not an agreement status (ACTIVE, EXPIRED, CANCELLED, ...)");
  }
  if (!q.agreement_id && !q.buyer_account_id && !q.offer_id && !q.product_id) {
    problems.push_back("agreement_id: give an agreement ID, or a buyer account, offer or product to search by");
  }
  if (!problems.empty()) throw plan_error(std::move(problems));

  agreement_lookup out;
  if (q.agreement_id) {
    describe_agreement_output d;
    try {
      d = c.describe_agreement({*q.agreement_id});
    } catch (const service_error& e) {
      rethrow_not_found(e, "agreement " + *q.agreement_id);
    }
    agreement_info a = to_info(d);
    if (a.agreement_id.empty()) a.agreement_id = *q.agreement_id;
    out.candidates.push_back(std::move(a));
  } else {
    // SearchAgreements allows only some filter combinations (agreement-api.md 2.1): as the
    // proposer, AcceptorAccountId may be combined with OfferId *or* ResourceIdentifier (and
    // Status); the other one is filtered here.
    search_agreements_input in;
    const auto add = [&](const char* name, const std::string& value) {
      filter f;
      f.name = name;
      f.values = {value};
      in.filters.push_back(std::move(f));
    };
    add("PartyType", "Proposer");
    add("AgreementType", "PurchaseAgreement");
    if (q.buyer_account_id) add("AcceptorAccountId", *q.buyer_account_id);
    if (q.offer_id) {
      add("OfferId", *q.offer_id);
    } else if (q.product_id) {
      add("ResourceIdentifier", *q.product_id);
    }
    if (q.status) add("Status", *q.status);
    in.max_results = 50;
    for (const auto& page : c.search_agreements_pages(in)) {
      for (const auto& s : page.agreement_view_summaries) {
        agreement_info a = to_info(s);
        if (q.buyer_account_id && a.buyer_account_id != *q.buyer_account_id) continue;
        if (q.offer_id && a.offer_id != *q.offer_id) continue;
        if (q.product_id && std::find(a.product_ids.begin(), a.product_ids.end(), *q.product_id) ==
                                a.product_ids.end()) {
          continue;
        }
        if (q.status && a.status != *q.status) continue;
        out.candidates.push_back(std::move(a));
      }
    }
  }
  for (const auto& a : out.candidates) {
    if (a.status != "ACTIVE") {
      out.warnings.push_back("agreement " + a.agreement_id + " is " +
                             (a.status.empty() ? std::string("of unknown status") : a.status) +
                             ", not ACTIVE: adjusting it needs care");
    }
  }
  return out;
}

std::vector<invoice_info> list_invoices(client& c, const std::string& agreement_id,
                                        const invoice_filter& filter) {
  const std::string p = agreement_id_problem(agreement_id);
  if (!p.empty()) throw invalid_field("agreement_id", p);
  list_agreement_invoice_line_items_input in;
  in.agreement_id = agreement_id;
  in.invoice_billing_period = filter.billing_period;
  in.invoice_type = filter.invoice_type;
  in.invoice_id = filter.invoice_id;
  in.after_issued_time = filter.issued_after;
  in.before_issued_time = filter.issued_before;
  in.max_results = 50;
  std::vector<invoice_info> out;
  try {
    for (const auto& page : c.list_agreement_invoice_line_items_pages(in)) {
      for (const auto& s : page.agreement_invoice_line_item_group_summaries) {
        invoice_info inv;
        inv.agreement_id = s.agreement_id.value_or(agreement_id);
        inv.invoice_id = s.invoice_id.value_or("");
        inv.invoice_type = s.invoice_type.value_or("");
        if (s.pricing_currency_amount) {
          inv.currency_code = s.pricing_currency_amount->currency_code.value_or("");
          inv.amount = s.pricing_currency_amount->amount.value_or("");
          inv.max_adjustment_amount = s.pricing_currency_amount->max_adjustment_amount.value_or("");
        }
        inv.billing_period = s.invoice_billing_period;
        inv.issued_time = s.issued_time;
        if (s.invoicing_entity) inv.invoicing_entity = s.invoicing_entity->legal_name.value_or("");
        if (!inv.invoice_id.empty()) out.push_back(std::move(inv));
      }
    }
  } catch (const service_error& e) {
    rethrow_not_found(e, "agreement " + agreement_id);
  }
  return out;
}

plan_facts client_facts(client& c) {
  plan_facts f;
  client* cp = &c;
  f.agreement = [cp](const std::string& id) {
    agreement_query q;
    q.agreement_id = id;
    return find_agreement(*cp, q).one();
  };
  f.invoices = [cp](const std::string& id) { return list_invoices(*cp, id); };
  return f;
}

}  // namespace v1
}  // namespace mpadjust
