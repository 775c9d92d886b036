// Tests of mpadjust/journal.hpp: durable JSON Lines records, torn tails, locking, folding, CSV.
#include <doctest/doctest.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <mpadjust/journal.hpp>

using namespace mpadjust;

namespace {

// A fresh temporary directory, removed (with its contents) at the end of the test.
struct temp_dir {
  std::string path;
  temp_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/mpadjust-journal-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    REQUIRE(::mkdtemp(buf.data()) != nullptr);
    path = buf.data();
  }
  ~temp_dir() {
    const std::string cmd = "rm -rf '" + path + "'";
    (void)std::system(cmd.c_str());
  }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const std::string& path, const std::string& text, bool append = false) {
  std::ofstream out(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  out << text;
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

bool same(const journal_record& a, const journal_record& b) {
  return a.kind == b.kind && a.ts == b.ts && a.plan_key == b.plan_key && a.entry_key == b.entry_key &&
         a.client_token == b.client_token && a.agreement_id == b.agreement_id && a.invoice_id == b.invoice_id &&
         a.amount == b.amount && a.currency == b.currency && a.reason_code == b.reason_code &&
         a.description == b.description && a.details.support_case_id == b.details.support_case_id &&
         a.details.buyer_reference == b.details.buyer_reference && a.details.notes == b.details.notes &&
         a.request_id == b.request_id && a.billing_adjustment_request_id == b.billing_adjustment_request_id &&
         a.status == b.status && a.error_code == b.error_code && a.error_message == b.error_message &&
         a.status_message == b.status_message;
}

journal_record rec(journal_kind kind, const std::string& ts, const std::string& entry_key,
                   const std::string& token) {
  journal_record r;
  r.kind = kind;
  r.ts = ts;
  r.entry_key = entry_key;
  r.client_token = token;
  return r;
}

template <class F>
mpadjust::error expect_error(F&& f, mpadjust_status status) {
  try {
    f();
  } catch (const mpadjust::error& e) {
    CHECK_MESSAGE(e.status() == status, e.what());
    return e;
  }
  FAIL("no mpadjust::error thrown");
  return mpadjust::error(MPADJUST_OK, "");
}

std::size_t count_lines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("journal: a record serialises to the documented JSON line") {
  journal_record r = rec(journal_kind::intent, "2026-11-27T07:00:00.123Z", "p1/0", "tok-1");
  r.plan_key = "p1";
  r.agreement_id = "agmt-1";
  r.invoice_id = "inv-1";
  r.amount = "12.50";
  r.currency = "USD";
  r.reason_code = "OTHER";
  r.description = "say \"hi\"\n";
  r.details.notes = "n";
  // Written out by hand from the format in journal.hpp: member order, escapes, empty omitted.
  CHECK(journal_record_to_json(r) ==
        R"({"v":1,"ts":"2026-11-27T07:00:00.123Z","kind":"intent","plan_key":"p1","entry_key":"p1/0",)"
        R"("client_token":"tok-1","agreement_id":"agmt-1","invoice_id":"inv-1","amount":"12.50",)"
        R"("currency":"USD","reason_code":"OTHER","description":"say \"hi\"\n","details":{"notes":"n"}})");
  journal_record bad = r;
  bad.description = "caf\xC3";  // truncated UTF-8 sequence
  const auto e = expect_error([&] { (void)journal_record_to_json(bad); }, MPADJUST_EINVALID);
  CHECK(e.field() == "description");
  bad = r;
  bad.details.buyer_reference = "\xFF";
  CHECK(expect_error([&] { (void)journal_record_to_json(bad); }, MPADJUST_EINVALID).field() ==
        "details.buyer_reference");
}

TEST_CASE("journal: awkward strings round-trip through the file, one record per line") {
  temp_dir tmp;
  const std::string path = tmp.path + "/j.jsonl";
  std::vector<journal_record> written;
  {
    journal_writer w = journal_writer::open(path);
    CHECK(w.existing().records.empty());
    CHECK(w.existing().warnings.empty());
    journal_record a = rec(journal_kind::plan, "2026-01-01T00:00:00.000Z", "k,1", "");
    a.description = "quotes \" and \\ backslash, commas, , \"\"";
    a.details.notes = "line1\nline2\r\nline3\ttab";
    a.details.buyer_reference = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xE2\x80\xA8 sep";  // é € 😀 U+2028
    a.details.support_case_id = std::string("nul\0inside", 10);
    a.status_message = "=HYPERLINK(\"x\")";
    written.push_back(w.append(a));
    journal_record b = rec(journal_kind::intent, "", "k,1", "tok-\"2\"");
    b.amount = "0.00000001";
    b.currency = "JPY";  // the journal records text; currency decimals are the workflow's concern
    written.push_back(w.append(b));
    CHECK(written[1].ts.size() == std::string("2026-01-01T00:00:00.000Z").size());  // filled in
    CHECK(written[1].ts.back() == 'Z');
    journal_record c = rec(journal_kind::outcome, "t3", "k,1", "tok-\"2\"");
    c.billing_adjustment_request_id = "ba-123";
    c.request_id = "req-1";
    c.status = "PENDING";
    c.error_message = std::string(5000, 'x');  // long lines are fine
    written.push_back(w.append(c));
  }
  const std::string text = slurp(path);
  CHECK(count_lines(text) == 3);
  CHECK(text.back() == '\n');
  const journal_contents got = read_journal(path);
  CHECK(got.warnings.empty());
  REQUIRE(got.records.size() == written.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    CAPTURE(i);
    CHECK(same(got.records[i], written[i]));
  }
  // A writer reopening the journal sees the same records.
  journal_writer again = journal_writer::open(path);
  REQUIRE(again.existing().records.size() == 3);
  CHECK(same(again.existing().records[0], written[0]));
}

TEST_CASE("journal: creation syncs the file and every new directory, with private permissions") {
  temp_dir tmp;
  const std::string path = tmp.path + "/a/b/journal.jsonl";
  const mode_t old_umask = ::umask(0);  // the modes must not depend on the umask
  journal_writer w = journal_writer::open(path);
  ::umask(old_umask);
  // mkdir a (sync tmp), mkdir b (sync a), create the file (sync it, sync b).
  CHECK(w.stats().dir_syncs == 3);
  CHECK(w.stats().file_syncs == 1);
  w.append(rec(journal_kind::intent, "t1", "e1", "tok1"));
  w.append(rec(journal_kind::outcome, "t2", "e1", "tok1"));
  CHECK(w.stats().file_syncs == 3);  // one fsync per append
  CHECK(w.stats().records_written == 2);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((path + ".lock").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((tmp.path + "/a").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  REQUIRE(::stat((tmp.path + "/a/b").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  w.close();
  // Reopening an existing journal creates nothing, so syncs nothing.
  journal_writer w2 = journal_writer::open(path);
  CHECK(w2.stats().dir_syncs == 0);
  CHECK(w2.stats().file_syncs == 0);
  w2.close();
  // A journal others can read is reported.
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  journal_writer w3 = journal_writer::open(path);
  REQUIRE(w3.existing().warnings.size() == 1);
  CHECK(contains(w3.existing().warnings[0], "mode 0644"));
}

TEST_CASE("journal: records are validated before they are written") {
  temp_dir tmp;
  const std::string path = tmp.path + "/j.jsonl";
  journal_writer w = journal_writer::open(path);
  CHECK(expect_error([&] { w.append(rec(journal_kind::intent, "t", "", "")); }, MPADJUST_EINVALID).field() ==
        "entry_key");
  journal_record r = rec(journal_kind::intent, "t", "e", "tok");
  r.amount = "1,000.00";
  CHECK(expect_error([&] { w.append(r); }, MPADJUST_EINVALID).field() == "amount");
  r.amount = "10";
  r.currency = "usd";
  CHECK(expect_error([&] { w.append(r); }, MPADJUST_EINVALID).field() == "currency");
  CHECK(slurp(path).empty());  // nothing was written
  w.append(rec(journal_kind::plan, "t", "", ""));  // plan-level records need no key
  w.close();
  expect_error([&] { w.append(rec(journal_kind::plan, "t", "", "")); }, MPADJUST_EINVALID);
}

TEST_CASE("journal: a torn final line is tolerated with a warning and repaired by the writer") {
  temp_dir tmp;
  const std::string path = tmp.path + "/j.jsonl";
  {
    journal_writer w = journal_writer::open(path);
    w.append(rec(journal_kind::intent, "t1", "e1", "tok1"));
    w.append(rec(journal_kind::intent, "t2", "e2", "tok2"));
  }
  const std::string intact = slurp(path);
  const std::string torn = R"({"v":1,"ts":"t3","kind":"outcome","entry_key":"e1","billing_adj)";
  spit(path, torn, true);

  const journal_contents c = read_journal(path);
  CHECK(c.records.size() == 2);
  REQUIRE(c.warnings.size() == 1);
  CHECK(contains(c.warnings[0], path + " line 3"));
  CHECK(contains(c.warnings[0], "torn final line"));

  {
    journal_writer w = journal_writer::open(path);
    CHECK(w.existing().records.size() == 2);
    REQUIRE(w.existing().warnings.size() == 2);
    CHECK(contains(w.existing().warnings[1], "moving the torn final line"));
    CHECK(slurp(path) == intact);  // cut back to the last complete line
    CHECK(slurp(path + ".torn") == torn + "\n");  // kept for inspection
    w.append(rec(journal_kind::outcome, "t4", "e1", "tok1"));
  }
  const journal_contents after = read_journal(path);
  CHECK(after.warnings.empty());
  REQUIRE(after.records.size() == 3);
  CHECK(after.records[2].ts == "t4");

  // Garbage (e.g. zeros after a crash) on a terminated final line is torn too.
  spit(path, std::string(7, '\0') + "\n", true);
  const journal_contents zeros = read_journal(path);
  CHECK(zeros.records.size() == 3);
  CHECK(zeros.warnings.size() == 1);
}

TEST_CASE("journal: a complete final record without its newline is kept and terminated") {
  temp_dir tmp;
  const std::string path = tmp.path + "/j.jsonl";
  spit(path, journal_record_to_json(rec(journal_kind::intent, "t1", "e1", "tok1")) + "\n" +
                 journal_record_to_json(rec(journal_kind::outcome, "t2", "e1", "tok1")));
  const journal_contents c = read_journal(path);
  CHECK(c.records.size() == 2);
  REQUIRE(c.warnings.size() == 1);
  CHECK(contains(c.warnings[0], "no newline"));
  {
    journal_writer w = journal_writer::open(path);
    CHECK(w.existing().records.size() == 2);
    w.append(rec(journal_kind::status, "t3", "e1", "tok1"));
  }
  const journal_contents after = read_journal(path);
  CHECK(after.warnings.empty());
  CHECK(after.records.size() == 3);
}

TEST_CASE("journal: damage before the last line is an error naming file and line") {
  temp_dir tmp;
  const std::string path = tmp.path + "/j.jsonl";
  const std::string good = journal_record_to_json(rec(journal_kind::intent, "t1", "e1", "tok1")) + "\n";
  struct row {
    std::string text;
    std::string expect;
  };
  const row rows[] = {
      {good + "{not json\n" + good, " line 2: not valid JSON"},
      {good + good + "\n" + good, " line 3: empty line"},
      {good + "[1,2]\n" + good, " line 2: not a JSON object"},
      {good + R"({"v":2,"kind":"intent","entry_key":"e"})" + "\n", " line 2: journal version 2 is not supported"},
      {R"({"kind":"intent","entry_key":"e"})" "\n" + good, " line 1: no version"},
      {good + R"({"v":1,"kind":"refund","entry_key":"e"})" + "\n", " line 2: unknown record kind \"refund\""},
      {good + R"({"v":1,"kind":"intent","amount":12.5})" + "\n", " line 2: \"amount\" must be a string"},
      {good + R"({"v":1,"kind":"intent","details":"x"})" + "\n", " line 2: \"details\" must be an object"},
      {good + "{\"v\":1,\"kind\":\"intent\",\"notes\":\"\xFF\"}\n" + good, " line 2: not valid JSON"},
  };
  for (const row& r : rows) {
    CAPTURE(r.expect);
    spit(path, r.text);
    const auto e = expect_error([&] { (void)read_journal(path); }, MPADJUST_EPARSE);
    CHECK_MESSAGE(contains(e.what(), "journal " + path + r.expect), e.what());
    // A writer refuses to append to a damaged journal, and leaves it untouched.
    expect_error([&] { (void)journal_writer::open(path); }, MPADJUST_EPARSE);
    CHECK(slurp(path) == r.text);
  }
  expect_error([&] { (void)read_journal(tmp.path + "/missing.jsonl"); }, MPADJUST_ENOTFOUND);
}

TEST_CASE("journal: a second writer is refused while the first is open") {
  temp_dir tmp;
  const std::string path = tmp.path + "/j.jsonl";
  {
    journal_writer first = journal_writer::open(path);
    // flock locks belong to the open file description, so a second open() in this same process
    // conflicts too.
    const auto e = expect_error([&] { (void)journal_writer::open(path); }, MPADJUST_ECONFLICT);
    CHECK(contains(e.what(), "journal " + path + " is in use by another process (pid " +
                                 std::to_string(::getpid())));
    first.append(rec(journal_kind::intent, "t1", "e1", "tok1"));
    // Readers need no lock.
    CHECK(read_journal(path).records.size() == 1);
    // A moved writer keeps the lock.
    journal_writer moved = std::move(first);
    expect_error([&] { (void)journal_writer::open(path); }, MPADJUST_ECONFLICT);
  }
  // Released on destruction.
  journal_writer again = journal_writer::open(path);
  again.close();

  // Another process.
  int to_parent[2];
  int to_child[2];
  REQUIRE(::pipe(to_parent) == 0);
  REQUIRE(::pipe(to_child) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int code = 0;
    try {
      journal_writer w = journal_writer::open(path);
      char c = 'r';
      if (::write(to_parent[1], &c, 1) != 1) code = 2;
      if (::read(to_child[0], &c, 1) != 1) code = 3;  // hold the lock until the parent is done
    } catch (...) {
      code = 1;
    }
    ::_exit(code);
  }
  char c = 0;
  REQUIRE(::read(to_parent[0], &c, 1) == 1);
  const auto e = expect_error([&] { (void)journal_writer::open(path); }, MPADJUST_ECONFLICT);
  CHECK(contains(e.what(), "(pid " + std::to_string(child) + ")"));
  REQUIRE(::write(to_child[1], &c, 1) == 1);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  for (int fd : {to_parent[0], to_parent[1], to_child[0], to_child[1]}) ::close(fd);
  // The child has exited: the lock is free again.
  journal_writer after = journal_writer::open(path);
  CHECK(after.existing().records.size() == 1);
}

TEST_CASE("journal: a failed write is rolled back so the file stays well-formed") {
  temp_dir tmp;
  const std::string path = tmp.path + "/j.jsonl";
  {
    journal_writer w = journal_writer::open(path);
    w.append(rec(journal_kind::intent, "t1", "e1", "tok1"));
  }
  const std::string before = slurp(path);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // Make the file size limit fall inside the next line: write() fails part-way (EFBIG).
    std::signal(SIGXFSZ, SIG_IGN);
    int code = 0;
    try {
      journal_writer w = journal_writer::open(path);
      rlimit lim{};
      lim.rlim_cur = before.size() + 40;
      lim.rlim_max = RLIM_INFINITY;
      if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) ::_exit(10);
      journal_record big = rec(journal_kind::outcome, "t2", "e1", "tok1");
      big.error_message = std::string(1000, 'y');
      try {
        w.append(big);
        code = 11;  // should have failed
      } catch (const mpadjust::error& e) {
        if (e.status() != MPADJUST_EIO) code = 12;
      }
      // The writer stays usable for a record that fits.
      lim.rlim_cur = RLIM_INFINITY;
      if (code == 0 && ::setrlimit(RLIMIT_FSIZE, &lim) != 0) code = 13;
      if (code == 0) w.append(rec(journal_kind::outcome, "t3", "e1", "tok1"));
    } catch (...) {
      code = 14;
    }
    ::_exit(code);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  const journal_contents c = read_journal(path);
  CHECK(c.warnings.empty());
  REQUIRE(c.records.size() == 2);
  CHECK(c.records[1].ts == "t3");
}

TEST_CASE("journal: folding gives the latest state per entry") {
  std::vector<journal_record> rs;
  journal_record plan = rec(journal_kind::plan, "t0", "", "");
  plan.plan_key = "p1";  // plan-level: not an entry
  rs.push_back(plan);
  // e1: planned, sent, confirmed, then completed.
  journal_record p1 = rec(journal_kind::plan, "t1", "e1", "");
  p1.plan_key = "p1";
  p1.amount = "10.00";
  p1.currency = "USD";
  rs.push_back(p1);
  rs.push_back(rec(journal_kind::intent, "t2", "e1", "tok1"));
  journal_record o1 = rec(journal_kind::outcome, "t3", "", "tok1");  // joins by token
  o1.billing_adjustment_request_id = "ba-1";
  rs.push_back(o1);
  journal_record s1 = rec(journal_kind::status, "t9", "", "tok1");
  s1.status = "COMPLETED";
  rs.push_back(s1);
  // e2: sent, no outcome (crash): in doubt.
  rs.push_back(rec(journal_kind::intent, "t4", "e2", "tok2"));
  // e3: rejected.
  rs.push_back(rec(journal_kind::intent, "t5", "e3", "tok3"));
  journal_record o3 = rec(journal_kind::outcome, "t6", "e3", "tok3");
  o3.error_code = "VALIDATION_EXCEPTION";
  o3.error_message = "amount too large";
  rs.push_back(o3);
  // e4: only planned.
  rs.push_back(rec(journal_kind::plan, "t7", "e4", ""));
  // e5: failed, retried with a new token, then in doubt (timeout recorded).
  rs.push_back(rec(journal_kind::intent, "t10", "e5", "tok5a"));
  journal_record o5 = rec(journal_kind::outcome, "t11", "e5", "tok5a");
  o5.error_code = "INTERNAL_FAILURE";
  rs.push_back(o5);
  rs.push_back(rec(journal_kind::intent, "t12", "e5", "tok5b"));
  journal_record o5b = rec(journal_kind::outcome, "t13", "e5", "tok5b");
  o5b.status = "IN_DOUBT";
  o5b.error_message = "timeout";
  rs.push_back(o5b);
  // e1 re-sent by mistake: stays confirmed.
  rs.push_back(rec(journal_kind::intent, "t14", "e1", "tok1"));

  const auto es = fold_journal(rs);
  REQUIRE(es.size() == 5);
  CHECK(es[0].entry_key == "e1");
  CHECK(es[0].state == entry_state::confirmed);
  CHECK(es[0].billing_adjustment_request_id == "ba-1");
  CHECK(es[0].status == "COMPLETED");
  CHECK(es[0].amount == "10.00");
  CHECK(es[0].plan_key == "p1");
  CHECK(es[0].created == "t1");
  CHECK(es[0].updated == "t14");
  CHECK(es[0].attempts == 2);
  CHECK(es[1].entry_key == "e2");
  CHECK(es[1].state == entry_state::in_doubt);
  CHECK(es[1].client_token == "tok2");
  CHECK(entry_display_status(es[1]) == "IN_DOUBT");
  CHECK(es[2].state == entry_state::failed);
  CHECK(es[2].error_code == "VALIDATION_EXCEPTION");
  CHECK(entry_display_status(es[2]) == "FAILED");
  CHECK(es[3].state == entry_state::planned);
  CHECK(entry_display_status(es[3]) == "PLANNED");
  CHECK(es[4].state == entry_state::in_doubt);
  CHECK(es[4].client_token == "tok5b");
  CHECK(es[4].error_code.empty());
  CHECK(es[4].attempts == 2);
  CHECK(std::string(to_string(es[4].state)) == "in_doubt");
  // Confirmed without a recorded status shows PENDING.
  const auto only = fold_journal({rec(journal_kind::intent, "a", "x", "t"), o1});
  REQUIRE(only.size() == 2);  // o1 has no entry_key and a different token: its own entry
  CHECK(only[1].state == entry_state::confirmed);
  CHECK(entry_display_status(only[1]) == "PENDING");
}

TEST_CASE("journal: CSV export is exact RFC 4180 text with formulas neutralised") {
  std::vector<journal_record> rs;
  journal_record a = rec(journal_kind::intent, "2026-01-02T03:04:05.000Z", "e1", "tok-1");
  a.agreement_id = "agmt-1";
  a.invoice_id = "inv-1";
  a.amount = "12.50";
  a.currency = "USD";
  a.reason_code = "BUYER_DISSATISFACTION";
  a.description = "Refund, as \"agreed\"";
  a.details.support_case_id = "case-9";
  a.details.buyer_reference = "=HYPERLINK(\"http://x\")";
  a.details.notes = "two\nlines";
  rs.push_back(a);
  journal_record b = rec(journal_kind::outcome, "2026-01-02T03:04:06.000Z", "e1", "tok-1");
  b.billing_adjustment_request_id = "ba-abc";
  rs.push_back(b);
  journal_record c = rec(journal_kind::intent, "2026-01-02T03:05:00.000Z", "e2", "tok-2");
  c.description = "-5 credit";
  c.details.notes = "@SUM(A1)";
  c.details.buyer_reference = "+1";
  rs.push_back(c);
  journal_record d = rec(journal_kind::outcome, "2026-01-02T03:05:01.000Z", "e2", "tok-2");
  d.error_code = "VALIDATION_EXCEPTION";
  d.error_message = "bad, very";
  rs.push_back(d);
  const std::string expected =
      "created,updated,agreement_id,invoice_id,amount,currency,reason_code,description,"
      "support_case_id,buyer_reference,notes,billing_adjustment_request_id,status,message,"
      "client_token,plan_key,entry_key\r\n"
      "2026-01-02T03:04:05.000Z,2026-01-02T03:04:06.000Z,agmt-1,inv-1,12.50,USD,BUYER_DISSATISFACTION,"
      "\"Refund, as \"\"agreed\"\"\",case-9,\"'=HYPERLINK(\"\"http://x\"\")\",\"two\nlines\",ba-abc,PENDING,,"
      "tok-1,,e1\r\n"
      "2026-01-02T03:05:00.000Z,2026-01-02T03:05:01.000Z,,,,,,'-5 credit,,'+1,'@SUM(A1),,FAILED,"
      "\"VALIDATION_EXCEPTION: bad, very\",tok-2,,e2\r\n";
  CHECK(journal_to_csv(fold_journal(rs)) == expected);
  CHECK(journal_to_csv({}) ==
        "created,updated,agreement_id,invoice_id,amount,currency,reason_code,description,"
        "support_case_id,buyer_reference,notes,billing_adjustment_request_id,status,message,"
        "client_token,plan_key,entry_key\r\n");
  // TAB and CR starts are neutralised too (OWASP CSV injection); CR also forces quoting.
  journal_entry odd;
  odd.state = entry_state::planned;
  odd.description = "\tx";
  odd.details.notes = "\r=1";
  odd.entry_key = "e";
  const std::string odd_csv = journal_to_csv({odd});
  CHECK(odd_csv.substr(odd_csv.find("\r\n") + 2) == ",,,,,,,'\tx,,,\"'\r=1\",,PLANNED,,,,e\r\n");
}

TEST_CASE("journal: default path follows XDG_STATE_HOME, then HOME") {
  auto env_of = [](std::vector<std::pair<std::string, std::string>> vars) {
    environment env;
    env.get = [vars](std::string_view name) -> std::optional<std::string> {
      for (const auto& kv : vars) {
        if (kv.first == name) return kv.second;
      }
      return std::nullopt;
    };
    return env;
  };
  CHECK(default_journal_path(env_of({{"XDG_STATE_HOME", "/s"}, {"HOME", "/h"}})) == "/s/mpadjust/journal.jsonl");
  CHECK(default_journal_path(env_of({{"XDG_STATE_HOME", "rel"}, {"HOME", "/h/"}})) ==
        "/h/.local/state/mpadjust/journal.jsonl");
  CHECK(default_journal_path(env_of({{"HOME", "/h"}})) == "/h/.local/state/mpadjust/journal.jsonl");
  expect_error([&] { (void)default_journal_path(env_of({})); }, MPADJUST_EINVALID);
}
