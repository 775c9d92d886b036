// mpadjust-workflow-driver: the refund workflow as a small program, for the workflow's
// simulator tests (tests/workflow/kill_test.py). The client reads the endpoint from
// MPADJUST_SIM_ENDPOINT and credentials from the environment.
//
//   mpadjust-workflow-driver plan ENTRIES.json|.csv PLAN.json [PLAN_KEY]
//   mpadjust-workflow-driver submit PLAN.json JOURNAL [CONCURRENCY] [MAX_ROUNDS]
//       submits (rounds until nothing is in doubt), prints a summary line, exit 0 when every
//       entry is confirmed, 3 otherwise
//   mpadjust-workflow-driver journal PLAN.json JOURNAL
//       prints "client_token state ba-id" per plan entry from the folded journal
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <mpadjust/adjustment.hpp>
#include <mpadjust/client.hpp>

using namespace mpadjust;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw error(MPADJUST_EIO, "cannot read " + path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f.flush()) throw error(MPADJUST_EIO, "cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw error(MPADJUST_EIO, "cannot rename " + tmp);
}

std::unique_ptr<client> make_client() {
  client_config cfg;
  const char* ep = std::getenv("MPADJUST_SIM_ENDPOINT");
  if (!ep) throw error(MPADJUST_EINVALID, "MPADJUST_SIM_ENDPOINT is not set");
  cfg.endpoint = ep;
  cfg.region = "us-east-1";
  cfg.retry.max_attempts = 4;
  cfg.retry.base_delay = std::chrono::milliseconds(5);
  cfg.retry.throttling_base_delay = std::chrono::milliseconds(20);
  cfg.retry.max_backoff = std::chrono::milliseconds(200);
  cfg.retry.quota_capacity = 0;
  cfg.transport_opts.total_timeout = std::chrono::milliseconds(10000);
  return std::make_unique<client>(cfg);
}

int usage() {
  std::cerr << "usage: mpadjust-workflow-driver plan ENTRIES PLAN.json [PLAN_KEY]\n"
               "       mpadjust-workflow-driver submit PLAN.json JOURNAL [CONCURRENCY] [MAX_ROUNDS]\n"
               "       mpadjust-workflow-driver journal PLAN.json JOURNAL\n";
  return 2;
}

int run(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string cmd = argv[1];
  if (cmd == "plan" && argc >= 4) {
    const std::string in = read_file(argv[2]);
    const std::string name = argv[2];
    const auto entries = name.size() > 4 && name.substr(name.size() - 4) == ".csv"
                             ? entries_from_csv(in)
                             : entries_from_json(in);
    auto c = make_client();
    plan_options o;
    if (argc >= 5) o.plan_key = argv[4];
    const plan p = resolve_plan(entries, client_facts(*c), o);
    write_file(argv[3], plan_to_json(p));
    std::cout << "planned " << p.entries.size() << " entries in " << p.batches().size()
              << " calls: " << p.total().display() << "\n";
    return 0;
  }
  if (cmd == "submit" && argc >= 4) {
    const plan p = plan_from_json(read_file(argv[2]));
    auto c = make_client();
    auto journal = journal_writer::open(argv[3]);
    submit_options so;
    so.concurrency = argc >= 5 ? static_cast<unsigned>(std::atoi(argv[4])) : 1u;
    so.make_client = make_client;
    const int max_rounds = argc >= 6 ? std::atoi(argv[5]) : 20;
    std::vector<entry_result> r;
    for (int round = 1; round <= max_rounds; ++round) {
      r = submit(*c, p, journal, so);
      std::size_t open = 0;
      for (const auto& x : r) {
        open += x.outcome == entry_outcome::in_doubt || x.outcome == entry_outcome::not_sent;
      }
      if (open == 0) break;
    }
    std::size_t created = 0, already = 0, rejected = 0, in_doubt = 0, not_sent = 0;
    for (const auto& x : r) {
      switch (x.outcome) {
        case entry_outcome::created: ++created; break;
        case entry_outcome::already_done: ++already; break;
        case entry_outcome::rejected: ++rejected; break;
        case entry_outcome::in_doubt: ++in_doubt; break;
        case entry_outcome::not_sent: ++not_sent; break;
      }
    }
    std::cout << "created=" << created << " already_done=" << already << " rejected=" << rejected
              << " in_doubt=" << in_doubt << " not_sent=" << not_sent << "\n";
    for (const auto& x : r) {
      if (x.outcome == entry_outcome::rejected) {
        std::cout << "rejected " << x.entry->client_token << " " << x.error_code << ": "
                  << x.error_message << "\n";
      }
    }
    return created + already == r.size() ? 0 : 3;
  }
  if (cmd == "journal" && argc >= 4) {
    const plan p = plan_from_json(read_file(argv[2]));
    const auto r = results_from_journal(p, fold_journal(read_journal(argv[3]).records));
    for (const auto& x : r) {
      std::cout << x.entry->client_token << " " << to_string(x.outcome) << " "
                << (x.billing_adjustment_request_id.empty() ? "-" : x.billing_adjustment_request_id)
                << "\n";
    }
    return 0;
  }
  return usage();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const plan_error& e) {
    std::cerr << "mpadjust-workflow-driver: " << e.what() << "\n";
    return 4;
  } catch (const std::exception& e) {
    std::cerr << "mpadjust-workflow-driver: " << e.what() << "\n";
    return 1;
  }
}
