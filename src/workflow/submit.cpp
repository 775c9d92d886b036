// workflow: submitting a frozen plan with the journal, tracking statuses.
#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <mpadjust/client.hpp>

#include "workflow/workflow_internal.hpp"

namespace mpadjust {
inline namespace v1 {

using namespace workflow_detail;

namespace {

journal_record entry_record(journal_kind kind, const plan& p, const plan_entry& e) {
  journal_record r;
  r.kind = kind;
  r.plan_key = p.plan_key;
  r.entry_key = e.entry_key;
  r.client_token = e.client_token;
  return r;
}

journal_record intent_record(const plan& p, const plan_entry& e) {
  journal_record r = entry_record(journal_kind::intent, p, e);
  r.agreement_id = e.agreement_id;
  r.invoice_id = e.invoice_id;
  r.amount = e.amount;
  r.currency = e.currency;
  r.reason_code = e.reason_code;
  r.description = e.description;
  r.details.support_case_id = e.details.support_case_id;
  r.details.buyer_reference = e.details.buyer_reference;
  r.details.notes = e.details.notes;
  return r;
}

bool terminal_status(const std::string& s) {
  return s == journal_status::completed || s == journal_status::validation_failed;
}

// What became of one call, for each of its entries.
enum class call_kind { ok, rejected_all, in_doubt_all, not_sent_all };

struct submit_state {
  submit_state(const plan& pl, journal_writer& j, const submit_options& o,
               std::vector<entry_result>& r)
      : p(pl), journal(j), options(o), results(r), was_in_doubt(pl.entries.size(), false) {}
  const plan& p;
  journal_writer& journal;
  const submit_options& options;
  std::vector<entry_result>& results;
  std::vector<std::vector<const plan_entry*>> work;
  std::vector<bool> was_in_doubt;  // by plan index: re-sent after an earlier unknown outcome

  std::mutex mu;  // guards journal, results, progress, next, stop, fatal
  std::size_t next = 0;
  bool stop = false;
  std::exception_ptr fatal;
  progress prog;

  std::size_t index_of(const plan_entry* e) const {
    return static_cast<std::size_t>(e - p.entries.data());
  }

  // Records one entry's outcome (journal first, then the result). Caller holds mu.
  void settle(const plan_entry& e, entry_outcome outcome, const std::string& ba_id,
              const std::string& request_id, const std::string& code, const std::string& message) {
    journal_record r = entry_record(journal_kind::outcome, p, e);
    r.request_id = request_id;
    if (outcome == entry_outcome::created) {
      r.billing_adjustment_request_id = ba_id;
      r.status = journal_status::pending;
    } else if (outcome == entry_outcome::rejected) {
      r.error_code = code.empty() ? "REJECTED" : code;
      r.error_message = message;
    } else {
      // Unknown or not sent: the journal keeps it in doubt so the next run re-sends it with the
      // same token (harmless when it was never applied).
      r.status = journal_status::in_doubt;
      r.error_message = code.empty() ? message : code + ": " + message;
    }
    journal.append(r);
    entry_result& res = results[index_of(&e)];
    res.outcome = outcome;
    res.billing_adjustment_request_id = ba_id;
    res.request_id = request_id;
    res.error_code = code;
    res.error_message = message;
    res.status = outcome == entry_outcome::created ? journal_status::pending
                 : outcome == entry_outcome::rejected ? journal_status::failed
                                                       : journal_status::in_doubt;
    ++prog.done;
    if (outcome != entry_outcome::created) ++prog.failed;
  }

  void report_progress() {
    if (options.on_progress && !options.on_progress(prog)) stop = true;
  }

  // Sends one call and settles its entries. Throws only what must stop the whole submit.
  void run_batch(client& cl, const std::vector<const plan_entry*>& batch) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (stop) return;
      for (const auto* e : batch) journal.append(intent_record(p, *e));
    }
    batch_create_billing_adjustment_request_input in;
    for (const auto* e : batch) {
      batch_create_billing_adjustment_request_entry x;
      x.agreement_id = e->agreement_id;
      x.original_invoice_id = e->invoice_id;
      x.adjustment_amount = e->amount;
      x.currency_code = e->currency;
      x.adjustment_reason_code = e->reason_code;
      if (!e->description.empty()) x.description = e->description;
      x.client_token = e->client_token;
      in.billing_adjustment_request_entries.push_back(std::move(x));
    }
    call_kind kind = call_kind::ok;
    std::string code, message, request_id;
    batch_create_billing_adjustment_request_output out;
    bool fatal_error = false;
    try {
      out = cl.batch_create_billing_adjustment_request(in);
    } catch (const service_error& e) {
      code = e.error_type().empty() ? "HTTP_" + std::to_string(e.http_status()) : e.error_type();
      message = e.service_message();
      request_id = e.request_id();
      if (e.throttling()) {
        kind = call_kind::not_sent_all;  // throttled: not processed
      } else if (e.retryable() || e.http_status() >= 500) {
        kind = call_kind::in_doubt_all;
      } else {
        kind = call_kind::rejected_all;
      }
    } catch (const transport_error& e) {
      code = e.status() == MPADJUST_ETIMEOUT ? "TIMEOUT" : "TRANSPORT";
      message = e.what();
      kind = e.kind() == transport_failure::connect ? call_kind::not_sent_all
                                                     : call_kind::in_doubt_all;
      if (e.kind() == transport_failure::cancelled) fatal_error = true;
    } catch (const error& e) {
      message = e.what();
      switch (e.status()) {
        case MPADJUST_ETRANSPORT:
        case MPADJUST_ETIMEOUT:
        case MPADJUST_EPARSE:  // the response was unreadable: it may have been applied
          code = e.status() == MPADJUST_EPARSE ? "UNREADABLE_RESPONSE" : "TRANSPORT";
          kind = call_kind::in_doubt_all;
          break;
        case MPADJUST_ECANCELLED:
          code = "CANCELLED";
          kind = call_kind::in_doubt_all;
          fatal_error = true;
          break;
        case MPADJUST_EINVALID:
          code = "INVALID_INPUT";  // refused by the client before sending
          kind = call_kind::rejected_all;
          break;
        default:  // credentials, internal: nothing further can work
          code = "NOT_SENT";
          kind = call_kind::not_sent_all;
          fatal_error = true;
          break;
      }
      if (fatal_error) {
        std::lock_guard<std::mutex> lock(mu);
        if (!fatal) fatal = std::current_exception();
      }
    }

    std::lock_guard<std::mutex> lock(mu);
    if (fatal_error) stop = true;
    for (const auto* e : batch) {
      const bool resent = was_in_doubt[index_of(e)];
      switch (kind) {
        case call_kind::rejected_all:
          settle(*e, entry_outcome::rejected, {}, request_id, code, message);
          continue;
        case call_kind::in_doubt_all:
          settle(*e, entry_outcome::in_doubt, {}, request_id, code, message);
          continue;
        case call_kind::not_sent_all:
          settle(*e, entry_outcome::not_sent, {}, request_id, code, message);
          continue;
        case call_kind::ok:
          break;
      }
      const auto item = std::find_if(out.items.begin(), out.items.end(), [&](const auto& it) {
        return it.client_token == e->client_token;
      });
      if (item != out.items.end()) {
        settle(*e, entry_outcome::created, item->billing_adjustment_request_id, {}, {}, {});
        continue;
      }
      const auto err = std::find_if(out.errors.begin(), out.errors.end(), [&](const auto& x) {
        return x.client_token == e->client_token;
      });
      if (err == out.errors.end()) {
        settle(*e, entry_outcome::in_doubt, {}, {}, "MISSING_FROM_RESPONSE",
               "the response named neither an item nor an error for this client token");
      } else if (err->code == "INTERNAL_FAILURE" || (resent && err->code == "CONFLICT_EXCEPTION")) {
        // An internal failure may or may not have created the request; a conflict on a re-sent
        // token may mean the first attempt did. Keep it in doubt rather than call it failed.
        settle(*e, entry_outcome::in_doubt, {}, {}, err->code, err->message);
      } else {
        settle(*e, entry_outcome::rejected, {}, {}, err->code, err->message);
      }
    }
    report_progress();
  }

  void worker(client& cl) {
    for (;;) {
      std::size_t i;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (stop || next >= work.size()) return;
        i = next++;
      }
      try {
        run_batch(cl, work[i]);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!fatal) fatal = std::current_exception();
        stop = true;
        return;
      }
    }
  }
};

