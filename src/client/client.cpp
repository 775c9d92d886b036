// client.cpp - the typed Agreement Service client: validation, AWS JSON 1.0 requests, SigV4,
// standard-mode retries with a quota, clock-skew correction, cancellation and logging.
#include <mpadjust/client.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>

#include <openssl/rand.h>

#include <mpadjust/endpoints.hpp>
#include <mpadjust/sigv4.hpp>

#include "client/adaptive.hpp"
#include "credentials/internal.hpp"
#include "client/retry.hpp"
#include "client/validate.hpp"
#include "json/json_codec.hpp"

namespace mpadjust {
inline namespace v1 {

const char* log_level_name(log_level level) noexcept {
  switch (level) {
    case log_level::error: return "error";
    case log_level::warn: return "warn";
    case log_level::info: return "info";
    case log_level::debug: return "debug";
  }
  return "?";
}

namespace {
std::string compose_message(const service_error_info& i) {
  std::string m = i.operation.empty() ? std::string("service error") : i.operation;
  m += ": ";
  m += i.error_type.empty() ? std::string("error") : i.error_type;
  m += " (HTTP " + std::to_string(i.http_status) + ")";
  if (!i.message.empty()) m += ": " + i.message;
  if (!i.reason.empty()) m += " [reason " + i.reason + "]";
  if (!i.fields.empty()) {
    m += " [fields";
    for (const auto& f : i.fields) {
      m += " " + f.name;
      if (!f.message.empty()) m += " (" + f.message + ")";
    }
    m += "]";
  }
  if (!i.resource_id.empty()) m += " [resource " + i.resource_type + " " + i.resource_id + "]";
  if (!i.request_id.empty()) m += " (request id " + i.request_id + ")";
  if (i.attempts > 1) m += " after " + std::to_string(i.attempts) + " attempts";
  return m;
}
}  // namespace

service_error::service_error(service_error_info info)
    : error(MPADJUST_ESERVICE, compose_message(info), info.fields.empty() ? std::string() : info.fields[0].name),
      info_(std::move(info)) {}

namespace {

constexpr const char* target_prefix = "AWSMPCommerceService_v20200301.";

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

using credentials_detail::env_value;

int parse_attempts(const std::string& text, const std::string& where) {
  if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos)
    throw invalid_field(where, "must be a whole number of attempts >= 1 (got \"" + text + "\")");
  int n = std::stoi(text);
  if (n < 1) throw invalid_field(where, "must be >= 1 (it counts the first attempt)");
  return n;
}

// "Signature=<64 hex>" -> "Signature=<redacted>".
std::string redact_authorization(std::string_view value) {
  std::string out(value);
  auto pos = out.find("Signature=");
  if (pos != std::string::npos) {
    pos += 10;
    auto end = out.find_first_of(", ", pos);
    out.replace(pos, end == std::string::npos ? std::string::npos : end - pos, "<redacted>");
  }
  return out;
}

}  // namespace

struct client::impl {
  client_config cfg;
  environment env;
  std::string region;
  std::string endpoint;  // resolved endpoint URL
  std::string url;       // endpoint + "/"
  std::shared_ptr<credentials_provider> creds;
  std::shared_ptr<transport> http;
  std::unique_ptr<signer> sig;
  int max_attempts = 3;
  retry_mode mode = retry_mode::standard;
  std::unique_ptr<detail::adaptive_limiter> limiter;  // adaptive mode only
  std::chrono::milliseconds base_delay{1000};
  std::chrono::milliseconds throttling_base_delay{1000};
  detail::retry_quota quota{500};
  std::mt19937_64 rng;  // backoff jitter (seedable for tests)
  std::mt19937_64 ids;  // invocation ids

  std::atomic<bool> cancelled{false};
  std::mutex mutex;
  std::condition_variable wake;

  // Reused per call: the steady state allocates little.
  detail::json_parser parser;
  std::string target_header;
  http_request request;
  http_response response;
  signing_output signature;
  std::vector<header_view> views;

  // The request headers and the signing output hold the session token and the Authorization
  // of the last call: wiped, not just freed.
  ~impl() {
    for (auto& h : request.headers) credentials_detail::wipe(h.value);
    for (auto& h : signature.headers_to_add) credentials_detail::wipe(h.value);
    credentials_detail::wipe(signature.canonical_request);
    credentials_detail::wipe(signature.query);
  }

