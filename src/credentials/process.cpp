// credential_process: run a command without a shell, read JSON credentials from its stdout.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "credentials/internal.hpp"

extern char** environ;

namespace mpadjust {
inline namespace v1 {

using namespace credentials_detail;

namespace {

struct fd_pair {
  int fd[2] = {-1, -1};
  ~fd_pair() {
    for (int f : fd)
      if (f >= 0) ::close(f);
  }
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
};

// What a finished run produced. `out` is wiped on destruction.
struct run_result {
  wiped_string out;
  std::string err;  // first bytes of stderr
  int status = 0;   // waitpid status
};

class process_provider final : public credentials_provider {
 public:
  explicit process_provider(process_options o) : o_(std::move(o)) {
    label_ = o_.profile.empty() ? std::string("credential_process")
                                : "credential_process of profile '" + o_.profile + "'";
    argv_ = shell_split(o_.command);
    if (argv_.empty()) throw error(MPADJUST_ECREDENTIALS, label_ + ": the command is empty");
  }

  credentials get() override {
    run_result r;
    run(r);
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
      std::string how = WIFEXITED(r.status) ? "exited with status " + std::to_string(WEXITSTATUS(r.status))
                                            : "was killed by signal " + std::to_string(WTERMSIG(r.status));
      throw error(MPADJUST_ECREDENTIALS,
                  label_ + ": " + how + (r.err.empty() ? std::string() : ": " + r.err));
    }
    return parse(r.out.value);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw error(MPADJUST_ECREDENTIALS, label_ + ": " + what); }

  void run(run_result& r) const {
    fd_pair out, err;
    if (::pipe2(out.fd, O_CLOEXEC) != 0 || ::pipe2(err.fd, O_CLOEXEC) != 0)
      fail(std::string("cannot create a pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err.fd[1], 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);  // as Python's close_fds=True
#endif
    // As Python's Popen (restore_signals): the child starts with default SIGPIPE/SIGXFSZ
    // handling and an empty signal mask, whatever the embedding application set.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGXFSZ);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::vector<char*> argv;
    std::vector<std::string> args = argv_;
    for (auto& a : args) argv.push_back(&a[0]);
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, argv[0], &fa, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) fail("cannot run '" + argv_[0] + "': " + std::strerror(rc));
    out.close_end(1);
    err.close_end(1);

    r.out.value.reserve(o_.max_output + 1);
    const auto deadline = std::chrono::steady_clock::now() + o_.timeout;
    std::string problem;
    char buf[4096];
    while ((out.fd[0] >= 0 || err.fd[0] >= 0) && problem.empty()) {
      pollfd p[2];
      nfds_t n = 0;
      if (out.fd[0] >= 0) p[n++] = {out.fd[0], POLLIN, 0};
      if (err.fd[0] >= 0) p[n++] = {err.fd[0], POLLIN, 0};
      int wait_ms = -1;
      if (o_.timeout.count() > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
          problem = "did not finish within " + std::to_string(o_.timeout.count()) + " ms";
          break;
        }
        wait_ms = static_cast<int>(std::min<long long>(left.count() + 1, 1 << 30));
      }
      const int ready = ::poll(p, n, wait_ms);
      if (ready < 0) {
        if (errno == EINTR) continue;
        problem = std::string("poll failed: ") + std::strerror(errno);
        break;
      }
      for (nfds_t i = 0; i < n; ++i) {
        if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const ssize_t got = ::read(p[i].fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        const bool is_out = p[i].fd == out.fd[0];
        if (got <= 0) {
          (is_out ? out : err).close_end(0);
          continue;
        }
        const auto len = static_cast<std::size_t>(got);
        if (is_out) {
          if (r.out.value.size() + len > o_.max_output) {
            problem = "wrote more than " + std::to_string(o_.max_output) + " bytes to stdout";
            break;
          }
          r.out.value.append(buf, len);
        } else if (r.err.size() < 1024) {
          r.err.append(buf, std::min(len, 1024 - r.err.size()));
        }
      }
    }
    OPENSSL_cleanse(buf, sizeof buf);
    if (!problem.empty()) ::kill(pid, SIGKILL);
    while (::waitpid(pid, &r.status, 0) < 0) {
      if (errno != EINTR) {
        if (problem.empty()) problem = std::string("cannot get its exit status: ") + std::strerror(errno);
        break;
      }
    }
    if (!problem.empty()) fail(problem);
    for (char& c : r.err)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    while (!r.err.empty() && r.err.back() == ' ') r.err.pop_back();
  }

  credentials parse(std::string& text) const {
    text.push_back('\0');  // capacity was reserved with room for it
    rapidjson::Document d;
    // In situ: the strings stay inside `text`, which is wiped, instead of being copied.
    d.ParseInsitu<rapidjson::kParseStopWhenDoneFlag>(&text[0]);
    if (d.HasParseError())
      fail(std::string("stdout is not valid JSON (") + rapidjson::GetParseError_En(d.GetParseError()) +
           " at offset " + std::to_string(d.GetErrorOffset()) + ")");
    if (!d.IsObject()) fail("stdout is not a JSON object");
    auto member = [&](const char* name) -> const rapidjson::Value* {
      auto it = d.FindMember(name);
      return it == d.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
    };
    const rapidjson::Value* version = member("Version");
    if (!version) fail("the JSON has no Version (supported versions: 1)");
    if (!version->IsNumber() || version->GetDouble() != 1.0)
      fail(version->IsInt64() ? "unsupported Version " + std::to_string(version->GetInt64()) + " (supported versions: 1)"
                              : std::string("unsupported Version (supported versions: 1)"));
    auto string_member = [&](const char* name, bool required) -> std::string_view {
      const rapidjson::Value* v = member(name);
      if (!v) {
        if (required) fail(std::string("the JSON has no ") + name);
        return {};
      }
      if (!v->IsString()) fail(std::string(name) + " is not a string");
      return {v->GetString(), v->GetStringLength()};
    };
    credentials c;
    c.access_key_id = std::string(string_member("AccessKeyId", true));
    c.secret_access_key = secret_string(string_member("SecretAccessKey", true));
    c.session_token = secret_string(string_member("SessionToken", false));
    if (c.access_key_id.empty()) fail("AccessKeyId is empty");
    if (c.secret_access_key.empty()) fail("SecretAccessKey is empty");
    const std::string_view exp = string_member("Expiration", false);
    if (!exp.empty()) {
      c.expiration = parse_rfc3339(exp);
      if (!c.expiration) fail("Expiration is not an RFC 3339 time");
      const auto now = o_.refresh.clock ? o_.refresh.clock() : std::chrono::system_clock::now();
      if (*c.expiration <= now) fail("returned credentials that expired at " + format_utc(*c.expiration));
    }
    c.source = label_;
    return c;
  }

  const process_options o_;
  std::string label_;
  std::vector<std::string> argv_;
};

}  // namespace

std::shared_ptr<credentials_provider> make_process_credentials_provider(process_options options) {
  if (options.max_output == 0) throw invalid_field("max_output", "must be positive");
  if (options.timeout.count() < 0) throw invalid_field("timeout", "must not be negative");
  refresh_policy policy = options.refresh;
  return make_caching_credentials_provider(std::make_shared<process_provider>(std::move(options)),
                                           std::move(policy));
}

}  // namespace v1
}  // namespace mpadjust
