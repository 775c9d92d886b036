// capi/capi_client.cpp - mpadjust_client (with the custom transport and log callbacks), service
// error details, agreements, invoices and cancellation requests.
#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <mpadjust.h>
#include <mpadjust/adjustment.hpp>
#include <mpadjust/client.hpp>
#include <mpadjust/http.hpp>

#include "buf.hpp"
#include "guard.hpp"
#include "handles.hpp"
#include "json/json_codec.hpp"
#include "json_out.hpp"
#include "options.hpp"

namespace {

using mpadjust::capi::guard;
using mpadjust::capi::require_arg;
using mpadjust::capi::require_text;

// A transport that hands each request to the host program's C callback (STYLE.md 3.5: the
// callback returns int; its codes become transport_error kinds; nothing C++ crosses into C).
class callback_transport final : public mpadjust::transport {
 public:
  callback_transport(mpadjust_transport_fn fn, void* userdata, size_t max_body)
      : fn_(fn), userdata_(userdata), max_body_(max_body) {}

  mpadjust::http_response send(const mpadjust::http_request& request) override {
    using mpadjust::transport_error;
    using mpadjust::transport_failure;
    if (cancelled_.exchange(false)) throw transport_error(transport_failure::cancelled, "cancelled");
    std::vector<mpadjust_header> headers;
    headers.reserve(request.headers.size());
    for (const auto& h : request.headers) headers.push_back({h.name.c_str(), h.value.c_str()});
    const mpadjust_http_request c_request{request.method.c_str(), request.url.c_str(), headers.data(),
                                          headers.size(), request.body.data(), request.body.size()};
    mpadjust_http_response response;
    response.max_body = max_body_;
    const int rc = fn_(&response, &c_request, userdata_);
    if (cancelled_.exchange(false)) throw transport_error(transport_failure::cancelled, "cancelled");
    switch (rc) {
      case 0:
        if (response.overflow)
          throw transport_error(transport_failure::too_large,
                                "transport callback: response body larger than " + std::to_string(max_body_) +
                                    " bytes");
        if (response.response.status == 0)
          throw mpadjust::error(MPADJUST_ECALLBACK,
                                "transport callback returned 0 without setting an HTTP status "
                                "(mpadjust_http_response_set_status)");
        return std::move(response.response);
      case MPADJUST_TRANSPORT_CONNECT_FAILED:
        throw transport_error(transport_failure::connect, "transport callback: connect failed");
      case MPADJUST_TRANSPORT_RECEIVE_FAILED:
        throw transport_error(transport_failure::receive,
                              "transport callback: connection dropped before a full response");
      case MPADJUST_TRANSPORT_TIMEOUT:
        throw transport_error(transport_failure::timeout, "transport callback: timed out");
      default:
        throw mpadjust::error(MPADJUST_ECALLBACK, "transport callback returned " + std::to_string(rc));
    }
  }
  void cancel() noexcept override { cancelled_.store(true); }
  void reset_cancel() noexcept override { cancelled_.store(false); }

