// mpadjust-sigv4-suite DIR - runs every SigV4 test-suite case directory in DIR (aws-c-auth layout)
// in header and query mode and checks every stage file. One line per case and mode, then
// "N passed, M failed"; exit status 0 only when nothing failed (and something ran).
#include <cstdio>
#include <filesystem>

#include "sigv4_suite.hpp"

int main(int argc, char** argv) {
  namespace suite = mpadjust_test::sigv4_suite;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n  DIR: a folder of SigV4 test-suite case directories "
                         "(e.g. shared/sigv4-test-suite/v4)\n", argv[0]);
    return 2;
  }
  const std::filesystem::path root(argv[1]);
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    std::fprintf(stderr, "mpadjust-sigv4-suite: %s is not a directory\n", argv[1]);
    return 2;
  }
  int passed = 0, failed = 0;
  const auto dirs = suite::case_dirs(root);
  for (const auto& dir : dirs) {
    const std::string name = dir.filename().string();
    for (auto mode : {mpadjust::signature_location::header, mpadjust::signature_location::query}) {
      const suite::outcome o = suite::run_case(dir, mode);
      switch (o.result) {
        case suite::outcome::pass:
          ++passed;
          std::printf("PASS %s %s\n", name.c_str(), suite::mode_name(mode));
          break;
        case suite::outcome::skipped:
          std::printf("SKIP %s %s (no %s-*.txt expectation files)\n", name.c_str(),
                      suite::mode_name(mode), suite::mode_name(mode));
          break;
        case suite::outcome::fail:
          ++failed;
          std::printf("FAIL %s %s: %s\n", name.c_str(), suite::mode_name(mode), o.detail.c_str());
          break;
      }
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  if (dirs.empty()) std::fprintf(stderr, "mpadjust-sigv4-suite: no case directories in %s\n", argv[1]);
  return failed == 0 && passed > 0 ? 0 : 1;
}
