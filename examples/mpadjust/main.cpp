// mpadjust - refund AWS Marketplace buyers (billing adjustments) from the command line.
//
// A tool for a seller's finance team with the AWS CLI's habits: global options anywhere on the
// line, credentials from the usual environment variables and ~/.aws files, --output text|json.
// Every check happens before a request leaves; `submit` shows the complete plan and asks the
// person to type the total, as the console does.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <mpadjust/adjustment.hpp>
#include <mpadjust/client.hpp>
#include <mpadjust/journal.hpp>
#include <mpadjust/money.hpp>

#include "cli.hpp"

using namespace mpadjust;

namespace {

const char* const k_main_help = R"(mpadjust - refund AWS Marketplace buyers (billing adjustments)

Usage: mpadjust [global options] <command> [arguments]

Commands:
  agreements get AGREEMENT_ID           show one agreement
  agreements search --buyer ACCOUNT | --offer OFFER_ID | --product PRODUCT_ID [--status S]
                                        list every matching agreement (never picks one)
  invoices list AGREEMENT_ID [--period YYYY-MM] [--type INVOICE|CREDIT_MEMO]
                                        the agreement's invoices and what can still be refunded
  plan --agreement ID --invoice ID --amount full|DECIMAL --currency CUR --reason CODE
       --description TEXT [--case ID] [--buyer-ref REF] [--note TEXT] [--plan-key K] -o PLAN.json
  plan --from-csv FILE | --from-json FILE [--plan-key K] -o PLAN.json
                                        check every entry against live invoice data and freeze
                                        the plan (amounts and client tokens) into PLAN.json
  preview PLAN.json                     the complete plan, as it will be sent
  submit PLAN.json [--yes] [--concurrency N]
                                        show the preview, ask to type the total, then send;
                                        safe to run again: confirmed entries are never re-sent
  wait PLAN.json [--timeout SECONDS]    follow every entry until COMPLETED or VALIDATION_FAILED
  status PLAN.json                      the current status of every entry
  status --agreement ID BILLING_ADJUSTMENT_REQUEST_ID
  journal list                          every entry the journal knows, latest state
  journal export --csv FILE             the same as CSV for reconciliation (FILE - = stdout)
  refund-request-text [options]         the seller portal's "Request Refund" form text
  cancellation send|get|list|withdraw   agreement cancellation requests (ends an agreement;
                                        never part of a refund)
  version                               the version of mpadjust

Global options:
  --profile NAME          the AWS profile (default: AWS_PROFILE, else "default")
  --region REGION         default: AWS_REGION, AWS_DEFAULT_REGION, the profile, us-east-1
  --endpoint-url URL      a custom endpoint (the local simulator, for instance)
  --output text|json      default: text
  --journal FILE          the record of every submission (default: ~/.local/state/mpadjust/journal.jsonl)
  --ca-bundle FILE        CA certificates for TLS (default: AWS_CA_BUNDLE or the system store)
  --max-attempts N        attempts per call, including the first (default 3)
  --debug                 log each attempt to stderr (secrets redacted)
  --help                  help for any command

Exit codes:
  0 done   1 unexpected failure   2 usage   3 invalid input (nothing sent)   4 several
  agreements match   5 not found   6 service error   7 network/timeout   8 some entries
  rejected or VALIDATION_FAILED   9 in doubt or still pending: run again   10 not confirmed
  11 journal in use by another process
)";