 private:
  mpadjust_transport_fn fn_;
  void* userdata_;
  size_t max_body_;
  std::atomic<bool> cancelled_{false};
};

std::string opt_text(const char* p) { return p != nullptr ? std::string(p) : std::string(); }
std::optional<std::string> opt_field(const char* p) {
  if (p == nullptr) return std::nullopt;
  return std::string(p);
}

mpadjust::client_config config_from(const char* region, const mpadjust_credentials* creds,
                                    const mpadjust_client_options* opts, mpadjust_transport_fn* transport_fn,
                                    void** transport_userdata) {
  const mpadjust::capi::options_reader<mpadjust_client_options> r(opts, MPADJUST_CLIENT_OPTIONS_MIN_SIZE, "opts");
  mpadjust::client_config cfg;
  if (region != nullptr) require_text(region, "region");
  cfg.region = opt_text(region);
  if (creds != nullptr) cfg.credentials = creds->provider;
  const char* endpoint = MPADJUST_OPTION(r, mpadjust_client_options, endpoint, nullptr);
  if (endpoint != nullptr) require_text(endpoint, "opts.endpoint");
  cfg.endpoint = opt_text(endpoint);
  const char* profile = MPADJUST_OPTION(r, mpadjust_client_options, profile, nullptr);
  if (profile != nullptr) require_text(profile, "opts.profile");
  cfg.profile = opt_text(profile);
  const char* ca_bundle = MPADJUST_OPTION(r, mpadjust_client_options, ca_bundle, nullptr);
  if (ca_bundle != nullptr) require_text(ca_bundle, "opts.ca_bundle");
  cfg.transport_opts.ca_bundle = opt_text(ca_bundle);
  const uint32_t connect_ms = MPADJUST_OPTION(r, mpadjust_client_options, connect_timeout_ms, 0u);
  if (connect_ms != 0) cfg.transport_opts.connect_timeout = std::chrono::milliseconds(connect_ms);
  const uint32_t total_ms = MPADJUST_OPTION(r, mpadjust_client_options, timeout_ms, 0u);
  if (total_ms != 0) cfg.transport_opts.total_timeout = std::chrono::milliseconds(total_ms);
  const int32_t attempts = MPADJUST_OPTION(r, mpadjust_client_options, max_attempts, 0);
  if (attempts < 0) throw mpadjust::invalid_field("opts.max_attempts", "must be >= 1 (0 = default)");
  cfg.retry.max_attempts = attempts;
  const int32_t level = MPADJUST_OPTION(r, mpadjust_client_options, log_level, 0);
  if (level < MPADJUST_LOG_ERROR || level > MPADJUST_LOG_DEBUG)
    throw mpadjust::invalid_field("opts.log_level", "must be an mpadjust_log_level (0..3), not " + std::to_string(level));
  cfg.level = static_cast<mpadjust::log_level>(level);
  const mpadjust_log_fn log = MPADJUST_OPTION(r, mpadjust_client_options, log, nullptr);
  void* log_userdata = MPADJUST_OPTION(r, mpadjust_client_options, log_userdata, nullptr);
  if (log != nullptr) {
    cfg.log = [log, log_userdata](mpadjust::log_level l, std::string_view line) {
      const std::string text(line);  // NUL-terminated copy
      log(static_cast<int32_t>(l), text.c_str(), log_userdata);
    };
  }
  *transport_fn = MPADJUST_OPTION(r, mpadjust_client_options, transport, nullptr);
  *transport_userdata = MPADJUST_OPTION(r, mpadjust_client_options, transport_userdata, nullptr);
  cfg.transport_opts.allow_insecure_http = MPADJUST_OPTION(r, mpadjust_client_options, allow_insecure_http, 0) != 0;
  return cfg;
}

mpadjust::client& client_of(mpadjust_client* client) {
  require_arg(client, "client");
  return *client->client;
}

template <class Output>
std::string api_json(const Output& out) {
  std::string text;
  mpadjust::detail::write_json(out, text);
  return text;
}

}  // namespace