  explicit impl(client_config c) : cfg(std::move(c)) {
    env = cfg.env.get ? cfg.env : environment::process();
    region = cfg.region.empty() ? resolve_region(env, cfg.profile) : cfg.region;

    endpoint_overrides ov;
    ov.region = region;
    if (!cfg.endpoint.empty()) ov.endpoint = cfg.endpoint;
    ov.use_fips = cfg.use_fips;
    ov.use_dual_stack = cfg.use_dual_stack;
    endpoint = resolve_endpoint(endpoint_params_from_environment(env, ov));
    url = endpoint;
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += '/';

    // Attempts: config, AWS_MAX_ATTEMPTS, the profile's max_attempts, 3.
    if (cfg.retry.max_attempts < 0) throw invalid_field("retry.max_attempts", "must be >= 1 (0 = default)");
    if (cfg.retry.max_attempts > 0) {
      max_attempts = cfg.retry.max_attempts;
    } else if (auto v = env_value(env, "AWS_MAX_ATTEMPTS")) {
      max_attempts = parse_attempts(*v, "AWS_MAX_ATTEMPTS");
    } else {
      std::optional<std::string> p;
      try {
        p = profile_value(env, cfg.profile, "max_attempts");
      } catch (const error&) {
        p.reset();  // an unreadable profile is reported by the credentials chain, not here
      }
      if (p && !p->empty()) max_attempts = parse_attempts(*p, "profile max_attempts");
    }

    if (cfg.retry.mode) {
      mode = *cfg.retry.mode;
    } else if (auto v = env_value(env, "AWS_NEW_RETRIES_2026"); v && iequals(*v, "true")) {
      mode = retry_mode::standard_2026;
    }
    bool adaptive = false;
    if (cfg.retry.adaptive) {
      adaptive = *cfg.retry.adaptive;
    } else {
      std::string where = "AWS_RETRY_MODE";
      std::optional<std::string> v = env_value(env, "AWS_RETRY_MODE");
      if (!v) {
        try {
          v = profile_value(env, cfg.profile, "retry_mode");
        } catch (const error&) {
          v.reset();  // an unreadable profile is reported by the credentials chain, not here
        }
        where = "profile retry_mode";
      }
      if (v && !v->empty()) {
        if (*v == "adaptive") {
          adaptive = true;
        } else if (*v != "standard" && *v != "legacy") {
          throw invalid_field(where, "must be standard, adaptive or legacy (got \"" + *v + "\")");
        }
      }
    }
    if (adaptive) limiter = std::make_unique<detail::adaptive_limiter>(limiter_now());
    if (mode == retry_mode::standard_2026) {
      base_delay = std::chrono::milliseconds(50);
      throttling_base_delay = std::chrono::milliseconds(1000);
    }
    if (cfg.retry.base_delay.count() > 0) base_delay = cfg.retry.base_delay;
    if (cfg.retry.throttling_base_delay.count() > 0) throttling_base_delay = cfg.retry.throttling_base_delay;
    if (cfg.retry.max_backoff.count() < 0) throw invalid_field("retry.max_backoff", "must not be negative");
    if (cfg.retry.quota_capacity < 0) throw invalid_field("retry.quota_capacity", "must not be negative");
    quota = detail::retry_quota(cfg.retry.quota_capacity);
    std::uint64_t seed = cfg.retry.rng_seed;
    if (seed == 0) {
      std::random_device rd;
      seed = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    }
    rng.seed(seed);
    std::uint64_t id_seed = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&id_seed), sizeof id_seed) != 1) id_seed = seed ^ 0x9E3779B97F4A7C15ull;
    ids.seed(id_seed);

    creds = cfg.credentials ? cfg.credentials : make_default_credentials_provider(env, cfg.profile);
    http = cfg.http_transport ? cfg.http_transport
                              : std::shared_ptr<transport>(make_default_transport(cfg.transport_opts));

    signing_config sc;
    sc.region = region;
    sc.service = "aws-marketplace";
    sc.clock = cfg.clock;
    sig = std::make_unique<signer>(std::move(sc));
  }

  std::chrono::system_clock::time_point now() const {
    return cfg.clock ? cfg.clock() : std::chrono::system_clock::now();
  }
  // Seconds for the adaptive limiter: the configured clock when there is one (tests), else
  // the monotonic clock.
  double limiter_now() const {
    using seconds = std::chrono::duration<double>;
    if (cfg.clock) return seconds(cfg.clock().time_since_epoch()).count();
    return seconds(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
  // Adaptive mode: waits (cancellably) until the limiter hands out a send token.
  void pace(const char* op) {
    if (!limiter) return;
    for (;;) {
      const double wait_s = limiter->before_send(limiter_now());
      if (wait_s <= 0) return;
      const auto delay = std::chrono::milliseconds(static_cast<long long>(std::ceil(wait_s * 1000.0)));
      if (logs(log_level::debug)) {
        log(log_level::debug, std::string(op) + ": adaptive retry mode: waiting " + std::to_string(delay.count()) +
                                  " ms for a send token (" + std::to_string(limiter->fill_rate()) + " requests/s allowed)");
      }
      wait(op, delay);
    }
  }

  bool logs(log_level level) const noexcept {
    return cfg.log && static_cast<int>(level) <= static_cast<int>(cfg.level);
  }
  void log(log_level level, const std::string& line) {
    if (!logs(level)) return;
    try {
      cfg.log(level, line);
    } catch (...) {
      // A throwing log callback must not change the outcome of the call.
    }
  }

  static std::string format_uuid4(unsigned char (&b)[16]) {
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    // 8-4-4-4-12 lower-case hex digits, formatted by hand: snprintf cost ~6k instructions per
    // call on the hot path (one id per call).
    static constexpr char hex[] = "0123456789abcdef";
    char out[36];
    std::size_t o = 0;
    for (int i = 0; i < 16; ++i) {
      if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
      out[o++] = hex[b[i] >> 4];
      out[o++] = hex[b[i] & 0x0F];
    }
    return std::string(out, sizeof out);
  }

  // A random UUID from the OS CSPRNG: idempotency tokens.
  std::string uuid4() {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) {
      throw error(MPADJUST_EINTERNAL, "cannot generate a client token: RAND_bytes failed");
    }
    return format_uuid4(b);
  }

  // amz-sdk-invocation-id only correlates the attempts of one call in service logs: a UUID from
  // a generator seeded once from RAND_bytes is enough and costs no system call per call.
  std::string invocation_uuid() {
    unsigned char b[16];
    std::uint64_t a = ids(), c = ids();
    std::memcpy(b, &a, 8);
    std::memcpy(b + 8, &c, 8);
    return format_uuid4(b);
  }

  [[noreturn]] void throw_cancelled(const char* op) {
    cancelled.store(false);
    http->reset_cancel();
    throw error(MPADJUST_ECANCELLED, std::string(op) + ": cancelled");
  }

  // Backoff wait, woken early by cancel().
  void wait(const char* op, std::chrono::milliseconds delay) {
    if (cfg.retry.sleep) {
      cfg.retry.sleep(delay);
    } else if (delay.count() > 0) {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait_for(lock, delay, [&] { return cancelled.load(); });
    }
    if (cancelled.load()) throw_cancelled(op);
  }

  void set_header(std::size_t& n, std::string_view name, std::string_view value) {
    if (request.headers.size() <= n) request.headers.emplace_back();
    request.headers[n].name.assign(name.data(), name.size());
    request.headers[n].value.assign(value.data(), value.size());
    ++n;
  }

  // Sends body under `op` until success (response holds the 2xx answer) or a final error.
  void execute(const char* op) {
    if (cancelled.load()) throw_cancelled(op);
    target_header.assign(target_prefix);
    target_header += op;
    const std::string invocation_id = invocation_uuid();
    request.method = "POST";
    request.url = url;
    // request.body was written once by call(): every attempt sends the same bytes, so a retried
    // BatchCreateBillingAdjustmentRequest carries the same client tokens.

    int attempt = 0;
    int retries = 0;
    int last_cost = 0;
    bool skew_retry_used = false;
    std::string sdk_request;
    // botocore's ttl: once a response carried a Date, later attempts announce when they expire
    // in server time (local now + total timeout + server Date - local time at receipt).
    std::optional<std::chrono::system_clock::duration> server_offset;
    for (;;) {
      ++attempt;
      const int limit = max_attempts + (skew_retry_used ? 1 : 0);
      if (cancelled.load()) throw_cancelled(op);
      pace(op);
      credentials c = creds->get();

      std::size_t n = 0;
      sdk_request.clear();
      if (server_offset) {
        sdk_request = "ttl=" + detail::format_sdk_ttl(now() + cfg.transport_opts.total_timeout + *server_offset) + "; ";
      }
      sdk_request += "attempt=" + std::to_string(attempt) + "; max=" + std::to_string(limit);
      set_header(n, "Content-Type", "application/x-amz-json-1.0");
      set_header(n, "X-Amz-Target", target_header);
      set_header(n, "amz-sdk-invocation-id", invocation_id);
      set_header(n, "amz-sdk-request", sdk_request);
      views.clear();
      for (std::size_t i = 0; i < n; ++i) views.push_back({request.headers[i].name, request.headers[i].value});
      signing_request sr;
      sr.method = request.method;
      sr.target = request.url;
      sr.headers = views.data();
      sr.header_count = views.size();
      sr.body = request.body;
      const auto signing_time = now() + sig->clock_skew();
      sig->sign(sr, c, signature);
      for (const auto& h : signature.headers_to_add) set_header(n, h.name, h.value);
      request.headers.resize(n);

      if (logs(log_level::debug)) {
        log(log_level::debug, std::string(op) + " attempt " + std::to_string(attempt) + "/" +
                                  std::to_string(limit) + ": POST " + request.url + " (invocation " +
                                  invocation_id + ", " + std::to_string(request.body.size()) +
                                  " body bytes, credentials from " +
                                  (c.source.empty() ? std::string("provider") : c.source) + ")");
        log(log_level::debug, std::string(op) + " canonical request:\n" +
                                  redact_canonical_request(signature.canonical_request));
        for (const auto& h : request.headers) {
          if (iequals(h.name, "authorization")) {
            log(log_level::debug, std::string(op) + " Authorization: " + redact_authorization(h.value));
          }
        }
      }

      const auto t0 = std::chrono::steady_clock::now();
      auto elapsed = [&] {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f ms",
                      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        return std::string(buf);
      };

      bool timed_out = false;
      std::string why;  // for the retry log line
      try {
        response = http->send(request);
      } catch (const transport_error& e) {
        if (e.kind() == transport_failure::cancelled || cancelled.load()) throw_cancelled(op);
        if (limiter) limiter->after_attempt(limiter_now(), false);
        log(log_level::debug, std::string(op) + " attempt " + std::to_string(attempt) + ": " + e.what() +
                                  " after " + elapsed());
        if (!detail::is_retryable_transport_failure(e.kind()) || attempt >= limit) {
          std::string msg = std::string(op) + ": " + e.what();
          if (attempt > 1) msg += " (after " + std::to_string(attempt) + " attempts)";
          log(log_level::warn, msg);
          throw transport_error(e.kind(), msg);
        }
        timed_out = e.kind() == transport_failure::timeout;
        why = e.what();
        int cost = mode == retry_mode::standard_2026 ? 14 : (timed_out ? 10 : 5);
        if (!quota.acquire(cost)) {
          std::string msg = std::string(op) + ": " + e.what() + " (retry quota exhausted after " +
                            std::to_string(attempt) + " attempts)";
          log(log_level::warn, msg);
          throw transport_error(e.kind(), msg);
        }
        last_cost = cost;
        ++retries;
        auto delay = detail::backoff_delay(retries, base_delay, cfg.retry.max_backoff, rng);
        log(log_level::info, std::string(op) + ": " + why + "; retrying in " + std::to_string(delay.count()) +
                                 " ms (attempt " + std::to_string(attempt + 1) + "/" + std::to_string(limit) + ")");
        wait(op, delay);
        continue;
      }

      const int status = response.status;
      if (logs(log_level::debug)) {
        auto rid = response.header("x-amzn-RequestId");
        log(log_level::debug, std::string(op) + " attempt " + std::to_string(attempt) + ": HTTP " +
                                  std::to_string(status) + " in " + elapsed() + ", " +
                                  std::to_string(response.body.size()) + " body bytes" +
                                  (rid ? " (request id " + std::string(*rid) + ")" : std::string()));
      }
      if (status >= 200 && status < 300) {
        if (limiter) limiter->after_attempt(limiter_now(), false);
        quota.release(retries > 0 ? last_cost : 0);
        return;
      }

      if (auto date = response.header("Date")) {
        if (auto server = detail::parse_http_date(*date)) server_offset = *server - now();
      }
      service_error_info info =
          detail::parse_error_response(parser, response, response.body, op, cfg.max_response_bytes);
      info.attempts = attempt;
      info.throttling = detail::is_throttling_code(info.error_type) || status == 429;
      info.retryable = info.throttling || detail::is_transient_status(status) ||
                       detail::is_transient_code(info.error_type);
      if (limiter) limiter->after_attempt(limiter_now(), info.throttling);

      // Clock skew: the service rejected the request for its time. Learn the offset from Date
      // and retry once, immediately.
      if (cfg.clock_skew_correction && !skew_retry_used &&
          detail::is_clock_skew_error(info.error_type, info.message)) {
        if (auto date = response.header("Date")) {
          if (auto server = detail::parse_http_date(*date)) {
            auto diff = *server - signing_time;
            if (diff > detail::clock_skew_threshold || diff < -detail::clock_skew_threshold) {
              auto skew = std::chrono::duration_cast<std::chrono::seconds>(*server - now());
              sig->set_clock_skew(skew);
              skew_retry_used = true;
              log(log_level::warn, std::string(op) + ": " + info.error_type + " with the server clock " +
                                       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(diff).count()) +
                                       " s away from the signing time; clock skew set to " +
                                       std::to_string(skew.count()) + " s, retrying");
              continue;
            }
          }
        }
      }

      if (!info.retryable || attempt >= limit) {
        const log_level level = info.retryable ? log_level::warn : log_level::info;
        service_error err(std::move(info));
        log(level, err.what());
        throw err;
      }
      int cost = mode == retry_mode::standard_2026 ? (info.throttling ? 5 : 14) : 5;
      if (!quota.acquire(cost)) {
        service_error err(std::move(info));
        log(log_level::warn, std::string(err.what()) + " (retry quota exhausted)");
        throw err;
      }
      last_cost = cost;
      ++retries;
      auto delay = detail::backoff_delay(retries, info.throttling ? throttling_base_delay : base_delay,
                                         cfg.retry.max_backoff, rng);
      if (mode == retry_mode::standard_2026) delay = detail::apply_retry_after(delay, response.header("x-amz-retry-after"));
      log(log_level::info, std::string(op) + ": " + (info.error_type.empty() ? "error" : info.error_type) +
                               " (HTTP " + std::to_string(status) + "); retrying in " +
                               std::to_string(delay.count()) + " ms (attempt " + std::to_string(attempt + 1) +
                               "/" + std::to_string(limit) + ")");
      wait(op, delay);
    }
  }

  template <class Out, class In>
  Out call(const char* op, const In& input) {
    if (cancelled.load()) throw_cancelled(op);
    detail::validate(input);
    detail::write_json(input, request.body);
    execute(op);
    Out out;
    parser.parse(response.body, out, op, cfg.max_response_bytes);
    return out;
  }
};

