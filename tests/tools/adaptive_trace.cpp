// adaptive_trace: drives the adaptive-mode rate limiter (src/client/adaptive.hpp) with an event
// script on stdin and prints its state, for the differential test against botocore
// (tests/client/adaptive_crosscheck.py). Lines in:
//   init <t>            a new limiter at time t (seconds)
//   send <t>            prints the wait before a send at t ("0" = sent, token taken)
//   resp <t> <0|1>      an attempt ended at t (1 = throttled); prints "<fill rate> <measured rate> <enabled>"
#include <cstdio>
#include <cstring>
#include <memory>

#include "client/adaptive.hpp"

int main() {
  std::unique_ptr<mpadjust::detail::adaptive_limiter> lim;
  char line[256];
  while (std::fgets(line, sizeof line, stdin)) {
    char what[16];
    double t = 0;
    int throttled = 0;
    const int n = std::sscanf(line, "%15s %lf %d", what, &t, &throttled);
    if (n < 2) continue;
    if (std::strcmp(what, "init") == 0) {
      lim = std::make_unique<mpadjust::detail::adaptive_limiter>(t);
      std::printf("ok\n");
    } else if (!lim) {
      std::fprintf(stderr, "adaptive_trace: no init line\n");
      return 2;
    } else if (std::strcmp(what, "send") == 0) {
      std::printf("%.17g\n", lim->before_send(t));
    } else if (std::strcmp(what, "resp") == 0 && n == 3) {
      lim->after_attempt(t, throttled != 0);
      std::printf("%.17g %.17g %d\n", lim->fill_rate(), lim->measured_rate(), lim->enabled() ? 1 : 0);
    } else {
      std::fprintf(stderr, "adaptive_trace: bad line: %s", line);
      return 2;
    }
  }
  return 0;
}
