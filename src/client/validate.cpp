// validate.cpp - input validation driven by the field table of json/model_fields.hpp, plus the
// cross-field rules of SearchAgreements and BatchCreateBillingAdjustmentRequest.
#include "client/validate.hpp"

#include <set>
#include <string>

#include <mpadjust/error.hpp>

#include <cstring>

#include "json/model_fields.hpp"

namespace mpadjust {
inline namespace v1 {
namespace detail {

std::size_t invalid_utf8_offset(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    if (n - i >= 8) {  // the common case: a run of ASCII
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (n - i < len) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const unsigned cc = p[i + k];
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values beyond U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return i;
    i += len;
  }
  return std::string_view::npos;
}

long utf8_length(std::string_view s) noexcept {
  if (invalid_utf8_offset(s) != std::string_view::npos) return -1;
  long n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // lead bytes only
  return n;
}

namespace {

bool in_charset(charset cs, char ch) noexcept {
  unsigned char c = static_cast<unsigned char>(ch);
  bool lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z', digit = c >= '0' && c <= '9';
  switch (cs) {
    case charset::any: return true;
    case charset::id: return lower || upper || digit || c == '_' || c == '/' || c == '-';
    case charset::catalog: return lower || upper || digit || c == '.' || c == '-';
    case charset::alpha: return lower || upper;
    case charset::alpha_us: return lower || upper || c == '_';
    case charset::filter_value:
      return lower || upper || digit || c == '+' || c == ':' || c == '_' || c == '-';
    case charset::next_token:
      return lower || upper || digit || c == '+' || c == '/' || c == '=' || c == '_' || c == '-';
    case charset::client_token: return lower || upper || digit || c == '-';
    case charset::alnum: return lower || upper || digit;
    case charset::upper: return upper;
    case charset::amount: return digit || c == '.';
  }
  return false;
}

// A positive decimal: digits, optionally '.' and 0..8 digits, at least one digit, not zero.
bool valid_amount(std::string_view s) noexcept {
  std::size_t i = 0, int_digits = 0, frac_digits = 0;
  bool nonzero = false;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    nonzero |= s[i] != '0';
    ++i;
    ++int_digits;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      nonzero |= s[i] != '0';
      ++i;
      ++frac_digits;
    }
  }
  return i == s.size() && int_digits + frac_digits > 0 && frac_digits <= 8 && nonzero;
}

[[noreturn]] void fail(const std::string& field, const std::string& message) {
  throw invalid_field(field, message);
}

void check_string(const std::string& field, std::string_view value, const rule& r) {
  long len = utf8_length(value);
  if (len < 0) fail(field, "is not valid UTF-8");
  if (r.enum_values) {
    for (std::size_t i = 0; i < r.enum_count; ++i)
      if (r.enum_values[i] == value) return;
    std::string allowed;
    for (std::size_t i = 0; i < r.enum_count; ++i) {
      if (i) allowed += ", ";
      allowed += r.enum_values[i];
    }
    fail(field, value.empty() ? "is required (one of " + allowed + ")"
                              : "must be one of " + allowed);
  }
  if (r.chars == charset::amount) {
    if (!valid_amount(value))
      fail(field, "must be a positive decimal amount with at most 8 decimal places (e.g. 12.50)");
    return;
  }
  if (r.min_len >= 1 && len == 0) fail(field, "must not be empty");
  if ((r.min_len >= 0 && len < r.min_len) || (r.max_len >= 0 && len > r.max_len)) {
    fail(field, r.min_len == r.max_len
                    ? "must be exactly " + std::to_string(r.min_len) + " characters long"
                    : "must be " + std::to_string(r.min_len) + ".." + std::to_string(r.max_len) +
                          " characters long (got " + std::to_string(len) + ")");
  }
  if (r.chars == charset::any && r.prefix.empty()) return;
  std::string_view rest = value;
  if (!r.prefix.empty()) {
    if (rest.substr(0, r.prefix.size()) != r.prefix) {
      fail(field, std::string("must match ") + (r.pattern_text ? r.pattern_text : ""));
    }
    rest.remove_prefix(r.prefix.size());
    if (rest.empty()) fail(field, std::string("must match ") + r.pattern_text);
  }
  for (char c : rest) {
    if (!in_charset(r.chars, c)) {
      fail(field, std::string("must match ") + (r.pattern_text ? r.pattern_text : "its pattern"));
    }
  }
}

void check_integer(const std::string& field, long long value, const rule& r) {
  if (value < r.min_value || value > r.max_value) {
    fail(field, "must be in " + std::to_string(r.min_value) + ".." + std::to_string(r.max_value) +
                    " (got " + std::to_string(value) + ")");
  }
}

template <class T> struct is_opt : std::false_type {};
template <class T> struct is_opt<std::optional<T>> : std::true_type {};
template <class T> struct is_vec : std::false_type {};
template <class T> struct is_vec<std::vector<T>> : std::true_type {};

struct validator {
  std::string prefix;  // "" or "filters[1]."

  template <class M>
  void operator()(const char* name, const M& m, const rule& r = no_rule) {
    check(prefix + name, m, r);
  }

  template <class M>
  void check(const std::string& field, const M& m, const rule& r) {
    if constexpr (is_opt<M>::value) {
      if (m) check(field, *m, r);
    } else if constexpr (std::is_same<M, std::string>::value) {
      check_string(field, m, r);
    } else if constexpr (std::is_same<M, std::int32_t>::value ||
                         std::is_same<M, std::int64_t>::value) {
      check_integer(field, m, r);
    } else if constexpr (std::is_same<M, bool>::value || std::is_same<M, timestamp>::value) {
      // no constraints in the model
    } else if constexpr (is_vec<M>::value) {
      for (std::size_t i = 0; i < m.size(); ++i) check(field + "[" + std::to_string(i) + "]", m[i], r);
    } else {
      static_assert(is_struct<M>::value, "unhandled member type");
      validator nested{field + "."};
      visit_fields(nested, m);
    }
  }
};

template <class T>
void validate_members(const T& in) {
  validator v;
  visit_fields(v, in);
}

// ---- SearchAgreements filter combinations (the operation documentation's list).
enum filter_bit : unsigned {
  f_agreement_type = 1u << 0,
  f_resource_type = 1u << 1,
  f_resource_identifier = 1u << 2,
  f_acceptor_account_id = 1u << 3,
  f_offer_id = 1u << 4,
  f_offer_set_id = 1u << 5,
  f_status = 1u << 6,
  f_end_time = 1u << 7,  // BeforeEndTime and/or AfterEndTime
};

// Proposer: AgreementType plus one of these "bases", plus any of Status and EndTime.
// Acceptor: the same with fewer bases; ResourceType there takes EndTime but not Status.
bool combination_allowed(bool proposer, unsigned mask) {
  if (!(mask & f_agreement_type)) return false;
  unsigned base = mask & ~(f_agreement_type | f_status | f_end_time);
  bool status = (mask & f_status) != 0;
  if (proposer) {
    static const unsigned bases[] = {0u,
                                     f_resource_type,
                                     f_resource_identifier,
                                     f_acceptor_account_id,
                                     f_acceptor_account_id | f_offer_id,
                                     f_acceptor_account_id | f_resource_identifier,
                                     f_acceptor_account_id | f_resource_type,
                                     f_offer_id,
                                     f_offer_set_id};
    for (unsigned b : bases)
      if (b == base) return true;
    return false;
  }
  static const unsigned bases[] = {0u, f_resource_identifier, f_offer_id, f_offer_set_id};
  for (unsigned b : bases)
    if (b == base) return true;
  return base == f_resource_type && !status;
}

const char* const party_types[] = {"Proposer", "Acceptor"};
const char* const resource_types[] = {"AmiProduct", "ContainerProduct", "SaaSProduct",
                                      "ProfessionalServicesProduct", "MachineLearningProduct"};
const char* const agreement_statuses[] = {"ACTIVE",   "ARCHIVED",    "CANCELLED",
                                          "EXPIRED",  "RENEWED",     "REPLACED",
                                          "ROLLED_BACK", "SUPERSEDED", "TERMINATED"};

template <std::size_t N>
bool one_of(const std::string& v, const char* const (&list)[N]) {
  for (const char* s : list)
    if (v == s) return true;
  return false;
}
template <std::size_t N>
std::string join(const char* const (&list)[N]) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i) out += ", ";
    out += list[i];
  }
  return out;
}

}  // namespace

