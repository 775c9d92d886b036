// workflow: resolving entries into a frozen plan; batches; totals; plan_error.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unordered_map>

#include "workflow/workflow_internal.hpp"

namespace mpadjust {
inline namespace v1 {

using namespace workflow_detail;

namespace {

std::string plan_error_message(const std::vector<std::string>& problems) {
  if (problems.empty()) return "plan: invalid";
  if (problems.size() == 1) return "plan is invalid: " + problems.front();
  std::string m = "plan has " + std::to_string(problems.size()) + " problems:";
  for (const auto& p : problems) m += "\n  - " + p;
  return m;
}

std::string first_field(const std::vector<std::string>& problems) {
  return problems.empty() ? std::string() : field_of(problems.front());
}

bool is_full(std::string_view s) {
  if (s.size() != 4) return false;
  std::string l(s);
  for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return l == "full";
}

std::string plan_key_problem(std::string_view k) {
  if (k.size() > 64) return "plan_key: longer than 64 characters";
  for (char c : k) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '_' || c == '.')) {
      return "plan_key: " + quoted(k) + " may only contain A-Z a-z 0-9 - _ .";
    }
  }
  return {};
}

// Memoised facts: one DescribeAgreement and one invoice listing per agreement.
struct fact_cache {
  const plan_facts& facts;
  struct agreement_facts {
    bool agreement_loaded = false;
    std::optional<agreement_info> info;
    std::string agreement_problem;
    bool invoices_loaded = false;
    std::vector<invoice_info> invoices;
    std::string invoices_problem;
  };
  std::map<std::string, agreement_facts> by_id;

  agreement_facts& agreement(const std::string& id) {
    auto& a = by_id[id];
    if (!a.agreement_loaded) {
      a.agreement_loaded = true;
      if (facts.agreement) {
        try {
          a.info = facts.agreement(id);
        } catch (const error& e) {
          if (e.status() != MPADJUST_ENOTFOUND) throw;
          a.agreement_problem = "agreement " + quoted(id) + " was not found: " + e.what();
        }
      }
    }
    return a;
  }
  agreement_facts& invoices(const std::string& id) {
    auto& a = agreement(id);
    if (!a.invoices_loaded) {
      a.invoices_loaded = true;
      if (!facts.invoices) throw error(MPADJUST_EINVALID, "plan_facts.invoices is not set");
      try {
        a.invoices = facts.invoices(id);
      } catch (const error& e) {
        if (e.status() != MPADJUST_ENOTFOUND) throw;
        a.invoices_problem = "no invoices could be listed for agreement " + quoted(id) + ": " + e.what();
      }
    }
    return a;
  }
};

std::string list_ids(const std::vector<invoice_info>& invoices) {
  if (invoices.empty()) return "the agreement has no invoices";
  std::string s = "invoices of this agreement: ";
  std::size_t n = 0;
  for (const auto& inv : invoices) {
    if (n == 20) {
      s += ", ... (" + std::to_string(invoices.size() - 20) + " more)";
      break;
    }
    if (n++) s += ", ";
    s += inv.invoice_id;
    if (!inv.adjustable()) s += " (credit memo)";
  }
  return s;
}

std::string entries_list(const std::vector<std::size_t>& idx) {
  std::string s;
  for (std::size_t k = 0; k < idx.size(); ++k) {
    if (k) s += ", ";
    s += "entries[" + std::to_string(idx[k]) + "]";
  }
  return s;
}

}  // namespace

plan_error::plan_error(std::vector<std::string> problems)
    : error(MPADJUST_EINVALID, plan_error_message(problems), first_field(problems)),
      problems_(std::move(problems)) {}

const char* to_string(entry_outcome o) noexcept {
  switch (o) {
    case entry_outcome::created: return "created";
    case entry_outcome::already_done: return "already_done";
    case entry_outcome::rejected: return "rejected";
    case entry_outcome::in_doubt: return "in_doubt";
    case entry_outcome::not_sent: return "not_sent";
  }
  return "unknown";
}

std::vector<std::vector<const plan_entry*>> plan::batches() const {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const plan_entry*>> by_agreement;
  for (const auto& e : entries) {
    auto& v = by_agreement[e.agreement_id];
    if (v.empty()) order.push_back(e.agreement_id);
    v.push_back(&e);
  }
  std::vector<std::vector<const plan_entry*>> out;
  for (const auto& id : order) {
    const auto& v = by_agreement[id];
    for (std::size_t i = 0; i < v.size(); i += 5) {
      out.emplace_back(v.begin() + static_cast<std::ptrdiff_t>(i),
                       v.begin() + static_cast<std::ptrdiff_t>(std::min(v.size(), i + 5)));
    }
  }
  return out;
}

