// mpadjust/error.hpp - the one exception type of the C++ API.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

#include <mpadjust.h>

namespace mpadjust {
inline namespace v1 {

// Thrown by every fallible function of the C++ API. status() is the C ABI status the
// C barrier returns; field() names the input field at fault, when there is one.
class error : public std::runtime_error {
 public:
  error(mpadjust_status status, const std::string& message, std::string field = {})
      : std::runtime_error(message), status_(status), field_(std::move(field)) {}
  mpadjust_status status() const noexcept { return status_; }
  const std::string& field() const noexcept { return field_; }

 private:
  mpadjust_status status_;
  std::string field_;
};

// Convenience: an invalid-input error that names its field ("field: message").
inline error invalid_field(const std::string& field, const std::string& message) {
  return error(MPADJUST_EINVALID, field + ": " + message, field);
}

}  // namespace v1
}  // namespace mpadjust
