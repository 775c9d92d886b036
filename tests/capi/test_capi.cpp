// tests/capi: the C ABI through <mpadjust.h> only (STYLE.md 3, 6): statuses and messages,
// NULL frees, owned buffers, MPADJUST_EBUFS, the thread-local last error, extensible option
// structs, and SigV4 signing checked against the official test suite's expected values.
#include <mpadjust.h>

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace {

// ------------------------------------------------------------------ helpers

std::string shared_dir() {
  const char* env = std::getenv("MPADJUST_SHARED_DIR");
  return env != nullptr && *env != '\0' ? env : MPADJUST_DEFAULT_SHARED_DIR;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) FAIL("cannot read " << path << " (is MPADJUST_SHARED_DIR the shared/ folder?)");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string trim_newlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// The string value of "key" in a flat-enough JSON text (the suite's context.json).
std::string json_string(const std::string& json, const std::string& key) {
  const size_t k = json.find("\"" + key + "\"");
  REQUIRE_MESSAGE(k != std::string::npos, "context.json has no " << key);
  const size_t open = json.find('"', json.find(':', k) + 1);
  const size_t close = json.find('"', open + 1);
  return json.substr(open + 1, close - open - 1);
}

// Seconds since 1970 of "YYYY-MM-DDTHH:MM:SSZ" (Howard Hinnant's days_from_civil).
std::int64_t epoch_of(const std::string& ts) {
  int y = std::stoi(ts.substr(0, 4));
  const int m = std::stoi(ts.substr(5, 2)), d = std::stoi(ts.substr(8, 2));
  const int hh = std::stoi(ts.substr(11, 2)), mm = std::stoi(ts.substr(14, 2)),
            ss = std::stoi(ts.substr(17, 2));
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + hh * 3600 + mm * 60 + ss;
}

// One case of the AWS SigV4 test suite, read at test time.
struct suite_case {
  std::string dir;
  std::string access_key_id, secret_access_key, session_token, region, service;
  std::int64_t epoch = 0;
  std::string method, target;
  std::vector<std::pair<std::string, std::string>> headers;  // as in request.txt
  std::string expected(const std::string& file) const { return trim_newlines(read_file(dir + "/" + file)); }
};

suite_case load_case(const std::string& name) {
  suite_case c;
  c.dir = shared_dir() + "/sigv4-test-suite/v4/" + name;
  const std::string ctx = read_file(c.dir + "/context.json");
  c.access_key_id = json_string(ctx, "access_key_id");
  c.secret_access_key = json_string(ctx, "secret_access_key");
  if (ctx.find("\"token\"") != std::string::npos) c.session_token = json_string(ctx, "token");
  c.region = json_string(ctx, "region");
  c.service = json_string(ctx, "service");
  c.epoch = epoch_of(json_string(ctx, "timestamp"));
  std::istringstream req(read_file(c.dir + "/request.txt"));
  std::string line;
  std::getline(req, line);  // "GET / HTTP/1.1"
  const size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  c.method = line.substr(0, sp1);
  c.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  while (std::getline(req, line) && !line.empty()) {
    const size_t colon = line.find(':');
    c.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  return c;
}

// The value of `name` among a signed request's headers ("" when absent).
std::string header_of(const mpadjust_signed_request* r, const std::string& name) {
  for (size_t i = 0; i < mpadjust_signed_request_header_count(r); ++i)
    if (name == mpadjust_signed_request_header_name(r, i)) return mpadjust_signed_request_header_value(r, i);
  return "";
}

// RAII owners for the test only.
struct creds_owner {
  mpadjust_credentials* p = nullptr;
  ~creds_owner() { mpadjust_credentials_free(p); }
};
struct signer_owner {
  mpadjust_signer* p = nullptr;
  ~signer_owner() { mpadjust_signer_free(p); }
};
struct result_owner {
  mpadjust_signed_request* p = nullptr;
  ~result_owner() { mpadjust_signed_request_free(p); }
};

struct signed_case {
  suite_case c;
  creds_owner creds;
  signer_owner signer;
  result_owner result;
};

// Signs (or presigns) `c` through the C ABI.
mpadjust_status sign_case(const suite_case& c, const mpadjust_signer* signer, const mpadjust_credentials* creds,
                          bool presign, mpadjust_signed_request** out) {
  std::vector<mpadjust_header> hs;
  for (const auto& h : c.headers) hs.push_back({h.first.c_str(), h.second.c_str()});
  return (presign ? mpadjust_signer_presign : mpadjust_signer_sign)(
      out, signer, creds, c.method.c_str(), c.target.c_str(), hs.data(), hs.size(), nullptr, 0, c.epoch);
}

std::set<std::string> split_query(const std::string& q) {
  std::set<std::string> parts;
  std::istringstream in(q);
  std::string p;
  while (std::getline(in, p, '&')) parts.insert(p);
  return parts;
}

}  // namespace

// ------------------------------------------------------------------ statuses, messages, versions

TEST_CASE("capi: status numbers are fixed and every status has its own text") {
  // The numbers are ABI: they may never change.
  CHECK(MPADJUST_OK == 0);
  CHECK(MPADJUST_EINVALID == -1);
  CHECK(MPADJUST_ENOMEM == -2);
  CHECK(MPADJUST_EBUFS == -3);
  CHECK(MPADJUST_ECREDENTIALS == -4);
  CHECK(MPADJUST_ETRANSPORT == -5);
  CHECK(MPADJUST_ETIMEOUT == -6);
  CHECK(MPADJUST_ESERVICE == -7);
  CHECK(MPADJUST_EPARSE == -8);
  CHECK(MPADJUST_ECALLBACK == -9);
  CHECK(MPADJUST_EINTERNAL == -10);
  CHECK(MPADJUST_ECANCELLED == -11);
  CHECK(MPADJUST_ENOTFOUND == -12);
  CHECK(MPADJUST_EAMBIGUOUS == -13);
  CHECK(MPADJUST_ECONFLICT == -14);
  CHECK(MPADJUST_EIO == -15);
  std::set<std::string> texts;
  for (int s = 0; s >= -15; --s) {
    const char* t = mpadjust_status_str(static_cast<mpadjust_status>(s));
    REQUIRE(t != nullptr);
    CHECK(std::strlen(t) > 0);
    CHECK(std::string(t) != "unknown status");
    texts.insert(t);
  }
  CHECK(texts.size() == 16);
  CHECK(std::string(mpadjust_status_str(static_cast<mpadjust_status>(-9999))) == "unknown status");
  CHECK(std::string(mpadjust_status_str(static_cast<mpadjust_status>(7))) == "unknown status");
  CHECK(std::string(mpadjust_status_str(MPADJUST_EBUFS)) == "buffer too small");
}

TEST_CASE("capi: the runtime version matches the header") {
  CHECK(mpadjust_version_number() == static_cast<unsigned>(MPADJUST_VERSION_NUMBER));
  const std::string expected = std::to_string(MPADJUST_VERSION_MAJOR) + "." +
                               std::to_string(MPADJUST_VERSION_MINOR) + "." +
                               std::to_string(MPADJUST_VERSION_PATCH);
  CHECK(std::string(mpadjust_version_string()) == expected);
  CHECK(MPADJUST_VERSION_NUMBER ==
        MPADJUST_VERSION_MAJOR * 10000 + MPADJUST_VERSION_MINOR * 100 + MPADJUST_VERSION_PATCH);
}

TEST_CASE("capi: global init and cleanup are counted") {
  REQUIRE(mpadjust_global_init() == MPADJUST_OK);
  REQUIRE(mpadjust_global_init() == MPADJUST_OK);
  mpadjust_global_cleanup();
  // Still initialised once: signing and credentials keep working.
  mpadjust_credentials* c = nullptr;
  CHECK(mpadjust_credentials_new_static(&c, "AKID", "secret", nullptr) == MPADJUST_OK);
  mpadjust_credentials_free(c);
  mpadjust_global_cleanup();
  mpadjust_global_cleanup();  // unmatched: ignored
  REQUIRE(mpadjust_global_init() == MPADJUST_OK);
  mpadjust_global_cleanup();
}

TEST_CASE("capi: last error names the failing argument and is cleared by the next call") {
  mpadjust_credentials* c = reinterpret_cast<mpadjust_credentials*>(0x1);
  CHECK(mpadjust_credentials_new_static(&c, "AKID", "", nullptr) == MPADJUST_EINVALID);
  CHECK(c == nullptr);  // *out is NULL on failure
  const std::string msg = mpadjust_last_error_message();
  CHECK(msg.find("secret_access_key") != std::string::npos);
  CHECK(msg.find("empty") != std::string::npos);

  CHECK(mpadjust_credentials_new_static(nullptr, "AKID", "secret", nullptr) == MPADJUST_EINVALID);
  CHECK(std::string(mpadjust_last_error_message()).find("out") != std::string::npos);

  REQUIRE(mpadjust_credentials_new_static(&c, "AKID", "secret", nullptr) == MPADJUST_OK);
  CHECK(std::string(mpadjust_last_error_message()).empty());
  mpadjust_credentials_free(c);
}

TEST_CASE("capi: last error is per thread") {
  mpadjust_credentials* c = nullptr;
  REQUIRE(mpadjust_credentials_new_static(&c, nullptr, "secret", nullptr) == MPADJUST_EINVALID);
  const std::string mine = mpadjust_last_error_message();
  REQUIRE(mine.find("access_key_id") != std::string::npos);

  std::string other_before, other_after;
  mpadjust_status other_status = MPADJUST_OK;
  std::thread t([&] {
    other_before = mpadjust_last_error_message();  // a fresh thread has no error
    mpadjust_signer* s = nullptr;
    other_status = mpadjust_signer_new(&s, "us-east-1", "", nullptr);
    other_after = mpadjust_last_error_message();
  });
  t.join();
  CHECK(other_before.empty());
  CHECK(other_status == MPADJUST_EINVALID);
  CHECK(other_after.find("service") != std::string::npos);
  // The other thread's failure did not touch this thread's message.
  CHECK(std::string(mpadjust_last_error_message()) == mine);
}

// ------------------------------------------------------------------ frees, buffers, credentials

TEST_CASE("capi: every free and dispose accepts NULL and empty values") {
  mpadjust_credentials_free(nullptr);
  mpadjust_signer_free(nullptr);
  mpadjust_signed_request_free(nullptr);
  mpadjust_buf_dispose(nullptr);
  mpadjust_buf b = MPADJUST_BUF_INIT;
  mpadjust_buf_dispose(&b);
  CHECK(b.ptr == nullptr);
  CHECK(b.size == 0);
  // Getters are total: a NULL handle gives NULL / 0, never a crash.
  CHECK(mpadjust_signed_request_header_count(nullptr) == 0);
  CHECK(mpadjust_signed_request_header_name(nullptr, 0) == nullptr);
  CHECK(mpadjust_signed_request_signature(nullptr) == nullptr);
}

TEST_CASE("capi: credentials give their access key id as an owned buffer, never the secret") {
  creds_owner c;
  REQUIRE(mpadjust_credentials_new_static(&c.p, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                          "token-value") == MPADJUST_OK);
  mpadjust_buf id = MPADJUST_BUF_INIT;
  REQUIRE(mpadjust_credentials_access_key_id(&id, c.p) == MPADJUST_OK);
  REQUIRE(id.ptr != nullptr);
  CHECK(std::string(id.ptr) == "AKIDEXAMPLE");
  CHECK(id.size == 11);
  mpadjust_buf_dispose(&id);
  CHECK(id.ptr == nullptr);
  mpadjust_buf_dispose(&id);  // twice: harmless

  CHECK(mpadjust_credentials_access_key_id(nullptr, c.p) == MPADJUST_EINVALID);
  CHECK(mpadjust_credentials_access_key_id(&id, nullptr) == MPADJUST_EINVALID);
  CHECK(id.ptr == nullptr);  // untouched on failure
}

TEST_CASE("capi: a secret never appears in an error message") {
  mpadjust_credentials* c = nullptr;
  CHECK(mpadjust_credentials_new_static(&c, "", "SUPERSECRETKEY", "SUPERSECRETTOKEN") == MPADJUST_EINVALID);
  const std::string msg = mpadjust_last_error_message();
  CHECK(msg.find("SUPERSECRET") == std::string::npos);
  CHECK(c == nullptr);
}

namespace {

// Sets an environment variable for the scope of one test, restoring the previous value.
class scoped_env {
 public:
  scoped_env(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    if (value != nullptr) ::setenv(name, value, 1); else ::unsetenv(name);
  }
  ~scoped_env() {
    if (had_) ::setenv(name_.c_str(), old_.c_str(), 1); else ::unsetenv(name_.c_str());
  }
  scoped_env(const scoped_env&) = delete;
  scoped_env& operator=(const scoped_env&) = delete;

 private:
  std::string name_, old_;
  bool had_ = false;
};

std::string temp_path(const std::string& leaf) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/mpadjust-capi-" +
         std::to_string(static_cast<long long>(::getpid())) + "-" + leaf;
}

std::string key_of(const mpadjust_credentials* c, mpadjust_status* status) {
  mpadjust_buf b = MPADJUST_BUF_INIT;
  *status = mpadjust_credentials_access_key_id(&b, c);
  std::string s = b.ptr != nullptr ? std::string(b.ptr, b.size) : std::string();
  mpadjust_buf_dispose(&b);
  return s;
}

}  // namespace

