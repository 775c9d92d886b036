// capi/handles.hpp - what the C ABI's opaque handles hold (private to capi/).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <mpadjust.h>
#include <mpadjust/credentials.hpp>
#include <mpadjust/sigv4.hpp>

// Credentials: a thread-safe provider, shared so clients made from the handle keep it alive.
struct mpadjust_credentials {
  std::shared_ptr<mpadjust::credentials_provider> provider;
};

// A signer: immutable once built (the C++ signers' key caches are internally synchronised).
// One C++ signer per signature location, from one configuration.
struct mpadjust_signer {
  explicit mpadjust_signer(const mpadjust::signing_config& config)
      : header_signer(located(config, mpadjust::signature_location::header)),
        query_signer(located(config, mpadjust::signature_location::query)) {}
  mpadjust::signer header_signer;
  mpadjust::signer query_signer;

 private:
  static mpadjust::signing_config located(mpadjust::signing_config c, mpadjust::signature_location l) {
    c.location = l;
    return c;
  }
};

// One signature's results, as NUL-terminated strings the getters lend out.
struct mpadjust_signed_request {
  std::vector<mpadjust::http_header> headers;
  std::string query;
  std::string canonical_request;  // redacted
  std::string string_to_sign;
  std::string signature;
};
