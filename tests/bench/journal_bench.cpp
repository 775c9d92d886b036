// journal_bench: durable append rate of the journal (one write() + fsync() per record) and the
// cost of reading + folding + CSV export. Prints figures; asserts nothing.
// Usage: journal_bench [directory] [records]   (default: $TMPDIR or /tmp, 200 records)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

#include <mpadjust/journal.hpp>
#include <mpadjust/money.hpp>

int main(int argc, char** argv) {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = argc > 1 ? argv[1] : (tmp && *tmp ? tmp : "/tmp");
  const int n = argc > 2 ? std::atoi(argv[2]) : 200;
  std::string tmpl = base + "/mpadjust-journal-bench-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string dir = buf.data();
  const std::string path = dir + "/journal.jsonl";
  using clock = std::chrono::steady_clock;
  try {
    auto t0 = clock::now();
    {
      mpadjust::journal_writer w = mpadjust::journal_writer::open(path);
      for (int i = 0; i < n; ++i) {
        mpadjust::journal_record r;
        r.kind = (i % 2 == 0) ? mpadjust::journal_kind::intent : mpadjust::journal_kind::outcome;
        r.entry_key = "plan-1/" + std::to_string(i / 2);
        r.client_token = "tok-" + std::to_string(i / 2);
        r.agreement_id = "agmt-0123456789abcdef";
        r.invoice_id = "E2E20230929a108cfae";
        r.amount = "1234.50";
        r.currency = "USD";
        r.reason_code = "BUYER_DISSATISFACTION";
        r.description = "Refund for the unused part of the annual subscription, case 12345";
        if (i % 2 == 1) r.billing_adjustment_request_id = "ba-" + std::to_string(i);
        w.append(r);
      }
    }
    const double append_s = std::chrono::duration<double>(clock::now() - t0).count();
    auto t1 = clock::now();
    const auto contents = mpadjust::read_journal(path);
    const auto entries = mpadjust::fold_journal(contents.records);
    const std::string csv = mpadjust::journal_to_csv(entries);
    const double read_s = std::chrono::duration<double>(clock::now() - t1).count();
    std::printf("journal append (write+fsync) in %s: %d records in %.3f s = %.0f records/s, %.3f ms/record\n",
                dir.c_str(), n, append_s, n / append_s, 1000.0 * append_s / n);
    std::printf("read+fold+csv: %zu records -> %zu entries, %zu CSV bytes in %.3f ms\n", contents.records.size(),
                entries.size(), csv.size(), 1000.0 * read_s);
    // Money parsing (integer-only): parse + print round trips.
    auto t2 = clock::now();
    const int m = 1000000;
    std::size_t sink = 0;
    for (int i = 0; i < m; ++i) {
      sink += mpadjust::amount::parse("123456.78", "amount").to_string(2).size();
    }
    const double money_s = std::chrono::duration<double>(clock::now() - t2).count();
    std::printf("money: %d parse+print round trips in %.3f s = %.0f ns each (%zu)\n", m, money_s,
                1e9 * money_s / m, sink);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "journal_bench: %s\n", e.what());
    return 1;
  }
  const std::string cmd = "rm -rf '" + dir + "'";
  return std::system(cmd.c_str()) == 0 ? 0 : 1;
}