const std::map<std::string, std::string>& command_help() {
  static const std::map<std::string, std::string> help = {
      {"agreements", "Usage: mpadjust agreements get AGREEMENT_ID\n"
                     "       mpadjust agreements search (--buyer ACCOUNT | --offer OFFER_ID | "
                     "--product PRODUCT_ID) [--status ACTIVE|EXPIRED|...]\n"
                     "Several matches are listed; choose one by its ID (exit code 0 for a list, "
                     "4 from commands that need exactly one).\n"},
      {"invoices", "Usage: mpadjust invoices list AGREEMENT_ID [--period YYYY-MM] "
                   "[--type INVOICE|CREDIT_MEMO]\n"
                   "Amounts are pre-tax; 'refundable' is the invoice's current maxAdjustmentAmount.\n"},
      {"plan", "Usage: mpadjust plan --agreement ID --invoice ID --amount full|DECIMAL --currency CUR\n"
               "                     --reason CODE --description TEXT [--case ID] [--buyer-ref REF]\n"
               "                     [--note TEXT] [--plan-key KEY] [--strict] -o PLAN.json\n"
               "       mpadjust plan --from-csv FILE | --from-json FILE [--plan-key KEY] -o PLAN.json\n"
               "CSV header: agreement_id,invoice_id,amount,currency,reason_code,description,"
               "support_case_id,buyer_reference,notes\n"
               "Reason codes: INCORRECT_TERMS_ACCEPTED INCORRECT_METERING TEST_ENVIRONMENT_CHARGES\n"
               "  ALTERNATIVE_PROCUREMENT_CHANNEL UNINTENDED_RENEWAL BUYER_DISSATISFACTION OTHER\n"
               "The amount is pre-tax, in the invoice's currency, and at most its refundable maximum.\n"},
      {"preview", "Usage: mpadjust preview PLAN.json\n"},
      {"submit", "Usage: mpadjust submit PLAN.json [--yes] [--concurrency N]\n"
                 "Shows the preview and asks you to type the total (as the console does); --yes "
                 "skips the question for scripts.\nRunning it again is safe: the journal records "
                 "every entry and the service deduplicates by client token.\n"},
      {"wait", "Usage: mpadjust wait PLAN.json [--timeout SECONDS]\n"},
      {"status", "Usage: mpadjust status PLAN.json\n"
                 "       mpadjust status --agreement AGREEMENT_ID BILLING_ADJUSTMENT_REQUEST_ID\n"},
      {"journal", "Usage: mpadjust journal list\n       mpadjust journal export --csv FILE\n"},
      {"refund-request-text",
       "Usage: mpadjust refund-request-text --buyer-account ID --buyer-email EMAIL\n"
       "         --seller-account ID --product ID --offer ID --period YYYY-MM --invoice ID\n"
       "         --amount DECIMAL --currency CUR [--full] [--subscription-cancelled]\n"
       "         [--annual-date YYYY-MM-DD] --reason TEXT\n"
       "Prints the fields of the seller portal's Request Refund form and its Additional comments.\n"},
      {"cancellation",
       "Usage: mpadjust cancellation send --agreement ID --reason-code CODE [--description TEXT]\n"
       "       mpadjust cancellation get --agreement ID CANCELLATION_REQUEST_ID\n"
       "       mpadjust cancellation list [--agreement ID] [--status S]\n"
       "       mpadjust cancellation withdraw --agreement ID --id CANCELLATION_REQUEST_ID --reason TEXT\n"
       "A cancellation ends the agreement once the buyer approves; it refunds nothing.\n"},
  };
  return help;
}

// Options that take a value (everything else starting with -- is a flag).
const std::set<std::string>& valued_options() {
  static const std::set<std::string> v = {
      "--profile", "--region", "--endpoint-url", "--output", "--journal", "--ca-bundle",
      "--max-attempts", "--buyer", "--offer", "--product", "--status", "--period", "--type",
      "--agreement", "--invoice", "--amount", "--currency", "--reason", "--description", "--case",
      "--buyer-ref", "--note", "--plan-key", "-o", "--from-csv", "--from-json", "--concurrency",
      "--timeout", "--csv", "--buyer-account", "--buyer-email", "--seller-account",
      "--annual-date", "--reason-code", "--id"};
  return v;
}