TEST_CASE("capi: profile and default-chain credentials read the shared files lazily") {
  const std::string creds_file = temp_path("credentials");
  const std::string config_file = temp_path("config");
  {
    std::ofstream f(creds_file);
    f << "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n"
         "[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = s2\n";
  }
  { std::ofstream f(config_file); }
  scoped_env e1("AWS_SHARED_CREDENTIALS_FILE", creds_file.c_str());
  scoped_env e2("AWS_CONFIG_FILE", config_file.c_str());
  scoped_env e3("AWS_PROFILE", nullptr);
  scoped_env e4("AWS_DEFAULT_PROFILE", nullptr);
  scoped_env e5("AWS_SESSION_TOKEN", nullptr);
  scoped_env e6("AWS_SECURITY_TOKEN", nullptr);
  scoped_env e7("AWS_CREDENTIAL_EXPIRATION", nullptr);
  mpadjust_status st = MPADJUST_EINTERNAL;

  {
    scoped_env a("AWS_ACCESS_KEY_ID", nullptr);
    scoped_env b("AWS_SECRET_ACCESS_KEY", nullptr);
    creds_owner work;
    REQUIRE(mpadjust_credentials_new_profile(&work.p, "work") == MPADJUST_OK);
    CHECK(key_of(work.p, &st) == "AKIDWORK");
    CHECK(st == MPADJUST_OK);

    creds_owner dflt;
    REQUIRE(mpadjust_credentials_new_default(&dflt.p, nullptr) == MPADJUST_OK);
    CHECK(key_of(dflt.p, &st) == "AKIDDEFAULT");
    CHECK(st == MPADJUST_OK);

    // A missing profile is found out when credentials are first needed.
    creds_owner missing;
    REQUIRE(mpadjust_credentials_new_profile(&missing.p, "no-such-profile") == MPADJUST_OK);
    CHECK(key_of(missing.p, &st).empty());
    CHECK(st == MPADJUST_ECREDENTIALS);
    CHECK(std::string(mpadjust_last_error_message()).find("no-such-profile") != std::string::npos);
    signer_owner signer;
    REQUIRE(mpadjust_signer_new(&signer.p, "us-east-1", "service", nullptr) == MPADJUST_OK);
    mpadjust_header h = {"Host", "example.amazonaws.com"};
    mpadjust_signed_request* r = nullptr;
    CHECK(mpadjust_signer_sign(&r, signer.p, missing.p, "GET", "/", &h, 1, nullptr, 0, 0) == MPADJUST_ECREDENTIALS);
    CHECK(r == nullptr);
  }
  {
    // The environment comes first in the default chain, unless a profile is named.
    scoped_env a("AWS_ACCESS_KEY_ID", "AKIDENV");
    scoped_env b("AWS_SECRET_ACCESS_KEY", "s3");
    creds_owner dflt;
    REQUIRE(mpadjust_credentials_new_default(&dflt.p, nullptr) == MPADJUST_OK);
    CHECK(key_of(dflt.p, &st) == "AKIDENV");
    creds_owner named;
    REQUIRE(mpadjust_credentials_new_default(&named.p, "work") == MPADJUST_OK);
    CHECK(key_of(named.p, &st) == "AKIDWORK");
  }
  creds_owner bad;
  CHECK(mpadjust_credentials_new_profile(&bad.p, nullptr) == MPADJUST_EINVALID);
  CHECK(mpadjust_credentials_new_profile(&bad.p, "") == MPADJUST_EINVALID);
  CHECK(mpadjust_credentials_new_default(&bad.p, "") == MPADJUST_EINVALID);
  CHECK(mpadjust_credentials_new_default(nullptr, nullptr) == MPADJUST_EINVALID);
  CHECK(bad.p == nullptr);
  std::remove(creds_file.c_str());
  std::remove(config_file.c_str());
}

