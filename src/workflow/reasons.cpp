// workflow: reason codes and description checks.
#include <algorithm>
#include <cctype>

#include "workflow/workflow_internal.hpp"

namespace mpadjust {
inline namespace v1 {

using namespace workflow_detail;

const std::vector<std::string>& billing_adjustment_reason_codes() {
  // BillingAdjustmentReasonCode in the service model (agreement-api.md 2.4).
  static const std::vector<std::string> codes = {
      "INCORRECT_TERMS_ACCEPTED",        "INCORRECT_METERING",  "TEST_ENVIRONMENT_CHARGES",
      "ALTERNATIVE_PROCUREMENT_CHANNEL", "UNINTENDED_RENEWAL",  "BUYER_DISSATISFACTION",
      "OTHER"};
  return codes;
}

namespace {

std::string joined_codes() {
  std::string s;
  for (const auto& c : billing_adjustment_reason_codes()) {
    if (!s.empty()) s += ", ";
    s += c;
  }
  return s;
}

// Lower-case ASCII words of the text (letters and digits), everything else a separator.
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c >= 0x80) {
      cur += static_cast<char>(std::tolower(c));
    } else if (!cur.empty()) {
      words.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) words.push_back(cur);
  return words;
}

// Phrases that say nothing about why money is owed.
const char* const vague_phrases[] = {
    "refund",           "refunds",          "refund requested", "requested refund",
    "refund request",   "buyer issue",      "buyer issues",     "customer issue",
    "buyer request",    "buyer requested",  "customer request", "customer requested",
    "customer requested refund",            "buyer requested refund",
    "as requested",     "per request",      "per customer",     "per buyer",
    "adjustment",       "billing adjustment", "credit",         "other",
    "misc",             "n a",              "na",               "none",
    "test",             "tbd",              "todo",             "see ticket",
    "see case",         "issue",            "problem",          "complaint",
};

}  // namespace

reason_check check_reason(std::string_view reason_code, std::string_view description,
                          std::string_view field_prefix) {
  reason_check r;
  const std::string rf = std::string(field_prefix) + "reason_code";
  const std::string df = std::string(field_prefix) + "description";
  const auto& codes = billing_adjustment_reason_codes();
  if (reason_code.empty()) {
    r.errors.push_back(rf + ": required; one of " + joined_codes());
  } else if (std::find(codes.begin(), codes.end(), reason_code) == codes.end()) {
    std::string upper(reason_code);
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string msg = rf + ": " + quoted(reason_code) + " is not a reason code";
    if (std::find(codes.begin(), codes.end(), upper) != codes.end()) {
      msg += " (codes are upper case: " + upper + ")";
    } else {
      msg += "; one of " + joined_codes();
    }
    r.errors.push_back(msg);
  }

  const long len = utf8_length(description);
  if (description.empty()) {
    if (reason_code == "OTHER") {
      r.errors.push_back(df + ": required for reason OTHER: say what happened (1-500 characters)");
    }
    return r;
  }
  if (len < 0) {
    r.errors.push_back(df + ": is not valid UTF-8");
    return r;
  }
  if (len > 500) {
    r.errors.push_back(df + ": " + std::to_string(len) +
                       " characters; the service accepts at most 500");
  }
  if (has_control(description, "\n\t")) {
    r.errors.push_back(df + ": contains a control character");
  }
  const auto words = words_of(description);
  if (words.empty()) {
    r.errors.push_back(df + ": has no words; say why the buyer is owed money");
    return r;
  }
  std::string norm;
  for (const auto& w : words) {
    if (!norm.empty()) norm += ' ';
    norm += w;
  }
  bool vague = std::any_of(std::begin(vague_phrases), std::end(vague_phrases),
                           [&](const char* p) { return norm == p; });
  if (!vague && words.size() < 3) vague = true;
  if (vague) {
    r.warnings.push_back(
        df + ": " + quoted(description) +
        " is vague; a good reason names what went wrong, which charge or period it concerns "
        "and why the buyer is owed money (e.g. \"Upfront charge for Jan 2025 left in place "
        "after the ABO moved the buyer to monthly payments\")");
  }
  return r;
}

}  // namespace v1
}  // namespace mpadjust