cli::args parse_args(int argc, char** argv) {
  cli::args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--") {
      for (++i; i < argc; ++i) a.words.emplace_back(argv[i]);
      break;
    }
    if (s.size() > 1 && s[0] == '-' && s != "-") {
      std::string name = s, value;
      auto eq = s.find('=');
      bool has_value = false;
      if (s.rfind("--", 0) == 0 && eq != std::string::npos) {
        name = s.substr(0, eq);
        value = s.substr(eq + 1);
        has_value = true;
      }
      if (name == "-h") name = "--help";
      if (valued_options().count(name)) {
        if (!has_value) {
          if (i + 1 >= argc) throw cli::usage_error{"option " + name + " needs a value"};
          value = argv[++i];
        }
      } else if (has_value) {
        throw cli::usage_error{"option " + name + " takes no value"};
      }
      a.options.emplace(name, value);
    } else {
      a.words.push_back(s);
    }
  }
  return a;
}

struct context {
  cli::args args;
  bool json = false;
  std::string journal_path;

  std::unique_ptr<client> make_client() const {
    client_config cfg;
    if (auto v = args.get("--profile")) cfg.profile = *v;
    if (auto v = args.get("--region")) cfg.region = *v;
    if (auto v = args.get("--endpoint-url")) cfg.endpoint = *v;
    if (auto v = args.get("--ca-bundle")) cfg.transport_opts.ca_bundle = *v;
    if (auto v = args.get("--max-attempts")) {
      try {
        cfg.retry.max_attempts = std::stoi(*v);
      } catch (const std::exception&) {
        throw cli::usage_error{"--max-attempts: expected a whole number, got '" + *v + "'"};
      }
      if (cfg.retry.max_attempts < 1) throw cli::usage_error{"--max-attempts: must be at least 1"};
    }
    if (args.has("--debug")) {
      cfg.level = log_level::debug;
      cfg.log = [](log_level level, std::string_view line) {
        std::fprintf(stderr, "[%s] %.*s\n", log_level_name(level), static_cast<int>(line.size()),
                     line.data());
      };
    } else {
      cfg.level = log_level::warn;
      cfg.log = [](log_level level, std::string_view line) {
        std::fprintf(stderr, "mpadjust: %s: %.*s\n", log_level_name(level),
                     static_cast<int>(line.size()), line.data());
      };
    }
    return std::make_unique<client>(std::move(cfg));
  }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(MPADJUST_EIO, path + ": cannot open: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file_atomic(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw error(MPADJUST_EIO, tmp + ": cannot write: " + std::strerror(errno));
    out << text;
    out.flush();
    if (!out) throw error(MPADJUST_EIO, tmp + ": write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw error(MPADJUST_EIO, path + ": cannot replace: " + std::strerror(errno));
}

std::string one_word(const cli::args& a, size_t index, const char* what) {
  if (a.words.size() <= index) throw cli::usage_error{std::string("missing ") + what};
  if (a.words.size() > index + 1)
    throw cli::usage_error{"unexpected argument '" + a.words[index + 1] + "'"};
  return a.words[index];
}

std::string json_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

// ------------------------------------------------------------------ commands

int cmd_agreements(const context& ctx) {
  const auto& a = ctx.args;
  if (a.words.size() < 2) throw cli::usage_error{"agreements: expected 'get' or 'search'"};
  auto c = ctx.make_client();
  agreement_query q;
  if (a.words[1] == "get") {
    q.agreement_id = one_word(a, 2, "AGREEMENT_ID");
  } else if (a.words[1] == "search") {
    if (a.words.size() > 2) throw cli::usage_error{"unexpected argument '" + a.words[2] + "'"};
    if (auto v = a.get("--buyer")) q.buyer_account_id = *v;
    if (auto v = a.get("--offer")) q.offer_id = *v;
    if (auto v = a.get("--product")) q.product_id = *v;
    if (auto v = a.get("--status")) q.status = *v;
    if (!q.buyer_account_id && !q.offer_id && !q.product_id)
      throw cli::usage_error{"agreements search: give --buyer, --offer or --product"};
  } else {
    throw cli::usage_error{"agreements: unknown subcommand '" + a.words[1] + "'"};
  }
  agreement_lookup found = find_agreement(*c, q);
  if (ctx.json) {
    std::cout << agreements_to_json(found) << "\n";
  } else {
    if (found.candidates.empty()) {
      std::cout << "No agreement matches.\n";
    } else {
      if (found.candidates.size() > 1)
        std::cout << found.candidates.size()
                  << " agreements match. mpadjust never picks one: choose by agreement ID.\n";
      std::cout << format_candidates(found.candidates);
    }
    for (const auto& w : found.warnings) std::cout << "warning: " << w << "\n";
  }
  if (found.candidates.empty()) return cli::not_found;
  return cli::ok;
}

std::optional<invoice_billing_period> parse_period(const std::string& text) {
  // YYYY-MM
  if (text.size() != 7 || text[4] != '-')
    throw invalid_field("--period", "expected YYYY-MM, got '" + text + "'");
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u})
    if (text[i] < '0' || text[i] > '9')
      throw invalid_field("--period", "expected YYYY-MM, got '" + text + "'");
  invoice_billing_period p;
  p.year = std::stoi(text.substr(0, 4));
  p.month = std::stoi(text.substr(5, 2));
  if (p.month < 1 || p.month > 12) throw invalid_field("--period", "month must be 01..12");
  if (p.year < 2023 || p.year > 2050) throw invalid_field("--period", "year must be 2023..2050");
  return p;
}

