// capi/capi_sigv4.cpp - SigV4 signing for C callers: mpadjust_signer and mpadjust_signed_request.
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <mpadjust.h>
#include <mpadjust/credentials.hpp>
#include <mpadjust/sigv4.hpp>

#include "guard.hpp"
#include "handles.hpp"
#include "options.hpp"

namespace {

using mpadjust::capi::require_arg;
using mpadjust::capi::require_text;

constexpr std::int64_t max_expires_seconds = 604800;  // 7 days, the SigV4 limit

mpadjust::signing_config config_from(const char* region, const char* service,
                                     const mpadjust_signer_options* opts) {
  require_text(region, "region");
  require_text(service, "service");
  const mpadjust::capi::options_reader<mpadjust_signer_options> r(opts, MPADJUST_SIGNER_OPTIONS_MIN_SIZE,
                                                                  "opts");
  mpadjust::signing_config c;
  c.region = region;
  c.service = service;

  const std::int32_t mode = MPADJUST_OPTION(r, mpadjust_signer_options, payload_mode, 0);
  switch (mode) {
    case MPADJUST_PAYLOAD_HASH_BODY: c.payload = mpadjust::payload_mode::hash_body; break;
    case MPADJUST_PAYLOAD_HASH_BODY_SIGNED_HEADER:
      c.payload = mpadjust::payload_mode::hash_body_signed_header;
      break;
    case MPADJUST_PAYLOAD_UNSIGNED: c.payload = mpadjust::payload_mode::unsigned_payload; break;
    case MPADJUST_PAYLOAD_PRECOMPUTED: {
      c.payload = mpadjust::payload_mode::precomputed;
      const char* hash = MPADJUST_OPTION(r, mpadjust_signer_options, precomputed_payload_hash, nullptr);
      if (hash == nullptr || *hash == '\0')
        throw mpadjust::invalid_field("opts.precomputed_payload_hash",
                                      "is required with MPADJUST_PAYLOAD_PRECOMPUTED");
      c.precomputed_payload_hash = hash;
      break;
    }
    default:
      throw mpadjust::invalid_field("opts.payload_mode",
                                    std::to_string(mode) + " is not an mpadjust_payload_mode");
  }
  c.normalize_path = MPADJUST_OPTION(r, mpadjust_signer_options, s3_no_path_normalization, 0) == 0;
  c.double_encode_path = MPADJUST_OPTION(r, mpadjust_signer_options, s3_no_double_encoding, 0) == 0;
  c.omit_session_token = MPADJUST_OPTION(r, mpadjust_signer_options, omit_session_token, 0) != 0;

  const std::int64_t expires = MPADJUST_OPTION(r, mpadjust_signer_options, expires_seconds, 0);
  if (expires < 0 || expires > max_expires_seconds)
    throw mpadjust::invalid_field("opts.expires_seconds",
                                  std::to_string(expires) + " is outside 1..604800 (0 = 3600)");
  c.expires_seconds = expires == 0 ? 3600 : expires;

  const char* const* names = MPADJUST_OPTION(r, mpadjust_signer_options, unsigned_headers, nullptr);
  if (names != nullptr) {
    const size_t count = MPADJUST_OPTION(r, mpadjust_signer_options, unsigned_header_count, 0);
    c.unsigned_headers.clear();
    c.unsigned_headers.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      const std::string field = "opts.unsigned_headers[" + std::to_string(i) + "]";
      require_text(names[i], field.c_str());
      std::string name = names[i];
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      c.unsigned_headers.push_back(std::move(name));
    }
  }
  return c;
}


}  // namespace

namespace {

// Signs with `s` and copies the results the C getters lend out.
std::unique_ptr<mpadjust_signed_request> sign_with(const mpadjust::signer& s,
                                                   const mpadjust_credentials* creds,
                                                   const char* method, const char* target,
                                                   const mpadjust_header* headers, size_t header_count,
                                                   const void* body, size_t body_len,
                                                   std::int64_t epoch_seconds) {
  require_arg(creds, "creds");
  require_text(method, "method");
  require_text(target, "target");
  if (header_count > 0 && headers == nullptr)
    throw mpadjust::invalid_field("headers", "must not be NULL when header_count > 0");
  if (body_len > 0 && body == nullptr)
    throw mpadjust::invalid_field("body", "must not be NULL when body_len > 0");
  if (epoch_seconds < 0)
    throw mpadjust::invalid_field("epoch_seconds", "must be 0 (now) or seconds since 1970");

  std::vector<mpadjust::header_view> views;
  views.reserve(header_count);
  for (size_t i = 0; i < header_count; ++i) {
    if (headers[i].name == nullptr || headers[i].value == nullptr)
      throw mpadjust::invalid_field("headers[" + std::to_string(i) + "]",
                                    "name and value must not be NULL");
    views.push_back({headers[i].name, headers[i].value});
  }
  mpadjust::signing_request req;
  req.method = method;
  req.target = target;
  req.headers = views.data();
  req.header_count = views.size();
  req.body = body_len > 0 ? std::string_view(static_cast<const char*>(body), body_len) : std::string_view();

  const mpadjust::credentials c = creds->provider->get();
  mpadjust::signing_output out;
  if (epoch_seconds == 0) {
    s.sign(req, c, out);
  } else {
    s.sign_at(req, c, std::chrono::system_clock::time_point(std::chrono::seconds(epoch_seconds)), out);
  }

  auto result = std::make_unique<mpadjust_signed_request>();
  result->headers = std::move(out.headers_to_add);
  result->query = s.config().location == mpadjust::signature_location::query ? std::move(out.query)
                                                                             : std::string();
  result->canonical_request = mpadjust::redact_canonical_request(out.canonical_request);
  result->string_to_sign = std::move(out.string_to_sign);
  result->signature = std::move(out.signature);
  return result;
}

}  // namespace