// ------------------------------------------------------------------ option structs

TEST_CASE("capi: signer options init, the INIT macro and NULL options are defaults") {
  mpadjust_signer_options a = MPADJUST_SIGNER_OPTIONS_INIT;
  mpadjust_signer_options b;
  std::memset(&b, 0xAB, sizeof b);
  REQUIRE(mpadjust_signer_options_init(&b, sizeof b) == MPADJUST_OK);
  CHECK(std::memcmp(&a, &b, sizeof a) == 0);
  CHECK(mpadjust_signer_options_init(nullptr, sizeof b) == MPADJUST_EINVALID);
  CHECK(mpadjust_signer_options_init(&b, sizeof(size_t)) == MPADJUST_EINVALID);
  CHECK(std::string(mpadjust_last_error_message()).find("struct_size") != std::string::npos);

  signer_owner s1, s2;
  REQUIRE(mpadjust_signer_new(&s1.p, "us-east-1", "service", nullptr) == MPADJUST_OK);
  REQUIRE(mpadjust_signer_new(&s2.p, "us-east-1", "service", &a) == MPADJUST_OK);
}

TEST_CASE("capi: an older, smaller struct_size is accepted and its missing fields are not read") {
  mpadjust_signer_options o = MPADJUST_SIGNER_OPTIONS_INIT;
  o.struct_size = MPADJUST_SIGNER_OPTIONS_MIN_SIZE;  // a caller built against the first layout
  // Bytes beyond its struct_size are not the caller's: a reader that looked at them would
  // crash on this pointer or reject the count.
  o.unsigned_headers = reinterpret_cast<const char* const*>(static_cast<std::uintptr_t>(1));
  o.unsigned_header_count = 99;
  signer_owner s;
  CHECK(mpadjust_signer_new(&s.p, "us-east-1", "service", &o) == MPADJUST_OK);

  mpadjust_signer_options small;
  REQUIRE(mpadjust_signer_options_init(&small, MPADJUST_SIGNER_OPTIONS_MIN_SIZE) == MPADJUST_OK);
  CHECK(small.struct_size == MPADJUST_SIGNER_OPTIONS_MIN_SIZE);

  o.struct_size = MPADJUST_SIGNER_OPTIONS_MIN_SIZE - 1;
  signer_owner bad;
  CHECK(mpadjust_signer_new(&bad.p, "us-east-1", "service", &o) == MPADJUST_EINVALID);
  CHECK(bad.p == nullptr);
  CHECK(std::string(mpadjust_last_error_message()).find("struct_size") != std::string::npos);
}

