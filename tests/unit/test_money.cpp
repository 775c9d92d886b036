// Tests of mpadjust/money.hpp. Expected values are written out by hand from the API pattern
// `[0-9]*(\.[0-9]{0,8})?` and the ISO 4217 minor-unit column, never taken from our output.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <mpadjust/money.hpp>

using mpadjust::amount;
using mpadjust::currency;
using mpadjust::money;
using mpadjust::totals;

namespace {

// Runs f, expects an mpadjust::error with MPADJUST_EINVALID naming `field`, returns its message.
template <class F>
std::string invalid_message(F&& f, const std::string& field) {
  try {
    f();
  } catch (const mpadjust::error& e) {
    CHECK(e.status() == MPADJUST_EINVALID);
    CHECK(e.field() == field);
    std::string msg = e.what();
    if (!field.empty()) CHECK(msg.rfind(field + ": ", 0) == 0);
    return msg;
  }
  FAIL("no mpadjust::error thrown");
  return {};
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("money: valid amount texts parse to exact values") {
  struct row {
    const char* text;
    std::uint64_t integer;
    std::uint32_t fraction;  // units of 1e-8
    const char* canonical;
  };
  const row rows[] = {
      {"0", 0, 0, "0"},
      {"0.0", 0, 0, "0"},
      {"12", 12, 0, "12"},
      {"12.5", 12, 50000000, "12.5"},
      {"12.50", 12, 50000000, "12.5"},
      {"12.05", 12, 5000000, "12.05"},
      {"0.00000001", 0, 1, "0.00000001"},
      {"0.99999999", 0, 99999999, "0.99999999"},
      {"5.", 5, 0, "5"},
      {".5", 0, 50000000, "0.5"},
      {"007.10", 7, 10000000, "7.1"},
      {"000", 0, 0, "0"},
      {"1000000000000", 1000000000000ULL, 0, "1000000000000"},  // 10^12 units
      {"999999999999999999.99999999", 999999999999999999ULL, 99999999,
       "999999999999999999.99999999"},
      {"0000000000000000000001", 1, 0, "1"},  // leading zeros do not count as digits
      {"18446744073709551.61", 18446744073709551ULL, 61000000, "18446744073709551.61"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.text);
    const amount a = amount::parse(r.text, "amount");
    CHECK(a.integer_part() == r.integer);
    CHECK(a.fraction_units() == r.fraction);
    CHECK(a.to_string() == r.canonical);
    // The canonical text parses back to the same value.
    CHECK(amount::parse(a.to_string(), "amount") == a);
  }
}

TEST_CASE("money: invalid amount texts are rejected with a message naming the field") {
  // (text, a phrase the message must contain)
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"", "is empty"},
      {".", "has no digits"},
      {"-1", "has a sign ('-')"},
      {"+1", "has a sign ('+')"},
      {"-0.5", "has a sign"},
      {"1e5", "exponent notation"},
      {"1E5", "exponent notation"},
      {"1.5e-3", "exponent notation"},
      {"1,000.00", "contains ','"},
      {"12,50", "contains ','"},
      {"1.123456789", "has 9 decimals; at most 8 are allowed"},
      {" 12", "contains whitespace"},
      {"12 ", "contains whitespace"},
      {"1 000", "contains whitespace"},
      {"12\n", "contains whitespace"},
      {"\t12", "contains whitespace"},
      {"\xEF\xBC\x91\xEF\xBC\x92", "non-ASCII"},      // fullwidth "１２"
      {"\xD9\xA1\xD9\xA2", "non-ASCII"},              // Arabic-Indic "١٢"
      {"12\xC2\xA0" "00", "non-ASCII"},               // no-break space inside
      {"$12", "invalid character '$' at position 1"},
      {"USD12", "invalid character 'U' at position 1"},
      {"12abc", "invalid character 'a' at position 3"},
      {"0x10", "invalid character 'x' at position 2"},
      {"1.2.3", "more than one '.'"},
      {"12..", "more than one '.'"},
      {std::string("12\0", 3), "invalid character \"\\x00\" at position 3"},
      {"1000000000000000000", "too large; the maximum is 999999999999999999.99999999"},
      {"99999999999999999999999", "too large"},
      {"NaN", "invalid character 'N'"},
      {"inf", "invalid character 'i'"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.first);
    const std::string msg = invalid_message([&] { (void)amount::parse(r.first, "entries[3].amount"); },
                                            "entries[3].amount");
    CHECK_MESSAGE(contains(msg, r.second), msg);
  }
}

TEST_CASE("money: zero is rejected where a positive amount is required") {
  for (const char* z : {"0", "0.00", ".0", "0.", "00.00000000"}) {
    CAPTURE(z);
    CHECK(amount::parse(z, "a").is_zero());
    const std::string msg =
        invalid_message([&] { (void)amount::parse_positive(z, "refund.amount"); }, "refund.amount");
    CHECK(contains(msg, "must be greater than zero"));
  }
  CHECK(amount::parse_positive("0.00000001", "a").fraction_units() == 1);
  invalid_message([] { (void)money::parse_positive("0.00", "USD", "e.amount", "e.cur"); }, "e.amount");
}