// Entries not yet sent are checked against the live invoices (an earlier plan, another tool or
// the console may have refunded part of an invoice since the plan was made).
void recheck_live(client& c, const plan& p, const std::vector<std::size_t>& fresh) {
  std::vector<std::string> problems;
  std::map<std::string, std::vector<invoice_info>> invoices;
  std::map<std::pair<std::string, std::string>, amount> used;
  for (std::size_t i : fresh) {
    const plan_entry& e = p.entries[i];
    auto it = invoices.find(e.agreement_id);
    if (it == invoices.end()) {
      try {
        it = invoices.emplace(e.agreement_id, list_invoices(c, e.agreement_id)).first;
      } catch (const error& err) {
        if (err.status() != MPADJUST_ENOTFOUND) throw;
        problems.push_back("entries[" + std::to_string(i) + "].agreement_id: " + err.what());
        continue;
      }
    }
    const std::string f = "entries[" + std::to_string(i) + "].";
    const invoice_info* inv = nullptr;
    for (const auto& x : it->second) {
      if (x.invoice_id == e.invoice_id) inv = &x;
    }
    if (!inv) {
      problems.push_back(f + "invoice_id: " + e.invoice_id + " is no longer listed for agreement " +
                         e.agreement_id);
      continue;
    }
    if (!inv->adjustable()) {
      problems.push_back(f + "invoice_id: " + e.invoice_id + " is a credit memo");
      continue;
    }
    if (inv->currency_code != e.currency) {
      problems.push_back(f + "currency: " + e.currency + " does not match invoice " + e.invoice_id +
                         ", which is in " + inv->currency_code);
      continue;
    }
    try {
      const amount max_now = amount::parse(inv->max_adjustment_amount, "maxAdjustmentAmount");
      const amount a = amount::parse(e.amount, f + "amount");
      amount& u = used[{e.agreement_id, e.invoice_id}];
      u += a;
      if (u > max_now) {
        problems.push_back(f + "amount: " + e.amount + " " + e.currency +
                           " (with this plan's other unsent entries on the invoice: " +
                           u.to_string() + ") now exceeds invoice " + e.invoice_id +
                           "'s maximum adjustment amount " + max_now.to_string() +
                           "; it was refunded in part since the plan was made: resolve a new plan");
      }
    } catch (const error& err) {
      problems.push_back(f + "amount: " + err.what());
    }
  }
  if (!problems.empty()) throw plan_error(std::move(problems));
}