TEST_CASE("capi: a larger struct_size is accepted only with a zero tail") {
  // A caller built against a newer header: its struct has a knob this library does not know.
  // One byte buffer holds it, so the compiler sees the whole struct escape into each call.
  constexpr size_t known = sizeof(mpadjust_signer_options);
  constexpr size_t newer = known + sizeof(std::uint64_t);
  alignas(mpadjust_signer_options) unsigned char raw[newer];
  auto* opts = reinterpret_cast<mpadjust_signer_options*>(raw);
  const auto tail_is_zero = [&] {
    for (size_t i = known; i < newer; ++i)
      if (raw[i] != 0) return false;
    return true;
  };

  std::memset(raw, 0, sizeof raw);
  opts->struct_size = newer;
  signer_owner ok;
  CHECK(mpadjust_signer_new(&ok.p, "us-east-1", "service", opts) == MPADJUST_OK);

  // options_init zeroes the whole (newer, larger) struct the caller declares.
  std::memset(raw, 0xCD, sizeof raw);
  REQUIRE(mpadjust_signer_options_init(opts, newer) == MPADJUST_OK);
  CHECK(opts->struct_size == newer);
  CHECK(tail_is_zero());
  signer_owner ok2;
  CHECK(mpadjust_signer_new(&ok2.p, "us-east-1", "service", opts) == MPADJUST_OK);

  raw[newer - 1] = 1;  // the newer knob set: this library cannot honour it
  signer_owner bad;
  CHECK(mpadjust_signer_new(&bad.p, "us-east-1", "service", opts) == MPADJUST_EINVALID);
  CHECK(bad.p == nullptr);
  CHECK(std::string(mpadjust_last_error_message()).find("struct_size") != std::string::npos);
}

