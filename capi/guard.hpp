// capi/guard.hpp - the exception barrier of the C ABI (STYLE.md section 3.5).
//
// Every exported fallible function is `noexcept` and its body is a single
// `return mpadjust::capi::guard([&] { ... });`. The guard clears this thread's last error
// on entry and turns whatever the body throws into a status plus a message:
//   mpadjust::service_error               -> MPADJUST_ESERVICE, what(), and the service's
//                                            details kept for mpadjust_last_service_error_json
//   mpadjust::error (and every subclass)  -> its status() and what()
//   std::bad_alloc                        -> MPADJUST_ENOMEM
//   any other std::exception / anything   -> MPADJUST_EINTERNAL (a bug in mpadjust)
#pragma once

#include <exception>
#include <new>
#include <string>
#include <utility>

#include <mpadjust.h>
#include <mpadjust/client.hpp>
#include <mpadjust/error.hpp>

namespace mpadjust {
namespace capi {

// Clears this thread's message (mpadjust_last_error_message() then gives "").
void clear_last_error() noexcept;
// Records `message` (truncated to MPADJUST_ERROR_MESSAGE_MAX - 1 bytes on a UTF-8 boundary)
// as this thread's message and returns `status`. Never allocates, never fails.
mpadjust_status set_last_error(mpadjust_status status, const char* message) noexcept;

// This thread's last service error (mpadjust_last_service_error_json): recorded by the guard
// when a call fails with mpadjust::service_error, cleared on entry to every guarded call but
// mpadjust_last_service_error_json itself. Recording copies the details; if that copy runs
// out of memory, nothing is recorded (the status and message are still set).
void clear_last_service_error() noexcept;
void set_last_service_error(const mpadjust::service_error_info& info) noexcept;
// nullptr when none is recorded. Valid until this thread's next guarded call.
const mpadjust::service_error_info* last_service_error() noexcept;

// An mpadjust::error whose status is not an error (OK or a positive number) would make a
// failed call look successful: map it to MPADJUST_EINTERNAL.
inline mpadjust_status checked_status(mpadjust_status status) noexcept {
  return static_cast<int>(status) < 0 ? status : MPADJUST_EINTERNAL;
}

// The guard without clearing the last service error (for the function that reads it).
template <class F>
mpadjust_status guard_keep_service_error(F&& f) noexcept {
  clear_last_error();
  try {
    f();
    return MPADJUST_OK;
  } catch (const mpadjust::service_error& e) {
    set_last_service_error(e.info());
    return set_last_error(MPADJUST_ESERVICE, e.what());
  } catch (const mpadjust::error& e) {
    return set_last_error(checked_status(e.status()), e.what());
  } catch (const std::bad_alloc&) {
    return set_last_error(MPADJUST_ENOMEM, "out of memory");
  } catch (const std::exception& e) {
    return set_last_error(MPADJUST_EINTERNAL, e.what());
  } catch (...) {
    return set_last_error(MPADJUST_EINTERNAL, "unknown exception");
  }
}

template <class F>
mpadjust_status guard(F&& f) noexcept {
  clear_last_service_error();
  return guard_keep_service_error(std::forward<F>(f));
}

// Input validation helpers for the C layer: throw mpadjust::error(MPADJUST_EINVALID) naming
// the argument, so bindings get a real error, never an assert.
template <class T>
inline void require_arg(const T* p, const char* name) {
  if (p == nullptr) throw mpadjust::invalid_field(name, "must not be NULL");
}
inline void require_text(const char* p, const char* name) {
  if (p == nullptr) throw mpadjust::invalid_field(name, "must not be NULL");
  if (*p == '\0') throw mpadjust::invalid_field(name, "must not be empty");
}

}  // namespace capi
}  // namespace mpadjust
