// capi/capi_workflow.cpp - the refund workflow's C ABI: plans, submit, results, wait, the
// journal and the refund request form. Conversion only: the logic is in src/workflow and
// src/journal.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <mpadjust.h>
#include <mpadjust/adjustment.hpp>
#include <mpadjust/journal.hpp>

#include "buf.hpp"
#include "guard.hpp"
#include "handles.hpp"
#include "json_out.hpp"
#include "options.hpp"

namespace {

using mpadjust::capi::guard;
using mpadjust::capi::require_arg;
using mpadjust::capi::require_text;

// The most worker threads a submit may use (the service's quotas make more pointless).
constexpr uint32_t max_concurrency = 16;

std::string journal_path_or_default(const char* journal_path) {
  if (journal_path == nullptr) return mpadjust::default_journal_path();
  require_text(journal_path, "journal_path");
  return journal_path;
}

std::string text_or_empty(const char* p) { return p != nullptr ? std::string(p) : std::string(); }

std::string_view bytes(const char* text, size_t len) {
  if (len == 0) return {};
  require_arg(text, "text");
  return std::string_view(text, len);
}

void require_unresolved(const mpadjust_plan* plan) {
  if (plan->resolved)
    throw mpadjust::error(MPADJUST_ECONFLICT, "plan: already resolved (frozen); make a new plan to change it");
}

const mpadjust::plan& resolved_plan(const mpadjust_plan* plan) {
  require_arg(plan, "plan");
  if (!plan->resolved)
    throw mpadjust::invalid_field("plan", "not resolved; call mpadjust_plan_resolve (or load a saved plan) first");
  return *plan->resolved;
}

// Appends entries all at once, so a failure adds nothing.
void append_specs(mpadjust_plan* plan, std::vector<mpadjust::entry_spec> specs) {
  plan->specs.insert(plan->specs.end(), std::make_move_iterator(specs.begin()),
                     std::make_move_iterator(specs.end()));
}

const mpadjust::entry_result* result_at(const mpadjust_results* r, size_t i) noexcept {
  if (r == nullptr || i >= r->results.size()) return nullptr;
  return &r->results[i];
}

// A borrowed field of result i's plan entry, "" when out of range.
template <class Get>
const char* entry_field(const mpadjust_results* r, size_t i, Get get) noexcept {
  const mpadjust::entry_result* res = result_at(r, i);
  if (res == nullptr || res->entry == nullptr) return "";
  return get(*res->entry).c_str();
}

template <class Get>
const char* result_field(const mpadjust_results* r, size_t i, Get get) noexcept {
  const mpadjust::entry_result* res = result_at(r, i);
  if (res == nullptr) return "";
  return get(*res).c_str();
}

}  // namespace

