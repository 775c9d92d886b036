// Small helpers of the credentials module: wiping, RFC 3339 times, shell-style splitting, files.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "credentials/internal.hpp"

namespace mpadjust {
inline namespace v1 {
namespace credentials_detail {

std::optional<std::string> env_value(const environment& env, std::string_view name) {
  if (!env.get) return std::nullopt;
  auto v = env.get(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

void wipe(std::string& s) noexcept {
  if (s.capacity() > 0) OPENSSL_cleanse(&s[0], s.capacity());
  s.clear();
}

namespace {
// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}
}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))
    return std::nullopt;
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 ||
      mi > 59 || sec > 60)
    return std::nullopt;
  size_t pos = 19;
  std::int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    size_t start = ++pos;
    std::int64_t scale = 100000000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      nanos += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = (s[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  if (sec == 60) sec = 59;  // a leap second: stay within the minute
  const std::int64_t secs =
      days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
      mi * 60 + sec - offset;
  using namespace std::chrono;
  return system_clock::time_point(
      duration_cast<system_clock::duration>(seconds(secs) + nanoseconds(nanos)));
}

std::string format_utc(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::vector<std::string> shell_split(std::string_view s) {
  // Python shlex in posix mode with whitespace_split=True and no commenters.
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  size_t i = 0;
  auto fail = [](const char* what) {
    return error(MPADJUST_ECREDENTIALS, std::string("credential_process: cannot split the command: ") + what);
  };
  while (i < s.size()) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) out.push_back(std::move(cur)), cur.clear(), in_word = false;
      ++i;
    } else if (c == '\\') {
      if (i + 1 >= s.size()) throw fail("no escaped character");
      cur += s[i + 1];
      in_word = true;
      i += 2;
    } else if (c == '\'') {
      const size_t end = s.find('\'', i + 1);
      if (end == std::string_view::npos) throw fail("no closing quotation");
      cur.append(s.substr(i + 1, end - i - 1));
      in_word = true;
      i = end + 1;
    } else if (c == '"') {
      ++i;
      in_word = true;
      for (;;) {
        if (i >= s.size()) throw fail("no closing quotation");
        if (s[i] == '"') break;
        // Inside double quotes shlex's backslash escapes only '"' and '\'.
        if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) ++i;
        cur += s[i++];
      }
      ++i;
    } else {
      cur += c;
      in_word = true;
      ++i;
    }
  }
  if (in_word) out.push_back(std::move(cur));
  return out;
}

bool read_file(const std::string& path, std::string& out) {
  wipe(out);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return false;
    throw error(MPADJUST_ECREDENTIALS, "cannot read " + path + ": " + std::strerror(errno));
  }
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } guard{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;  // as botocore's isfile()
  // Reserve once (plus slack for a file growing meanwhile) so appends do not reallocate.
  std::size_t cap = static_cast<std::size_t>(st.st_size) + 4096;
  out.reserve(cap);
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      OPENSSL_cleanse(buf, sizeof buf);
      wipe(out);
      throw error(MPADJUST_ECREDENTIALS, "cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > out.capacity()) {
      // The file grew: move to a bigger buffer and wipe the old one.
      std::string bigger;
      bigger.reserve(2 * (out.size() + static_cast<std::size_t>(n)));
      bigger.assign(out);
      wipe(out);
      out.swap(bigger);
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  OPENSSL_cleanse(buf, sizeof buf);
  return true;
}

}  // namespace credentials_detail
}  // namespace v1
}  // namespace mpadjust