TEST_CASE("money: printing pads, trims and groups exactly") {
  const amount a = amount::parse("1234567.5", "a");
  CHECK(a.to_string() == "1234567.5");
  CHECK(a.to_string(2) == "1234567.50");
  CHECK(a.to_string(0) == "1234567.5");
  CHECK(a.to_string(8) == "1234567.50000000");
  CHECK(a.to_string(99) == "1234567.50000000");  // clamped
  CHECK(a.display(2) == "1,234,567.50");
  CHECK(amount::parse("1.005", "a").to_string(2) == "1.005");  // never drops significant digits
  CHECK(amount().to_string() == "0");
  CHECK(amount().to_string(2) == "0.00");
  CHECK(amount().display() == "0");
  CHECK(amount::parse("999", "a").display() == "999");
  CHECK(amount::parse("1000", "a").display() == "1,000");
  CHECK(amount::parse("100000", "a").display(2) == "100,000.00");
  CHECK(amount::max().display() == "999,999,999,999,999,999.99999999");
  CHECK(amount::parse("12.50", "a").decimals() == 1);
  CHECK(amount::parse("0.00000001", "a").decimals() == 8);
  CHECK(amount::parse("7", "a").decimals() == 0);
}

TEST_CASE("money: comparison is exact") {
  const amount a = amount::parse("10.1", "a");
  const amount b = amount::parse("10.10000000", "b");
  const amount c = amount::parse("10.09999999", "c");
  const amount d = amount::parse("9.99999999", "d");
  CHECK(a == b);
  CHECK(c < a);
  CHECK(a > c);
  CHECK(d < c);
  CHECK(a <= b);
  CHECK(a >= b);
  CHECK(a != c);
  CHECK(amount::parse("2", "x") > amount::parse("1.99999999", "y"));
  CHECK(amount::parse("0.3", "x") == amount::parse("0.1", "y") + amount::parse("0.2", "z"));
}

TEST_CASE("money: addition and subtraction carry and borrow") {
  CHECK((amount::parse("0.99999999", "a") + amount::parse("0.00000001", "b")).to_string() == "1");
  CHECK((amount::parse("999.5", "a") + amount::parse("0.5", "b")).to_string() == "1000");
  CHECK((amount::parse("1", "a") - amount::parse("0.00000001", "b")).to_string() == "0.99999999");
  CHECK((amount::parse("1000", "a") - amount::parse("0.01", "b")).to_string() == "999.99");
  CHECK((amount::parse("12.34", "a") - amount::parse("12.34", "b")).is_zero());
  amount acc;
  for (int i = 0; i < 1000; ++i) acc += amount::parse("0.01", "a");
  CHECK(acc.to_string() == "10");  // 1000 x 0.01, exact (a double sum gives 9.999999999999831)
  acc -= amount::parse("2.5", "a");
  CHECK(acc.to_string(2) == "7.50");
  // 10^12 + 10^12 fits (amounts up to well beyond 10^12 units must work).
  CHECK((amount::parse("1000000000000.01", "a") + amount::parse("1000000000000.99", "b")).to_string() ==
        "2000000000001");
}

TEST_CASE("money: overflow and negative results are errors") {
  const amount max = amount::max();
  const std::string m1 = invalid_message([&] { (void)max.plus(amount::parse("0.00000001", "a"), "total"); },
                                         "total");
  CHECK(contains(m1, "amount overflow"));
  invalid_message([&] { (void)(max + max); }, "");
  CHECK((max + amount()).to_string() == "999999999999999999.99999999");
  const std::string m2 = invalid_message(
      [] { (void)amount::parse("1", "a").minus(amount::parse("1.00000001", "b"), "remaining"); }, "remaining");
  CHECK(contains(m2, "cannot subtract 1.00000001 from 1"));
  invalid_message([] { (void)amount::from_parts(1000000000000000000ULL, 0); }, "");
  invalid_message([] { (void)amount::from_parts(0, 100000000U); }, "");
  CHECK(amount::from_parts(3, 14000000).to_string() == "3.14");
}

TEST_CASE("money: ISO 4217 minor units") {
  struct row {
    const char* code;
    int minor;
  };
  const row rows[] = {{"USD", 2}, {"EUR", 2}, {"GBP", 2}, {"AUD", 2}, {"CAD", 2}, {"CHF", 2},
                      {"NZD", 2}, {"SEK", 2}, {"INR", 2}, {"BRL", 2}, {"CNY", 2}, {"HUF", 2},
                      {"JPY", 0}, {"KRW", 0}, {"ISK", 0}, {"CLP", 0}, {"VND", 0}, {"XOF", 0},
                      {"BHD", 3}, {"KWD", 3}, {"JOD", 3}, {"OMR", 3}, {"TND", 3}, {"IQD", 3},
                      {"LYD", 3}, {"CLF", 4}, {"UYW", 4}};
  for (const auto& r : rows) {
    CAPTURE(r.code);
    REQUIRE(mpadjust::iso4217_minor_units(r.code).has_value());
    CHECK(*mpadjust::iso4217_minor_units(r.code) == r.minor);
    const currency c = currency::parse(r.code, "currencyCode");
    CHECK(c.known());
    CHECK(c.minor_units() == r.minor);
    CHECK(c.warning().empty());
  }
  for (const char* unknown : {"XAU", "XXX", "QQQ", "ABC", "usd", "US", "USDX", ""}) {
    CAPTURE(unknown);
    CHECK_FALSE(mpadjust::iso4217_minor_units(unknown).has_value());
  }
}

