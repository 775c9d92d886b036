// money: exact decimal amounts (integer + 1e-8 units), ISO 4217 minor units, totals.
// No floating point anywhere on purpose.
#include <mpadjust/money.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <iterator>

namespace mpadjust {
inline namespace v1 {

namespace {

[[noreturn]] void fail(std::string_view field, const std::string& message) {
  if (field.empty()) throw error(MPADJUST_EINVALID, message);
  throw invalid_field(std::string(field), message);
}

// The text quoted for an error message: printable ASCII kept, anything else as \xHH,
// long inputs shortened.
std::string quoted(std::string_view text) {
  constexpr std::size_t limit = 48;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(c));
      out += buf;
    }
  }
  if (text.size() > limit) out += "...";
  out += '"';
  return out;
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string plural(int n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// ISO 4217 codes and their minor units (ISO 4217 "List one", current currencies and funds).
// Kept sorted for binary search (checked at compile time below). Codes whose minor unit ISO
// gives as "N.A." (XAU, XAG, XPD, XPT, XDR, XBA-XBD, XSU, XUA, XTS, XXX) are left out on
// purpose: they are handled as unknown codes.
struct iso_entry {
  char code[4];
  int minor;
};
constexpr iso_entry iso_table[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2},
    {"ANG", 2},  // replaced by XCG (2025); kept for older invoices
    {"AOA", 2}, {"ARS", 2}, {"AUD", 2}, {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2},
    {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2}, {"BOB", 2},
    {"BOV", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2},
    {"CAD", 2}, {"CDF", 2}, {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4}, {"CLP", 0},
    {"CNY", 2}, {"COP", 2}, {"COU", 2}, {"CRC", 2},
    {"CUC", 2},  // being withdrawn; kept for older invoices
    {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2},
    {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2},
    {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2}, {"GNF", 0}, {"GTQ", 2}, {"GYD", 2},
    {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2},
    {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3}, {"JPY", 0}, {"KES", 2},
    {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3}, {"KYD", 2},
    {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3},
    {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2},
    {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MXV", 2}, {"MYR", 2},
    {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2},
    {"OMR", 3}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2},
    {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2}, {"RWF", 0}, {"SAR", 2},
    {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2}, {"SHP", 2}, {"SLE", 2},
    {"SLL", 2},  // replaced by SLE; kept for older invoices
    {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2}, {"SZL", 2},
    {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2},
    {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"USN", 2}, {"UYI", 0},
    {"UYU", 2}, {"UYW", 4}, {"UZS", 2}, {"VED", 2}, {"VES", 2}, {"VND", 0}, {"VUV", 0},
    {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XCG", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2},
    {"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2},
    {"ZWL", 2},  // replaced by ZWG (2024); kept for older invoices
};

constexpr bool code_less(const iso_entry& a, const iso_entry& b) noexcept {
  for (int i = 0; i < 3; ++i) {
    if (a.code[i] != b.code[i]) return a.code[i] < b.code[i];
  }
  return false;
}

constexpr bool table_sorted() noexcept {
  for (std::size_t i = 1; i < sizeof iso_table / sizeof iso_table[0]; ++i) {
    if (!code_less(iso_table[i - 1], iso_table[i])) return false;
  }
  return true;
}
static_assert(table_sorted(), "iso_table must be sorted by code, without duplicates");

constexpr std::uint32_t pow10_u32(int n) noexcept {
  std::uint32_t v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

}  // namespace

// ------------------------------------------------------------------------------- amount

amount amount::parse(std::string_view text, std::string_view field) {
  if (text.empty()) fail(field, "is empty; expected a decimal amount such as 12.50");
  for (char c : text) {
    if (is_space(c)) {
      fail(field, quoted(text) + " contains whitespace; write only digits and an optional '.', e.g. 12.50");
    }
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      fail(field, quoted(text) + " contains a non-ASCII character; only the ASCII digits 0-9 and '.' are allowed");
    }
  }
  if (text.front() == '-' || text.front() == '+') {
    fail(field, quoted(text) + " has a sign ('" + std::string(1, text.front()) +
                    "'); amounts are written without a sign, e.g. 12.50");
  }
  if ((is_digit(text.front()) || text.front() == '.') &&
      text.find_first_of("eE") != std::string_view::npos) {
    fail(field, quoted(text) + " uses exponent notation; write the digits out, e.g. 100000 instead of 1e5");
  }
  if (text.find(',') != std::string_view::npos) {
    fail(field, quoted(text) + " contains ','; digit grouping and decimal commas are not allowed: "
                    "use '.' as the decimal point and no separators, e.g. 1000.00");
  }
  std::size_t dot = std::string_view::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_digit(c)) continue;
    if (c == '.') {
      if (dot != std::string_view::npos) fail(field, quoted(text) + " has more than one '.'");
      dot = i;
      continue;
    }
    const auto uc = static_cast<unsigned char>(c);
    std::string shown = (uc >= 0x20 && uc < 0x7f) ? std::string("'") + c + "'" : quoted(text.substr(i, 1));
    fail(field, quoted(text) + " contains the invalid character " + shown + " at position " +
                    std::to_string(i + 1) + "; only digits and one '.' are allowed");
  }
  std::string_view int_digits = text.substr(0, dot);
  std::string_view frac_digits =
      dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (int_digits.empty() && frac_digits.empty()) fail(field, quoted(text) + " has no digits");
  if (frac_digits.size() > static_cast<std::size_t>(max_decimals)) {
    fail(field, quoted(text) + " has " + plural(static_cast<int>(frac_digits.size()), "decimal") +
                    "; at most 8 are allowed");
  }
  while (int_digits.size() > 1 && int_digits.front() == '0') int_digits.remove_prefix(1);
  if (int_digits.size() > static_cast<std::size_t>(max_integer_digits)) {
    fail(field, quoted(text) + " is too large; the maximum is " + amount::max().to_string());
  }
  std::uint64_t i = 0;
  for (char c : int_digits) i = i * 10 + static_cast<std::uint64_t>(c - '0');
  std::uint32_t f = 0;
  for (char c : frac_digits) f = f * 10 + static_cast<std::uint32_t>(c - '0');
  f *= pow10_u32(max_decimals - static_cast<int>(frac_digits.size()));
  return amount(i, f);
}