TEST_CASE("capi: invalid signer options are rejected naming the field") {
  mpadjust_signer_options o = MPADJUST_SIGNER_OPTIONS_INIT;
  signer_owner s;
  o.payload_mode = 42;
  CHECK(mpadjust_signer_new(&s.p, "us-east-1", "service", &o) == MPADJUST_EINVALID);
  CHECK(std::string(mpadjust_last_error_message()).find("payload_mode") != std::string::npos);
  o.payload_mode = MPADJUST_PAYLOAD_PRECOMPUTED;
  CHECK(mpadjust_signer_new(&s.p, "us-east-1", "service", &o) == MPADJUST_EINVALID);
  CHECK(std::string(mpadjust_last_error_message()).find("precomputed_payload_hash") != std::string::npos);
  o = MPADJUST_SIGNER_OPTIONS_INIT;
  o.expires_seconds = 604801;
  CHECK(mpadjust_signer_new(&s.p, "us-east-1", "service", &o) == MPADJUST_EINVALID);
  CHECK(std::string(mpadjust_last_error_message()).find("expires_seconds") != std::string::npos);
  o = MPADJUST_SIGNER_OPTIONS_INIT;
  const char* names[] = {"user-agent", nullptr};
  o.unsigned_headers = names;
  o.unsigned_header_count = 2;
  CHECK(mpadjust_signer_new(&s.p, "us-east-1", "service", &o) == MPADJUST_EINVALID);
  CHECK(std::string(mpadjust_last_error_message()).find("unsigned_headers[1]") != std::string::npos);
  CHECK(s.p == nullptr);
}

