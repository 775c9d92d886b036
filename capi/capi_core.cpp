// capi/capi_core.cpp - versions, library lifecycle and owned buffers of the C ABI.
#include <cstdlib>
#include <cstring>

#include <mpadjust.h>

#include "core/version.hpp"
#include "guard.hpp"
#include "http/global.hpp"

static_assert(MPADJUST_VERSION_NUMBER ==
                  MPADJUST_VERSION_MAJOR * 10000 + MPADJUST_VERSION_MINOR * 100 + MPADJUST_VERSION_PATCH,
              "version macros");

extern "C" {

MPADJUST_API unsigned mpadjust_version_number(void) noexcept {
  return static_cast<unsigned>(MPADJUST_VERSION_NUMBER);
}

MPADJUST_API const char* mpadjust_version_string(void) noexcept {
  return mpadjust::version_string();
}

MPADJUST_API mpadjust_status mpadjust_global_init(void) noexcept {
  return mpadjust::capi::guard([&] { mpadjust::detail::global_init(); });
}

MPADJUST_API void mpadjust_global_cleanup(void) noexcept { mpadjust::detail::global_cleanup(); }

MPADJUST_API void mpadjust_buf_dispose(mpadjust_buf* buf) noexcept {
  if (buf == nullptr) return;
  std::free(buf->ptr);
  buf->ptr = nullptr;
  buf->size = 0;
}

}  // extern "C"
