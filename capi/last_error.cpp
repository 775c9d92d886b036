// capi/last_error.cpp - statuses, messages and the thread-local last error (STYLE.md 3.4).
#include <cstring>
#include <memory>
#include <new>

#include <mpadjust.h>

#include "guard.hpp"

namespace mpadjust {
namespace capi {
namespace {

// The only mutable per-thread state of the library: a fixed buffer, so recording an error
// cannot fail. Zero-initialised, so a thread that never failed reads "".
thread_local char last_error_buffer[MPADJUST_ERROR_MESSAGE_MAX];

// Length of the longest prefix of `text` (of `len` bytes) that fits in `cap` bytes and does
// not end inside a UTF-8 sequence.
size_t utf8_prefix(const char* text, size_t len, size_t cap) noexcept {
  if (len <= cap) return len;
  size_t n = cap;
  // Step back over continuation bytes (10xxxxxx) so a multi-byte character is not cut.
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0u) == 0x80u) --n;
  return n;
}

// The last service error's details (heap-allocated only after a service error).
thread_local std::unique_ptr<mpadjust::service_error_info> last_service_error_info;

}  // namespace

void clear_last_service_error() noexcept { last_service_error_info.reset(); }

void set_last_service_error(const mpadjust::service_error_info& info) noexcept {
  try {
    last_service_error_info = std::make_unique<mpadjust::service_error_info>(info);
  } catch (...) {
    last_service_error_info.reset();
  }
}

const mpadjust::service_error_info* last_service_error() noexcept { return last_service_error_info.get(); }

void clear_last_error() noexcept { last_error_buffer[0] = '\0'; }

mpadjust_status set_last_error(mpadjust_status status, const char* message) noexcept {
  if (message == nullptr) message = "";
  if (*message == '\0') message = mpadjust_status_str(status);
  const size_t n = utf8_prefix(message, std::strlen(message), MPADJUST_ERROR_MESSAGE_MAX - 1);
  std::memcpy(last_error_buffer, message, n);
  last_error_buffer[n] = '\0';
  return status;
}

}  // namespace capi
}  // namespace mpadjust

extern "C" {

MPADJUST_API const char* mpadjust_status_str(mpadjust_status status) noexcept {
  switch (status) {
    case MPADJUST_OK: return "success";
    case MPADJUST_EINVALID: return "invalid argument";
    case MPADJUST_ENOMEM: return "out of memory";
    case MPADJUST_EBUFS: return "buffer too small";
    case MPADJUST_ECREDENTIALS: return "credentials unavailable";
    case MPADJUST_ETRANSPORT: return "transport failure";
    case MPADJUST_ETIMEOUT: return "timed out";
    case MPADJUST_ESERVICE: return "service error";
    case MPADJUST_EPARSE: return "parse error";
    case MPADJUST_ECALLBACK: return "callback aborted";
    case MPADJUST_EINTERNAL: return "internal error";
    case MPADJUST_ECANCELLED: return "cancelled";
    case MPADJUST_ENOTFOUND: return "not found";
    case MPADJUST_EAMBIGUOUS: return "ambiguous";
    case MPADJUST_ECONFLICT: return "conflict";
    case MPADJUST_EIO: return "file input/output error";
  }
  return "unknown status";
}

MPADJUST_API const char* mpadjust_last_error_message(void) noexcept { return mpadjust::capi::last_error_buffer; }

}  // extern "C"