// ------------------------------------------------------------------ signing

TEST_CASE("capi: header signing matches the SigV4 suite's get-vanilla") {
  const suite_case c = load_case("get-vanilla");
  creds_owner creds;
  REQUIRE(mpadjust_credentials_new_static(&creds.p, c.access_key_id.c_str(), c.secret_access_key.c_str(),
                                          nullptr) == MPADJUST_OK);
  signer_owner signer;
  REQUIRE(mpadjust_signer_new(&signer.p, c.region.c_str(), c.service.c_str(), nullptr) == MPADJUST_OK);
  result_owner r;
  REQUIRE_MESSAGE(sign_case(c, signer.p, creds.p, false, &r.p) == MPADJUST_OK, mpadjust_last_error_message());

  CHECK(std::string(mpadjust_signed_request_canonical_request(r.p)) == c.expected("header-canonical-request.txt"));
  CHECK(std::string(mpadjust_signed_request_string_to_sign(r.p)) == c.expected("header-string-to-sign.txt"));
  CHECK(std::string(mpadjust_signed_request_signature(r.p)) == c.expected("header-signature.txt"));
  CHECK(std::string(mpadjust_signed_request_query(r.p)).empty());

  // The headers to add are those of header-signed-request.txt beyond request.txt's.
  std::istringstream signed_req(c.expected("header-signed-request.txt"));
  std::string line;
  std::getline(signed_req, line);
  size_t added = 0;
  while (std::getline(signed_req, line) && !line.empty()) {
    const std::string name = line.substr(0, line.find(':'));
    if (name == "Host") continue;
    ++added;
    CHECK_MESSAGE(header_of(r.p, name) == line.substr(line.find(':') + 1), name);
  }
  CHECK(added == 2);  // X-Amz-Date, Authorization
  CHECK(mpadjust_signed_request_header_count(r.p) == added);
  CHECK(mpadjust_signed_request_header_name(r.p, added) == nullptr);
  CHECK(std::string(mpadjust_signed_request_header_name(r.p, 0)) == "X-Amz-Date");
}