amount amount::parse_positive(std::string_view text, std::string_view field) {
  amount a = parse(text, field);
  if (a.is_zero()) fail(field, quoted(text) + " is zero; it must be greater than zero");
  return a;
}

amount amount::from_parts(std::uint64_t integer, std::uint32_t fraction) {
  if (integer > max_integer) {
    throw error(MPADJUST_EINVALID, "amount integer part " + std::to_string(integer) +
                                       " is too large; the maximum is " + std::to_string(max_integer));
  }
  if (fraction >= fraction_scale) {
    throw error(MPADJUST_EINVALID, "amount fraction " + std::to_string(fraction) +
                                       " must be below 100000000 (units of 1e-8)");
  }
  return amount(integer, fraction);
}

int amount::decimals() const noexcept {
  if (frac_ == 0) return 0;
  int d = max_decimals;
  std::uint32_t f = frac_;
  while (f % 10 == 0) {
    f /= 10;
    --d;
  }
  return d;
}

std::string amount::to_string() const { return to_string(0); }

std::string amount::to_string(int min_decimals) const {
  min_decimals = std::clamp(min_decimals, 0, max_decimals);
  std::string out = std::to_string(int_);
  const int d = std::max(min_decimals, decimals());
  if (d > 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08u", static_cast<unsigned>(frac_));
    out += '.';
    out.append(buf, static_cast<std::size_t>(d));
  }
  return out;
}

std::string amount::display(int min_decimals) const {
  const std::string plain = to_string(min_decimals);
  const std::size_t dot = plain.find('.');
  const std::size_t int_len = dot == std::string::npos ? plain.size() : dot;
  std::string out;
  out.reserve(plain.size() + int_len / 3);
  for (std::size_t i = 0; i < int_len; ++i) {
    if (i > 0 && (int_len - i) % 3 == 0) out += ',';
    out += plain[i];
  }
  out.append(plain, int_len, std::string::npos);
  return out;
}

amount amount::plus(const amount& other, std::string_view field) const {
  std::uint32_t f = frac_ + other.frac_;  // < 2 * 10^8, fits
  std::uint64_t carry = 0;
  if (f >= fraction_scale) {
    f -= fraction_scale;
    carry = 1;
  }
  // Each integer part is < 10^18, so the sum (< 2 * 10^18 + 1) cannot wrap a uint64.
  const std::uint64_t i = int_ + other.int_ + carry;
  if (i > max_integer) {
    fail(field, "amount overflow: " + to_string() + " + " + other.to_string() +
                    " exceeds the maximum " + amount::max().to_string());
  }
  return amount(i, f);
}

amount amount::minus(const amount& other, std::string_view field) const {
  if (*this < other) {
    fail(field, "cannot subtract " + other.to_string() + " from " + to_string() +
                    ": amounts cannot be negative");
  }
  std::uint64_t i = int_ - other.int_;
  std::uint32_t f;
  if (frac_ >= other.frac_) {
    f = frac_ - other.frac_;
  } else {
    f = frac_ + fraction_scale - other.frac_;
    i -= 1;  // cannot wrap: *this >= other and the fractions differ in other's favour
  }
  return amount(i, f);
}