int cmd_invoices(const context& ctx) {
  const auto& a = ctx.args;
  if (a.words.size() < 2 || a.words[1] != "list") throw cli::usage_error{"invoices: expected 'list'"};
  std::string agreement = one_word(a, 2, "AGREEMENT_ID");
  invoice_filter f;
  if (auto v = a.get("--period")) f.billing_period = parse_period(*v);
  if (auto v = a.get("--type")) f.invoice_type = *v;
  auto c = ctx.make_client();
  auto invoices = list_invoices(*c, agreement, f);
  if (ctx.json) {
    std::cout << invoices_to_json(invoices) << "\n";
  } else {
    if (invoices.empty())
      std::cout << "No invoices.\n";
    else
      std::cout << format_invoices(invoices);
  }
  return cli::ok;
}

int cmd_plan(const context& ctx) {
  const auto& a = ctx.args;
  if (a.words.size() > 1) throw cli::usage_error{"unexpected argument '" + a.words[1] + "'"};
  auto out_path = a.get("-o");
  if (!out_path) throw cli::usage_error{"plan: -o PLAN.json is required"};
  std::vector<entry_spec> specs;
  if (auto f = a.get("--from-csv")) {
    specs = entries_from_csv(read_file(*f));
  } else if (auto j = a.get("--from-json")) {
    specs = entries_from_json(read_file(*j));
  } else {
    entry_spec e;
    auto need = [&](const char* opt) {
      auto v = a.get(opt);
      if (!v) throw cli::usage_error{std::string("plan: ") + opt + " is required"};
      return *v;
    };
    e.agreement_id = need("--agreement");
    e.invoice_id = need("--invoice");
    e.amount = need("--amount");
    e.currency = need("--currency");
    e.reason_code = need("--reason");
    e.description = a.get_or("--description", "");
    e.details.support_case_id = a.get_or("--case", "");
    e.details.buyer_reference = a.get_or("--buyer-ref", "");
    e.details.notes = a.get_or("--note", "");
    specs.push_back(std::move(e));
  }
  auto c = ctx.make_client();
  plan_options opts;
  opts.plan_key = a.get_or("--plan-key", "");
  opts.strict_reasons = a.has("--strict");
  plan p = resolve_plan(specs, client_facts(*c), opts);
  write_file_atomic(*out_path, plan_to_json(p));
  if (ctx.json) {
    std::cout << preview_json(p) << "\n";
  } else {
    std::cout << preview_text(p);
    std::cout << "Plan written to " << *out_path << " (" << p.entries.size()
              << (p.entries.size() == 1 ? " entry" : " entries") << "). Nothing has been sent.\n";
  }
  return cli::ok;
}

plan load_plan(const std::string& path) { return plan_from_json(read_file(path)); }