extern "C" {

// ------------------------------------------------------------------ plans

MPADJUST_API mpadjust_status mpadjust_entry_init(mpadjust_entry* entry, size_t struct_size) noexcept {
  return guard([&] { mpadjust::capi::init_struct(entry, struct_size, MPADJUST_ENTRY_MIN_SIZE, "entry"); });
}

MPADJUST_API mpadjust_status mpadjust_plan_new(mpadjust_plan** out, const char* plan_key) noexcept {
  if (out != nullptr) *out = nullptr;
  return guard([&] {
    require_arg(out, "out");
    if (plan_key != nullptr) require_text(plan_key, "plan_key");
    auto handle = std::make_unique<mpadjust_plan>();
    handle->plan_key = text_or_empty(plan_key);
    *out = handle.release();
  });
}

MPADJUST_API void mpadjust_plan_free(mpadjust_plan* plan) noexcept { delete plan; }

MPADJUST_API mpadjust_status mpadjust_plan_add_entry(mpadjust_plan* plan, const mpadjust_entry* entry) noexcept {
  return guard([&] {
    require_arg(plan, "plan");
    require_arg(entry, "entry");
    const mpadjust::capi::options_reader<mpadjust_entry> r(entry, MPADJUST_ENTRY_MIN_SIZE, "entry");
    require_unresolved(plan);
    mpadjust::entry_spec spec;
    require_arg(entry->agreement_id, "entry.agreement_id");
    require_arg(entry->invoice_id, "entry.invoice_id");
    require_arg(entry->amount, "entry.amount");
    require_arg(entry->currency, "entry.currency");
    require_arg(entry->reason_code, "entry.reason_code");
    spec.agreement_id = entry->agreement_id;
    spec.invoice_id = entry->invoice_id;
    spec.amount = entry->amount;
    spec.currency = entry->currency;
    spec.reason_code = entry->reason_code;
    spec.description = text_or_empty(MPADJUST_OPTION(r, mpadjust_entry, description, nullptr));
    spec.details.support_case_id = text_or_empty(MPADJUST_OPTION(r, mpadjust_entry, support_case_id, nullptr));
    spec.details.buyer_reference = text_or_empty(MPADJUST_OPTION(r, mpadjust_entry, buyer_reference, nullptr));
    spec.details.notes = text_or_empty(MPADJUST_OPTION(r, mpadjust_entry, notes, nullptr));
    plan->specs.push_back(std::move(spec));
  });
}

MPADJUST_API mpadjust_status mpadjust_plan_add_csv(mpadjust_plan* plan, const char* text, size_t len) noexcept {
  return guard([&] {
    require_arg(plan, "plan");
    require_unresolved(plan);
    append_specs(plan, mpadjust::entries_from_csv(bytes(text, len)));
  });
}

MPADJUST_API mpadjust_status mpadjust_plan_add_json(mpadjust_plan* plan, const char* text, size_t len) noexcept {
  return guard([&] {
    require_arg(plan, "plan");
    require_unresolved(plan);
    append_specs(plan, mpadjust::entries_from_json(bytes(text, len)));
  });
}

MPADJUST_API mpadjust_status mpadjust_plan_resolve(mpadjust_plan* plan, mpadjust_client* client,
                                                   int32_t strict_reasons) noexcept {
  return guard([&] {
    require_arg(plan, "plan");
    require_arg(client, "client");
    require_unresolved(plan);
    mpadjust::plan_options options;
    options.plan_key = plan->plan_key;
    options.strict_reasons = strict_reasons != 0;
    plan->problems.clear();
    try {
      plan->resolved = mpadjust::resolve_plan(plan->specs, mpadjust::client_facts(*client->client), options);
    } catch (const mpadjust::plan_error& e) {
      plan->problems = e.problems();
      throw;
    }
  });
}

MPADJUST_API mpadjust_status mpadjust_plan_problems(mpadjust_buf* json_out, const mpadjust_plan* plan) noexcept {
  return guard([&] {
    require_arg(json_out, "json_out");
    require_arg(plan, "plan");
    mpadjust::capi::fill_buf(json_out, mpadjust::capi::problems_json(plan->problems));
  });
}

MPADJUST_API mpadjust_status mpadjust_plan_from_json(mpadjust_plan** out, const char* text, size_t len) noexcept {
  if (out != nullptr) *out = nullptr;
  return guard([&] {
    require_arg(out, "out");
    require_arg(text, "text");
    auto handle = std::make_unique<mpadjust_plan>();
    handle->resolved = mpadjust::plan_from_json(std::string_view(text, len));
    handle->plan_key = handle->resolved->plan_key;
    *out = handle.release();
  });
}

MPADJUST_API mpadjust_status mpadjust_plan_to_json(mpadjust_buf* out, const mpadjust_plan* plan) noexcept {
  return guard([&] {
    require_arg(out, "out");
    mpadjust::capi::fill_buf(out, mpadjust::plan_to_json(resolved_plan(plan)));
  });
}

MPADJUST_API mpadjust_status mpadjust_plan_preview_text(mpadjust_buf* out, const mpadjust_plan* plan) noexcept {
  return guard([&] {
    require_arg(out, "out");
    mpadjust::capi::fill_buf(out, mpadjust::preview_text(resolved_plan(plan)));
  });
}

MPADJUST_API mpadjust_status mpadjust_plan_preview_json(mpadjust_buf* out, const mpadjust_plan* plan) noexcept {
  return guard([&] {
    require_arg(out, "out");
    mpadjust::capi::fill_buf(out, mpadjust::preview_json(resolved_plan(plan)));
  });
}

MPADJUST_API size_t mpadjust_plan_entry_count(const mpadjust_plan* plan) noexcept {
  if (plan == nullptr) return 0;
  return plan->resolved ? plan->resolved->entries.size() : plan->specs.size();
}

MPADJUST_API int32_t mpadjust_plan_is_resolved(const mpadjust_plan* plan) noexcept {
  return plan != nullptr && plan->resolved ? 1 : 0;
}

// ------------------------------------------------------------------ submit, results, wait

MPADJUST_API mpadjust_status mpadjust_submit_options_init(mpadjust_submit_options* opts, size_t struct_size) noexcept {
  return guard([&] { mpadjust::capi::init_struct(opts, struct_size, MPADJUST_SUBMIT_OPTIONS_MIN_SIZE, "opts"); });
}

MPADJUST_API mpadjust_status mpadjust_plan_submit(mpadjust_results** out, const mpadjust_plan* plan,
                                                  mpadjust_client* client, const char* journal_path,
                                                  const mpadjust_submit_options* opts) noexcept {
  if (out != nullptr) *out = nullptr;
  return guard([&] {
    require_arg(out, "out");
    const mpadjust::plan& frozen = resolved_plan(plan);
    require_arg(client, "client");
    const mpadjust::capi::options_reader<mpadjust_submit_options> r(opts, MPADJUST_SUBMIT_OPTIONS_MIN_SIZE, "opts");
    const uint32_t concurrency = MPADJUST_OPTION(r, mpadjust_submit_options, concurrency, 0u);
    if (concurrency > max_concurrency)
      throw mpadjust::invalid_field("opts.concurrency", "must be 0.." + std::to_string(max_concurrency) + ", not " +
                                                            std::to_string(concurrency));
    const mpadjust_progress_fn progress = MPADJUST_OPTION(r, mpadjust_submit_options, progress, nullptr);
    void* progress_userdata = MPADJUST_OPTION(r, mpadjust_submit_options, progress_userdata, nullptr);

    mpadjust::submit_options options;
    options.concurrency = std::max<uint32_t>(concurrency, 1);
    if (options.concurrency > 1) options.make_client = client->make_worker;
    options.retry_rejected = MPADJUST_OPTION(r, mpadjust_submit_options, retry_rejected, 0) != 0;
    std::atomic<bool> stopped{false};
    if (progress != nullptr) {
      options.on_progress = [progress, progress_userdata, &stopped](const mpadjust::progress& p) {
        if (progress(p.done, p.total, p.failed, progress_userdata) == 0) return true;
        stopped.store(true);
        return false;
      };
    }

    auto results = std::make_unique<mpadjust_results>();
    results->plan = std::make_unique<const mpadjust::plan>(frozen);
    mpadjust::journal_writer journal = mpadjust::journal_writer::open(journal_path_or_default(journal_path));
    results->results = mpadjust::submit(*client->client, *results->plan, journal, options);
    if (stopped.load()) {
      size_t sent = 0;
      for (const auto& res : results->results)
        if (res.outcome != mpadjust::entry_outcome::not_sent) ++sent;
      throw mpadjust::error(MPADJUST_ECALLBACK, "the progress callback stopped the submission after " +
                                                    std::to_string(sent) + " of " +
                                                    std::to_string(results->results.size()) +
                                                    " entries; the journal records what was sent "
                                                    "(mpadjust_results_from_journal)");
    }
    *out = results.release();
  });
}

MPADJUST_API mpadjust_status mpadjust_results_from_journal(mpadjust_results** out, const mpadjust_plan* plan,
                                                           const char* journal_path) noexcept {
  if (out != nullptr) *out = nullptr;
  return guard([&] {
    require_arg(out, "out");
    const mpadjust::plan& frozen = resolved_plan(plan);
    const mpadjust::journal_contents contents = mpadjust::read_journal(journal_path_or_default(journal_path));
    auto results = std::make_unique<mpadjust_results>();
    results->plan = std::make_unique<const mpadjust::plan>(frozen);
    results->results = mpadjust::results_from_journal(*results->plan, mpadjust::fold_journal(contents.records));
    *out = results.release();
  });
}

MPADJUST_API mpadjust_status mpadjust_results_wait(mpadjust_results* results, mpadjust_client* client,
                                                   const char* journal_path, uint32_t timeout_ms) noexcept {
  return guard([&] {
    require_arg(results, "results");
    require_arg(client, "client");
    mpadjust::journal_writer journal = mpadjust::journal_writer::open(journal_path_or_default(journal_path));
    mpadjust::wait_options options;
    options.timeout = std::chrono::milliseconds(timeout_ms);
    client->wait_cancel.store(false);
    options.cancel = &client->wait_cancel;
    // Sleeps between polls, woken by mpadjust_client_cancel.
    options.sleep = [client](std::chrono::milliseconds d) {
      std::unique_lock<std::mutex> lock(client->mu);
      client->sleeping = true;
      client->cv.wait_for(lock, d, [client] { return client->wait_cancel.load(); });
      client->sleeping = false;
    };
    mpadjust::wait(*client->client, results->results, journal, options);
  });
}

MPADJUST_API void mpadjust_results_free(mpadjust_results* results) noexcept { delete results; }

MPADJUST_API size_t mpadjust_results_count(const mpadjust_results* results) noexcept {
  return results != nullptr ? results->results.size() : 0;
}

MPADJUST_API int32_t mpadjust_results_outcome(const mpadjust_results* results, size_t index) noexcept {
  const mpadjust::entry_result* r = result_at(results, index);
  if (r == nullptr) return -1;
  switch (r->outcome) {
    case mpadjust::entry_outcome::created: return MPADJUST_OUTCOME_CREATED;
    case mpadjust::entry_outcome::already_done: return MPADJUST_OUTCOME_ALREADY_DONE;
    case mpadjust::entry_outcome::rejected: return MPADJUST_OUTCOME_REJECTED;
    case mpadjust::entry_outcome::in_doubt: return MPADJUST_OUTCOME_IN_DOUBT;
    case mpadjust::entry_outcome::not_sent: return MPADJUST_OUTCOME_NOT_SENT;
  }
  return MPADJUST_OUTCOME_IN_DOUBT;  // unreachable; the safest reading of an unknown outcome
}

MPADJUST_API const char* mpadjust_results_agreement_id(const mpadjust_results* r, size_t i) noexcept {
  return entry_field(r, i, [](const mpadjust::plan_entry& e) -> const std::string& { return e.agreement_id; });
}
MPADJUST_API const char* mpadjust_results_invoice_id(const mpadjust_results* r, size_t i) noexcept {
  return entry_field(r, i, [](const mpadjust::plan_entry& e) -> const std::string& { return e.invoice_id; });
}
MPADJUST_API const char* mpadjust_results_amount(const mpadjust_results* r, size_t i) noexcept {
  return entry_field(r, i, [](const mpadjust::plan_entry& e) -> const std::string& { return e.amount; });
}
MPADJUST_API const char* mpadjust_results_currency(const mpadjust_results* r, size_t i) noexcept {
  return entry_field(r, i, [](const mpadjust::plan_entry& e) -> const std::string& { return e.currency; });
}
MPADJUST_API const char* mpadjust_results_client_token(const mpadjust_results* r, size_t i) noexcept {
  return entry_field(r, i, [](const mpadjust::plan_entry& e) -> const std::string& { return e.client_token; });
}
MPADJUST_API const char* mpadjust_results_billing_adjustment_request_id(const mpadjust_results* r, size_t i) noexcept {
  return result_field(r, i, [](const mpadjust::entry_result& e) -> const std::string& {
    return e.billing_adjustment_request_id;
  });
}
MPADJUST_API const char* mpadjust_results_status(const mpadjust_results* r, size_t i) noexcept {
  return result_field(r, i, [](const mpadjust::entry_result& e) -> const std::string& { return e.status; });
}
MPADJUST_API const char* mpadjust_results_status_message(const mpadjust_results* r, size_t i) noexcept {
  return result_field(r, i, [](const mpadjust::entry_result& e) -> const std::string& { return e.status_message; });
}
MPADJUST_API const char* mpadjust_results_error_code(const mpadjust_results* r, size_t i) noexcept {
  return result_field(r, i, [](const mpadjust::entry_result& e) -> const std::string& { return e.error_code; });
}
MPADJUST_API const char* mpadjust_results_error_message(const mpadjust_results* r, size_t i) noexcept {
  return result_field(r, i, [](const mpadjust::entry_result& e) -> const std::string& { return e.error_message; });
}

MPADJUST_API mpadjust_status mpadjust_results_json(mpadjust_buf* out, const mpadjust_results* results) noexcept {
  return guard([&] {
    require_arg(out, "out");
    require_arg(results, "results");
    mpadjust::capi::fill_buf(out, mpadjust::results_to_json(results->results));
  });
}

// ------------------------------------------------------------------ journal

MPADJUST_API mpadjust_status mpadjust_journal_list_json(mpadjust_buf* out, const char* journal_path) noexcept {
  return guard([&] {
    require_arg(out, "out");
    const mpadjust::journal_contents contents = mpadjust::read_journal(journal_path_or_default(journal_path));
    mpadjust::capi::fill_buf(out, mpadjust::journal_to_json(mpadjust::fold_journal(contents.records),
                                                               contents.warnings));
  });
}

MPADJUST_API mpadjust_status mpadjust_journal_export_csv(mpadjust_buf* out, const char* journal_path) noexcept {
  return guard([&] {
    require_arg(out, "out");
    const mpadjust::journal_contents contents = mpadjust::read_journal(journal_path_or_default(journal_path));
    mpadjust::capi::fill_buf(out, mpadjust::journal_to_csv(mpadjust::fold_journal(contents.records)));
  });
}

// ------------------------------------------------------------------ refund request form

MPADJUST_API mpadjust_status mpadjust_refund_form_input_init(mpadjust_refund_form_input* input,
                                                             size_t struct_size) noexcept {
  return guard([&] {
    mpadjust::capi::init_struct(input, struct_size, MPADJUST_REFUND_FORM_INPUT_MIN_SIZE, "input");
  });
}

}  // extern "C"