TEST_CASE("money: currency codes are validated; unknown codes warn and allow 8 decimals") {
  for (const char* bad : {"usd", "US", "USDX", "US$", "U D", "", "ÉUR"}) {
    CAPTURE(bad);
    const std::string msg =
        invalid_message([&] { (void)currency::parse(bad, "entries[0].currencyCode"); }, "entries[0].currencyCode");
    CHECK((contains(msg, "3 upper-case letters") || contains(msg, "is empty")));
  }
  const currency q = currency::parse("QQQ", "entries[0].currencyCode");
  CHECK_FALSE(q.known());
  CHECK(q.minor_units() == 8);
  CHECK(contains(q.warning(), "entries[0].currencyCode: QQQ is not an ISO 4217 currency"));
  const money m = money::parse("1.12345678", "QQQ");
  CHECK(m.api_text() == "1.12345678");
  CHECK(money::parse("2.50", "QQQ").api_text() == "2.5");
}

TEST_CASE("money: amounts with more decimals than the currency allows are rejected") {
  const std::string jpy = invalid_message(
      [] { (void)money::parse("100.5", "JPY", "entries[1].adjustmentAmount", "entries[1].currencyCode"); },
      "entries[1].adjustmentAmount");
  CHECK(jpy == "entries[1].adjustmentAmount: JPY has no minor unit; 100.5 has 1 decimal");
  const std::string usd = invalid_message([] { (void)money::parse("1.005", "USD"); }, "amount");
  CHECK(usd == "amount: USD allows 2 decimals; 1.005 has 3 decimals");
  const std::string kwd = invalid_message([] { (void)money::parse("1.0001", "KWD"); }, "amount");
  CHECK(kwd == "amount: KWD allows 3 decimals; 1.0001 has 4 decimals");
  // Trailing zeros are not significant.
  CHECK(money::parse("100.00", "JPY").api_text() == "100");
  CHECK(money::parse("1.500", "KWD").api_text() == "1.500");
  CHECK(money::parse("12.5", "USD").api_text() == "12.50");
  CHECK(money::parse("1234.5", "USD").display() == "1,234.50 USD");
  CHECK(money::parse("1234567", "JPY").display() == "1,234,567 JPY");
  // The currency is checked first, and a bad currency names its own field.
  invalid_message([] { (void)money::parse("1.00", "usd", "x.amount", "x.currencyCode"); }, "x.currencyCode");
}

TEST_CASE("money: money arithmetic never mixes currencies") {
  const money a = money::parse("10.25", "USD");
  const money b = money::parse("0.75", "USD");
  CHECK(a.plus(b).api_text() == "11.00");
  CHECK(a.minus(b).api_text() == "9.50");
  const std::string msg =
      invalid_message([&] { (void)a.plus(money::parse("1", "EUR"), "total"); }, "total");
  CHECK(contains(msg, "cannot add EUR to USD"));
  CHECK(a == money::parse("10.250", "USD"));
  CHECK(a != money::parse("10.25", "EUR"));
}

TEST_CASE("money: totals accumulate per currency") {
  totals t;
  CHECK(t.empty());
  CHECK(t.display().empty());
  t.add(money::parse("1000.10", "USD"));
  t.add(money::parse("500", "JPY"));
  t.add(money::parse("234.40", "USD"));
  t.add(money::parse("0.001", "KWD"));
  t.add(money::parse("1500", "JPY"));
  CHECK(t.size() == 3);
  REQUIRE(t.get("USD").has_value());
  CHECK(t.get("USD")->api_text() == "1234.50");
  CHECK(t.get("JPY")->api_text() == "2000");
  CHECK_FALSE(t.get("EUR").has_value());
  const auto items = t.items();
  REQUIRE(items.size() == 3);
  CHECK(items[0].currency_code() == "JPY");
  CHECK(items[1].currency_code() == "KWD");
  CHECK(items[2].currency_code() == "USD");
  CHECK(t.display() == "2,000 JPY, 0.001 KWD, 1,234.50 USD");
  // Overflow leaves the totals unchanged.
  totals big;
  big.add(money(amount::max(), currency::parse("QQQ", "c")));
  invalid_message([&] { big.add(money::parse("0.00000001", "QQQ"), "entries[2].amount"); }, "entries[2].amount");
  CHECK(big.get("QQQ")->value() == amount::max());
}
