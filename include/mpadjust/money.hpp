// mpadjust/money.hpp - exact decimal amounts, ISO 4217 currencies, money and per-currency totals.
//
// No floating point is used anywhere: an amount is a whole part (0..10^18-1) and a fraction
// counted in 1e-8 units (0..99999999), exactly the precision of the API's amount text
// (`PositiveAmountUpto8Decimals`, pattern `[0-9]*(\.[0-9]{0,8})?`).
//
// Accepted amount text (amount::parse):
//   - ASCII digits with at most one '.', at most 8 digits after it, at least one digit overall:
//     "12", "12.50", "0.00000001", "5." (= 5) and ".5" (= 0.5) are accepted because the API's
//     pattern accepts them; leading zeros ("007.10") are accepted.
//   - rejected, each with its own message naming the field: "" (empty), "." (no digits), a sign
//     ("+1", "-1"), an exponent ("1e5"), a comma or grouping ("1,000.00", "12,50"), whitespace
//     anywhere (" 12", "12 "), non-ASCII characters (e.g. fullwidth or Arabic-Indic digits),
//     any other character, a second '.', more than 8 decimals, more than 18 integer digits
//     (after leading zeros).
// Printing is canonical and separate from display: to_string() gives the shortest exact text
// ("5." -> "5", ".5" -> "0.5", "007.10" -> "7.1"); to_string(n) pads to at least n decimals
// ("12.50"); display() adds thousands separators ("1,234.50") and is for humans only, never for
// the API.
//
// Amounts are never negative: subtracting a larger amount throws (MPADJUST_EINVALID); compare
// first when "below zero" is a normal outcome for the caller. Addition above max() throws.
//
// Thread safety: all types are values; const operations may run concurrently.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mpadjust/error.hpp>