namespace {

mpadjust::refund_form form_from(const mpadjust_refund_form_input* input) {
  require_arg(input, "input");
  const mpadjust::capi::options_reader<mpadjust_refund_form_input> r(input, MPADJUST_REFUND_FORM_INPUT_MIN_SIZE,
                                                                     "input");
  using T = mpadjust_refund_form_input;
  mpadjust::refund_form_input in;
  in.buyer_account_id = text_or_empty(MPADJUST_OPTION(r, T, buyer_account_id, nullptr));
  in.buyer_email = text_or_empty(MPADJUST_OPTION(r, T, buyer_email, nullptr));
  in.seller_account_id = text_or_empty(MPADJUST_OPTION(r, T, seller_account_id, nullptr));
  in.product_id = text_or_empty(MPADJUST_OPTION(r, T, product_id, nullptr));
  in.offer_id = text_or_empty(MPADJUST_OPTION(r, T, offer_id, nullptr));
  in.billing_period = text_or_empty(MPADJUST_OPTION(r, T, billing_period, nullptr));
  in.invoice_id = text_or_empty(MPADJUST_OPTION(r, T, invoice_id, nullptr));
  in.amount = text_or_empty(MPADJUST_OPTION(r, T, amount, nullptr));
  in.currency = text_or_empty(MPADJUST_OPTION(r, T, currency, nullptr));
  in.full = MPADJUST_OPTION(r, T, full, 0) != 0;
  in.subscription_cancelled = MPADJUST_OPTION(r, T, subscription_cancelled, 0) != 0;
  in.annual_subscription_date = text_or_empty(MPADJUST_OPTION(r, T, annual_subscription_date, nullptr));
  in.reason = text_or_empty(MPADJUST_OPTION(r, T, reason, nullptr));
  return mpadjust::make_refund_form(in);
}

}  // namespace

extern "C" {

MPADJUST_API mpadjust_status mpadjust_refund_form_text(mpadjust_buf* text_out,
                                                       const mpadjust_refund_form_input* input) noexcept {
  return guard([&] {
    require_arg(text_out, "text_out");
    mpadjust::capi::fill_buf(text_out, mpadjust::refund_form_to_text(form_from(input)));
  });
}

MPADJUST_API mpadjust_status mpadjust_refund_form_json(mpadjust_buf* json_out,
                                                       const mpadjust_refund_form_input* input) noexcept {
  return guard([&] {
    require_arg(json_out, "json_out");
    mpadjust::capi::fill_buf(json_out, mpadjust::refund_form_to_json(form_from(input)));
  });
}

}  // extern "C"