// ------------------------------------------------------------------------------- currency

std::optional<int> iso4217_minor_units(std::string_view code) noexcept {
  if (code.size() != 3) return std::nullopt;
  iso_entry key{{code[0], code[1], code[2], '\0'}, 0};
  const auto* begin = std::begin(iso_table);
  const auto* end = std::end(iso_table);
  const auto* it = std::lower_bound(begin, end, key, code_less);
  if (it == end || code_less(key, *it)) return std::nullopt;
  return it->minor;
}

currency currency::parse(std::string_view code, std::string_view field) {
  if (code.empty()) fail(field, "is empty; expected a 3-letter ISO 4217 currency code, e.g. USD");
  bool ok = code.size() == 3;
  for (char c : code) ok = ok && c >= 'A' && c <= 'Z';
  if (!ok) {
    fail(field, quoted(code) +
                    " is not a currency code; it must be 3 upper-case letters (ISO 4217), e.g. USD");
  }
  if (auto minor = iso4217_minor_units(code)) {
    return currency(std::string(code), *minor, true, std::string(field));
  }
  return currency(std::string(code), amount::max_decimals, false, std::string(field));
}

std::string currency::warning() const {
  if (known_) return {};
  std::string prefix = field_.empty() ? std::string() : field_ + ": ";
  return prefix + code_ +
         " is not an ISO 4217 currency mpadjust knows; amounts are checked only against the "
         "API's limit of 8 decimals";
}

void currency::check(const amount& a, std::string_view field) const {
  const int d = a.decimals();
  if (d <= minor_units_) return;
  std::string allowed = minor_units_ == 0 ? code_ + " has no minor unit"
                                          : code_ + " allows " + plural(minor_units_, "decimal");
  fail(field, allowed + "; " + a.to_string() + " has " + plural(d, "decimal"));
}

// ------------------------------------------------------------------------------- money

money::money(amount value, currency cur, std::string_view amount_field)
    : value_(value), currency_(std::move(cur)) {
  currency_.check(value_, amount_field);
}

money money::parse(std::string_view amount_text, std::string_view currency_code,
                   std::string_view amount_field, std::string_view currency_field) {
  currency c = currency::parse(currency_code, currency_field);
  amount a = amount::parse(amount_text, amount_field);
  return money(a, std::move(c), amount_field);
}

money money::parse_positive(std::string_view amount_text, std::string_view currency_code,
                            std::string_view amount_field, std::string_view currency_field) {
  currency c = currency::parse(currency_code, currency_field);
  amount a = amount::parse_positive(amount_text, amount_field);
  return money(a, std::move(c), amount_field);
}

std::string money::api_text() const {
  return value_.to_string(currency_.known() ? currency_.minor_units() : 0);
}

std::string money::display() const {
  return value_.display(currency_.known() ? currency_.minor_units() : 0) + " " + currency_.code();
}

namespace {
void same_currency(const money& a, const money& b, const char* verb, const char* prep,
                   std::string_view field) {
  if (a.cur() != b.cur()) {
    fail(field, std::string("cannot ") + verb + " " + b.currency_code() + " " + prep + " " +
                    a.currency_code() + ": currencies differ");
  }
}
}  // namespace

money money::plus(const money& other, std::string_view field) const {
  same_currency(*this, other, "add", "to", field);
  return money(value_.plus(other.value_, field), currency_, field);
}

money money::minus(const money& other, std::string_view field) const {
  same_currency(*this, other, "subtract", "from", field);
  return money(value_.minus(other.value_, field), currency_, field);
}

// ------------------------------------------------------------------------------- totals

void totals::add(const money& m, std::string_view field) {
  auto it = by_code_.find(m.currency_code());
  if (it == by_code_.end()) {
    by_code_.emplace(m.currency_code(), m);
  } else {
    it->second = it->second.plus(m, field);  // throws before assigning: totals unchanged
  }
}

std::optional<money> totals::get(std::string_view currency_code) const {
  auto it = by_code_.find(currency_code);
  if (it == by_code_.end()) return std::nullopt;
  return it->second;
}

std::vector<money> totals::items() const {
  std::vector<money> out;
  out.reserve(by_code_.size());
  for (const auto& kv : by_code_) out.push_back(kv.second);
  return out;
}

std::string totals::display() const {
  std::string out;
  for (const auto& kv : by_code_) {
    if (!out.empty()) out += ", ";
    out += kv.second.display();
  }
  return out;
}

}  // namespace v1
}  // namespace mpadjust
