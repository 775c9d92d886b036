// Credentials, shared config files, region, credential_process, caching and the chain.
// Expected parse results were read from botocore 1.44.8's configloader (the AWS CLI's parser)
// run on the same texts; see tests/credentials/botocore_crosscheck.py for the live cross-check.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include <mpadjust/credentials.hpp>

#include "credentials/internal.hpp"

using namespace mpadjust;
using namespace std::chrono_literals;
using std::chrono::system_clock;

namespace {

const char* const kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
const char* const kToken = "FwoGZXIvYXdzSESSIONTOKENabcdef0123456789";

struct temp_dir {
  std::string path;
  temp_dir() {
    char tmpl[] = "/tmp/mpadjust-cred-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~temp_dir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string write(const std::string& name, const std::string& text, bool exec = false) const {
    const std::string p = path + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    if (exec) ::chmod(p.c_str(), 0700);
    return p;
  }
};

// AWS_EC2_METADATA_DISABLED=true unless given: chains never reach a real metadata service.
environment fake_env(std::map<std::string, std::string> vars) {
  vars.emplace("AWS_EC2_METADATA_DISABLED", "true");
  environment e;
  e.get = [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  return e;
}

std::string message_of(const std::function<void()>& f, mpadjust_status expected) {
  try {
    f();
  } catch (const error& e) {
    CHECK(e.status() == expected);
    return e.what();
  }
  FAIL("no error thrown");
  return {};
}

void check_no_secret(const std::string& msg) {
  CHECK(msg.find("SECRET") == std::string::npos);
  CHECK(msg.find("SESSIONTOKEN") == std::string::npos);
  CHECK(msg.find(std::string(kSecret).substr(0, 8)) == std::string::npos);
}

system_clock::time_point at(const char* rfc3339) { return *credentials_detail::parse_rfc3339(rfc3339); }

struct fake_clock {
  std::shared_ptr<std::atomic<std::int64_t>> secs = std::make_shared<std::atomic<std::int64_t>>(0);
  explicit fake_clock(const char* start) { *secs = system_clock::to_time_t(at(start)); }
  clock_function fn() const {
    auto s = secs;
    return [s] { return system_clock::from_time_t(static_cast<std::time_t>(s->load())); };
  }
  void advance(std::chrono::seconds d) { *secs += d.count(); }
};

}  // namespace

// ------------------------------------------------------------------ helpers

TEST_CASE("credentials: RFC 3339 times parse to the right instant") {
  using credentials_detail::parse_rfc3339;
  auto secs = [](const char* s) { return system_clock::to_time_t(*parse_rfc3339(s)); };
  CHECK(secs("1970-01-01T00:00:00Z") == 0);
  CHECK(secs("2024-01-01T00:00:00Z") == 1704067200);
  CHECK(secs("2000-03-01T00:00:00Z") == 951868800);  // after a leap day
  CHECK(secs("2024-01-01T02:00:00+02:00") == 1704067200);
  CHECK(secs("2023-12-31T19:00:00-05:00") == 1704067200);
  CHECK(secs("2024-01-01t00:00:00.999z") == 1704067200);
  CHECK(parse_rfc3339("2024-01-01T00:00:00.5Z").value() - parse_rfc3339("2024-01-01T00:00:00Z").value() == 500ms);
  for (const char* bad : {"", "2024-01-01", "2024-01-01T00:00:00", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                          "2024-01-01T24:00:00Z", "2024-01-01T00:00:00+0200", "2024-01-01T00:00:00Zjunk",
                          "2024-01-01T00:00:00.Z", "tomorrow"})
    CHECK_MESSAGE(!parse_rfc3339(bad), bad);
  CHECK(credentials_detail::format_utc(at("2024-05-06T07:08:09Z")) == "2024-05-06T07:08:09Z");
}

TEST_CASE("credentials: commands split like Python's shlex.split") {
  using credentials_detail::shell_split;
  using v = std::vector<std::string>;
  CHECK(shell_split("  /bin/tool  --a b\t c ") == v{"/bin/tool", "--a", "b", "c"});
  CHECK(shell_split("tool 'a b' \"c d\" e\\ f") == v{"tool", "a b", "c d", "e f"});
  CHECK(shell_split("tool \"a\\\"b\\\\c\\d\" 'x\\y'") == v{"tool", "a\"b\\c\\d", "x\\y"});
  CHECK(shell_split("tool '' a'b'c # not-a-comment") == v{"tool", "", "abc", "#", "not-a-comment"});
  message_of([] { shell_split("tool 'open"); }, MPADJUST_ECREDENTIALS);
  message_of([] { shell_split("tool \"open"); }, MPADJUST_ECREDENTIALS);
  message_of([] { shell_split("tool \\"); }, MPADJUST_ECREDENTIALS);
}

// ------------------------------------------------------------------ file format

TEST_CASE("credentials: config files parse exactly as the AWS CLI reads them") {
  const std::string config =
      "# full-line comment\n"
      "; another\n"
      "[default]\n"
      "region = us-west-2 # c1\n"  // no inline comments on value lines in the CLI
      "k2=abc#def\n"
      "k3 = v ;x\n"
      "  # indented comment line is skipped\n"
      "s3 =\n"
      "  addressing_style = path\n"
      "  x=1\n"
      "\n"
      "  y = 2\n"
      "[ profile a ] # not a profile: the header keeps its spaces\n"
      "region=eu\n"
      "[profile  b] ; trailing text is ignored\n"
      "Region : b\n"  // ':' delimiter, key lower-cased
      "  cont # keep\n"
      "[profile \"with space\"]\n"
      "region = ws\r\n"
      "[profilefoo]\n"
      "region = ignored\n"
      "[services mine]\n"
      "marketplace_agreement =\n"
      "  endpoint_url = http://127.0.0.1:9\n"
      "[profile withsvc]\n"
      "services = mine\n"
      "max_attempts = 7\n";
  const auto cfg = shared_config::parse(config, "", "/x/config", "/x/credentials");
  CHECK(cfg.value("default", "region") == "us-west-2 # c1");
  CHECK(cfg.value("default", "k2") == "abc#def");
  CHECK(cfg.value("default", "k3") == "v ;x");
  CHECK(cfg.sub_value("default", "s3", "addressing_style") == "path");
  CHECK(cfg.sub_value("default", "s3", "x") == "1");
  CHECK(cfg.sub_value("default", "s3", "y") == "2");
  CHECK(cfg.value("b", "region") == "b\ncont # keep");
  CHECK(cfg.value("with space", "region") == "ws");
  CHECK(!cfg.has_profile("a"));
  CHECK(!cfg.has_profile(" profile a "));
  CHECK(!cfg.has_profile("profilefoo"));
  CHECK(!cfg.has_profile("foo"));
  CHECK(cfg.profile_names() == std::vector<std::string>{"b", "default", "with space", "withsvc"});
  CHECK(cfg.value("withsvc", "max_attempts") == "7");
  CHECK(cfg.services_value("mine", "marketplace_agreement", "endpoint_url") == "http://127.0.0.1:9");
  CHECK(!cfg.value("withsvc", "nope"));
  CHECK(!cfg.value("nope", "region"));
}

TEST_CASE("credentials: continuation, blank lines, [DEFAULT] and the later default section") {
  const auto cfg = shared_config::parse(
      "[DEFAULT]\nr=1\n[profile a]\nx=1\n  more\n\n\n  last\n\n[profile b]\nr=2\n"
      "[profile x]\n  [profile c]\n  k = 1\n  j = 2\n    cont\n[profile y]\nr=3\n  [profile z]\n"
      "[default]\nregion=first\n[profile default]\nregion=second\n",
      "[default]\nregion = fromcreds\n[profile p]\nregion = literal\n");
  CHECK(cfg.value("a", "x") == "1\nmore\n\n\nlast");
  CHECK(cfg.value("a", "r") == "1");   // [DEFAULT] applies to every section of its file
  CHECK(cfg.value("b", "r") == "2");
  CHECK(cfg.value("c", "k") == "1");   // an indented header and keys at the same indent
  CHECK(cfg.value("c", "j") == "2\ncont");
  CHECK(cfg.value("y", "r") == "3\n[profile z]");  // deeper than its key: a continuation, not a header
  CHECK(!cfg.has_profile("z"));
  CHECK(cfg.keys("c") == std::vector<std::string>{"j", "k", "r"});
  CHECK(cfg.value("default", "region") == "fromcreds");  // credentials file wins per key
  CHECK(cfg.secret_value(shared_config::file::config, "default", "region")->reveal() == "second");
  CHECK(cfg.has_profile(shared_config::file::credentials, "profile p"));  // literal in credentials
  CHECK(!cfg.has_profile("p"));
  message_of([&] { (void)cfg.value("default", "aws_secret_access_key"); }, MPADJUST_EINVALID);
}

TEST_CASE("credentials: malformed files name the file and line, never the content") {
  struct bad {
    const char* text;
    int line;
    const char* what;
  };
  const bad cases[] = {
      {"[default]\nregion = x\naws_secret_access_key_wJalrXUtnSECRET\n", 3, "expected 'key = value'"},
      {"[default\nregion = x\n", 1, "before the first key"},
      {"aws_access_key_id = AKIA\n[default]\n", 1, "before the first key"},
      {"[default]\n= SECRETvalue\n", 2, "expected 'key = value'"},
      {"[a]\nx=1\n[b]\n[a]\n", 4, "duplicate section [a]"},
      {"[a]\nX=1\nx=SECRET2\n", 3, "duplicate key 'x'"},
      {"[a]\ns3 =\n  ok = 1\n  SECRETnoequals\n", 4, "sub-properties of 's3'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const std::string msg = message_of([&] { shared_config::parse(c.text, "", "/p/config", "/p/cred"); },
                                       MPADJUST_EPARSE);
    CHECK(msg.rfind("/p/config:" + std::to_string(c.line) + ": ", 0) == 0);
    CHECK(msg.find(c.what) != std::string::npos);
    check_no_secret(msg);
  }
  const std::string msg = message_of([] { shared_config::parse("", "[x]\nkey\n", "/p/config", "/p/cred"); },
                                     MPADJUST_EPARSE);
  CHECK(msg == "/p/cred:2: expected 'key = value'");
}

TEST_CASE("credentials: file paths and profile names come from the environment") {
  auto env = fake_env({{"HOME", "/home/u"}});
  CHECK(resolve_shared_file_paths(env).config == "/home/u/.aws/config");
  CHECK(resolve_shared_file_paths(env).credentials == "/home/u/.aws/credentials");
  env = fake_env({{"HOME", "/home/u"}, {"D", "/d"}, {"AWS_CONFIG_FILE", "~/c"},
                  {"AWS_SHARED_CREDENTIALS_FILE", "${D}/creds-$D-$UNSET"}});
  CHECK(resolve_shared_file_paths(env).config == "/home/u/c");
  CHECK(resolve_shared_file_paths(env).credentials == "/d/creds-/d-$UNSET");
  CHECK(resolve_shared_file_paths(fake_env({})).config.empty());

  CHECK(resolve_profile_name(fake_env({})) == "default");
  CHECK(!profile_is_explicit(fake_env({})));
  CHECK(resolve_profile_name(fake_env({{"AWS_DEFAULT_PROFILE", "d"}})) == "d");
  CHECK(resolve_profile_name(fake_env({{"AWS_PROFILE", "p"}, {"AWS_DEFAULT_PROFILE", "d"}})) == "p");
  CHECK(resolve_profile_name(fake_env({{"AWS_PROFILE", "p"}}), "arg") == "arg");
  CHECK(resolve_profile_name(fake_env({{"AWS_PROFILE", ""}})) == "default");
}

TEST_CASE("credentials: region from AWS_REGION, AWS_DEFAULT_REGION, the profile, then us-east-1") {
  temp_dir d;
  const std::string config = d.write("config", "[default]\nregion = eu-west-1\n[profile p]\nregion=ap-south-1\n"
                                               "[profile noregion]\nx=1\n[profile bad]\nregion = us-east-1 # c\n");
  auto base = std::map<std::string, std::string>{{"HOME", d.path}, {"AWS_CONFIG_FILE", config}};
  auto with = [&](std::map<std::string, std::string> extra) {
    auto m = base;
    for (auto& kv : extra) m[kv.first] = kv.second;
    return fake_env(m);
  };
  CHECK(resolve_region(with({{"AWS_REGION", "us-west-1"}, {"AWS_DEFAULT_REGION", "us-west-2"}})) == "us-west-1");
  CHECK(resolve_region(with({{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", "us-west-2"}})) == "us-west-2");
  CHECK(resolve_region(with({})) == "eu-west-1");
  CHECK(resolve_region(with({{"AWS_PROFILE", "p"}})) == "ap-south-1");
  CHECK(resolve_region(with({}), "p") == "ap-south-1");
  CHECK(resolve_region(with({}), "noregion") == "us-east-1");
  CHECK(resolve_region(fake_env({{"HOME", d.path + "/nowhere"}})) == "us-east-1");
  CHECK(resolve_region(fake_env({})) == "us-east-1");
  std::string msg = message_of([&] { resolve_region(with({}), "bad"); }, MPADJUST_EINVALID);
  CHECK(msg.find("'bad'") != std::string::npos);
  msg = message_of([&] { resolve_region(with({{"AWS_REGION", "us-east-1/../x"}})); }, MPADJUST_EINVALID);
  CHECK(msg.find("AWS_REGION") != std::string::npos);
  msg = message_of([&] { resolve_region(with({{"AWS_PROFILE", "ghost"}})); }, MPADJUST_ECREDENTIALS);
  CHECK(msg.find("'ghost'") != std::string::npos);
  CHECK(profile_value(with({}), "p", "region") == "ap-south-1");
  CHECK(!profile_value(with({}), "", "max_attempts"));
}

// ------------------------------------------------------------------ providers

TEST_CASE("credentials: static and environment providers") {
  auto s = make_static_credentials_provider("AKIDSTATIC", secret_string(kSecret), secret_string(kToken));
  auto c = s->get();
  CHECK(c.access_key_id == "AKIDSTATIC");
  CHECK(c.secret_access_key.reveal() == kSecret);
  CHECK(c.session_token.reveal() == kToken);
  CHECK(!c.expiration);
  message_of([] { make_static_credentials_provider("", secret_string("x")); }, MPADJUST_EINVALID);
  message_of([] { make_static_credentials_provider("AKID", secret_string()); }, MPADJUST_EINVALID);

  auto env = make_environment_credentials_provider(
      fake_env({{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", kSecret}, {"AWS_SECURITY_TOKEN", kToken}}));
  c = env->get();
  CHECK(c.access_key_id == "AKIDENV");
  CHECK(c.secret_access_key.reveal() == kSecret);
  CHECK(c.session_token.reveal() == kToken);  // AWS_SECURITY_TOKEN when AWS_SESSION_TOKEN is unset
  CHECK(c.source == "environment");

  CHECK_THROWS_AS(make_environment_credentials_provider(fake_env({{"AWS_SECRET_ACCESS_KEY", kSecret}}))->get(),
                  credentials_not_found);
  std::string msg = message_of(
      [] { make_environment_credentials_provider(fake_env({{"AWS_ACCESS_KEY_ID", "AKID"}}))->get(); },
      MPADJUST_ECREDENTIALS);
  CHECK(msg.find("AWS_SECRET_ACCESS_KEY") != std::string::npos);

  fake_clock clock("2024-01-01T00:00:00Z");
  auto vars = std::map<std::string, std::string>{{"AWS_ACCESS_KEY_ID", "AKID"},
                                                 {"AWS_SECRET_ACCESS_KEY", kSecret},
                                                 {"AWS_SESSION_TOKEN", kToken},
                                                 {"AWS_CREDENTIAL_EXPIRATION", "2024-01-01T01:00:00Z"}};
  c = make_environment_credentials_provider(fake_env(vars), clock.fn())->get();
  CHECK(c.expiration == at("2024-01-01T01:00:00Z"));
  clock.advance(2h);
  msg = message_of([&] { make_environment_credentials_provider(fake_env(vars), clock.fn())->get(); },
                   MPADJUST_ECREDENTIALS);
  CHECK(msg.find("expired at 2024-01-01T01:00:00Z") != std::string::npos);
  check_no_secret(msg);
}

TEST_CASE("credentials: profile provider reads files in the CLI's order") {
  temp_dir d;
  const std::string creds = d.write("credentials",
                                    "[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = " +
                                        std::string(kSecret) + "\naws_session_token = " + kToken +
                                        "\n[both]\naws_access_key_id=AKIDBOTHCREDS\naws_secret_access_key=s1\n"
                                        "[partial]\naws_access_key_id = AKIDPARTIAL\n");
  const std::string config = d.write(
      "config",
      "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = s2\n"
      "[profile both]\naws_access_key_id=AKIDBOTHCONFIG\naws_secret_access_key=s3\n"
      "[profile conly]\naws_access_key_id=AKIDCONLY\naws_secret_access_key=s4\n"
      "[profile proc]\ncredential_process = /bin/sh -c 'echo {\\\"Version\\\": 1, \\\"AccessKeyId\\\": "
      "\\\"AKIDPROC\\\", \\\"SecretAccessKey\\\": \\\"s5\\\"}'\n"
      "aws_access_key_id=AKIDPROCCONFIG\naws_secret_access_key=s6\n"
      "[profile nokeys]\nregion = us-east-1\n"
      "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = default\n"
      "[profile sso]\nsso_session = s\n");
  auto env_for = [&](std::map<std::string, std::string> extra) {
    extra["AWS_CONFIG_FILE"] = config;
    extra["AWS_SHARED_CREDENTIALS_FILE"] = creds;
    return fake_env(extra);
  };
  auto get = [&](const std::string& profile) { return make_profile_credentials_provider(env_for({}), profile)->get(); };

  auto c = get("");
  CHECK(c.access_key_id == "AKIDCREDS");  // credentials file before config file
  CHECK(c.secret_access_key.reveal() == kSecret);
  CHECK(c.session_token.reveal() == kToken);
  CHECK(c.source == "profile 'default' in " + creds);
  CHECK(get("both").access_key_id == "AKIDBOTHCREDS");
  CHECK(get("conly").access_key_id == "AKIDCONLY");
  CHECK(get("proc").access_key_id == "AKIDPROC");  // credential_process before config-file keys
  CHECK(make_profile_credentials_provider(env_for({{"AWS_PROFILE", "conly"}}))->get().access_key_id == "AKIDCONLY");

  std::string msg = message_of([&] { get("partial"); }, MPADJUST_ECREDENTIALS);
  CHECK(msg.find("'partial'") != std::string::npos);
  CHECK(msg.find("aws_secret_access_key") != std::string::npos);
  msg = message_of([&] { get("ghost"); }, MPADJUST_ECREDENTIALS);
  CHECK(msg == "profile 'ghost' not found in " + creds + " or " + config);
  CHECK_THROWS_AS(get("nokeys"), credentials_not_found);
  msg = message_of([&] { get("role"); }, MPADJUST_ECREDENTIALS);
  CHECK(msg.find("role_arn") != std::string::npos);
  CHECK(message_of([&] { get("sso"); }, MPADJUST_ECREDENTIALS).find("sso_session") != std::string::npos);
  // Implicit default absent: not found (the chain goes on); the files do not exist at all.
  CHECK_THROWS_AS(make_profile_credentials_provider(fake_env({{"HOME", d.path + "/none"}}))->get(),
                  credentials_not_found);
  // A malformed file stops everything with its path and line.
  const std::string broken = d.write("broken", "[default]\naws_secret_access_key " + std::string(kSecret) + "\n");
  msg = message_of([&] { make_profile_credentials_provider(fake_env({{"AWS_SHARED_CREDENTIALS_FILE", broken}}))->get(); },
                   MPADJUST_EPARSE);
  CHECK(msg == broken + ":2: expected 'key = value'");
}

TEST_CASE("credentials: the default chain's order and its errors") {
  temp_dir d;
  const std::string creds = d.write("credentials", "[default]\naws_access_key_id=AKIDFILE\naws_secret_access_key=s\n"
                                                   "[other]\naws_access_key_id=AKIDOTHER\naws_secret_access_key=s\n");
  std::map<std::string, std::string> vars{{"AWS_SHARED_CREDENTIALS_FILE", creds},
                                          {"AWS_CONFIG_FILE", d.path + "/none"},
                                          {"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                          {"AWS_SECRET_ACCESS_KEY", kSecret}};
  CHECK(make_default_credentials_provider(fake_env(vars))->get().access_key_id == "AKIDENV");
  // An explicit profile skips the environment keys (botocore, go-v2).
  CHECK(make_default_credentials_provider(fake_env(vars), "other")->get().access_key_id == "AKIDOTHER");
  // AWS_PROFILE does not: environment keys still come first.
  auto with_profile = vars;
  with_profile["AWS_PROFILE"] = "other";
  CHECK(make_default_credentials_provider(fake_env(with_profile))->get().access_key_id == "AKIDENV");
  vars.erase("AWS_ACCESS_KEY_ID");
  CHECK(make_default_credentials_provider(fake_env(vars))->get().access_key_id == "AKIDFILE");

  // Nothing anywhere: one error listing each step.
  auto none = fake_env({{"HOME", d.path + "/none"}});
  std::string msg = message_of([&] { make_default_credentials_provider(none)->get(); }, MPADJUST_ECREDENTIALS);
  CHECK(msg.find("no AWS credentials found") != std::string::npos);
  CHECK(msg.find("AWS_ACCESS_KEY_ID") != std::string::npos);
  CHECK(msg.find("profile 'default'") != std::string::npos);

  // The extension point runs after the files.
  default_chain_options o;
  o.after_profile.push_back(make_static_credentials_provider("AKIDLATER", secret_string("s")));
  CHECK(make_default_credentials_provider(none, o)->get().access_key_id == "AKIDLATER");

  // Web identity variables are not silently bypassed.
  vars["AWS_WEB_IDENTITY_TOKEN_FILE"] = "/var/run/token";
  vars["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/x";
  msg = message_of([&] { make_default_credentials_provider(fake_env(vars))->get(); }, MPADJUST_ECREDENTIALS);
  CHECK(msg.find("not supported yet") != std::string::npos);

  // A hard error stops the chain (the later provider is not used).
  auto partial = fake_env({{"AWS_ACCESS_KEY_ID", "AKID"}});
  auto chain = make_chain_credentials_provider(
      {make_environment_credentials_provider(partial), make_static_credentials_provider("AKIDX", secret_string("s"))});
  message_of([&] { chain->get(); }, MPADJUST_ECREDENTIALS);
}

// ------------------------------------------------------------------ caching

namespace {
// Hands out credentials expiring `lifetime` after the fake clock's now; can be told to fail.
class counting_provider : public credentials_provider {
 public:
  counting_provider(clock_function clock, std::chrono::seconds lifetime) : clock_(std::move(clock)), lifetime_(lifetime) {}
  credentials get() override {
    ++calls;
    if (fail) throw error(MPADJUST_ECREDENTIALS, "refresh failed");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms.load()));
    credentials c;
    c.access_key_id = "AKID" + std::to_string(calls.load());
    c.secret_access_key = secret_string(kSecret);
    c.source = "counting";
    if (lifetime_.count() != 0) c.expiration = clock_() + lifetime_;
    return c;
  }
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};
  std::atomic<int> delay_ms{0};

 private:
  clock_function clock_;
  std::chrono::seconds lifetime_;
};
}  // namespace

TEST_CASE("credentials: caching refreshes ahead of expiry and never serves expired credentials") {
  fake_clock clock("2024-01-01T00:00:00Z");
  auto inner = std::make_shared<counting_provider>(clock.fn(), 1h);
  refresh_policy policy;  // advisory 15 min, mandatory 10 min (botocore)
  policy.clock = clock.fn();
  auto cache = make_caching_credentials_provider(inner, policy);

  CHECK(cache->get().access_key_id == "AKID1");
  clock.advance(44min);  // 16 min left: cached
  CHECK(cache->get().access_key_id == "AKID1");
  CHECK(inner->calls == 1);
  clock.advance(2min);  // 14 min left: advisory refresh
  CHECK(cache->get().access_key_id == "AKID2");
  CHECK(inner->calls == 2);

  clock.advance(46min);  // 14 min left of AKID2: advisory refresh fails -> cached served
  inner->fail = true;
  CHECK(cache->get().access_key_id == "AKID2");
  clock.advance(5min);  // 9 min left: mandatory, failure propagates
  CHECK(message_of([&] { cache->get(); }, MPADJUST_ECREDENTIALS) == "refresh failed");
  inner->fail = false;
  CHECK(cache->get().access_key_id == "AKID5");

  // A provider handing out already expired credentials is an error, not a result.
  auto stale = std::make_shared<counting_provider>(clock.fn(), -1min);
  auto stale_cache = make_caching_credentials_provider(stale, policy);
  std::string msg = message_of([&] { stale_cache->get(); }, MPADJUST_ECREDENTIALS);
  CHECK(msg.find("expired") != std::string::npos);
  check_no_secret(msg);

  // Long-term credentials are cached for good.
  auto forever = std::make_shared<counting_provider>(clock.fn(), 0s);
  auto forever_cache = make_caching_credentials_provider(forever, policy);
  forever_cache->get();
  clock.advance(24h * 365);
  forever_cache->get();
  CHECK(forever->calls == 1);

  refresh_policy bad = policy;
  bad.mandatory = 20min;
  message_of([&] { make_caching_credentials_provider(inner, bad); }, MPADJUST_EINVALID);
}

TEST_CASE("credentials: caching is thread-safe and refreshes once for many callers") {
  fake_clock clock("2024-01-01T00:00:00Z");
  auto inner = std::make_shared<counting_provider>(clock.fn(), 1h);
  inner->delay_ms = 50;
  refresh_policy policy;
  policy.clock = clock.fn();
  auto cache = make_caching_credentials_provider(inner, policy);
  auto hammer = [&] {
    std::vector<std::thread> threads;
    std::atomic<int> bad{0};
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&] {
        for (int j = 0; j < 20; ++j)
          if (cache->get().secret_access_key.reveal() != kSecret) ++bad;
      });
    for (auto& t : threads) t.join();
    CHECK(bad == 0);
  };
  hammer();  // first fetch: everyone waits for a single call
  CHECK(inner->calls == 1);
  clock.advance(55min);  // mandatory window: one refresh, the others wait for it
  hammer();
  CHECK(inner->calls == 2);
}

// ------------------------------------------------------------------ credential_process

namespace {
std::shared_ptr<credentials_provider> process(const std::string& command, refresh_policy refresh = {},
                                              std::size_t max_output = 1024 * 1024,
                                              std::chrono::milliseconds timeout = 10s) {
  process_options o;
  o.command = command;
  o.profile = "p";
  o.refresh = std::move(refresh);
  o.max_output = max_output;
  o.timeout = timeout;
  return make_process_credentials_provider(std::move(o));
}

std::string json_script(const std::string& body) {
  return "#!/bin/sh\ncat <<'EOF'\n" + body + "\nEOF\n";
}
}  // namespace

TEST_CASE("credentials: credential_process returns parsed credentials") {
  temp_dir d;
  const std::string script = d.write(
      "ok.sh",
      "#!/bin/sh\n"
      "[ \"$1\" = 'arg with space' ] || { echo \"bad arg: $1\" >&2; exit 3; }\n"
      "cat <<'EOF'\n{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"" +
          std::string(kSecret) + "\", \"SessionToken\": \"" + kToken +
          "\", \"Expiration\": \"2030-01-01T00:00:00Z\", \"AccountId\": \"123456789012\"}\nEOF\n",
      true);
  fake_clock clock("2029-12-31T00:00:00Z");
  refresh_policy policy;
  policy.clock = clock.fn();
  auto c = process("'" + script + "' 'arg with space'", policy)->get();
  CHECK(c.access_key_id == "AKIDPROC");
  CHECK(c.secret_access_key.reveal() == kSecret);
  CHECK(c.session_token.reveal() == kToken);
  CHECK(c.expiration == at("2030-01-01T00:00:00Z"));
  CHECK(c.source == "credential_process of profile 'p'");
  // No shell: metacharacters are plain arguments.
  std::string msg = message_of([&] { process("'" + script + "' ';' echo hi", policy)->get(); }, MPADJUST_ECREDENTIALS);
  CHECK(msg == "credential_process of profile 'p': exited with status 3: bad arg: ;");
}

TEST_CASE("credentials: credential_process failures are reported without stdout or secrets") {
  temp_dir d;
  const std::string good = "{\"Version\": 1, \"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"" + std::string(kSecret) + "\"}";
  struct bad {
    std::string script;
    std::string expect;
  };
  const std::vector<bad> cases = {
      {"#!/bin/sh\necho '" + good + "'\necho 'token expired; run login' >&2\nexit 2\n",
       "exited with status 2: token expired; run login"},
      {json_script("{\"Version\": 1, \"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"SECRETabc\""), "not valid JSON"},
      {json_script("[\"SECRET\"]"), "not a JSON object"},
      {json_script("{\"Version\": 2, \"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"SECRETabc\"}"),
       "unsupported Version 2 (supported versions: 1)"},
      {json_script("{\"Version\": \"1\", \"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"SECRETabc\"}"),
       "unsupported Version"},
      {json_script("{\"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"SECRETabc\"}"), "no Version"},
      {json_script("{\"Version\": 1, \"AccessKeyId\": \"AKID\"}"), "no SecretAccessKey"},
      {json_script("{\"Version\": 1, \"SecretAccessKey\": \"SECRETabc\"}"), "no AccessKeyId"},
      {json_script("{\"Version\": 1, \"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"SECRETabc\", "
                   "\"SessionToken\": \"SESSIONTOKENx\", \"Expiration\": \"2020-01-01T00:00:00Z\"}"),
       "expired at 2020-01-01T00:00:00Z"},
      {json_script("{\"Version\": 1, \"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"SECRETabc\", "
                   "\"Expiration\": \"SECRETsoon\"}"),
       "Expiration is not an RFC 3339 time"},
      {"#!/bin/sh\nkill -9 $$\n", "killed by signal 9"},
  };
  int i = 0;
  for (const auto& c : cases) {
    CAPTURE(c.expect);
    const std::string path = d.write("s" + std::to_string(i++) + ".sh", c.script, true);
    const std::string msg = message_of([&] { process(path)->get(); }, MPADJUST_ECREDENTIALS);
    CHECK(msg.find(c.expect) != std::string::npos);
    CHECK(msg.find("AKID") == std::string::npos);  // stdout never echoed
    check_no_secret(msg);
  }
  // Endless output is cut off at max_output and the process killed.
  const std::string flood = d.write("flood.sh", "#!/bin/sh\nwhile :; do echo SECRETSECRETSECRETSECRET; done\n", true);
  std::string msg = message_of([&] { process(flood, {}, 64 * 1024)->get(); }, MPADJUST_ECREDENTIALS);
  CHECK(msg.find("more than 65536 bytes") != std::string::npos);
  check_no_secret(msg);
  // A hung process is killed after the timeout.
  const std::string hang = d.write("hang.sh", "#!/bin/sh\nexec sleep 30\n", true);
  const auto t0 = std::chrono::steady_clock::now();
  msg = message_of([&] { process(hang, {}, 1024, 200ms)->get(); }, MPADJUST_ECREDENTIALS);
  CHECK(msg.find("did not finish within 200 ms") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - t0 < 10s);
  msg = message_of([&] { process(d.path + "/does-not-exist")->get(); }, MPADJUST_ECREDENTIALS);
  CHECK(msg.find("cannot run") != std::string::npos);
  message_of([&] { process("   "); }, MPADJUST_ECREDENTIALS);
}

TEST_CASE("credentials: credential_process runs again before its credentials expire") {
  temp_dir d;
  // Each run counts itself and returns credentials valid for one hour after the fake clock's
  // start plus 1h per run; the fake clock decides when a refresh is due.
  const std::string counter = d.path + "/count";
  const std::string script = d.write(
      "rotate.sh",
      "#!/bin/sh\nn=$(cat '" + counter + "' 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > '" + counter +
          "'\nprintf '{\"Version\":1,\"AccessKeyId\":\"AKID%s\",\"SecretAccessKey\":\"s\",\"SessionToken\":\"t\","
          "\"Expiration\":\"2024-01-01T0%s:00:00Z\"}' $n $n\n",
      true);
  fake_clock clock("2024-01-01T00:00:00Z");
  refresh_policy policy;
  policy.clock = clock.fn();
  auto p = process(script, policy);
  CHECK(p->get().access_key_id == "AKID1");  // expires 01:00
  clock.advance(40min);                       // 20 min left
  CHECK(p->get().access_key_id == "AKID1");
  clock.advance(6min);                        // 14 min left: refreshed ahead of expiry
  CHECK(p->get().access_key_id == "AKID2");   // expires 02:00
  clock.advance(70min);                       // 01:56, 4 min left: mandatory
  CHECK(p->get().access_key_id == "AKID3");
}