int cmd_preview(const context& ctx) {
  plan p = load_plan(one_word(ctx.args, 1, "PLAN.json"));
  std::cout << (ctx.json ? preview_json(p) + "\n" : preview_text(p));
  return cli::ok;
}

int results_exit_code(const std::vector<entry_result>& results, bool waited) {
  bool failed = false, doubt = false;
  for (const auto& r : results) {
    if (r.outcome == entry_outcome::rejected || r.status == "VALIDATION_FAILED") failed = true;
    if (r.outcome == entry_outcome::in_doubt || r.outcome == entry_outcome::not_sent) doubt = true;
    if (waited && r.status == "PENDING") doubt = true;
  }
  if (failed) return cli::entries_failed;
  if (doubt) return cli::in_doubt;
  return cli::ok;
}

// A one-line progress bar on a terminal; nothing when stderr is not one.
struct progress_bar {
  bool enabled = ::isatty(STDERR_FILENO) != 0;
  bool drawn = false;
  void draw(const progress& p) {
    if (!enabled || p.total == 0) return;
    const int width = 30;
    int filled = static_cast<int>(p.done * width / p.total);
    std::fprintf(stderr, "\r[%.*s%*s] %zu/%zu sent, %zu failed", filled,
                 "##############################", width - filled, "", p.done, p.total, p.failed);
    std::fflush(stderr);
    drawn = true;
  }
  void finish() {
    if (drawn) std::fputc('\n', stderr);
    drawn = false;
  }
};