client::client(client_config config) : impl_(std::make_unique<impl>(std::move(config))) {}
client::~client() = default;
client::client(client&&) noexcept = default;
client& client::operator=(client&&) noexcept = default;

describe_agreement_output client::describe_agreement(const describe_agreement_input& in) {
  return impl_->call<describe_agreement_output>("DescribeAgreement", in);
}
search_agreements_output client::search_agreements(const search_agreements_input& in) {
  return impl_->call<search_agreements_output>("SearchAgreements", in);
}
get_agreement_terms_output client::get_agreement_terms(const get_agreement_terms_input& in) {
  return impl_->call<get_agreement_terms_output>("GetAgreementTerms", in);
}
list_agreement_invoice_line_items_output client::list_agreement_invoice_line_items(
    const list_agreement_invoice_line_items_input& in) {
  return impl_->call<list_agreement_invoice_line_items_output>("ListAgreementInvoiceLineItems", in);
}
batch_create_billing_adjustment_request_output client::batch_create_billing_adjustment_request(
    const batch_create_billing_adjustment_request_input& in) {
  return impl_->call<batch_create_billing_adjustment_request_output>("BatchCreateBillingAdjustmentRequest", in);
}
get_billing_adjustment_request_output client::get_billing_adjustment_request(
    const get_billing_adjustment_request_input& in) {
  return impl_->call<get_billing_adjustment_request_output>("GetBillingAdjustmentRequest", in);
}
list_billing_adjustment_requests_output client::list_billing_adjustment_requests(
    const list_billing_adjustment_requests_input& in) {
  return impl_->call<list_billing_adjustment_requests_output>("ListBillingAdjustmentRequests", in);
}
send_agreement_cancellation_request_output client::send_agreement_cancellation_request(
    const send_agreement_cancellation_request_input& in) {
  if (in.client_token) {
    return impl_->call<send_agreement_cancellation_request_output>("SendAgreementCancellationRequest", in);
  }
  // idempotencyToken: generated once per call, so every retry of this call carries it.
  send_agreement_cancellation_request_input with_token = in;
  with_token.client_token = impl_->uuid4();
  return impl_->call<send_agreement_cancellation_request_output>("SendAgreementCancellationRequest", with_token);
}
get_agreement_cancellation_request_output client::get_agreement_cancellation_request(
    const get_agreement_cancellation_request_input& in) {
  return impl_->call<get_agreement_cancellation_request_output>("GetAgreementCancellationRequest", in);
}
list_agreement_cancellation_requests_output client::list_agreement_cancellation_requests(
    const list_agreement_cancellation_requests_input& in) {
  return impl_->call<list_agreement_cancellation_requests_output>("ListAgreementCancellationRequests", in);
}
cancel_agreement_cancellation_request_output client::cancel_agreement_cancellation_request(
    const cancel_agreement_cancellation_request_input& in) {
  return impl_->call<cancel_agreement_cancellation_request_output>("CancelAgreementCancellationRequest", in);
}

