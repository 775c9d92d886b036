// adaptive.hpp - the client-side rate limiter of the SDKs' "adaptive" retry mode
// (sdk-conventions.md 1.5): standard retries plus a send-token bucket that is enabled by the
// first throttling response and whose rate follows CUBIC. Same constants and update order as
// botocore (retries/adaptive.py, bucket.py, throttling.py); a differential test
// (tests/client/adaptive_crosscheck.py) drives both with one event script. Private to the client.
// Times are seconds on any clock (double); not thread-safe (a client is used by one thread at a time).
#pragma once

namespace mpadjust {
inline namespace v1 {
namespace detail {

class adaptive_limiter {
 public:
  explicit adaptive_limiter(double now);

  // Before an attempt: 0 when it may be sent now (a send token is taken), otherwise the
  // seconds to wait before asking again. Always 0 until the first throttling response.
  double before_send(double now);
  // After an attempt that got a response or failed: updates the measured send rate and the
  // allowed rate (CUBIC: a throttle cuts it to 0.7 x, successes grow it back).
  void after_attempt(double now, bool throttled);

  bool enabled() const noexcept { return enabled_; }
  double fill_rate() const noexcept { return fill_rate_; }       // allowed sends per second
  double measured_rate() const noexcept { return measured_; }    // smoothed sends per second

 private:
  void set_max_rate(double now, double value);
  void refill(double now);
  double cubic_zero_point() const;

  // Token bucket.
  double fill_rate_ = 0;
  double max_capacity_ = 0;
  double capacity_ = 0;
  double last_refill_ = 0;
  bool refilled_ = false;
  // CUBIC.
  double w_max_ = 0;
  double k_ = 0;
  double last_fail_ = 0;
  // Measured send rate (0.5 s buckets, smoothing 0.8).
  double measured_ = 0;
  double last_bucket_ = 0;
  double count_ = 0;
  bool enabled_ = false;
};

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
