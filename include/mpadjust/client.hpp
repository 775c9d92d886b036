// mpadjust/client.hpp - the typed client of the AWS Marketplace Agreement Service.
//
// Each operation validates its input against the model's constraints (throwing
// mpadjust::error(MPADJUST_EINVALID) naming the field, before anything is sent), signs the
// request (SigV4, service "aws-marketplace"), sends it with the SDKs' standard retry mode and
// clock-skew correction, and parses the response leniently (unknown members ignored, unknown
// enum values kept as text) but safely (a wrong type, malformed or truncated JSON, or a body
// over the size limit is mpadjust::error(MPADJUST_EPARSE), never a crash).
//
// Errors thrown by an operation:
//   - service_error (MPADJUST_ESERVICE): the service answered with an error;
//   - mpadjust::error MPADJUST_EINVALID (bad input), MPADJUST_ETRANSPORT / MPADJUST_ETIMEOUT
//     (transport_error, after retries), MPADJUST_ECANCELLED (cancel()), MPADJUST_EPARSE,
//     MPADJUST_ECREDENTIALS.
//
// Threads: a client is used by one thread at a time and may move between threads; cancel() may
// be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <mpadjust/credentials.hpp>
#include <mpadjust/error.hpp>
#include <mpadjust/http.hpp>
#include <mpadjust/model.hpp>