void default_sleep(std::chrono::milliseconds d, const std::atomic<bool>* cancel) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    if (cancel && cancel->load()) return;
    const auto left = until - std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        left, std::chrono::milliseconds(20)));
  }
}

}  // namespace

std::vector<entry_result> results_from_journal(const plan& p,
                                               const std::vector<journal_entry>& entries) {
  std::unordered_map<std::string, const journal_entry*> by_token;
  for (const auto& j : entries) {
    if (!j.client_token.empty()) by_token[j.client_token] = &j;
  }
  std::vector<entry_result> out(p.entries.size());
  for (std::size_t i = 0; i < p.entries.size(); ++i) {
    entry_result& r = out[i];
    r.entry = &p.entries[i];
    const auto it = by_token.find(p.entries[i].client_token);
    if (it == by_token.end()) continue;
    const journal_entry& j = *it->second;
    r.billing_adjustment_request_id = j.billing_adjustment_request_id;
    r.request_id = j.request_id;
    r.error_code = j.error_code;
    r.error_message = j.error_message;
    r.status = entry_display_status(j);
    r.status_message = j.status_message;
    switch (j.state) {
      case entry_state::confirmed: r.outcome = entry_outcome::already_done; break;
      case entry_state::failed: r.outcome = entry_outcome::rejected; break;
      case entry_state::in_doubt: r.outcome = entry_outcome::in_doubt; break;
      case entry_state::planned: r.outcome = entry_outcome::not_sent; break;
    }
  }
  return out;
}

