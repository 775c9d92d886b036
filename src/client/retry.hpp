// retry.hpp - error classification, backoff, retry quota and clock-skew detection of the SDKs'
// standard retry mode (sdk-conventions.md section 1). Private to the client.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include <mpadjust/client.hpp>
#include <mpadjust/http.hpp>

namespace mpadjust {
inline namespace v1 {
namespace detail {

// Throttling error codes shared by botocore, go-v2 and aws-sdk-rust (standard mode).
bool is_throttling_code(std::string_view code) noexcept;
// Transient error codes (RequestTimeout, RequestTimeoutException, PriorRequestNotComplete).
bool is_transient_code(std::string_view code) noexcept;
// 500, 502, 503, 504.
bool is_transient_status(int status) noexcept;
// Codes that mean "your clock is off" when a skew above the threshold is observed: the
// long-standing list plus the 2026 addition AccessDeniedException; also an
// InvalidSignatureException-style message "Signature expired" / "Signature not yet current".
bool is_clock_skew_error(std::string_view code, std::string_view message) noexcept;
// Transport failures worth another attempt (connect, send, receive, timeout).
bool is_retryable_transport_failure(transport_failure kind) noexcept;

// The HTTP Date header (IMF-fixdate, RFC 9110: "Sun, 06 Nov 1994 08:49:37 GMT"); nullopt when it
// is not in that form.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) noexcept;

// Skew threshold: |server time - signing time| must exceed this (go-v2: strictly greater).
inline constexpr std::chrono::minutes clock_skew_threshold{4};

// The retry token bucket (botocore RetryQuota / go-v2 retry token bucket).
class retry_quota {
 public:
  explicit retry_quota(int capacity) : capacity_(capacity), available_(capacity) {}
  // Takes `cost` tokens; false (and nothing taken) when fewer are left. Always true when the
  // quota is disabled (capacity 0).
  bool acquire(int cost) noexcept;
  // After a success: returns `cost` (the last retry's) or, without retries, adds 1.
  void release(int cost) noexcept;
  int available() const noexcept { return capacity_ == 0 ? 0 : available_; }

 private:
  int capacity_;
  int available_;
};

// rand(0,1) * min(base * 2^(retry-1), cap) where retry = 1 for the first retry.
std::chrono::milliseconds backoff_delay(int retry, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap, std::mt19937_64& rng);

// The 2026 revision's x-amz-retry-after (milliseconds): max(delay, min(retry_after, delay + 5 s)).
// A missing, negative or non-numeric value leaves `delay` as it is.
std::chrono::milliseconds apply_retry_after(std::chrono::milliseconds delay,
                                            std::optional<std::string_view> header) noexcept;

// "YYYYMMDDTHHMMSSZ" (UTC) for the ttl= key of amz-sdk-request.
std::string format_sdk_ttl(std::chrono::system_clock::time_point t);

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