std::string total_text(const plan& p) {
  std::string s;
  for (const auto& m : p.total().items()) s += (s.empty() ? "" : ", ") + m.api_text() + " " + m.currency_code();
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

int cmd_submit(const context& ctx) {
  const auto& a = ctx.args;
  plan p = load_plan(one_word(a, 1, "PLAN.json"));
  std::string total = total_text(p);
  if (!ctx.json) std::cout << preview_text(p);
  if (!a.has("--yes")) {
    if (!::isatty(STDIN_FILENO)) {
      std::cerr << "mpadjust: submit: refusing to send without confirmation: run it on a terminal "
                   "or pass --yes\n";
      return cli::not_confirmed;
    }
    std::cout << "Refunds cannot be undone. To send, type the total exactly as shown ("
              << total << "): " << std::flush;
    std::string typed;
    std::getline(std::cin, typed);
    if (trim(typed) != total) {
      std::cout << "Not confirmed: nothing was sent.\n";
      return cli::not_confirmed;
    }
  }
  auto c = ctx.make_client();
  auto journal = journal_writer::open(ctx.journal_path);
  progress_bar bar;
  submit_options opts;
  if (auto v = a.get("--concurrency")) {
    try {
      opts.concurrency = static_cast<unsigned>(std::stoul(*v));
    } catch (const std::exception&) {
      throw cli::usage_error{"--concurrency: expected a whole number"};
    }
    if (opts.concurrency < 1 || opts.concurrency > 16)
      throw cli::usage_error{"--concurrency: must be 1..16"};
    opts.make_client = [&ctx] { return ctx.make_client(); };
  }
  opts.on_progress = [&bar](const progress& pr) {
    bar.draw(pr);
    return true;
  };
  auto results = submit(*c, p, journal, opts);
  bar.finish();
  if (ctx.json) {
    std::cout << results_to_json(results) << "\n";
  } else {
    std::cout << format_results(results);
    std::cout << "Journal: " << ctx.journal_path << "\n";
  }
  return results_exit_code(results, false);
}

std::vector<entry_result> journal_results(const context& ctx, const plan& p) {
  auto contents = read_journal(ctx.journal_path);
  for (const auto& w : contents.warnings) std::cerr << "mpadjust: warning: " << w << "\n";
  return results_from_journal(p, fold_journal(contents.records));
}

int cmd_wait(const context& ctx) {
  const auto& a = ctx.args;
  plan p = load_plan(one_word(a, 1, "PLAN.json"));
  auto results = journal_results(ctx, p);
  auto c = ctx.make_client();
  auto journal = journal_writer::open(ctx.journal_path);
  wait_options w;
  if (auto v = a.get("--timeout")) {
    try {
      w.timeout = std::chrono::seconds(std::stol(*v));
    } catch (const std::exception&) {
      throw cli::usage_error{"--timeout: expected seconds"};
    }
  }
  static std::atomic<bool> interrupted{false};
  std::signal(SIGINT, [](int) { interrupted = true; });
  w.cancel = &interrupted;
  progress_bar bar;
  w.on_progress = [&bar](const progress& pr) {
    bar.draw(pr);
    return true;
  };
  int code = cli::ok;
  try {
    wait(*c, results, journal, w);
  } catch (const error& e) {
    bar.finish();
    if (e.status() != MPADJUST_ETIMEOUT && e.status() != MPADJUST_ECANCELLED) throw;
    std::cerr << "mpadjust: " << e.what() << "\n";
    code = cli::in_doubt;
  }
  bar.finish();
  std::cout << (ctx.json ? results_to_json(results) + "\n" : format_results(results));
  int r = results_exit_code(results, true);
  return code != cli::ok && r == cli::ok ? code : r;
}

int cmd_status(const context& ctx) {
  const auto& a = ctx.args;
  auto c = ctx.make_client();
  if (auto agreement = a.get("--agreement")) {
    get_billing_adjustment_request_input in;
    in.agreement_id = *agreement;
    in.billing_adjustment_request_id = one_word(a, 1, "BILLING_ADJUSTMENT_REQUEST_ID");
    auto out = c->get_billing_adjustment_request(in);
    if (ctx.json) {
      std::cout << "{\"billingAdjustmentRequestId\":\"" << json_escape(out.billing_adjustment_request_id)
                << "\",\"agreementId\":\"" << json_escape(out.agreement_id)
                << "\",\"originalInvoiceId\":\"" << json_escape(out.original_invoice_id)
                << "\",\"adjustmentAmount\":\"" << json_escape(out.adjustment_amount)
                << "\",\"currencyCode\":\"" << json_escape(out.currency_code) << "\",\"status\":\""
                << json_escape(out.status) << "\",\"statusMessage\":\""
                << json_escape(out.status_message.value_or("")) << "\"}\n";
    } else {
      std::cout << out.billing_adjustment_request_id << "  " << out.agreement_id << "  invoice "
                << out.original_invoice_id << "  " << out.adjustment_amount << " "
                << out.currency_code << "  " << out.status;
      if (out.status_message) std::cout << "  (" << *out.status_message << ")";
      std::cout << "\n";
    }
    return out.status == "VALIDATION_FAILED" ? cli::entries_failed : cli::ok;
  }
  plan p = load_plan(one_word(a, 1, "PLAN.json"));
  auto results = journal_results(ctx, p);
  auto journal = journal_writer::open(ctx.journal_path);
  wait_options w;
  w.timeout = std::chrono::milliseconds(0);  // one look, no waiting
  try {
    wait(*c, results, journal, w);
  } catch (const error& e) {
    if (e.status() != MPADJUST_ETIMEOUT) throw;
  }
  std::cout << (ctx.json ? results_to_json(results) + "\n" : format_results(results));
  return results_exit_code(results, false);
}

int cmd_journal(const context& ctx) {
  const auto& a = ctx.args;
  if (a.words.size() < 2) throw cli::usage_error{"journal: expected 'list' or 'export'"};
  auto contents = read_journal(ctx.journal_path);
  for (const auto& w : contents.warnings) std::cerr << "mpadjust: warning: " << w << "\n";
  auto entries = fold_journal(contents.records);
  if (a.words[1] == "export") {
    auto csv = a.get("--csv");
    if (!csv) throw cli::usage_error{"journal export: --csv FILE is required"};
    std::string text = journal_to_csv(entries);
    if (*csv == "-") {
      std::cout << text;
    } else {
      write_file_atomic(*csv, text);
      std::cout << "Wrote " << entries.size() << (entries.size() == 1 ? " entry" : " entries")
                << " to " << *csv << "\n";
    }
    return cli::ok;
  }
  if (a.words[1] != "list") throw cli::usage_error{"journal: unknown subcommand '" + a.words[1] + "'"};
  if (ctx.json) {
    std::cout << journal_to_json(entries, contents.warnings) << "\n";
  } else {
    if (entries.empty()) std::cout << "The journal " << ctx.journal_path << " has no entries.\n";
    for (const auto& e : entries)
      std::cout << e.updated << "  " << e.agreement_id << "  " << e.invoice_id << "  " << e.amount
                << " " << e.currency << "  " << entry_display_status(e) << "  "
                << e.billing_adjustment_request_id << "\n";
  }
  return cli::ok;
}

int cmd_refund_request_text(const context& ctx) {
  const auto& a = ctx.args;
  refund_form_input in;
  in.buyer_account_id = a.get_or("--buyer-account", "");
  in.buyer_email = a.get_or("--buyer-email", "");
  in.seller_account_id = a.get_or("--seller-account", "");
  in.product_id = a.get_or("--product", "");
  in.offer_id = a.get_or("--offer", "");
  in.billing_period = a.get_or("--period", "");
  in.invoice_id = a.get_or("--invoice", "");
  in.amount = a.get_or("--amount", "");
  in.currency = a.get_or("--currency", "");
  in.full = a.has("--full");
  in.subscription_cancelled = a.has("--subscription-cancelled");
  in.annual_subscription_date = a.get_or("--annual-date", "");
  in.reason = a.get_or("--reason", "");
  refund_form form = make_refund_form(in);
  std::cout << (ctx.json ? refund_form_to_json(form) + "\n" : refund_form_to_text(form));
  return cli::ok;
}

int cmd_cancellation(const context& ctx) {
  const auto& a = ctx.args;
  if (a.words.size() < 2) throw cli::usage_error{"cancellation: expected send, get, list or withdraw"};
  auto c = ctx.make_client();
  const std::string& sub = a.words[1];
  auto print = [&](const std::optional<std::string>& id, const std::optional<std::string>& agreement,
                   const std::optional<std::string>& status, const std::optional<std::string>& msg) {
    if (ctx.json) {
      std::cout << "{\"agreementCancellationRequestId\":\"" << json_escape(id.value_or(""))
                << "\",\"agreementId\":\"" << json_escape(agreement.value_or(""))
                << "\",\"status\":\"" << json_escape(status.value_or("")) << "\"}\n";
    } else {
      std::cout << id.value_or("") << "  " << agreement.value_or("") << "  " << status.value_or("");
      if (msg) std::cout << "  (" << *msg << ")";
      std::cout << "\n";
    }
  };
  if (sub == "send") {
    send_agreement_cancellation_request_input in;
    in.agreement_id = a.get_or("--agreement", "");
    in.reason_code = a.get_or("--reason-code", "");
    if (auto d = a.get("--description")) in.description = *d;
    auto out = c->send_agreement_cancellation_request(in);
    print(out.agreement_cancellation_request_id, out.agreement_id, out.status, std::nullopt);
    return cli::ok;
  }
  if (sub == "get") {
    get_agreement_cancellation_request_input in;
    in.agreement_id = a.get_or("--agreement", "");
    in.agreement_cancellation_request_id = one_word(a, 2, "CANCELLATION_REQUEST_ID");
    auto out = c->get_agreement_cancellation_request(in);
    print(out.agreement_cancellation_request_id, out.agreement_id, out.status, out.status_message);
    return cli::ok;
  }
  if (sub == "list") {
    list_agreement_cancellation_requests_input in;
    in.party_type = "Proposer";
    if (auto v = a.get("--agreement")) in.agreement_id = *v;
    if (auto v = a.get("--status")) in.status = *v;
    for (const auto& page : c->list_agreement_cancellation_requests_pages(in))
      for (const auto& item : page.items)
        print(item.agreement_cancellation_request_id, item.agreement_id, item.status, std::nullopt);
    return cli::ok;
  }
  if (sub == "withdraw") {
    cancel_agreement_cancellation_request_input in;
    in.agreement_id = a.get_or("--agreement", "");
    in.agreement_cancellation_request_id = a.get_or("--id", "");
    in.cancellation_reason = a.get_or("--reason", "");
    auto out = c->cancel_agreement_cancellation_request(in);
    print(out.agreement_cancellation_request_id, out.agreement_id, out.status, out.status_message);
    return cli::ok;
  }
  throw cli::usage_error{"cancellation: unknown subcommand '" + sub + "'"};
}

int exit_code_for(const error& e) {
  switch (e.status()) {
    case MPADJUST_EINVALID: return cli::invalid_input;
    case MPADJUST_EAMBIGUOUS: return cli::ambiguous;
    case MPADJUST_ENOTFOUND: return cli::not_found;
    case MPADJUST_ESERVICE: return cli::service;
    case MPADJUST_ETRANSPORT:
    case MPADJUST_ETIMEOUT: return cli::network;
    case MPADJUST_ECONFLICT: return cli::journal_busy;
    default: return cli::failure;
  }
}

}  // namespace