paginator<search_agreements_input, search_agreements_output> client::search_agreements_pages(
    search_agreements_input input) {
  return {*this, std::move(input), &client::search_agreements};
}
paginator<get_agreement_terms_input, get_agreement_terms_output> client::get_agreement_terms_pages(
    get_agreement_terms_input input) {
  return {*this, std::move(input), &client::get_agreement_terms};
}
paginator<list_agreement_invoice_line_items_input, list_agreement_invoice_line_items_output>
client::list_agreement_invoice_line_items_pages(list_agreement_invoice_line_items_input input) {
  return {*this, std::move(input), &client::list_agreement_invoice_line_items};
}
paginator<list_billing_adjustment_requests_input, list_billing_adjustment_requests_output>
client::list_billing_adjustment_requests_pages(list_billing_adjustment_requests_input input) {
  return {*this, std::move(input), &client::list_billing_adjustment_requests};
}
paginator<list_agreement_cancellation_requests_input, list_agreement_cancellation_requests_output>
client::list_agreement_cancellation_requests_pages(list_agreement_cancellation_requests_input input) {
  return {*this, std::move(input), &client::list_agreement_cancellation_requests};
}

void client::cancel() noexcept {
  if (!impl_) return;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->cancelled.store(true);
  }
  impl_->http->cancel();
  impl_->wake.notify_all();
}

const std::string& client::region() const noexcept { return impl_->region; }
const std::string& client::endpoint() const noexcept { return impl_->endpoint; }
int client::max_attempts() const noexcept { return impl_->max_attempts; }
retry_mode client::mode() const noexcept { return impl_->mode; }
bool client::adaptive() const noexcept { return impl_->limiter != nullptr; }
std::chrono::seconds client::clock_skew() const noexcept { return impl_->sig->clock_skew(); }
int client::retry_quota() const noexcept { return impl_->quota.available(); }

}  // namespace v1
}  // namespace mpadjust