TEST_CASE("capi: presigning matches the SigV4 suite's get-vanilla") {
  const suite_case c = load_case("get-vanilla");
  creds_owner creds;
  REQUIRE(mpadjust_credentials_new_static(&creds.p, c.access_key_id.c_str(), c.secret_access_key.c_str(),
                                          nullptr) == MPADJUST_OK);
  signer_owner signer;
  REQUIRE(mpadjust_signer_new(&signer.p, c.region.c_str(), c.service.c_str(), nullptr) == MPADJUST_OK);
  result_owner r;
  REQUIRE_MESSAGE(sign_case(c, signer.p, creds.p, true, &r.p) == MPADJUST_OK, mpadjust_last_error_message());
  CHECK(std::string(mpadjust_signed_request_canonical_request(r.p)) == c.expected("query-canonical-request.txt"));
  CHECK(std::string(mpadjust_signed_request_string_to_sign(r.p)) == c.expected("query-string-to-sign.txt"));
  CHECK(std::string(mpadjust_signed_request_signature(r.p)) == c.expected("query-signature.txt"));
  CHECK(mpadjust_signed_request_header_count(r.p) == 0);
  // The same parameters as the suite's signed request (their order is free).
  const std::string first = c.expected("query-signed-request.txt").substr(0, c.expected("query-signed-request.txt").find('\n'));
  const size_t q = first.find('?'), sp = first.rfind(' ');
  CHECK(split_query(mpadjust_signed_request_query(r.p)) == split_query(first.substr(q + 1, sp - q - 1)));
}

TEST_CASE("capi: a session token is signed, sent, and redacted from the canonical request") {
  const suite_case c = load_case("get-vanilla-with-session-token");
  REQUIRE(!c.session_token.empty());
  creds_owner creds;
  REQUIRE(mpadjust_credentials_new_static(&creds.p, c.access_key_id.c_str(), c.secret_access_key.c_str(),
                                          c.session_token.c_str()) == MPADJUST_OK);
  signer_owner signer;
  REQUIRE(mpadjust_signer_new(&signer.p, c.region.c_str(), c.service.c_str(), nullptr) == MPADJUST_OK);
  result_owner r;
  REQUIRE_MESSAGE(sign_case(c, signer.p, creds.p, false, &r.p) == MPADJUST_OK, mpadjust_last_error_message());
  CHECK(std::string(mpadjust_signed_request_signature(r.p)) == c.expected("header-signature.txt"));
  CHECK(std::string(mpadjust_signed_request_string_to_sign(r.p)) == c.expected("header-string-to-sign.txt"));
  CHECK(header_of(r.p, "X-Amz-Security-Token") == c.session_token);
  const std::string canonical = mpadjust_signed_request_canonical_request(r.p);
  CHECK(canonical.find(c.session_token) == std::string::npos);
  CHECK(canonical.find("x-amz-security-token:<redacted>") != std::string::npos);
}

TEST_CASE("capi: the signature copies into a caller buffer or reports the size needed") {
  const suite_case c = load_case("get-vanilla");
  creds_owner creds;
  REQUIRE(mpadjust_credentials_new_static(&creds.p, c.access_key_id.c_str(), c.secret_access_key.c_str(),
                                          nullptr) == MPADJUST_OK);
  signer_owner signer;
  REQUIRE(mpadjust_signer_new(&signer.p, c.region.c_str(), c.service.c_str(), nullptr) == MPADJUST_OK);
  result_owner r;
  REQUIRE(sign_case(c, signer.p, creds.p, false, &r.p) == MPADJUST_OK);

  char small[MPADJUST_SIGNATURE_HEX_LEN];  // one byte short: no room for the NUL
  std::memset(small, 'x', sizeof small);
  size_t len = 0;
  CHECK(mpadjust_signed_request_signature_copy(small, sizeof small, &len, r.p) == MPADJUST_EBUFS);
  CHECK(len == MPADJUST_SIGNATURE_HEX_LEN + 1);
  CHECK(small[0] == 'x');  // nothing written
  CHECK(std::string(mpadjust_last_error_message()).find("dst") != std::string::npos);

  char sig[MPADJUST_SIGNATURE_HEX_LEN + 1];
  REQUIRE(mpadjust_signed_request_signature_copy(sig, sizeof sig, &len, r.p) == MPADJUST_OK);
  CHECK(len == MPADJUST_SIGNATURE_HEX_LEN);
  CHECK(std::string(sig) == c.expected("header-signature.txt"));
  CHECK(std::string(mpadjust_last_error_message()).empty());
  CHECK(mpadjust_signed_request_signature_copy(nullptr, 0, &len, r.p) == MPADJUST_EINVALID);
  CHECK(mpadjust_signed_request_signature_copy(sig, sizeof sig, nullptr, r.p) == MPADJUST_EINVALID);
}

