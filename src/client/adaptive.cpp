// adaptive.cpp - see adaptive.hpp.
#include "client/adaptive.hpp"

#include <algorithm>
#include <cmath>

namespace mpadjust {
inline namespace v1 {
namespace detail {

namespace {
constexpr double min_fill_rate = 0.5;       // tokens per second, never lower
constexpr double cubic_scale = 0.4;         // C of CUBIC
constexpr double cubic_beta = 0.7;          // multiplicative decrease
constexpr double max_rate_over_measured = 2.0;
constexpr double smoothing = 0.8;           // weight of the newest rate sample
constexpr double bucket_seconds = 0.5;      // rate samples are counted per half second
}  // namespace

adaptive_limiter::adaptive_limiter(double now) : last_fail_(now), last_bucket_(std::floor(now)) {
  k_ = cubic_zero_point();
  set_max_rate(now, 1.0);
}

double adaptive_limiter::cubic_zero_point() const {
  return std::cbrt(w_max_ * (1 - cubic_beta) / cubic_scale);
}

void adaptive_limiter::refill(double now) {
  if (!refilled_) {
    refilled_ = true;
    last_refill_ = now;
    return;
  }
  capacity_ = std::min(max_capacity_, capacity_ + (now - last_refill_) * fill_rate_);
  last_refill_ = now;
}

void adaptive_limiter::set_max_rate(double now, double value) {
  refill(now);  // tokens earned so far accrue at the old rate
  fill_rate_ = std::max(value, min_fill_rate);
  max_capacity_ = value >= 1 ? value : 1;
  capacity_ = std::min(capacity_, max_capacity_);
}

double adaptive_limiter::before_send(double now) {
  if (!enabled_) return 0;
  refill(now);
  if (capacity_ >= 1) {
    capacity_ -= 1;
    return 0;
  }
  return (1 - capacity_) / fill_rate_;
}

void adaptive_limiter::after_attempt(double now, bool throttled) {
  // Measured rate: count this attempt; at each new half-second bucket, fold the count in.
  const double bucket = std::floor(now / bucket_seconds) * bucket_seconds;
  count_ += 1;
  if (bucket > last_bucket_) {
    const double current = count_ / (bucket - last_bucket_);
    measured_ = current * smoothing + measured_ * (1 - smoothing);
    count_ = 0;
    last_bucket_ = bucket;
  }
  double new_rate;
  if (!throttled) {
    const double dt = now - last_fail_ - k_;
    new_rate = cubic_scale * dt * dt * dt + w_max_;
  } else {
    const double current = enabled_ ? std::min(measured_, fill_rate_) : measured_;
    w_max_ = current;
    k_ = cubic_zero_point();
    last_fail_ = now;
    new_rate = current * cubic_beta;
    enabled_ = true;
  }
  set_max_rate(now, std::min(new_rate, max_rate_over_measured * measured_));
}

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