namespace mpadjust {
inline namespace v1 {

// An exact, non-negative decimal amount with up to 8 decimals.
// Maximum: 999999999999999999.99999999 (18 integer digits).
class amount {
 public:
  static constexpr int max_decimals = 8;
  static constexpr int max_integer_digits = 18;
  static constexpr std::uint64_t max_integer = 999999999999999999ULL;  // 10^18 - 1
  static constexpr std::uint32_t fraction_scale = 100000000U;          // 10^8

  // Zero.
  constexpr amount() noexcept = default;

  // Parses the API's amount text (rules above). Throws mpadjust::error(MPADJUST_EINVALID)
  // whose message starts with "<field>: " and whose field() is `field`.
  static amount parse(std::string_view text, std::string_view field);
  // As parse(), and also rejects zero ("<field>: must be greater than zero").
  static amount parse_positive(std::string_view text, std::string_view field);
  // Builds integer + fraction/10^8. Throws MPADJUST_EINVALID when integer > max_integer or
  // fraction >= fraction_scale.
  static amount from_parts(std::uint64_t integer, std::uint32_t fraction);
  static constexpr amount max() noexcept { return amount(max_integer, fraction_scale - 1); }

  std::uint64_t integer_part() const noexcept { return int_; }
  // The fraction in units of 1e-8 (0..99999999): 12.5 -> 50000000.
  std::uint32_t fraction_units() const noexcept { return frac_; }
  bool is_zero() const noexcept { return int_ == 0 && frac_ == 0; }
  // Number of significant decimals (0..8): 12.50 -> 1, 12 -> 0, 0.00000001 -> 8.
  int decimals() const noexcept;

  // Canonical shortest text: "0", "12.5", "1000". Always valid API text.
  std::string to_string() const;
  // At least min_decimals decimals (clamped to 0..8), more when significant: to_string(2) of
  // 12.5 is "12.50", of 1.005 is "1.005". Always valid API text.
  std::string to_string(int min_decimals) const;
  // Human display with ',' thousands separators: "1,234,567.50" (display(2)). Never send it.
  std::string display(int min_decimals = 0) const;

  // Checked arithmetic. Throws mpadjust::error(MPADJUST_EINVALID): sum above max() ("amount
  // overflow"), or a difference below zero. The message is prefixed with `field` when given.
  amount plus(const amount& other, std::string_view field = {}) const;
  amount minus(const amount& other, std::string_view field = {}) const;
  amount operator+(const amount& other) const { return plus(other); }
  amount operator-(const amount& other) const { return minus(other); }
  amount& operator+=(const amount& other) { return *this = plus(other); }
  amount& operator-=(const amount& other) { return *this = minus(other); }

  friend bool operator==(const amount& a, const amount& b) noexcept {
    return a.int_ == b.int_ && a.frac_ == b.frac_;
  }
  friend bool operator!=(const amount& a, const amount& b) noexcept { return !(a == b); }
  friend bool operator<(const amount& a, const amount& b) noexcept {
    return a.int_ != b.int_ ? a.int_ < b.int_ : a.frac_ < b.frac_;
  }
  friend bool operator>(const amount& a, const amount& b) noexcept { return b < a; }
  friend bool operator<=(const amount& a, const amount& b) noexcept { return !(b < a); }
  friend bool operator>=(const amount& a, const amount& b) noexcept { return !(a < b); }

 private:
  constexpr amount(std::uint64_t i, std::uint32_t f) noexcept : int_(i), frac_(f) {}
  std::uint64_t int_ = 0;
  std::uint32_t frac_ = 0;
};

// ISO 4217 minor units (number of decimals) of an active code mpadjust knows, e.g. USD -> 2,
// JPY -> 0, KWD -> 3, CLF -> 4; nullopt for codes not in the table (including the metals and
// other codes whose minor unit ISO lists as "N.A.", e.g. XAU, XDR).
std::optional<int> iso4217_minor_units(std::string_view code) noexcept;

// A currency code: exactly 3 upper-case ASCII letters (the API's CurrencyCode).
class currency {
 public:
  // Throws MPADJUST_EINVALID ("<field>: ... must be 3 upper-case letters (ISO 4217), e.g. USD")
  // for anything else ("usd", "US", "US$", "").
  // A well-formed code missing from the ISO table is accepted: known() is false, minor_units()
  // is 8 (the API's limit) and warning() says so, for the caller to show.
  static currency parse(std::string_view code, std::string_view field);

  const std::string& code() const noexcept { return code_; }
  int minor_units() const noexcept { return minor_units_; }
  bool known() const noexcept { return known_; }
  // "" for a known code, else e.g. "currencyCode: XQQ is not an ISO 4217 currency mpadjust
  // knows; amounts are checked only against the API's limit of 8 decimals".
  std::string warning() const;

  // Throws MPADJUST_EINVALID naming `field` when `a` has more significant decimals than this
  // currency allows: "amount: JPY has no minor unit; 100.5 has 1 decimal",
  // "amount: USD allows 2 decimals; 1.005 has 3 decimals". Trailing zeros do not count:
  // "100.00" is a valid JPY amount (printed "100").
  void check(const amount& a, std::string_view field) const;

  friend bool operator==(const currency& a, const currency& b) noexcept { return a.code_ == b.code_; }
  friend bool operator!=(const currency& a, const currency& b) noexcept { return !(a == b); }

 private:
  currency(std::string code, int minor_units, bool known, std::string field)
      : code_(std::move(code)), minor_units_(minor_units), known_(known), field_(std::move(field)) {}
  std::string code_;
  int minor_units_;
  bool known_;
  std::string field_;  // for warning()
};

// An amount in a currency; the amount always fits the currency's minor units.
class money {
 public:
  // Throws MPADJUST_EINVALID (naming amount_field) when `value` has too many decimals.
  money(amount value, currency cur, std::string_view amount_field = "amount");
  // Parses both texts and checks the decimals; errors name the respective field.
  static money parse(std::string_view amount_text, std::string_view currency_code,
                     std::string_view amount_field = "amount",
                     std::string_view currency_field = "currencyCode");
  // As parse() but zero is rejected (a refund must be positive).
  static money parse_positive(std::string_view amount_text, std::string_view currency_code,
                              std::string_view amount_field = "amount",
                              std::string_view currency_field = "currencyCode");

  const amount& value() const noexcept { return value_; }
  const currency& cur() const noexcept { return currency_; }
  const std::string& currency_code() const noexcept { return currency_.code(); }

  // The amount as API text, padded to the currency's minor units (USD 12.5 -> "12.50",
  // JPY 100 -> "100"); for an unknown currency the shortest text ("12.5").
  std::string api_text() const;
  // For humans: "1,234.50 USD". Never send it to the API.
  std::string display() const;

  // Same-currency checked arithmetic; a different currency throws MPADJUST_EINVALID
  // ("cannot add EUR to USD"). Errors are prefixed with `field` when given.
  money plus(const money& other, std::string_view field = {}) const;
  money minus(const money& other, std::string_view field = {}) const;

  // Equal when both currency and amount are equal. Ordering across currencies is meaningless:
  // use value() after checking the currency.
  friend bool operator==(const money& a, const money& b) noexcept {
    return a.currency_ == b.currency_ && a.value_ == b.value_;
  }
  friend bool operator!=(const money& a, const money& b) noexcept { return !(a == b); }

 private:
  amount value_;
  currency currency_;
};

// Per-currency sums that never mix currencies. Iteration order: currency code.
class totals {
 public:
  // Adds m to the total of its currency. Throws MPADJUST_EINVALID (prefixed with `field`) on
  // overflow; the totals are unchanged then.
  void add(const money& m, std::string_view field = {});
  // The total of one currency, nullopt when nothing was added in it.
  std::optional<money> get(std::string_view currency_code) const;
  bool empty() const noexcept { return by_code_.empty(); }
  std::size_t size() const noexcept { return by_code_.size(); }
  // One money per currency, sorted by code.
  std::vector<money> items() const;
  // For humans, in code order: "100 JPY, 1,234.50 USD" ("" when empty).
  std::string display() const;

 private:
  std::map<std::string, money, std::less<>> by_code_;
};

}  // namespace v1
}  // namespace mpadjust
