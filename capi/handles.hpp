// capi/handles.hpp - what the C ABI's opaque handles hold (private to capi/).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <mpadjust.h>
#include <mpadjust/adjustment.hpp>
#include <mpadjust/client.hpp>
#include <mpadjust/credentials.hpp>
#include <mpadjust/http.hpp>
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

// The response a custom transport callback fills in (lives on the stack of the C++ transport's
// send() for the duration of the callback).
struct mpadjust_http_response {
  mpadjust::http_response response;
  size_t max_body = 0;    // the client's response size cap
  bool overflow = false;  // the callback tried to append past max_body
};

// A client, plus what the C layer needs around it: a factory of clients with the same
// configuration (worker threads of a concurrent submit) and a cancellable sleep for waits.
struct mpadjust_client {
  std::unique_ptr<mpadjust::client> client;
  std::function<std::unique_ptr<mpadjust::client>()> make_worker;

  // mpadjust_results_wait sleeps on `cv` between polls; mpadjust_client_cancel wakes it (and
  // then does not cancel the C++ client, whose flag would otherwise cancel the next call too).
  std::mutex mu;
  std::condition_variable cv;
  bool sleeping = false;
  std::atomic<bool> wait_cancel{false};
};

// A plan: the entries asked for, then (after resolve or from JSON) the frozen plan.
struct mpadjust_plan {
  std::string plan_key;
  std::vector<mpadjust::entry_spec> specs;
  std::optional<mpadjust::plan> resolved;
  std::vector<std::string> problems;  // of the last resolve
};

// Results own a copy of their plan: every entry_result::entry points into it.
struct mpadjust_results {
  std::unique_ptr<const mpadjust::plan> plan;
  std::vector<mpadjust::entry_result> results;
};
