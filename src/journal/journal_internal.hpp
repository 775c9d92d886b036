// Private to the journal module: the parser's view of a torn tail, shared by the reader and
// the writer (which repairs what the reader only reports).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <mpadjust/journal.hpp>

namespace mpadjust {
inline namespace v1 {
namespace journal_detail {

struct parsed_journal {
  journal_contents contents;
  // The final line was unterminated or not valid JSON.
  bool torn = false;
  // The torn final line was a complete record that only lacks its '\n' (kept in contents).
  bool torn_but_complete = false;
  std::size_t torn_line = 0;  // its 1-based line number
  // Where the intact, '\n'-terminated part of the text ends (the cut point for a torn line that
  // is not a complete record).
  std::size_t good_end = 0;
};

parsed_journal parse(std::string_view text, std::string_view name);

// Current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string now_timestamp();

}  // namespace journal_detail
}  // namespace v1
}  // namespace mpadjust