extern "C" {

MPADJUST_API mpadjust_status mpadjust_signer_options_init(mpadjust_signer_options* opts,
                                                          size_t struct_size) noexcept {
  return mpadjust::capi::guard([&] {
    require_arg(opts, "opts");
    if (struct_size < MPADJUST_SIGNER_OPTIONS_MIN_SIZE)
      throw mpadjust::invalid_field("struct_size", "is " + std::to_string(struct_size) +
                                                       ", below the smallest layout; pass sizeof");
    // The caller's struct is struct_size bytes: smaller than ours (an older header) or larger
    // (a newer one, whose extra knobs must read as zero for this library to accept them).
    std::memset(static_cast<void*>(opts), 0, struct_size);
    opts->struct_size = struct_size;
  });
}

MPADJUST_API mpadjust_status mpadjust_signer_new(mpadjust_signer** out, const char* region,
                                                 const char* service,
                                                 const mpadjust_signer_options* opts) noexcept {
  if (out != nullptr) *out = nullptr;
  return mpadjust::capi::guard([&] {
    require_arg(out, "out");
    *out = std::make_unique<mpadjust_signer>(config_from(region, service, opts)).release();
  });
}

MPADJUST_API void mpadjust_signer_free(mpadjust_signer* signer) noexcept { delete signer; }

MPADJUST_API mpadjust_status mpadjust_signer_sign(mpadjust_signed_request** out,
                                                  const mpadjust_signer* signer,
                                                  const mpadjust_credentials* creds,
                                                  const char* method, const char* target,
                                                  const mpadjust_header* headers, size_t header_count,
                                                  const void* body, size_t body_len,
                                                  int64_t epoch_seconds) noexcept {
  if (out != nullptr) *out = nullptr;
  return mpadjust::capi::guard([&] {
    require_arg(out, "out");
    require_arg(signer, "signer");
    *out = sign_with(signer->header_signer, creds, method, target, headers, header_count, body,
                     body_len, epoch_seconds)
               .release();
  });
}

MPADJUST_API mpadjust_status mpadjust_signer_presign(mpadjust_signed_request** out,
                                                     const mpadjust_signer* signer,
                                                     const mpadjust_credentials* creds,
                                                     const char* method, const char* target,
                                                     const mpadjust_header* headers, size_t header_count,
                                                     const void* body, size_t body_len,
                                                     int64_t epoch_seconds) noexcept {
  if (out != nullptr) *out = nullptr;
  return mpadjust::capi::guard([&] {
    require_arg(out, "out");
    require_arg(signer, "signer");
    *out = sign_with(signer->query_signer, creds, method, target, headers, header_count, body,
                     body_len, epoch_seconds)
               .release();
  });
}

MPADJUST_API mpadjust_status mpadjust_signed_request_signature_copy(
    char* dst, size_t cap, size_t* len_out, const mpadjust_signed_request* signed_request) noexcept {
  return mpadjust::capi::guard([&] {
    require_arg(dst, "dst");
    require_arg(len_out, "len_out");
    require_arg(signed_request, "signed_request");
    const std::string& sig = signed_request->signature;
    if (cap < sig.size() + 1) {
      *len_out = sig.size() + 1;
      throw mpadjust::error(MPADJUST_EBUFS, "dst: " + std::to_string(cap) + " bytes is too small; " +
                                                std::to_string(sig.size() + 1) + " are needed",
                            "dst");
    }
    std::memcpy(dst, sig.c_str(), sig.size() + 1);
    *len_out = sig.size();
  });
}

MPADJUST_API void mpadjust_signed_request_free(mpadjust_signed_request* signed_request) noexcept {
  delete signed_request;
}

MPADJUST_API size_t mpadjust_signed_request_header_count(const mpadjust_signed_request* r) noexcept {
  return r == nullptr ? 0 : r->headers.size();
}

MPADJUST_API const char* mpadjust_signed_request_header_name(const mpadjust_signed_request* r,
                                                             size_t index) noexcept {
  return r == nullptr || index >= r->headers.size() ? nullptr : r->headers[index].name.c_str();
}

MPADJUST_API const char* mpadjust_signed_request_header_value(const mpadjust_signed_request* r,
                                                              size_t index) noexcept {
  return r == nullptr || index >= r->headers.size() ? nullptr : r->headers[index].value.c_str();
}

MPADJUST_API const char* mpadjust_signed_request_query(const mpadjust_signed_request* r) noexcept {
  return r == nullptr ? nullptr : r->query.c_str();
}

MPADJUST_API const char* mpadjust_signed_request_canonical_request(const mpadjust_signed_request* r) noexcept {
  return r == nullptr ? nullptr : r->canonical_request.c_str();
}

MPADJUST_API const char* mpadjust_signed_request_string_to_sign(const mpadjust_signed_request* r) noexcept {
  return r == nullptr ? nullptr : r->string_to_sign.c_str();
}

MPADJUST_API const char* mpadjust_signed_request_signature(const mpadjust_signed_request* r) noexcept {
  return r == nullptr ? nullptr : r->signature.c_str();
}

}  // extern "C"