extern "C" {

// ------------------------------------------------------------------ custom transport response

MPADJUST_API mpadjust_status mpadjust_http_response_set_status(mpadjust_http_response* response,
                                                               int32_t http_status) noexcept {
  return guard([&] {
    require_arg(response, "response");
    if (http_status < 100 || http_status > 599)
      throw mpadjust::invalid_field("http_status", "must be 100..599, not " + std::to_string(http_status));
    response->response.status = http_status;
  });
}

MPADJUST_API mpadjust_status mpadjust_http_response_add_header(mpadjust_http_response* response, const char* name,
                                                               const char* value) noexcept {
  return guard([&] {
    require_arg(response, "response");
    require_text(name, "name");
    require_arg(value, "value");
    if (std::strpbrk(name, "\r\n:") != nullptr) throw mpadjust::invalid_field("name", "contains CR, LF or ':'");
    if (std::strpbrk(value, "\r\n") != nullptr) throw mpadjust::invalid_field("value", "contains CR or LF");
    response->response.headers.push_back({name, value});
  });
}

MPADJUST_API mpadjust_status mpadjust_http_response_append_body(mpadjust_http_response* response, const void* data,
                                                                size_t len) noexcept {
  return guard([&] {
    require_arg(response, "response");
    if (len == 0) return;
    require_arg(data, "data");
    if (response->response.body.size() + len > response->max_body || response->overflow) {
      response->overflow = true;
      throw mpadjust::invalid_field("len", "the body would exceed the response size cap of " +
                                               std::to_string(response->max_body) + " bytes");
    }
    response->response.body.append(static_cast<const char*>(data), len);
  });
}

// ------------------------------------------------------------------ client

MPADJUST_API mpadjust_status mpadjust_client_options_init(mpadjust_client_options* opts, size_t struct_size) noexcept {
  return guard([&] { mpadjust::capi::init_struct(opts, struct_size, MPADJUST_CLIENT_OPTIONS_MIN_SIZE, "opts"); });
}

MPADJUST_API mpadjust_status mpadjust_client_new(mpadjust_client** out, const char* region,
                                                 const mpadjust_credentials* creds,
                                                 const mpadjust_client_options* opts) noexcept {
  if (out != nullptr) *out = nullptr;
  return guard([&] {
    require_arg(out, "out");
    mpadjust_transport_fn transport_fn = nullptr;
    void* transport_userdata = nullptr;
    mpadjust::client_config cfg = config_from(region, creds, opts, &transport_fn, &transport_userdata);
    // One credentials provider for the client and its workers (it caches and refreshes).
    if (!cfg.credentials)
      cfg.credentials = mpadjust::make_default_credentials_provider(mpadjust::environment::process(), cfg.profile);
    const size_t max_body = cfg.transport_opts.max_response_bytes;
    auto make_transport = [transport_fn, transport_userdata, max_body]() -> std::shared_ptr<mpadjust::transport> {
      if (transport_fn == nullptr) return nullptr;  // the client makes its own libcurl transport
      return std::make_shared<callback_transport>(transport_fn, transport_userdata, max_body);
    };
    cfg.http_transport = make_transport();
    auto handle = std::make_unique<mpadjust_client>();
    handle->client = std::make_unique<mpadjust::client>(cfg);
    // Workers of a concurrent submit: the same resolved settings, each its own transport.
    cfg.region = handle->client->region();
    cfg.endpoint = handle->client->endpoint();
    handle->make_worker = [cfg, make_transport]() {
      mpadjust::client_config c = cfg;
      c.http_transport = make_transport();
      return std::make_unique<mpadjust::client>(std::move(c));
    };
    *out = handle.release();
  });
}

MPADJUST_API void mpadjust_client_free(mpadjust_client* client) noexcept { delete client; }

MPADJUST_API void mpadjust_client_cancel(mpadjust_client* client) noexcept {
  if (client == nullptr) return;
  std::lock_guard<std::mutex> lock(client->mu);
  if (client->sleeping) {
    // A wait between polls: wake it; the C++ client has no call in progress to cancel.
    client->wait_cancel.store(true);
    client->cv.notify_all();
    return;
  }
  client->client->cancel();
}

MPADJUST_API const char* mpadjust_client_endpoint(const mpadjust_client* client) noexcept {
  if (client == nullptr) return "";
  return client->client->endpoint().c_str();
}

MPADJUST_API mpadjust_status mpadjust_last_service_error_json(mpadjust_buf* out) noexcept {
  // Reads what the previous call recorded, so it must not clear it on entry.
  return mpadjust::capi::guard_keep_service_error([&] {
    require_arg(out, "out");
    const mpadjust::service_error_info* info = mpadjust::capi::last_service_error();
    if (info == nullptr)
      throw mpadjust::error(MPADJUST_ENOTFOUND, "the last failed call on this thread was not a service error");
    mpadjust::capi::fill_buf(out, mpadjust::capi::service_error_json(*info));
  });
}

// ------------------------------------------------------------------ agreements and invoices

MPADJUST_API mpadjust_status mpadjust_agreement_query_init(mpadjust_agreement_query* query,
                                                           size_t struct_size) noexcept {
  return guard([&] { mpadjust::capi::init_struct(query, struct_size, MPADJUST_AGREEMENT_QUERY_MIN_SIZE, "query"); });
}

MPADJUST_API mpadjust_status mpadjust_agreements_find(mpadjust_buf* json_out, mpadjust_client* client,
                                                      const mpadjust_agreement_query* query) noexcept {
  return guard([&] {
    require_arg(json_out, "json_out");
    mpadjust::client& c = client_of(client);
    require_arg(query, "query");
    const mpadjust::capi::options_reader<mpadjust_agreement_query> r(query, MPADJUST_AGREEMENT_QUERY_MIN_SIZE, "query");
    mpadjust::agreement_query q;
    q.agreement_id = opt_field(MPADJUST_OPTION(r, mpadjust_agreement_query, agreement_id, nullptr));
    q.buyer_account_id = opt_field(MPADJUST_OPTION(r, mpadjust_agreement_query, buyer_account_id, nullptr));
    q.offer_id = opt_field(MPADJUST_OPTION(r, mpadjust_agreement_query, offer_id, nullptr));
    q.product_id = opt_field(MPADJUST_OPTION(r, mpadjust_agreement_query, product_id, nullptr));
    q.status = opt_field(MPADJUST_OPTION(r, mpadjust_agreement_query, status, nullptr));
    if (!q.agreement_id && !q.buyer_account_id && !q.offer_id && !q.product_id && !q.status)
      throw mpadjust::invalid_field("query", "set at least one of agreement_id, buyer_account_id, offer_id, "
                                             "product_id, status");
    const mpadjust::agreement_lookup found = mpadjust::find_agreement(c, q);
    if (found.candidates.empty()) {
      std::string msg = "no agreement matches the query";
      for (const auto& w : found.warnings) msg += "\n" + w;
      throw mpadjust::error(MPADJUST_ENOTFOUND, msg);
    }
    mpadjust::capi::fill_buf(json_out, mpadjust::agreements_to_json(found));
  });
}

MPADJUST_API mpadjust_status mpadjust_invoice_filter_init(mpadjust_invoice_filter* filter,
                                                          size_t struct_size) noexcept {
  return guard([&] { mpadjust::capi::init_struct(filter, struct_size, MPADJUST_INVOICE_FILTER_MIN_SIZE, "filter"); });
}

MPADJUST_API mpadjust_status mpadjust_invoices_list(mpadjust_buf* json_out, mpadjust_client* client,
                                                    const char* agreement_id,
                                                    const mpadjust_invoice_filter* filter) noexcept {
  return guard([&] {
    require_arg(json_out, "json_out");
    mpadjust::client& c = client_of(client);
    require_text(agreement_id, "agreement_id");
    const mpadjust::capi::options_reader<mpadjust_invoice_filter> r(filter, MPADJUST_INVOICE_FILTER_MIN_SIZE, "filter");
    mpadjust::invoice_filter f;
    const int32_t year = MPADJUST_OPTION(r, mpadjust_invoice_filter, period_year, 0);
    const int32_t month = MPADJUST_OPTION(r, mpadjust_invoice_filter, period_month, 0);
    if ((year == 0) != (month == 0))
      throw mpadjust::invalid_field(year == 0 ? "filter.period_year" : "filter.period_month",
                                    "set both period_year and period_month, or neither");
    if (year != 0) f.billing_period = mpadjust::invoice_billing_period{month, year};
    f.invoice_type = opt_field(MPADJUST_OPTION(r, mpadjust_invoice_filter, invoice_type, nullptr));
    f.invoice_id = opt_field(MPADJUST_OPTION(r, mpadjust_invoice_filter, invoice_id, nullptr));
    const int64_t after = MPADJUST_OPTION(r, mpadjust_invoice_filter, issued_after_epoch_ms, int64_t{0});
    const int64_t before = MPADJUST_OPTION(r, mpadjust_invoice_filter, issued_before_epoch_ms, int64_t{0});
    if (after != 0) f.issued_after = mpadjust::timestamp_from_epoch_ms(after);
    if (before != 0) f.issued_before = mpadjust::timestamp_from_epoch_ms(before);
    mpadjust::capi::fill_buf(json_out, mpadjust::invoices_to_json(mpadjust::list_invoices(c, agreement_id, f)));
  });
}

// ------------------------------------------------------------------ cancellation requests

MPADJUST_API mpadjust_status mpadjust_cancellation_send(mpadjust_buf* json_out, mpadjust_client* client,
                                                        const char* agreement_id, const char* reason_code,
                                                        const char* description, const char* client_token) noexcept {
  return guard([&] {
    require_arg(json_out, "json_out");
    mpadjust::client& c = client_of(client);
    require_text(agreement_id, "agreement_id");
    require_text(reason_code, "reason_code");
    mpadjust::send_agreement_cancellation_request_input in;
    in.agreement_id = agreement_id;
    in.reason_code = reason_code;
    in.description = opt_field(description);
    in.client_token = opt_field(client_token);
    mpadjust::capi::fill_buf(json_out, api_json(c.send_agreement_cancellation_request(in)));
  });
}

MPADJUST_API mpadjust_status mpadjust_cancellation_get(mpadjust_buf* json_out, mpadjust_client* client,
                                                       const char* agreement_id,
                                                       const char* cancellation_request_id) noexcept {
  return guard([&] {
    require_arg(json_out, "json_out");
    mpadjust::client& c = client_of(client);
    require_text(agreement_id, "agreement_id");
    require_text(cancellation_request_id, "cancellation_request_id");
    mpadjust::get_agreement_cancellation_request_input in;
    in.agreement_id = agreement_id;
    in.agreement_cancellation_request_id = cancellation_request_id;
    mpadjust::capi::fill_buf(json_out, api_json(c.get_agreement_cancellation_request(in)));
  });
}

MPADJUST_API mpadjust_status mpadjust_cancellation_list(mpadjust_buf* json_out, mpadjust_client* client,
                                                        const char* agreement_id, const char* status) noexcept {
  return guard([&] {
    require_arg(json_out, "json_out");
    mpadjust::client& c = client_of(client);
    mpadjust::list_agreement_cancellation_requests_input in;
    in.party_type = "Proposer";
    in.agreement_id = opt_field(agreement_id);
    in.status = opt_field(status);
    mpadjust::list_agreement_cancellation_requests_output all;
    for (auto& page : c.list_agreement_cancellation_requests_pages(in)) {
      all.items.insert(all.items.end(), page.items.begin(), page.items.end());
    }
    mpadjust::capi::fill_buf(json_out, api_json(all));
  });
}

MPADJUST_API mpadjust_status mpadjust_cancellation_withdraw(mpadjust_buf* json_out, mpadjust_client* client,
                                                            const char* agreement_id,
                                                            const char* cancellation_request_id,
                                                            const char* reason) noexcept {
  return guard([&] {
    require_arg(json_out, "json_out");
    mpadjust::client& c = client_of(client);
    require_text(agreement_id, "agreement_id");
    require_text(cancellation_request_id, "cancellation_request_id");
    require_text(reason, "reason");
    mpadjust::cancel_agreement_cancellation_request_input in;
    in.agreement_id = agreement_id;
    in.agreement_cancellation_request_id = cancellation_request_id;
    in.cancellation_reason = reason;
    mpadjust::capi::fill_buf(json_out, api_json(c.cancel_agreement_cancellation_request(in)));
  });
}

}  // extern "C"