TEST_CASE("capi: signing rejects missing arguments with EINVALID and a NULL result") {
  const suite_case c = load_case("get-vanilla");
  creds_owner creds;
  REQUIRE(mpadjust_credentials_new_static(&creds.p, "AKID", "secret", nullptr) == MPADJUST_OK);
  signer_owner signer;
  REQUIRE(mpadjust_signer_new(&signer.p, "us-east-1", "service", nullptr) == MPADJUST_OK);
  mpadjust_header h = {"Host", "example.amazonaws.com"};
  mpadjust_signed_request* r = nullptr;
  CHECK(mpadjust_signer_sign(&r, signer.p, nullptr, "GET", "/", &h, 1, nullptr, 0, c.epoch) == MPADJUST_EINVALID);
  CHECK(std::string(mpadjust_last_error_message()).find("creds") != std::string::npos);
  CHECK(mpadjust_signer_sign(&r, nullptr, creds.p, "GET", "/", &h, 1, nullptr, 0, c.epoch) == MPADJUST_EINVALID);
  CHECK(mpadjust_signer_sign(&r, signer.p, creds.p, nullptr, "/", &h, 1, nullptr, 0, c.epoch) == MPADJUST_EINVALID);
  CHECK(mpadjust_signer_sign(&r, signer.p, creds.p, "GET", "/", nullptr, 1, nullptr, 0, c.epoch) == MPADJUST_EINVALID);
  CHECK(mpadjust_signer_sign(&r, signer.p, creds.p, "POST", "/", &h, 1, nullptr, 5, c.epoch) == MPADJUST_EINVALID);
  CHECK(std::string(mpadjust_last_error_message()).find("body") != std::string::npos);
  CHECK(mpadjust_signer_sign(&r, signer.p, creds.p, "GET", "/", &h, 1, nullptr, 0, -1) == MPADJUST_EINVALID);
  CHECK(mpadjust_signer_sign(nullptr, signer.p, creds.p, "GET", "/", &h, 1, nullptr, 0, c.epoch) == MPADJUST_EINVALID);
  CHECK(r == nullptr);
}

TEST_CASE("capi: signing at time 0 uses the current time") {
  creds_owner creds;
  REQUIRE(mpadjust_credentials_new_static(&creds.p, "AKID", "secret", nullptr) == MPADJUST_OK);
  signer_owner signer;
  REQUIRE(mpadjust_signer_new(&signer.p, "us-east-1", "service", nullptr) == MPADJUST_OK);
  mpadjust_header h = {"Host", "example.amazonaws.com"};
  result_owner r;
  REQUIRE(mpadjust_signer_sign(&r.p, signer.p, creds.p, "GET", "/", &h, 1, nullptr, 0, 0) == MPADJUST_OK);
  const std::string date = header_of(r.p, "X-Amz-Date");
  REQUIRE(date.size() == 16);
  // The year of now (not 1970): within this century.
  CHECK(date.substr(0, 2) == "20");
  CHECK(date.substr(0, 4) >= "2024");
}

TEST_CASE("capi: one signer and one credentials handle are shared by several threads") {
  const suite_case c = load_case("get-vanilla");
  creds_owner creds;
  REQUIRE(mpadjust_credentials_new_static(&creds.p, c.access_key_id.c_str(), c.secret_access_key.c_str(),
                                          nullptr) == MPADJUST_OK);
  signer_owner signer;
  REQUIRE(mpadjust_signer_new(&signer.p, c.region.c_str(), c.service.c_str(), nullptr) == MPADJUST_OK);
  const std::string expected = c.expected("header-signature.txt");
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  for (size_t t = 0; t < good.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        mpadjust_signed_request* r = nullptr;
        if (sign_case(c, signer.p, creds.p, (i % 2) == 1, &r) == MPADJUST_OK &&
            ((i % 2) == 1 || expected == mpadjust_signed_request_signature(r)))
          ++good[t];
        mpadjust_signed_request_free(r);
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int g : good) CHECK(g == 200);
}