namespace mpadjust {
inline namespace v1 {

// ------------------------------------------------------------------ logging

enum class log_level { error = 0, warn = 1, info = 2, debug = 3 };

// Receives every log line at or above the configured level. Lines never contain a secret key,
// session token, signature or the value of a `sensitive` model member. Called on the thread
// making the call; it must not call back into the client.
using log_callback = std::function<void(log_level level, std::string_view line)>;

const char* log_level_name(log_level level) noexcept;  // "error", "warn", "info", "debug"

// ------------------------------------------------------------------ service errors

struct validation_exception_field {
  std::string name;
  std::string message;
};

// Everything the service said about an error (members of the model's 7 exception shapes).
struct service_error_info {
  std::string operation;    // "DescribeAgreement"
  int http_status = 0;
  // Sanitised shape name ("ValidationException"); from X-Amzn-ErrorType, else body __type,
  // else body code; "" when the response named none.
  std::string error_type;
  std::string message;      // the service's message ("" if none)
  std::string request_id;   // x-amzn-RequestId header, else body requestId
  std::string reason;       // ValidationException / AccessDeniedException reason
  std::vector<validation_exception_field> fields;  // ValidationException
  std::string resource_id;    // ResourceNotFound / Conflict / ServiceQuotaExceeded
  std::string resource_type;
  std::string quota_code;     // ServiceQuotaExceededException
  std::string service_code;
  bool throttling = false;  // a throttling error (retried with backoff)
  bool retryable = false;   // throttling, 5xx or a transient error code
  int attempts = 0;         // attempts made before giving up
};

// The service answered with an error. status() is MPADJUST_ESERVICE; field() is the first
// ValidationException field name, if any.
class service_error : public error {
 public:
  explicit service_error(service_error_info info);
  const service_error_info& info() const noexcept { return info_; }
  int http_status() const noexcept { return info_.http_status; }
  const std::string& error_type() const noexcept { return info_.error_type; }
  const std::string& service_message() const noexcept { return info_.message; }
  const std::string& request_id() const noexcept { return info_.request_id; }
  const std::string& reason() const noexcept { return info_.reason; }
  const std::vector<validation_exception_field>& fields() const noexcept { return info_.fields; }
  bool retryable() const noexcept { return info_.retryable; }
  bool throttling() const noexcept { return info_.throttling; }

 private:
  service_error_info info_;
};

// ------------------------------------------------------------------ configuration

// Which revision of the SDKs' "standard" retry mode to follow (sdk-conventions.md 1.3, 1.4).
enum class retry_mode {
  // Long-standing standard mode (botocore, go-v2, aws-sdk-cpp today): delay
  // rand(0,1) * min(base * 2^(attempt-1), max_backoff) with base 1 s for every retryable error;
  // quota 500, cost 5 per retry, 10 per retry after a timeout, +1 per success without retry.
  standard,
  // The 2026 revision (AWS_NEW_RETRIES_2026=true): base 1 s for throttling errors, 50 ms for
  // other retryable errors; retry cost 5 for throttling, 14 otherwise, no timeout special case;
  // a response's x-amz-retry-after (ms) stretches the delay to max(t, min(retry_after, t + 5 s)).
  // Both modes send amz-sdk-request "attempt=N; max=M", preceded by "ttl=YYYYMMDDTHHMMSSZ; "
  // once a response carried the server's Date (local now + total timeout + server offset).
  standard_2026
};

struct retry_config {
  // Attempts including the first, >= 1. 0 = AWS_MAX_ATTEMPTS, else the profile's max_attempts,
  // else 3.
  int max_attempts = 0;
  // nullopt = AWS_NEW_RETRIES_2026 (true -> standard_2026), else standard.
  std::optional<retry_mode> mode;
  // The SDKs' "adaptive" mode: the retries above plus a client-side send-rate limiter that is
  // enabled by the first throttling response and then paces every attempt (CUBIC, as botocore's
  // retries/adaptive.py). nullopt = AWS_RETRY_MODE, else the profile's retry_mode: "adaptive"
  // -> true; "standard" or "legacy" -> false (mpadjust has no legacy mode: standard is used);
  // anything else is an error naming the variable. Appended field.
  std::optional<bool> adaptive;
  // Base delays; 0 = the mode's defaults (see retry_mode).
  std::chrono::milliseconds base_delay{0};           // non-throttling errors
  std::chrono::milliseconds throttling_base_delay{0};  // throttling errors
  std::chrono::milliseconds max_backoff{20000};
  int quota_capacity = 500;  // retry token bucket; 0 disables the quota
  // Test hooks: sleep replaces the (cancellable) backoff wait; a non-zero rng_seed makes the
  // jitter deterministic.
  std::function<void(std::chrono::milliseconds)> sleep;
  std::uint64_t rng_seed = 0;
};

struct client_config {
  // "" = AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else "us-east-1".
  std::string region;
  // Custom endpoint URL; "" = AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT / AWS_ENDPOINT_URL, else
  // the rule set's URL for region / use_fips / use_dual_stack.
  std::string endpoint;
  std::optional<bool> use_fips;        // nullopt = AWS_USE_FIPS_ENDPOINT, else false
  std::optional<bool> use_dual_stack;  // nullopt = AWS_USE_DUALSTACK_ENDPOINT, else false
  std::string profile;                 // "" = AWS_PROFILE / default
  // nullptr = the default chain (environment, shared files), cached and refreshed before expiry.
  std::shared_ptr<credentials_provider> credentials;
  // nullptr = make_default_transport(transport_opts) (libcurl, keep-alive).
  std::shared_ptr<transport> http_transport;
  transport_options transport_opts;
  retry_config retry;
  log_callback log;
  log_level level = log_level::warn;
  // Time source for signing and skew detection. nullptr = std::chrono::system_clock::now.
  std::function<std::chrono::system_clock::time_point()> clock;
  // Correct the signing clock from the response Date when the service rejects a request for
  // its time (and retry once).
  bool clock_skew_correction = true;
  // Largest response body the parser accepts (the transport has its own cap).
  std::size_t max_response_bytes = 16u << 20;
  // Where AWS_* variables and ~/.aws files are read from; unset `get` = the process environment.
  environment env;
};

template <class Input, class Output>
class paginator;

// ------------------------------------------------------------------ the client

class client {
 public:
  // Resolves region, endpoint, credentials provider and transport. Throws mpadjust::error
  // (MPADJUST_EINVALID naming the setting) for an invalid configuration.
  explicit client(client_config config = {});
  ~client();
  client(client&&) noexcept;
  client& operator=(client&&) noexcept;
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  describe_agreement_output describe_agreement(const describe_agreement_input& input);
  search_agreements_output search_agreements(const search_agreements_input& input);
  get_agreement_terms_output get_agreement_terms(const get_agreement_terms_input& input);
  list_agreement_invoice_line_items_output list_agreement_invoice_line_items(
      const list_agreement_invoice_line_items_input& input);
  // At most 5 entries, all of one agreement, each with its own client token. Retries re-send
  // the byte-identical body, so the service sees the same client tokens on every attempt.
  batch_create_billing_adjustment_request_output batch_create_billing_adjustment_request(
      const batch_create_billing_adjustment_request_input& input);
  get_billing_adjustment_request_output get_billing_adjustment_request(
      const get_billing_adjustment_request_input& input);
  list_billing_adjustment_requests_output list_billing_adjustment_requests(
      const list_billing_adjustment_requests_input& input);
  send_agreement_cancellation_request_output send_agreement_cancellation_request(
      const send_agreement_cancellation_request_input& input);
  get_agreement_cancellation_request_output get_agreement_cancellation_request(
      const get_agreement_cancellation_request_input& input);
  list_agreement_cancellation_requests_output list_agreement_cancellation_requests(
      const list_agreement_cancellation_requests_input& input);
  cancel_agreement_cancellation_request_output cancel_agreement_cancellation_request(
      const cancel_agreement_cancellation_request_input& input);

  // Lazy page iterators of the paginated operations (each page is fetched when reached).
  paginator<search_agreements_input, search_agreements_output> search_agreements_pages(
      search_agreements_input input);
  paginator<get_agreement_terms_input, get_agreement_terms_output> get_agreement_terms_pages(
      get_agreement_terms_input input);
  paginator<list_agreement_invoice_line_items_input, list_agreement_invoice_line_items_output>
  list_agreement_invoice_line_items_pages(list_agreement_invoice_line_items_input input);
  paginator<list_billing_adjustment_requests_input, list_billing_adjustment_requests_output>
  list_billing_adjustment_requests_pages(list_billing_adjustment_requests_input input);
  paginator<list_agreement_cancellation_requests_input, list_agreement_cancellation_requests_output>
  list_agreement_cancellation_requests_pages(list_agreement_cancellation_requests_input input);

  // Aborts the call in progress (or, if none, the next call) with MPADJUST_ECANCELLED:
  // interrupts the transport and any backoff wait. Callable from any thread.
  void cancel() noexcept;

  const std::string& region() const noexcept;
  const std::string& endpoint() const noexcept;
  int max_attempts() const noexcept;
  retry_mode mode() const noexcept;
  // True in the adaptive retry mode (retry_config::adaptive).
  bool adaptive() const noexcept;
  // The signing clock offset learnt from the service (server time - local time).
  std::chrono::seconds clock_skew() const noexcept;
  // Tokens left in the retry quota.
  int retry_quota() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// ------------------------------------------------------------------ pagination

// Fetches the pages of a paginated operation one at a time. Stops after a page without a
// nextToken (absent or empty). A service that returns a token it already returned is an
// mpadjust::error(MPADJUST_ESERVICE) rather than an endless loop. The client must outlive the
// paginator.
template <class Input, class Output>
class paginator {
 public:
  using operation = Output (client::*)(const Input&);

  paginator(client& c, Input input, operation op) : client_(&c), input_(std::move(input)), op_(op) {
    if (input_.next_token && input_.next_token->empty()) input_.next_token.reset();
  }

  bool has_more_pages() const noexcept { return !done_; }
  int pages_fetched() const noexcept { return pages_; }

  // The next page. Throws mpadjust::error(MPADJUST_EINVALID) when there is none.
  Output next_page() {
    if (done_) throw error(MPADJUST_EINVALID, "paginator: no more pages");
    Output page = (client_->*op_)(input_);
    ++pages_;
    if (!page.next_token || page.next_token->empty()) {
      done_ = true;
    } else {
      if (!seen_.insert(*page.next_token).second) {
        done_ = true;
        throw error(MPADJUST_ESERVICE,
                    "pagination: the service returned the same nextToken twice (after page " +
                        std::to_string(pages_) + ")");
      }
      input_.next_token = *page.next_token;
    }
    return page;
  }

  // Input iterator over the pages: for (const auto& page : client.search_agreements_pages(in)).
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Output;
    using difference_type = std::ptrdiff_t;
    using pointer = const Output*;
    using reference = const Output&;

    iterator() = default;
    explicit iterator(paginator* p) : p_(p) { advance(); }
    reference operator*() const { return *page_; }
    pointer operator->() const { return &*page_; }
    iterator& operator++() {
      advance();
      return *this;
    }
    friend bool operator==(const iterator& a, const iterator& b) { return a.p_ == b.p_; }
    friend bool operator!=(const iterator& a, const iterator& b) { return a.p_ != b.p_; }

   private:
    void advance() {
      if (p_ && p_->has_more_pages()) {
        page_ = p_->next_page();
      } else {
        p_ = nullptr;
        page_.reset();
      }
    }
    paginator* p_ = nullptr;
    std::optional<Output> page_;
  };
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

 private:
  client* client_;
  Input input_;
  operation op_;
  bool done_ = false;
  int pages_ = 0;
  std::unordered_set<std::string> seen_;
};

}  // namespace v1
}  // namespace mpadjust