totals plan::total() const {
  totals t;
  for (const auto& e : entries) t.add(money::parse(e.amount, e.currency));
  return t;
}

plan resolve_plan(const std::vector<entry_spec>& specs, const plan_facts& facts,
                  const plan_options& options) {
  std::vector<std::string> problems;
  plan p;
  p.created_at = now_iso8601();
  if (specs.empty()) problems.push_back("entries: the plan is empty");

  // The plan key: the caller's, or derived from the requested content.
  if (!options.plan_key.empty()) {
    const std::string kp = plan_key_problem(options.plan_key);
    if (!kp.empty()) problems.push_back(kp);
    p.plan_key = options.plan_key;
  } else {
    std::string m;
    append_framed(m, "mpadjust-plan-v1");
    for (const auto& s : specs) {
      append_framed(m, s.agreement_id);
      append_framed(m, s.invoice_id);
      append_framed(m, s.amount);
      append_framed(m, s.currency);
      append_framed(m, s.reason_code);
      append_framed(m, s.description);
    }
    p.plan_key = "p-" + sha256_hex(m).substr(0, 24);
  }

  fact_cache cache{facts, {}};
  struct invoice_state {
    amount remaining;
    std::vector<std::size_t> users;  // entries that took from it so far
  };
  std::map<std::pair<std::string, std::string>, invoice_state> remaining;
  std::unordered_map<std::string, std::size_t> seen_tokens;
  std::set<std::string> warned_agreements;

  for (std::size_t i = 0; i < specs.size(); ++i) {
    const entry_spec& s = specs[i];
    const std::string f = "entries[" + std::to_string(i) + "].";
    const std::size_t problems_before = problems.size();
    plan_entry e;
    e.agreement_id = s.agreement_id;
    e.invoice_id = s.invoice_id;
    e.reason_code = s.reason_code;
    e.description = s.description;
    e.details = s.details;

    // --- checks that need no facts
    const std::string ap = agreement_id_problem(s.agreement_id);
    if (!ap.empty()) problems.push_back(f + "agreement_id: " + ap);
    const std::string ip = invoice_id_problem(s.invoice_id);
    if (!ip.empty()) problems.push_back(f + "invoice_id: " + ip);

    std::optional<amount> requested;
    const bool full = is_full(s.amount);
    e.full = full;
    if (!full) {
      try {
        requested = amount::parse_positive(s.amount, f + "amount");
      } catch (const error& err) {
        problems.push_back(std::string(err.what()) +
                           (s.amount.empty() ? " (a decimal such as 12.50, or \"full\")" : ""));
      }
    }
    std::optional<currency> cur;
    try {
      cur = currency::parse(s.currency, f + "currency");
      if (!cur->known()) e.warnings.push_back(cur->warning());
    } catch (const error& err) {
      problems.push_back(err.what());
    }
    reason_check rc = check_reason(s.reason_code, s.description, f);
    problems.insert(problems.end(), rc.errors.begin(), rc.errors.end());
    if (options.strict_reasons) {
      problems.insert(problems.end(), rc.warnings.begin(), rc.warnings.end());
    } else {
      e.warnings.insert(e.warnings.end(), rc.warnings.begin(), rc.warnings.end());
    }
    struct detail_field {
      const char* name;
      const std::string* value;
      std::size_t max;
      const char* allowed_controls;
    };
    const detail_field details[] = {
        {"details.support_case_id", &s.details.support_case_id, 128, ""},
        {"details.buyer_reference", &s.details.buyer_reference, 256, ""},
        {"details.notes", &s.details.notes, 2000, "\n\t"},
    };
    for (const auto& d : details) {
      const long n = utf8_length(*d.value);
      if (n < 0) {
        problems.push_back(f + d.name + ": is not valid UTF-8");
      } else if (static_cast<std::size_t>(n) > d.max) {
        problems.push_back(f + d.name + ": " + std::to_string(n) + " characters; at most " +
                           std::to_string(d.max));
      } else if (has_control(*d.value, d.allowed_controls)) {
        problems.push_back(f + d.name + ": contains a control character");
      }
    }

    if (!ap.empty()) continue;  // nothing can be looked up without a valid agreement ID

    // --- the agreement
    auto& af = cache.agreement(s.agreement_id);
    if (!af.agreement_problem.empty()) {
      problems.push_back(f + "agreement_id: " + af.agreement_problem);
      continue;
    }
    if (af.info) {
      e.agreement_status = af.info->status;
      if (af.info->status != "ACTIVE") {
        const std::string w = "agreement " + s.agreement_id + " is " +
                              (af.info->status.empty() ? std::string("of unknown status")
                                                       : af.info->status) +
                              ", not ACTIVE: check that a refund is still what you want";
        e.warnings.push_back(w);
        if (warned_agreements.insert(s.agreement_id).second) p.warnings.push_back(w);
      }
    }
    if (!ip.empty()) continue;

    // --- the invoice
    auto& inv_facts = cache.invoices(s.agreement_id);
    if (!inv_facts.invoices_problem.empty()) {
      problems.push_back(f + "invoice_id: " + inv_facts.invoices_problem);
      continue;
    }
    const invoice_info* inv = nullptr;
    for (const auto& candidate : inv_facts.invoices) {
      if (candidate.invoice_id == s.invoice_id) {
        inv = &candidate;
        break;
      }
    }
    if (!inv) {
      problems.push_back(f + "invoice_id: " + quoted(s.invoice_id) +
                         " is not an invoice of agreement " + s.agreement_id + "; " +
                         list_ids(inv_facts.invoices));
      continue;
    }
    if (!inv->adjustable()) {
      problems.push_back(f + "invoice_id: " + s.invoice_id +
                         " is a credit memo; credit memos cannot be adjusted (choose the invoice "
                         "it credits)");
      continue;
    }
    e.invoice_amount = inv->amount;
    e.max_adjustment_amount = inv->max_adjustment_amount;
    std::optional<currency> inv_cur;
    try {
      inv_cur = currency::parse(inv->currency_code, "invoice currencyCode");
    } catch (const error& err) {
      problems.push_back(f + "invoice_id: the service reported an unusable currency for invoice " +
                         s.invoice_id + ": " + err.what());
      continue;
    }
    if (cur && *cur != *inv_cur) {
      problems.push_back(f + "currency: " + cur->code() + " does not match invoice " +
                         s.invoice_id + ", which is in " + inv_cur->code());
    }
    std::optional<amount> max_now;
    try {
      max_now = amount::parse(inv->max_adjustment_amount, "maxAdjustmentAmount");
    } catch (const error& err) {
      problems.push_back(f + "invoice_id: invoice " + s.invoice_id +
                         " has no usable maxAdjustmentAmount (" + err.what() + ")");
      continue;
    }
    auto& st = remaining.try_emplace({s.agreement_id, s.invoice_id}, invoice_state{*max_now, {}})
                   .first->second;
    const money max_money(*max_now, *inv_cur, "maxAdjustmentAmount");

    std::optional<amount> value;
    if (full) {
      if (max_now->is_zero()) {
        problems.push_back(f + "amount: \"full\" but invoice " + s.invoice_id +
                           " has nothing left to refund (maxAdjustmentAmount is 0)");
        continue;
      }
      value = *max_now;
    } else if (requested) {
      try {
        inv_cur->check(*requested, f + "amount");
        value = *requested;
      } catch (const error& err) {
        problems.push_back(err.what());
        continue;
      }
      if (*requested > *max_now) {
        problems.push_back(f + "amount: " + money(*requested, *inv_cur).display() +
                           " exceeds the invoice's maximum adjustment amount " +
                           max_money.display() + " (invoice " + s.invoice_id + ")");
        continue;
      }
    }
    if (!value) continue;
    if (*value > st.remaining) {
      problems.push_back(
          f + "amount: " + money(*value, *inv_cur).display() + " together with " +
          entries_list(st.users) + " exceeds the maximum adjustment amount " +
          max_money.display() + " of invoice " + s.invoice_id + " (" +
          money(st.remaining, *inv_cur).display() + " left)");
      continue;
    }
    st.remaining -= *value;
    st.users.push_back(i);
    const money m(*value, *inv_cur);
    e.amount = m.api_text();
    e.currency = inv_cur->code();
    e.remaining_after = money(st.remaining, *inv_cur).api_text();
    if (problems.size() != problems_before) continue;

    e.client_token = derive_client_token(p.plan_key, e);
    e.entry_key = derive_entry_key(p.plan_key, e);
    const auto dup = seen_tokens.emplace(e.client_token, i);
    if (!dup.second) {
      problems.push_back(f + "amount: duplicate of entries[" + std::to_string(dup.first->second) +
                         "] (same agreement, invoice, amount, currency, reason and description); "
                         "a second identical refund must differ, e.g. in its description");
      continue;
    }
    p.entries.push_back(std::move(e));
  }
  if (!problems.empty()) throw plan_error(std::move(problems));
  return p;
}

}  // namespace v1
}  // namespace mpadjust
