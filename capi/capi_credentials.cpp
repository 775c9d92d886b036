// capi/capi_credentials.cpp - mpadjust_credentials: opaque credential sources.
#include <memory>
#include <string>
#include <utility>

#include <mpadjust.h>
#include <mpadjust/credentials.hpp>

#include "buf.hpp"
#include "guard.hpp"
#include "handles.hpp"

namespace {

mpadjust_credentials* wrap(std::shared_ptr<mpadjust::credentials_provider> provider) {
  auto handle = std::make_unique<mpadjust_credentials>();
  handle->provider = std::move(provider);
  return handle.release();
}

}  // namespace

extern "C" {

MPADJUST_API mpadjust_status mpadjust_credentials_new_static(mpadjust_credentials** out,
                                                             const char* access_key_id,
                                                             const char* secret_access_key,
                                                             const char* session_token) noexcept {
  if (out != nullptr) *out = nullptr;
  return mpadjust::capi::guard([&] {
    mpadjust::capi::require_arg(out, "out");
    mpadjust::capi::require_text(access_key_id, "access_key_id");
    mpadjust::capi::require_text(secret_access_key, "secret_access_key");
    *out = wrap(mpadjust::make_static_credentials_provider(
        access_key_id, mpadjust::secret_string(secret_access_key),
        mpadjust::secret_string(session_token != nullptr ? session_token : "")));
  });
}

MPADJUST_API mpadjust_status mpadjust_credentials_new_default(mpadjust_credentials** out,
                                                              const char* profile) noexcept {
  if (out != nullptr) *out = nullptr;
  return mpadjust::capi::guard([&] {
    mpadjust::capi::require_arg(out, "out");
    if (profile != nullptr) mpadjust::capi::require_text(profile, "profile");
    *out = wrap(mpadjust::make_default_credentials_provider(mpadjust::environment::process(),
                                                            profile != nullptr ? profile : ""));
  });
}

MPADJUST_API mpadjust_status mpadjust_credentials_new_profile(mpadjust_credentials** out,
                                                              const char* profile) noexcept {
  if (out != nullptr) *out = nullptr;
  return mpadjust::capi::guard([&] {
    mpadjust::capi::require_arg(out, "out");
    mpadjust::capi::require_text(profile, "profile");
    *out = wrap(mpadjust::make_profile_credentials_provider(mpadjust::environment::process(), profile));
  });
}

MPADJUST_API void mpadjust_credentials_free(mpadjust_credentials* creds) noexcept { delete creds; }

MPADJUST_API mpadjust_status mpadjust_credentials_access_key_id(mpadjust_buf* out,
                                                                const mpadjust_credentials* creds) noexcept {
  return mpadjust::capi::guard([&] {
    mpadjust::capi::require_arg(out, "out");
    mpadjust::capi::require_arg(creds, "creds");
    const mpadjust::credentials c = creds->provider->get();
    mpadjust::capi::fill_buf(out, c.access_key_id);
  });
}

}  // extern "C"
