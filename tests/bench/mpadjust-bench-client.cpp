// mpadjust-bench-client: CPU per call of the mpadjust client vs a botocore client, both making
// DescribeAgreement + ListAgreementInvoiceLineItems calls to the same simulator.
//
//   tests/simulator/run_with_simulator.py -- build/tests/mpadjust-bench-client [--calls N] [--rounds R]
//       [--botocore-calls M] [--python PATH] [--placement scheduled|one-cpu|both]
//
// Our figure: getrusage(RUSAGE_SELF) user+system CPU of this process over N call pairs (after
// a warm-up), divided by 2N. botocore's: the same calls from a long-lived $MPADJUST_VENV_PYTHON, by
// time.process_time() in that process after its own warm-up. Rounds alternate between the two
// clients and the best round of each is reported (robust to a loaded machine). The simulator's CPU is in
// neither figure. Prints both and the ratio; the target is ratio >= 20. Asserts nothing.
//
// Two placements, both measured by default:
//   scheduled  wherever the kernel puts the three processes. On a multi-CPU virtual machine each
//              call then wakes the other side on another CPU, and the hypervisor's cross-CPU
//              interrupts are charged to whichever client is running: a cost of the machine, the
//              same for both clients, that varies from run to run.
//   one-cpu    this process, the botocore process and the simulator (MPADJUST_SIM_PID, every
//              thread) pinned to one CPU: the same local wakeups for both clients, without the
//              hypervisor's share; the figure that compares the clients' own work.
#include <dirent.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include <mpadjust/client.hpp>
#include <mpadjust/credentials.hpp>

namespace {

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// Reads one line per round from stdin ("<n>"), makes n call pairs, prints one result line.
const char* const botocore_script = R"PY(
import sys, time
import botocore.session
from botocore.config import Config
endpoint, agreement, key, secret = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
s = botocore.session.get_session()
c = s.create_client("marketplace-agreement", region_name="us-east-1", endpoint_url=endpoint,
                    aws_access_key_id=key, aws_secret_access_key=secret,
                    config=Config(retries={"max_attempts": 3, "mode": "standard"}))
def pair():
    c.describe_agreement(agreementId=agreement)
    c.list_agreement_invoice_line_items(agreementId=agreement, groupBy="INVOICE_ID")
for _ in range(20):
    pair()
print("ready", flush=True)
for line in sys.stdin:
    n = int(line)
    t0 = time.process_time(); w0 = time.perf_counter()
    for _ in range(n):
        pair()
    cpu = time.process_time() - t0; wall = time.perf_counter() - w0
    print("%.3f %.3f" % (cpu / (2 * n) * 1e6, wall / (2 * n) * 1e6), flush=True)
)PY";

// The botocore side: a long-lived Python process driven over two pipes.
struct botocore_runner {
  pid_t pid = -1;
  FILE* to = nullptr;
  FILE* from = nullptr;
  std::string script_path;

  bool start(const std::string& python, const std::string& endpoint, const char* agreement,
             const std::string& key, const std::string& secret) {
    char path[] = "/tmp/mpadjust-bench-botocore-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return false;
    script_path = path;
    bool ok = write(fd, botocore_script, std::strlen(botocore_script)) ==
              static_cast<ssize_t>(std::strlen(botocore_script));
    close(fd);
    if (!ok) return false;
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) return false;
    pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[0]); close(in[1]); close(out[0]); close(out[1]);
      execl(python.c_str(), python.c_str(), script_path.c_str(), endpoint.c_str(), agreement,
            key.c_str(), secret.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to = fdopen(in[1], "w");
    from = fdopen(out[0], "r");
    char line[256];
    return from && to && std::fgets(line, sizeof line, from) && std::strncmp(line, "ready", 5) == 0;
  }
  // CPU and wall microseconds per call of one round of n pairs.
  bool round(int n, double& cpu_us, double& wall_us) {
    std::fprintf(to, "%d\n", n);
    std::fflush(to);
    char line[256];
    if (!std::fgets(line, sizeof line, from)) return false;
    return std::sscanf(line, "%lf %lf", &cpu_us, &wall_us) == 2;
  }
  ~botocore_runner() {
    if (to) std::fclose(to);  // EOF ends the script's loop
    if (from) std::fclose(from);
    if (pid > 0) waitpid(pid, nullptr, 0);
    if (!script_path.empty()) unlink(script_path.c_str());
  }
};


