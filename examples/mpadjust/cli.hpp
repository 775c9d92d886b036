// The `mpadjust` command: small helpers shared by its source files.
#pragma once

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cli {

// Exit codes (documented in `mpadjust --help` and the README).
enum exit_code : int {
  ok = 0,
  failure = 1,         // an unexpected failure
  usage = 2,           // wrong command line
  invalid_input = 3,   // input failed validation: nothing was sent
  ambiguous = 4,       // several agreements match: choose one by ID
  not_found = 5,       // no such agreement / invoice / request
  service = 6,         // the service answered with an error
  network = 7,         // network failure or timeout after retries
  entries_failed = 8,  // some entries were rejected or ended VALIDATION_FAILED
  in_doubt = 9,        // some entries are in doubt, or waiting timed out: run again
  not_confirmed = 10,  // the person did not confirm the submission
  journal_busy = 11,   // another process holds the journal
};

// Parsed command line: words (subcommands and positionals) and --options.
struct args {
  std::vector<std::string> words;
  std::multimap<std::string, std::string> options;  // "--name" -> value ("" for flags)

  bool has(const std::string& name) const { return options.count(name) > 0; }
  std::optional<std::string> get(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second;
  }
  std::string get_or(const std::string& name, const std::string& fallback) const {
    auto v = get(name);
    return v ? *v : fallback;
  }
};

// Thrown for a wrong command line; main prints the message and the command's usage.
struct usage_error {
  std::string message;
};

}  // namespace cli