void validate(const describe_agreement_input& in) { validate_members(in); }
void validate(const get_agreement_terms_input& in) { validate_members(in); }
void validate(const list_agreement_invoice_line_items_input& in) { validate_members(in); }
void validate(const get_billing_adjustment_request_input& in) { validate_members(in); }
void validate(const list_billing_adjustment_requests_input& in) { validate_members(in); }
void validate(const send_agreement_cancellation_request_input& in) { validate_members(in); }
void validate(const get_agreement_cancellation_request_input& in) { validate_members(in); }
void validate(const list_agreement_cancellation_requests_input& in) { validate_members(in); }
void validate(const cancel_agreement_cancellation_request_input& in) { validate_members(in); }

void validate(const search_agreements_input& in) {
  if (in.filters.size() > 10) fail("filters", "at most 10 filters (got " + std::to_string(in.filters.size()) + ")");
  for (std::size_t i = 0; i < in.filters.size(); ++i) {
    const filter& f = in.filters[i];
    std::string at = "filters[" + std::to_string(i) + "]";
    if (!f.name || f.name->empty()) fail(at + ".name", "is required");
    if (f.values.size() != 1)
      fail(at + ".values", "must hold exactly one value (got " + std::to_string(f.values.size()) + ")");
  }
  validate_members(in);
  if (in.filters.empty()) return;

  unsigned mask = 0;
  std::string party;
  for (std::size_t i = 0; i < in.filters.size(); ++i) {
    const std::string& name = *in.filters[i].name;
    const std::string& value = in.filters[i].values[0];
    std::string at = "filters[" + std::to_string(i) + "]";
    unsigned bit = 0;
    if (name == "PartyType") {
      if (!party.empty()) fail(at + ".name", "filter PartyType is given twice");
      if (!one_of(value, party_types)) fail(at + ".values", "PartyType must be one of " + join(party_types));
      party = value;
      continue;
    } else if (name == "AgreementType") {
      bit = f_agreement_type;
    } else if (name == "ResourceType") {
      if (!one_of(value, resource_types))
        fail(at + ".values", "ResourceType must be one of " + join(resource_types));
      bit = f_resource_type;
    } else if (name == "ResourceIdentifier") {
      bit = f_resource_identifier;
    } else if (name == "AcceptorAccountId") {
      if (value.size() != 12 || value.find_first_not_of("0123456789") != std::string::npos)
        fail(at + ".values", "AcceptorAccountId must be a 12-digit AWS account id");
      bit = f_acceptor_account_id;
    } else if (name == "OfferId") {
      bit = f_offer_id;
    } else if (name == "OfferSetId") {
      bit = f_offer_set_id;
    } else if (name == "Status") {
      if (!one_of(value, agreement_statuses))
        fail(at + ".values", "Status must be one of " + join(agreement_statuses));
      bit = f_status;
    } else if (name == "BeforeEndTime" || name == "AfterEndTime") {
      mask |= f_end_time;
      continue;  // both may be given
    } else {
      fail(at + ".name",
           "unknown filter '" + name +
               "' (PartyType, AgreementType, ResourceIdentifier, ResourceType, AcceptorAccountId, "
               "OfferId, OfferSetId, Status, BeforeEndTime, AfterEndTime)");
    }
    if (mask & bit) fail(at + ".name", "filter " + name + " is given twice");
    mask |= bit;
  }
  for (std::size_t i = 0; i < in.filters.size(); ++i) {
    const std::string& name = *in.filters[i].name;
    for (std::size_t j = i + 1; j < in.filters.size(); ++j)
      if (*in.filters[j].name == name)
        fail("filters[" + std::to_string(j) + "].name", "filter " + name + " is given twice");
  }
  if (party.empty()) fail("filters", "a PartyType filter (Proposer or Acceptor) is required");
  if (!combination_allowed(party == "Proposer", mask)) {
    fail("filters",
         "this combination of filters is not supported for PartyType " + party +
             " (it always needs AgreementType; see the SearchAgreements documentation)");
  }
}

void validate(const batch_create_billing_adjustment_request_input& in) {
  const auto& entries = in.billing_adjustment_request_entries;
  if (entries.empty()) fail("billingAdjustmentRequestEntries", "at least one entry is required");
  if (entries.size() > max_batch_entries) {
    fail("billingAdjustmentRequestEntries",
         "at most " + std::to_string(max_batch_entries) + " entries per call (got " +
             std::to_string(entries.size()) + ")");
  }
  validate_members(in);
  std::set<std::string> tokens;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::string at = "billingAdjustmentRequestEntries[" + std::to_string(i) + "]";
    if (entries[i].agreement_id != entries[0].agreement_id) {
      fail(at + ".agreementId",
           "all entries of one call must be for the same agreement (entry 0 is for " +
               entries[0].agreement_id + ")");
    }
    if (!tokens.insert(entries[i].client_token).second) {
      fail(at + ".clientToken", "client token '" + entries[i].client_token +
                                    "' is used by another entry: each entry needs its own");
    }
  }
}

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
