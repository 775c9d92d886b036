// workflow: the seller portal's "Request Refund" support form, filled from validated data.
#include <cctype>

#include "workflow/workflow_internal.hpp"

namespace mpadjust {
inline namespace v1 {

using namespace workflow_detail;

namespace {

bool prefixed_id(std::string_view s, std::string_view prefix) {
  if (s.size() <= prefix.size() || s.size() > 64 || s.substr(0, prefix.size()) != prefix) return false;
  for (char c : s.substr(prefix.size())) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool valid_email(std::string_view s) {
  if (s.size() < 3 || s.size() > 254) return false;
  const auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const auto local = s.substr(0, at);
  const auto domain = s.substr(at + 1);
  if (local.size() > 64 || domain.size() < 3) return false;
  for (char c : local) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) || std::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != std::string_view::npos)) {
      return false;
    }
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  const auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size()) return false;
  std::size_t label = 0;
  for (char c : domain) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (std::isalnum(u) || c == '-') {
      ++label;
    } else {
      return false;
    }
  }
  return label >= 2;
}

int digits(std::string_view s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

bool valid_period(std::string_view s) {
  if (s.size() != 7 || s[4] != '-') return false;
  const int y = digits(s, 0, 4), m = digits(s, 5, 2);
  return y >= 2000 && y <= 2100 && m >= 1 && m <= 12;
}

bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  const int y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
  if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

}  // namespace

refund_form make_refund_form(const refund_form_input& in) {
  std::vector<std::string> problems;
  if (!is_account_id(in.buyer_account_id)) {
    problems.push_back("buyer_account_id: " + quoted(in.buyer_account_id) +
                       " is not an AWS account ID (12 digits, no dashes)");
  }
  if (!valid_email(in.buyer_email)) {
    problems.push_back("buyer_email: " + quoted(in.buyer_email) + " is not an e-mail address");
  }
  if (!is_account_id(in.seller_account_id)) {
    problems.push_back("seller_account_id: " + quoted(in.seller_account_id) +
                       " is not an AWS account ID (12 digits, no dashes)");
  } else if (in.seller_account_id == in.buyer_account_id) {
    problems.push_back("seller_account_id: is the same account as the buyer");
  }
  if (!prefixed_id(in.product_id, "prod-")) {
    problems.push_back("product_id: " + quoted(in.product_id) + " is not a product ID (prod-...)");
  }
  if (!prefixed_id(in.offer_id, "offer-")) {
    problems.push_back("offer_id: " + quoted(in.offer_id) + " is not an offer ID (offer-...)");
  }
  if (!valid_period(in.billing_period)) {
    problems.push_back("billing_period: " + quoted(in.billing_period) +
                       " is not a billing period (YYYY-MM, e.g. 2025-01)");
  }
  const std::string ip = invoice_id_problem(in.invoice_id);
  if (!ip.empty()) problems.push_back("invoice_id: " + ip);
  std::optional<money> m;
  try {
    m = money::parse_positive(in.amount, in.currency, "amount", "currency");
  } catch (const error& e) {
    problems.push_back(e.what());
  }
  if (!in.annual_subscription_date.empty() && !valid_date(in.annual_subscription_date)) {
    problems.push_back("annual_subscription_date: " + quoted(in.annual_subscription_date) +
                       " is not a date (YYYY-MM-DD)");
  }
  const long rl = utf8_length(in.reason);
  if (in.reason.empty()) {
    problems.push_back("reason: required; say why the buyer is owed money");
  } else if (rl < 0) {
    problems.push_back("reason: is not valid UTF-8");
  } else if (rl > 1000) {
    problems.push_back("reason: " + std::to_string(rl) + " characters; at most 1000");
  } else if (has_control(in.reason, "\n\t")) {
    problems.push_back("reason: contains a control character");
  }
  if (!problems.empty()) throw plan_error(std::move(problems));

  refund_form f;
  const std::string amount_text = m->api_text() + " " + m->currency_code();
  f.fields = {
      {"Buyer AWS account ID", in.buyer_account_id},
      {"Buyer e-mail", in.buyer_email},
      {"Seller AWS account ID", in.seller_account_id},
      {"Product ID", in.product_id},
      {"Offer ID", in.offer_id},
      {"Billing period", in.billing_period},
      {"Invoice number", in.invoice_id},
      {"Refund amount (pre-tax)", amount_text},
      {"Full or partial refund", in.full ? "Full" : "Partial"},
      {"Subscription cancelled", in.subscription_cancelled ? "Yes" : "No"},
  };
  if (!in.annual_subscription_date.empty()) {
    f.fields.emplace_back("Annual subscription date", in.annual_subscription_date);
  }
  std::string c;
  c += "Refund request for buyer account " + in.buyer_account_id + " (" + in.buyer_email + ").\n";
  c += "Seller account: " + in.seller_account_id + "\n";
  c += "Product ID: " + in.product_id + "\n";
  c += "Offer ID: " + in.offer_id + "\n";
  c += "Billing period: " + in.billing_period + "\n";
  c += "Invoice number: " + in.invoice_id + "\n";
  c += "Amount to refund (pre-tax): " + amount_text + " (" + (in.full ? "full" : "partial") +
       " refund)\n";
  c += std::string("Subscription cancelled as well: ") + (in.subscription_cancelled ? "yes" : "no") + "\n";
  if (!in.annual_subscription_date.empty()) {
    c += "Annual subscription date: " + in.annual_subscription_date + "\n";
  }
  c += "Reason: " + in.reason + "\n";
  f.additional_comments = c;
  return f;
}

}  // namespace v1
}  // namespace mpadjust