// Sets the CPU affinity of every thread of `pid` (0 = this process). False if any failed.
bool set_affinity(pid_t pid, const cpu_set_t& set) {
  const std::string dir = pid == 0 ? std::string("/proc/self/task") : "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (!d) return false;
  bool ok = true;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    if (sched_setaffinity(static_cast<pid_t>(std::atoi(e->d_name)), sizeof set, &set) != 0) ok = false;
  }
  closedir(d);
  return ok;
}

std::string describe_affinity() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return "?";
  std::string out;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (!CPU_ISSET(c, &set)) continue;
    if (!out.empty()) out += ",";
    out += std::to_string(c);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int calls = 2000;
  int botocore_calls = 300;
  int rounds = 3;
  std::string python = env_or("MPADJUST_VENV_PYTHON", "");
  std::string placement = "both";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--calls" && i + 1 < argc) {
      calls = std::atoi(argv[++i]);
    } else if (a == "--botocore-calls" && i + 1 < argc) {
      botocore_calls = std::atoi(argv[++i]);
    } else if (a == "--rounds" && i + 1 < argc) {
      rounds = std::atoi(argv[++i]);
    } else if (a == "--python" && i + 1 < argc) {
      python = argv[++i];
    } else if (a == "--placement" && i + 1 < argc) {
      placement = argv[++i];
      if (placement != "scheduled" && placement != "one-cpu" && placement != "both") {
        std::fprintf(stderr, "--placement: scheduled, one-cpu or both\n");
        return 2;
      }
    } else {
      std::fprintf(stderr, "usage: %s [--calls N] [--botocore-calls M] [--rounds R] [--python PATH]"
                           " [--placement scheduled|one-cpu|both]\n", argv[0]);
      return 2;
    }
  }
  calls = calls < 1 ? 1 : calls;
  botocore_calls = botocore_calls < 1 ? 1 : botocore_calls;
  rounds = rounds < 1 ? 1 : rounds;
  const std::string endpoint = env_or("MPADJUST_SIM_ENDPOINT", "");
  if (endpoint.empty()) {
    std::fprintf(stderr,
                 "MPADJUST_SIM_ENDPOINT is not set: run under tests/simulator/run_with_simulator.py -- %s\n",
                 argv[0]);
    return 2;
  }
  const std::string key = env_or("AWS_ACCESS_KEY_ID", "AKIDSIMULATOR0000001");
  const std::string secret = env_or("AWS_SECRET_ACCESS_KEY", "simulator-secret-key-1");
  const char* agreement = "agmt-7Q2mXk9RbT4vNc8LpW3sYd5H";

  botocore_runner boto;
  bool with_boto = !python.empty() && access(python.c_str(), X_OK) == 0;
  if (with_boto && !boto.start(python, endpoint, agreement, key, secret)) {
    std::fprintf(stderr, "could not start the botocore client with %s\n", python.c_str());
    return 1;
  }
  if (!with_boto) std::printf("botocore: skipped (no Python at MPADJUST_VENV_PYTHON / --python)\n");

  try {
    mpadjust::client_config cfg;
    cfg.endpoint = endpoint;
    cfg.region = "us-east-1";
    cfg.credentials = mpadjust::make_static_credentials_provider(key, mpadjust::secret_string(secret));
    mpadjust::client c(cfg);
    mpadjust::describe_agreement_input d;
    d.agreement_id = agreement;
    mpadjust::list_agreement_invoice_line_items_input li;
    li.agreement_id = agreement;
    auto pair = [&] {
      auto out = c.describe_agreement(d);
      auto inv = c.list_agreement_invoice_line_items(li);
      if (!out.agreement_id || inv.agreement_invoice_line_item_group_summaries.empty()) {
        std::fprintf(stderr, "unexpected response\n");
        std::exit(1);
      }
    };
    for (int i = 0; i < 20; ++i) pair();

    // One measurement: `rounds` alternating rounds; prints them and the best of each client.
    struct result {
      double ours = 1e30, boto = 1e30;
    };
    auto measure = [&](const char* label) -> result {
      result best;
      for (int r = 1; r <= rounds; ++r) {
        const double cpu0 = cpu_seconds();
        const auto w0 = std::chrono::steady_clock::now();
        for (int i = 0; i < calls; ++i) pair();
        const double cpu_us = (cpu_seconds() - cpu0) / (2.0 * calls) * 1e6;
        const double wall_us =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count() / (2.0 * calls) * 1e6;
        best.ours = std::min(best.ours, cpu_us);
        std::printf("%s round %d: mpadjust cpu_us_per_call=%.2f wall_us_per_call=%.2f (%d calls)\n", label, r,
                    cpu_us, wall_us, 2 * calls);
        if (with_boto) {
          double bcpu = 0, bwall = 0;
          if (!boto.round(botocore_calls, bcpu, bwall)) {
            std::fprintf(stderr, "botocore round failed\n");
            std::exit(1);
          }
          best.boto = std::min(best.boto, bcpu);
          std::printf("%s round %d: botocore cpu_us_per_call=%.2f wall_us_per_call=%.2f (%d calls)\n", label, r,
                      bcpu, bwall, 2 * botocore_calls);
        }
        std::fflush(stdout);
      }
      return best;
    };
    auto report = [&](const char* label, const result& res) {
      std::printf("%s: mpadjust_cpu_us_per_call=%.2f (best of %d rounds)\n", label, res.ours, rounds);
      if (with_boto) {
        std::printf("%s: botocore_cpu_us_per_call=%.2f (best of %d rounds)\n", label, res.boto, rounds);
        std::printf("%s: cpu_ratio_botocore_over_mpadjust=%.1f (target >= 20)\n", label, res.boto / res.ours);
      }
    };

    result scheduled, one_cpu;
    const bool run_scheduled = placement != "one-cpu";
    bool run_one_cpu = placement != "scheduled";
    if (run_scheduled) {
      std::printf("placement scheduled: by the kernel (this process may run on CPUs %s)\n", describe_affinity().c_str());
      scheduled = measure("scheduled");
    }
    cpu_set_t before;
    CPU_ZERO(&before);
    sched_getaffinity(0, sizeof before, &before);
    const std::string sim_pid_text = env_or("MPADJUST_SIM_PID", "");
    const pid_t sim_pid = static_cast<pid_t>(std::atoi(sim_pid_text.c_str()));
    if (run_one_cpu) {
      const int cpu = sched_getcpu();
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(cpu < 0 ? 0 : cpu, &one);
      if (sim_pid <= 0 || !set_affinity(sim_pid, one) || !set_affinity(0, one) ||
          (with_boto && !set_affinity(boto.pid, one))) {
        std::printf("placement one-cpu: skipped (cannot pin the simulator%s: run under run_with_simulator.py)\n",
                    sim_pid <= 0 ? ", MPADJUST_SIM_PID is not set" : "");
        set_affinity(0, before);
        run_one_cpu = false;
      } else {
        std::printf("placement one-cpu: this process, botocore and the simulator on CPU %d\n", cpu < 0 ? 0 : cpu);
        one_cpu = measure("one-cpu");
        set_affinity(0, before);
        if (with_boto) set_affinity(boto.pid, before);
        set_affinity(sim_pid, before);
      }
    }
    if (run_scheduled) report("scheduled", scheduled);
    if (run_one_cpu) report("one-cpu", one_cpu);
  } catch (const mpadjust::error& e) {
    std::fprintf(stderr, "mpadjust client failed: %s\n", e.what());
    return 1;
  }
  return 0;
}