int main(int argc, char** argv) {
  context ctx;
  std::string command;
  try {
    ctx.args = parse_args(argc, argv);
    command = ctx.args.words.empty() ? "" : ctx.args.words[0];
    if (ctx.args.has("--help") || command.empty() || command == "help") {
      std::string topic = command == "help" && ctx.args.words.size() > 1 ? ctx.args.words[1] : command;
      auto it = command_help().find(topic);
      std::cout << (it != command_help().end() ? it->second : k_main_help);
      return command.empty() && !ctx.args.has("--help") ? cli::usage : cli::ok;
    }
    std::string output = ctx.args.get_or("--output", "text");
    if (output != "text" && output != "json")
      throw cli::usage_error{"--output: expected text or json, got '" + output + "'"};
    ctx.json = output == "json";
    ctx.journal_path = ctx.args.get_or("--journal", "");
    if (ctx.journal_path.empty()) ctx.journal_path = default_journal_path();

    if (command == "version") {
      std::cout << "mpadjust " << MPADJUST_VERSION_MAJOR << "." << MPADJUST_VERSION_MINOR << "."
                << MPADJUST_VERSION_PATCH << "\n";
      return cli::ok;
    }
    if (command == "agreements") return cmd_agreements(ctx);
    if (command == "invoices") return cmd_invoices(ctx);
    if (command == "plan") return cmd_plan(ctx);
    if (command == "preview") return cmd_preview(ctx);
    if (command == "submit") return cmd_submit(ctx);
    if (command == "wait") return cmd_wait(ctx);
    if (command == "status") return cmd_status(ctx);
    if (command == "journal") return cmd_journal(ctx);
    if (command == "refund-request-text") return cmd_refund_request_text(ctx);
    if (command == "cancellation") return cmd_cancellation(ctx);
    throw cli::usage_error{"unknown command '" + command + "' (see mpadjust --help)"};
  } catch (const cli::usage_error& e) {
    std::cerr << "mpadjust: " << e.message << "\n";
    auto it = command_help().find(command);
    std::cerr << (it != command_help().end() ? it->second : "Run 'mpadjust --help' for usage.\n");
    return cli::usage;
  } catch (const plan_error& e) {
    std::cerr << "mpadjust: the plan has " << e.problems().size()
              << (e.problems().size() == 1 ? " problem" : " problems")
              << "; nothing was sent:\n";
    for (const auto& p : e.problems()) std::cerr << "  - " << p << "\n";
    return cli::invalid_input;
  } catch (const error& e) {
    std::cerr << "mpadjust: " << e.what() << "\n";
    return exit_code_for(e);
  } catch (const std::exception& e) {
    std::cerr << "mpadjust: unexpected failure: " << e.what() << "\n";
    return cli::failure;
  }
}
