// credentials_bench: prints what credentials cost a caller.
//  - get() from the caching provider (the per-request path), 1 and 8 threads;
//  - one credential_process run (spawn /bin/sh script, read, parse JSON), the refresh path;
//  - parsing a shared config file with 200 profiles.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include <mpadjust/credentials.hpp>

using namespace mpadjust;
using clk = std::chrono::steady_clock;

static double ns_since(clk::time_point t0, long n) {
  return std::chrono::duration<double, std::nano>(clk::now() - t0).count() / static_cast<double>(n);
}

int main() {
  auto cached = make_caching_credentials_provider(
      make_static_credentials_provider("AKIDEXAMPLE", secret_string("secret"), secret_string("token")));
  for (int threads : {1, 8}) {
    const long per = 200000;
    std::vector<std::thread> ts;
    const auto t0 = clk::now();
    for (int i = 0; i < threads; ++i)
      ts.emplace_back([&] {
        for (long j = 0; j < per; ++j) (void)cached->get();
      });
    for (auto& t : ts) t.join();
    std::printf("cached get(): %d thread(s): %.0f ns per call (wall / total calls)\n", threads,
                ns_since(t0, per * threads));
  }

  char dir[] = "/tmp/mpadjust-bench-XXXXXX";
  if (!::mkdtemp(dir)) return 1;
  const std::string script = std::string(dir) + "/proc.sh";
  std::ofstream(script) << "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKID\", "
                           "\"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", "
                           "\"Expiration\": \"2099-01-01T00:00:00Z\"}'\n";
  ::chmod(script.c_str(), 0700);
  const int runs = 50;
  const auto t0 = clk::now();
  for (int i = 0; i < runs; ++i) {
    process_options o;
    o.command = script;
    (void)make_process_credentials_provider(o)->get();
  }
  std::printf("credential_process run (sh script): %.2f ms per run\n", ns_since(t0, runs) / 1e6);

  std::string config;
  for (int i = 0; i < 200; ++i)
    config += "[profile p" + std::to_string(i) + "]\nregion = us-east-1\naws_access_key_id = AKID\n"
              "aws_secret_access_key = s\ns3 =\n  addressing_style = path\n# comment\n\n";
  const int parses = 200;
  const auto t1 = clk::now();
  for (int i = 0; i < parses; ++i) (void)shared_config::parse(config, "");
  std::printf("shared config parse (200 profiles, %zu bytes): %.1f us per parse\n", config.size(),
              ns_since(t1, parses) / 1e3);
  std::system(("rm -rf '" + std::string(dir) + "'").c_str());
  return 0;
}