std::vector<entry_result> submit(client& c, const plan& p, journal_writer& journal,
                                 const submit_options& options) {
  // The journal as it is now (not only as it was when the writer opened it).
  std::vector<journal_entry> folded;
  try {
    folded = fold_journal(read_journal(journal.path()).records);
  } catch (const error& e) {
    if (e.status() != MPADJUST_ENOTFOUND) throw;
  }
  std::vector<entry_result> results = results_from_journal(p, folded);

  submit_state st(p, journal, options, results);
  st.prog.total = p.entries.size();
  std::vector<std::size_t> fresh;
  std::vector<bool> send(p.entries.size(), false);
  for (std::size_t i = 0; i < results.size(); ++i) {
    entry_result& r = results[i];
    switch (r.outcome) {
      case entry_outcome::already_done:
        ++st.prog.done;
        break;
      case entry_outcome::rejected:
        if (options.retry_rejected) {
          send[i] = true;
          fresh.push_back(i);
        } else {
          ++st.prog.done;
          ++st.prog.failed;
        }
        break;
      case entry_outcome::in_doubt:
        send[i] = true;  // same token; the service returns the original request if it exists
        st.was_in_doubt[i] = true;
        break;
      default:
        send[i] = true;
        fresh.push_back(i);
        break;
    }
  }
  if (options.recheck && !fresh.empty()) recheck_live(c, p, fresh);

  // Calls of <= 5 entries of one agreement, in plan order.
  for (const auto& b : p.batches()) {
    std::vector<const plan_entry*> todo;
    for (const auto* e : b) {
      if (send[st.index_of(e)]) todo.push_back(e);
    }
    if (!todo.empty()) st.work.push_back(std::move(todo));
  }
  for (auto& r : results) {
    if (send[st.index_of(r.entry)]) {
      r.outcome = entry_outcome::not_sent;
      r.error_code.clear();
      r.error_message.clear();
    }
  }
  {
    std::lock_guard<std::mutex> lock(st.mu);
    st.report_progress();
  }

  const unsigned workers =
      options.make_client && options.concurrency > 1
          ? static_cast<unsigned>(std::min<std::size_t>(options.concurrency, st.work.size()))
          : 1u;
  if (workers <= 1) {
    st.worker(c);
  } else {
    std::vector<std::unique_ptr<client>> clients;
    for (unsigned w = 1; w < workers; ++w) {
      auto cl = options.make_client();
      if (!cl) throw error(MPADJUST_EINVALID, "submit_options.make_client returned no client");
      clients.push_back(std::move(cl));
    }
    std::vector<std::thread> threads;
    for (auto& cl : clients) {
      client* raw = cl.get();
      threads.emplace_back([&st, raw] { st.worker(*raw); });
    }
    st.worker(c);
    for (auto& t : threads) t.join();
  }
  if (st.fatal) std::rethrow_exception(st.fatal);
  return results;
}

void wait(client& c, std::vector<entry_result>& results, journal_writer& journal,
          const wait_options& options) {
  const auto sleep = [&](std::chrono::milliseconds d) {
    if (options.sleep) {
      options.sleep(d);
    } else {
      default_sleep(d, options.cancel);
    }
  };
  const auto start = std::chrono::steady_clock::now();
  auto interval = std::max(options.initial_interval, std::chrono::milliseconds(1));
  const auto summary = [&]() {
    std::map<std::string, std::size_t> counts;
    for (const auto& r : results) {
      if (!r.billing_adjustment_request_id.empty()) ++counts[r.status.empty() ? "PENDING" : r.status];
    }
    std::string s;
    for (const auto& kv : counts) s += (s.empty() ? "" : ", ") + std::to_string(kv.second) + " " + kv.first;
    return s.empty() ? std::string("no requests") : s;
  };
  for (;;) {
    progress prog;
    std::size_t pending = 0;
    for (auto& r : results) {
      if (r.billing_adjustment_request_id.empty() || !r.entry) continue;
      ++prog.total;
      if (!terminal_status(r.status)) {
        if (options.cancel && options.cancel->load()) {
          throw error(MPADJUST_ECANCELLED, "wait cancelled; statuses so far: " + summary());
        }
        const auto out = c.get_billing_adjustment_request(
            {r.entry->agreement_id, r.billing_adjustment_request_id});
        const std::string msg = out.status_message.value_or("");
        if (out.status != r.status || msg != r.status_message) {
          journal_record rec;
          rec.kind = journal_kind::status;
          rec.entry_key = r.entry->entry_key;
          rec.client_token = r.entry->client_token;
          rec.billing_adjustment_request_id = r.billing_adjustment_request_id;
          rec.status = out.status;
          rec.status_message = msg;
          journal.append(rec);
          r.status = out.status;
          r.status_message = msg;
        }
      }
      if (terminal_status(r.status)) {
        ++prog.done;
        if (r.status == journal_status::validation_failed) ++prog.failed;
      } else {
        ++pending;
      }
    }
    if (options.on_progress && !options.on_progress(prog)) {
      throw error(MPADJUST_ECANCELLED, "wait stopped by the progress callback; statuses so far: " +
                                           summary());
    }
    if (pending == 0) return;
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if (elapsed + interval > options.timeout) {
      throw error(MPADJUST_ETIMEOUT, "timed out after " + std::to_string(elapsed.count()) +
                                         " ms waiting for " + std::to_string(pending) +
                                         " request(s); statuses so far: " + summary());
    }
    sleep(interval);
    if (options.cancel && options.cancel->load()) {
      throw error(MPADJUST_ECANCELLED, "wait cancelled; statuses so far: " + summary());
    }
    interval = std::min(interval * 2, std::max(options.max_interval, interval));
  }
}

}  // namespace v1
}  // namespace mpadjust
