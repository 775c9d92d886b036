// retry.cpp - see retry.hpp.
#include "client/retry.hpp"

#include <ctime>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace mpadjust {
inline namespace v1 {
namespace detail {

bool is_throttling_code(std::string_view code) noexcept {
  static constexpr std::string_view codes[] = {
      "Throttling",           "ThrottlingException",      "ThrottledException",
      "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
      "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
      "LimitExceededException", "RequestThrottled",       "SlowDown",
      "PriorRequestNotComplete", "EC2ThrottledException"};
  return std::find(std::begin(codes), std::end(codes), code) != std::end(codes);
}

bool is_transient_code(std::string_view code) noexcept {
  return code == "RequestTimeout" || code == "RequestTimeoutException" ||
         code == "PriorRequestNotComplete";
}

bool is_transient_status(int status) noexcept {
  return status == 500 || status == 502 || status == 503 || status == 504;
}

bool is_clock_skew_error(std::string_view code, std::string_view message) noexcept {
  static constexpr std::string_view codes[] = {
      "RequestTimeTooSkewed", "RequestExpired",        "InvalidSignatureException",
      "SignatureDoesNotMatch", "AuthFailure",          "RequestInTheFuture",
      "AccessDeniedException"};
  if (std::find(std::begin(codes), std::end(codes), code) != std::end(codes)) return true;
  return message.find("Signature expired") != std::string_view::npos ||
         message.find("Signature not yet current") != std::string_view::npos;
}

bool is_retryable_transport_failure(transport_failure kind) noexcept {
  switch (kind) {
    case transport_failure::connect:
    case transport_failure::send:
    case transport_failure::receive:
    case transport_failure::timeout: return true;
    default: return false;
  }
}

namespace {
bool parse_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) noexcept {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}
// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
long long days_from_civil(int y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}
}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s) noexcept {
  // "Sun, 06 Nov 1994 08:49:37 GMT" - 29 characters.
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
      s[16] != ' ' || s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT")
    return std::nullopt;
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  unsigned month = 0;
  for (unsigned i = 0; i < 12; ++i)
    if (s.substr(8, 3) == months[i]) month = i + 1;
  int day, year, hh, mm, ss;
  if (!month || !parse_digits(s, 5, 2, day) || !parse_digits(s, 12, 4, year) ||
      !parse_digits(s, 17, 2, hh) || !parse_digits(s, 20, 2, mm) || !parse_digits(s, 23, 2, ss))
    return std::nullopt;
  if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  long long secs = days_from_civil(year, month, static_cast<unsigned>(day)) * 86400LL +
                   hh * 3600LL + mm * 60LL + ss;
  return std::chrono::system_clock::time_point(std::chrono::seconds(secs));
}

bool retry_quota::acquire(int cost) noexcept {
  if (capacity_ == 0) return true;
  if (available_ < cost) return false;
  available_ -= cost;
  return true;
}

void retry_quota::release(int cost) noexcept {
  if (capacity_ == 0) return;
  available_ = std::min(capacity_, available_ + (cost > 0 ? cost : 1));
}

std::chrono::milliseconds backoff_delay(int retry, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap, std::mt19937_64& rng) {
  int shift = std::min(std::max(retry - 1, 0), 30);
  double ceiling = std::min(static_cast<double>(base.count()) * static_cast<double>(1LL << shift),
                            static_cast<double>(cap.count()));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(unit(rng) * ceiling));
}

std::chrono::milliseconds apply_retry_after(std::chrono::milliseconds delay,
                                            std::optional<std::string_view> header) noexcept {
  if (!header) return delay;
  std::string_view v = *header;
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (v.empty() || v.size() > 12) return delay;  // up to ~31 years of milliseconds
  long long ms = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return delay;
    ms = ms * 10 + (c - '0');
  }
  const std::chrono::milliseconds retry_after{ms};
  return std::max(delay, std::min(retry_after, delay + std::chrono::milliseconds(5000)));
}

std::string format_sdk_ttl(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[20];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
