// sigv4/signer.cpp - AWS Signature Version 4 (header and presigned-URL signing).
//
// Hot path design: every buffer is either the caller's signing_output (reused across calls)
// or a thread-local workspace, so a steady-state signature does not allocate; SHA-256 is
// fetched once; the signing key's HMAC pads are precomputed per cache entry and copied.
#include <mpadjust/sigv4.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include <openssl/crypto.h>

#include "sigv4/crypto.hpp"
#include "sigv4/key_cache.hpp"

namespace mpadjust {
inline namespace v1 {

using namespace sigv4_detail;

namespace {

constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view unsigned_payload_value = "UNSIGNED-PAYLOAD";
constexpr std::int64_t max_expires = 604800;  // seven days

// ---------------------------------------------------------------- character classes
enum : unsigned char {
  c_unreserved = 1,  // A-Z a-z 0-9 - _ . ~
  c_path_raw = 2,    // may stay raw in an S3-mode path: unreserved, sub-delims, ':', '@', '/'
  c_tchar = 4,       // RFC 9110 token character
  c_space = 8,       // whitespace folded in header values: SP HT LF VT FF CR
  c_ctl = 16,        // other control characters (never valid in a header value)
};

struct char_table {
  unsigned char t[256] = {};
  constexpr char_table() {
    for (int c = 'A'; c <= 'Z'; ++c) t[c] = c_unreserved | c_path_raw | c_tchar;
    for (int c = 'a'; c <= 'z'; ++c) t[c] = c_unreserved | c_path_raw | c_tchar;
    for (int c = '0'; c <= '9'; ++c) t[c] = c_unreserved | c_path_raw | c_tchar;
    t[static_cast<unsigned char>('-')] = c_unreserved | c_path_raw | c_tchar;
    t[static_cast<unsigned char>('_')] = c_unreserved | c_path_raw | c_tchar;
    t[static_cast<unsigned char>('.')] = c_unreserved | c_path_raw | c_tchar;
    t[static_cast<unsigned char>('~')] = c_unreserved | c_path_raw | c_tchar;
    for (char c : {'!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@', '/'})
      t[static_cast<unsigned char>(c)] |= c_path_raw;
    for (char c : {'!', '#', '$', '%', '&', '\'', '*', '+', '^', '`', '|'})
      t[static_cast<unsigned char>(c)] |= c_tchar;
    for (char c : {' ', '\t', '\n', '\v', '\f', '\r'}) t[static_cast<unsigned char>(c)] |= c_space;
    for (int c = 0; c < 0x20; ++c)
      if ((t[c] & c_space) == 0) t[c] |= c_ctl;
    t[0x7f] |= c_ctl;
  }
};
constexpr char_table chars;

inline bool has(char c, unsigned char cls) noexcept {
  return (chars.t[static_cast<unsigned char>(c)] & cls) != 0;
}
inline char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
constexpr char hex_upper[] = "0123456789ABCDEF";

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// ---- writers: the canonical request and friends are written through a raw pointer into a
// buffer sized to an upper bound first (std::string::resize), then trimmed to what was written.

inline char* put(char* p, std::string_view s) noexcept {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// Two-character lower-case hex for every byte value.
struct hex_table {
  char t[512] = {};
  constexpr hex_table() {
    const char* d = "0123456789abcdef";
    for (int i = 0; i < 256; ++i) {
      t[2 * i] = d[i >> 4];
      t[2 * i + 1] = d[i & 15];
    }
  }
};
constexpr hex_table hex2;

inline char* put_hex(char* p, const unsigned char* in, size_t n) noexcept {
  for (size_t i = 0; i < n; ++i) {
    std::memcpy(p, &hex2.t[2 * in[i]], 2);
    p += 2;
  }
  return p;
}

inline char* put_pct(char* p, char c) noexcept {
  const auto b = static_cast<unsigned char>(c);
  p[0] = '%';
  p[1] = hex_upper[b >> 4];
  p[2] = hex_upper[b & 15];
  return p + 3;
}

// Writes `s` percent-encoded: bytes of class `keep` stay raw, all others become %XX (<= 3n).
char* encode_to(char* p, std::string_view s, unsigned char keep) noexcept {
  for (char c : s) {
    if (has(c, keep))
      *p++ = c;
    else
      p = put_pct(p, c);
  }
  return p;
}

// Appends `s` percent-encoded to a string.
void append_encoded(std::string& out, std::string_view s, unsigned char keep) {
  const size_t old = out.size();
  out.resize(old + 3 * s.size());
  char* e = encode_to(&out[0] + old, s, keep);
  out.resize(static_cast<size_t>(e - out.data()));
}

[[noreturn]] void malformed_escape(const char* where) {
  throw invalid_field("target", std::string("malformed percent-escape in the ") + where +
                                    " (a '%' must be followed by two hex digits)");
}

// Appends a query key or value: percent-decoded ('+' is a literal plus) and re-encoded with
// the unreserved set. A malformed escape is an error.
void append_query_component(std::string& out, std::string_view s) {
  const size_t old = out.size();
  out.resize(old + 3 * s.size());
  char* p = &out[0] + old;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      const int h = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
      const int l = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (h < 0 || l < 0) {
        out.resize(old);
        malformed_escape("query");
      }
      c = static_cast<char>(h * 16 + l);
      i += 2;
    }
    if (has(c, c_unreserved))
      *p++ = c;
    else
      p = put_pct(p, c);
  }
  out.resize(static_cast<size_t>(p - out.data()));
}

// Writes one path segment of the canonical URI (<= 3n bytes).
char* path_segment_to(char* p, std::string_view seg, bool double_encode) {
  if (double_encode) return encode_to(p, seg, c_unreserved);
  // S3 mode: signed as sent. Valid escapes stay verbatim; bytes that can never be raw in a
  // URI are encoded (as an HTTP stack would); a malformed escape is an error.
  for (size_t i = 0; i < seg.size(); ++i) {
    const char c = seg[i];
    if (c == '%') {
      if (i + 2 >= seg.size() || hex_value(seg[i + 1]) < 0 || hex_value(seg[i + 2]) < 0)
        malformed_escape("path");
      p = put(p, seg.substr(i, 3));
      i += 2;
    } else if (has(c, c_path_raw)) {
      *p++ = c;
    } else {
      p = put_pct(p, c);
    }
  }
  return p;
}

// Writes the canonical URI (<= 3 * path.size() + 2 bytes).
char* canonical_uri_to(char* p, std::string_view path, bool normalize, bool double_encode) {
  if (path.empty()) {
    *p++ = '/';
    return p;
  }
  if (!normalize) {
    // Verbatim segments (empty and dot segments kept); '/' is never encoded.
    size_t start = 0;
    for (;;) {
      const size_t slash = path.find('/', start);
      p = path_segment_to(p, path.substr(start, slash - start), double_encode);
      if (slash == std::string_view::npos) break;
      *p++ = '/';
      start = slash + 1;
    }
    return p;
  }
  // RFC 3986 remove_dot_segments plus dropping empty segments (as aws-c-auth and botocore):
  // always a leading '/', a trailing '/' only if the input had one and segments remain.
  char* const base = p;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view seg = path.substr(start, slash - start);
    start = slash + 1;
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      while (p > base && *(p - 1) != '/') --p;  // drop the last segment ...
      if (p > base) --p;                        // ... and its '/'
      continue;
    }
    *p++ = '/';
    p = path_segment_to(p, seg, double_encode);
  }
  if (p == base || path.back() == '/') *p++ = '/';
  return p;
}

// True when any of the 8 bytes of w is below 0x21 (space or control) or is DEL (0x7f): the
// classic "hasless"/"haszero" word tricks (exact as a yes/no answer).
inline bool any_special8(std::uint64_t w) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  const std::uint64_t lt = (w - ones * 0x21) & ~w & highs;
  const std::uint64_t x = w ^ (ones * 0x7f);
  const std::uint64_t del = (x - ones) & ~x & highs;
  return (lt | del) != 0;
}

[[noreturn]] void bad_header_value(std::string_view name) {
  throw invalid_field("headers", "the value of header " + std::string(name) +
                                     " contains a control character, or a CR or LF outside an "
                                     "obs-fold");
}

// Checks a whitespace run [s, e) of a header value ending at `end`: only SP HT VT FF, and CR LF
// or LF only as an obs-fold (followed by SP or HT). Returns e.
const char* check_space_run(const char* s, const char* e, const char* end, std::string_view name) {
  for (; s < e; ++s) {
    const char c = *s;
    if (c == '\n') {
      if (s + 1 == end || (s[1] != ' ' && s[1] != '\t')) bad_header_value(name);
    } else if (c == '\r') {
      if (s + 1 == end || s[1] != '\n') bad_header_value(name);
    } else if (!has(c, c_space)) {
      bad_header_value(name);
    }
  }
  return e;
}

// Writes a header value trimmed, every whitespace run (obs-fold included) folded to one space
// (<= v.size() bytes). Throws on control characters and on CR or LF outside an obs-fold.
char* folded_to(char* p, std::string_view v, std::string_view name) {
  const char* s = v.data();
  const char* const end = s + v.size();
  const char* e = end;
  while (s < e && has(*s, c_space | c_ctl)) ++s;
  check_space_run(v.data(), s, end, name);
  while (e > s && has(*(e - 1), c_space | c_ctl)) --e;
  check_space_run(e, end, end, name);
  while (s < e) {
    if (e - s >= 8) {
      std::uint64_t w;
      std::memcpy(&w, s, 8);
      if (!any_special8(w)) {
        std::memcpy(p, s, 8);
        p += 8;
        s += 8;
        continue;
      }
    }
    if (!has(*s, c_space | c_ctl)) {
      *p++ = *s++;
      continue;
    }
    const char* r = s;
    while (r < e && has(*r, c_space | c_ctl)) ++r;
    s = check_space_run(s, r, end, name);
    *p++ = ' ';
  }
  return p;
}

std::string_view trim(std::string_view v) noexcept {
  while (!v.empty() && has(v.front(), c_space)) v.remove_prefix(1);
  while (!v.empty() && has(v.back(), c_space)) v.remove_suffix(1);
  return v;
}

void append_decimal(std::string& out, std::int64_t v) {
  char buf[24];
  char* e = buf + sizeof buf;
  char* p = e;
  std::uint64_t u = static_cast<std::uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  out.append(p, static_cast<size_t>(e - p));
}

// "YYYYMMDDTHHMMSSZ" for seconds since the epoch (Howard Hinnant's civil_from_days).
void format_amz_date(std::int64_t secs, char (&b)[16]) {
  // 9999-12-31T23:59:59Z
  if (secs < 0 || secs > 253402300799) throw invalid_field("time", "signing time out of range");
  const std::int64_t days = secs / 86400;
  const std::int64_t sod = secs % 86400;
  const std::int64_t z = days + 719468;
  const std::int64_t era = z / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  auto put2 = [](char* p, std::int64_t v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  put2(b, y / 100);
  put2(b + 2, y % 100);
  put2(b + 4, m);
  put2(b + 6, d);
  b[8] = 'T';
  put2(b + 9, sod / 3600);
  put2(b + 11, (sod / 60) % 60);
  put2(b + 13, sod % 60);
  b[15] = 'Z';
}

bool valid_scope_part(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!has(c, c_unreserved)) return false;
  return true;
}

bool valid_precomputed_hash(std::string_view h) noexcept {
  if (h.size() == 64 &&
      std::all_of(h.begin(), h.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))
    return true;
  return !h.empty() && std::all_of(h.begin(), h.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// Header value check: no control character but HT, and CR/LF only inside an obs-fold.
bool valid_header_value(std::string_view v) noexcept {
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (!has(c, c_space | c_ctl)) continue;
    if (c == '\n') {
      if (i + 1 >= v.size() || (v[i + 1] != ' ' && v[i + 1] != '\t')) return false;
    } else if (c == '\r') {
      if (i + 1 >= v.size() || v[i + 1] != '\n') return false;
    } else if (!has(c, c_space)) {
      return false;
    }
  }
  return true;
}

bool is_forbidden_header(std::string_view lname) noexcept {
  return lname == "authorization" || lname == "x-amz-date" || lname == "x-amz-security-token" ||
         lname == "x-amz-content-sha256" || lname == "x-amz-region-set";
}

bool is_forbidden_param(std::string_view key) noexcept {
  if (key.size() < 10 || lower(key[0]) != 'x') return false;
  for (std::string_view f : {"x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires",
                             "x-amz-signedheaders", "x-amz-security-token", "x-amz-signature",
                             "x-amz-region-set"})
    if (iequals(key, f)) return true;
  return false;
}

// ---------------------------------------------------------------- per-thread workspace
struct header_entry {
  std::string_view name;   // lower case
  std::string_view value;  // raw (folded when written)
  size_t index;            // input order, for a stable sort
};
struct param_entry {
  size_t key_off, key_len, val_off, val_len;  // into workspace::qbuf (encoded)
};

struct workspace {
  md_ctx_ptr hash = new_md_ctx();
  md_ctx_ptr inner = new_md_ctx();
  md_ctx_ptr outer = new_md_ctx();
  std::string names;  // lower-cased header names
  std::string qbuf;   // encoded query keys and values
  std::vector<header_entry> headers;  // grows, never shrinks; the count is kept aside
  std::vector<param_entry> params;
  std::int64_t date_secs = -1;  // the second `date` was formatted for
  char date[16] = {};
};

workspace& tls_workspace() {
  thread_local workspace ws;
  return ws;
}

template <class T, class Less>
void small_sort(T* first, T* last, Less less) {
  if (last - first > 24) {
    std::sort(first, last, less);  // `less` breaks ties, so no stability is needed
    return;
  }
  for (T* i = first + (first != last ? 1 : 0); i < last; ++i) {  // insertion sort, stable
    T x = *i;
    T* j = i;
    while (j > first && less(x, *(j - 1))) {
      *j = *(j - 1);
      --j;
    }
    *j = x;
  }
}

struct parsed_target {
  std::string_view host;  // from an absolute URL, default port dropped
  std::string_view path;
  std::string_view query;
};

parsed_target parse_target(std::string_view t) {
  parsed_target r;
  if (t.find('#') != std::string_view::npos)
    throw invalid_field("target", "a fragment ('#') is never sent and cannot be signed");
  std::string_view default_port;
  if (t.size() >= 7 && iequals(t.substr(0, 7), "http://")) {
    default_port = "80";
    t.remove_prefix(7);
  } else if (t.size() >= 8 && iequals(t.substr(0, 8), "https://")) {
    default_port = "443";
    t.remove_prefix(8);
  }
  if (!default_port.empty()) {
    const size_t end = std::min(t.find('/'), t.find('?'));
    std::string_view authority = t.substr(0, end);
    t = end == std::string_view::npos ? std::string_view() : t.substr(end);
    if (authority.empty() || authority.find('@') != std::string_view::npos)
      throw invalid_field("target", "the URL needs a host and must not carry user information");
    const size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos &&
        authority.substr(colon + 1) == default_port)
      authority = authority.substr(0, colon);
    r.host = authority;
  } else if (!t.empty() && t.front() != '/' && t.front() != '?') {
    throw invalid_field("target", "expected an origin-form path (\"/...\") or an http(s) URL");
  }
  const size_t q = t.find('?');
  r.path = t.substr(0, q);
  if (q != std::string_view::npos) r.query = t.substr(q + 1);
  return r;
}

}  // namespace

// ---------------------------------------------------------------- signer

struct signer::impl {
  explicit impl(signing_config c)
      : config(std::move(c)), cache(config.region, config.service) {
    for (const std::string& h : config.unsigned_headers) {
      std::string l(h);
      std::transform(l.begin(), l.end(), l.begin(), lower);
      if (!l.empty()) skip_first[static_cast<unsigned char>(l[0])] = true;
      skip.push_back(std::move(l));
    }
  }
  signing_config config;
  std::vector<std::string> skip;  // lower-cased unsigned_headers
  bool skip_first[256] = {};      // first characters of `skip`: a quick reject
  std::atomic<std::int64_t> skew_seconds{0};
  key_cache cache;

  bool skipped(std::string_view lname) const noexcept {
    if (!skip_first[static_cast<unsigned char>(lname[0])]) return false;
    for (const std::string& s : skip)
      if (s == lname) return true;
    return false;
  }
  void sign(const signing_request& req, const credentials& creds,
            std::chrono::system_clock::time_point when, signing_output& out);
};

namespace {
signing_config validated(signing_config c) {
  if (!valid_scope_part(c.region))
    throw invalid_field("region", "must be non-empty and contain only A-Z a-z 0-9 - _ . ~");
  if (!valid_scope_part(c.service))
    throw invalid_field("service", "must be non-empty and contain only A-Z a-z 0-9 - _ . ~");
  if (c.location == signature_location::query &&
      (c.expires_seconds < 1 || c.expires_seconds > max_expires))
    throw invalid_field("expires_seconds",
                        "X-Amz-Expires must be between 1 and 604800 seconds (7 days), got " +
                            std::to_string(c.expires_seconds));
  if (c.payload == payload_mode::precomputed && !valid_precomputed_hash(c.precomputed_payload_hash))
    throw invalid_field("precomputed_payload_hash",
                        "must be 64 lower-case hex digits or an upper-case constant such as "
                        "UNSIGNED-PAYLOAD");
  return c;
}
}  // namespace

signer::signer(signing_config config) : impl_(std::make_unique<impl>(validated(std::move(config)))) {}
signer::~signer() = default;
signer::signer(signer&&) noexcept = default;
signer& signer::operator=(signer&&) noexcept = default;

const signing_config& signer::config() const noexcept { return impl_->config; }

void signer::set_clock_skew(std::chrono::seconds skew) noexcept {
  impl_->skew_seconds.store(skew.count(), std::memory_order_relaxed);
}
std::chrono::seconds signer::clock_skew() const noexcept {
  return std::chrono::seconds(impl_->skew_seconds.load(std::memory_order_relaxed));
}

void signer::sign(const signing_request& request, const credentials& creds,
                  signing_output& out) const {
  const auto now = impl_->config.clock ? impl_->config.clock() : std::chrono::system_clock::now();
  impl_->sign(request, creds, now + clock_skew(), out);
}

void signer::sign_at(const signing_request& request, const credentials& creds,
                     std::chrono::system_clock::time_point when, signing_output& out) const {
  impl_->sign(request, creds, when, out);
}

void signer::impl::sign(const signing_request& req, const credentials& creds,
                        std::chrono::system_clock::time_point when, signing_output& out) {
  const signing_config& cfg = config;
  const bool query_mode = cfg.location == signature_location::query;

  // ---- inputs
  const std::string_view akid = creds.access_key_id;
  const std::string_view secret = creds.secret_access_key.reveal();
  const std::string_view token = creds.session_token.reveal();
  if (akid.empty() || secret.empty())
    throw error(MPADJUST_ECREDENTIALS, "sigv4: the credentials have no access key id or secret",
                "credentials");
  for (char c : akid)
    if (!has(c, c_unreserved))
      throw error(MPADJUST_ECREDENTIALS,
                  "sigv4: the access key id contains characters other than A-Z a-z 0-9 - _ . ~",
                  "credentials.access_key_id");
  if (!token.empty() && !valid_header_value(token))
    throw error(MPADJUST_ECREDENTIALS,
                "sigv4: the session token contains a control character or line break",
                "credentials.session_token");
  if (req.method.empty() || !std::all_of(req.method.begin(), req.method.end(),
                                         [](char c) { return has(c, c_tchar); }))
    throw invalid_field("method", "must be a non-empty HTTP token");
  if (req.header_count > 0 && req.headers == nullptr)
    throw invalid_field("headers", "header_count is set but headers is null");
  const parsed_target target = parse_target(req.target);
  if (!target.path.empty() && target.path.front() != '/')
    throw invalid_field("target", "the path must start with '/'");

  workspace& ws = tls_workspace();

  // ---- time and scope
  {
    const std::int64_t secs =
        std::chrono::floor<std::chrono::seconds>(when).time_since_epoch().count();
    if (secs != ws.date_secs) {  // formatting is cached per thread for the current second
      format_amz_date(secs, ws.date);
      ws.date_secs = secs;
    }
    out.amz_date.assign(ws.date, sizeof ws.date);
  }
  const std::string_view amz_date = out.amz_date;
  const std::string_view date8 = amz_date.substr(0, 8);
  {
    constexpr std::string_view terminator = "/aws4_request";
    out.credential_scope.resize(8 + 1 + cfg.region.size() + 1 + cfg.service.size() +
                                terminator.size());
    char* p = &out.credential_scope[0];
    p = put(p, date8);
    *p++ = '/';
    p = put(p, cfg.region);
    *p++ = '/';
    p = put(p, cfg.service);
    put(p, terminator);
  }

  // ---- payload hash
  const bool content_header = !query_mode && cfg.payload != payload_mode::hash_body;
  switch (cfg.payload) {
    case payload_mode::hash_body:
    case payload_mode::hash_body_signed_header: {
      unsigned char h[sha256_len];
      sha256(ws.hash.get(), req.body, h);
      out.payload_hash.resize(2 * sha256_len);
      put_hex(&out.payload_hash[0], h, sha256_len);
      break;
    }
    case payload_mode::unsigned_payload:
      out.payload_hash.assign(unsigned_payload_value.data(), unsigned_payload_value.size());
      break;
    case payload_mode::precomputed:
      out.payload_hash.assign(cfg.precomputed_payload_hash);
      break;
  }

  // ---- headers: validate names, lower-case them, drop unsigned ones, add ours
  size_t name_bytes = 0;
  for (size_t i = 0; i < req.header_count; ++i) name_bytes += req.headers[i].name.size();
  if (ws.names.size() < name_bytes) ws.names.resize(name_bytes);  // never resized below
  if (ws.headers.size() < req.header_count + 4) ws.headers.resize(req.header_count + 4);
  header_entry* const hdr = ws.headers.data();
  size_t nh = 0;
  char* np = ws.names.empty() ? nullptr : &ws.names[0];
  std::string_view host_header;
  bool have_host_header = false;
  for (size_t i = 0; i < req.header_count; ++i) {
    const header_view& h = req.headers[i];
    if (h.name.empty()) throw invalid_field("headers", "empty header name");
    for (size_t k = 0; k < h.name.size(); ++k) {
      const char c = h.name[k];
      if (!has(c, c_tchar))
        throw invalid_field("headers", "invalid header name \"" +
                                           std::string(h.name.substr(0, 64)) +
                                           "\" (must be an HTTP token)");
      np[k] = lower(c);
    }
    const std::string_view lname(np, h.name.size());
    np += h.name.size();
    if (is_forbidden_header(lname))
      throw invalid_field("headers", "header " + std::string(h.name) +
                                         " is set by the signer; sign the unsigned request "
                                         "(remove it first)");
    if (lname == "host") {
      if (have_host_header) throw invalid_field("headers", "more than one Host header");
      have_host_header = true;
      host_header = trim(h.value);
      if (host_header.empty()) throw invalid_field("headers", "the Host header is empty");
    } else if (skipped(lname)) {
      if (!valid_header_value(h.value))  // signed values are checked while folding
        throw invalid_field("headers", "the value of header " + std::string(h.name) +
                                           " contains a control character, or a CR or LF "
                                           "outside an obs-fold");
      continue;
    }
    hdr[nh++] = header_entry{lname, h.value, i};
  }
  // Host: always signed; every source given must agree.
  std::string_view host = host_header;
  for (std::string_view other : {trim(req.host), target.host}) {
    if (other.empty()) continue;
    if (host.empty()) {
      host = other;
    } else if (!iequals(host, other)) {
      throw invalid_field("host", "the Host header, signing_request::host and the URL's host "
                                  "disagree");
    }
  }
  if (host.empty())
    throw invalid_field("host", "no host to sign: give a Host header, signing_request::host or "
                                "an absolute URL as target");
  if (!have_host_header) hdr[nh++] = header_entry{"host", host, req.header_count};
  const bool sign_token = !token.empty() && !cfg.omit_session_token;
  if (!query_mode) {
    hdr[nh++] = header_entry{"x-amz-date", amz_date, req.header_count + 1};
    if (sign_token) hdr[nh++] = header_entry{"x-amz-security-token", token, req.header_count + 2};
    if (content_header)
      hdr[nh++] = header_entry{"x-amz-content-sha256", out.payload_hash, req.header_count + 3};
  }
  small_sort(hdr, hdr + nh, [](const header_entry& a, const header_entry& b) {
    const int c = a.name.compare(b.name);
    return c < 0 || (c == 0 && a.index < b.index);
  });

  // ---- signed headers
  {
    size_t bound = 0;
    for (size_t i = 0; i < nh; ++i) bound += hdr[i].name.size() + 1;
    out.signed_headers.resize(bound);
    char* const b = &out.signed_headers[0];
    char* p = b;
    for (size_t i = 0; i < nh; ++i) {
      if (i > 0 && hdr[i].name == hdr[i - 1].name) continue;
      if (p != b) *p++ = ';';
      p = put(p, hdr[i].name);
    }
    out.signed_headers.resize(static_cast<size_t>(p - b));
  }

  // ---- query: decode + re-encode every key and value, add ours in query mode, sort
  ws.qbuf.clear();
  ws.params.clear();
  for (std::string_view q = target.query; !q.empty();) {
    const size_t amp = q.find('&');
    const std::string_view piece = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    param_entry p{};
    p.key_off = ws.qbuf.size();
    append_query_component(ws.qbuf, piece.substr(0, eq));
    p.key_len = ws.qbuf.size() - p.key_off;
    p.val_off = ws.qbuf.size();
    if (eq != std::string_view::npos) append_query_component(ws.qbuf, piece.substr(eq + 1));
    p.val_len = ws.qbuf.size() - p.val_off;
    if (is_forbidden_param(std::string_view(ws.qbuf).substr(p.key_off, p.key_len)))
      throw invalid_field("target", "query parameter " + ws.qbuf.substr(p.key_off, p.key_len) +
                                        " is set by the signer; sign the unsigned request");
    ws.params.push_back(p);
  }
  param_entry enc_cred{}, enc_signed{}, enc_token{};
  // The encoded session token lands in the thread's query scratch: wipe it when done.
  struct scratch_wiper {
    std::string& buf;
    bool armed = false;
    ~scratch_wiper() {
      if (armed && !buf.empty()) OPENSSL_cleanse(&buf[0], buf.size());
    }
  } wiper{ws.qbuf};
  if (query_mode) {
    // Appends key=value (value written by `write`) to qbuf; returns its entry.
    auto add = [&ws](std::string_view key, auto&& write) {
      param_entry p{};
      p.key_off = ws.qbuf.size();
      ws.qbuf.append(key);
      p.key_len = key.size();
      p.val_off = ws.qbuf.size();
      write(ws.qbuf);
      p.val_len = ws.qbuf.size() - p.val_off;
      return p;
    };
    ws.params.push_back(add("X-Amz-Algorithm", [](std::string& b) { b.append(algorithm); }));
    enc_cred = add("X-Amz-Credential", [&](std::string& b) {  // <key id>/<scope>, encoded
      append_encoded(b, akid, c_unreserved);
      b.append("%2F");
      append_encoded(b, out.credential_scope, c_unreserved);
    });
    ws.params.push_back(enc_cred);
    ws.params.push_back(add("X-Amz-Date", [&](std::string& b) { b.append(amz_date); }));
    ws.params.push_back(
        add("X-Amz-Expires", [&](std::string& b) { append_decimal(b, cfg.expires_seconds); }));
    enc_signed = add("X-Amz-SignedHeaders", [&](std::string& b) {
      append_encoded(b, out.signed_headers, c_unreserved);
    });
    ws.params.push_back(enc_signed);
    if (!token.empty()) {
      wiper.armed = true;
      enc_token = add("X-Amz-Security-Token",
                      [&](std::string& b) { append_encoded(b, token, c_unreserved); });
      if (sign_token) ws.params.push_back(enc_token);
    }
  }
  const std::string& qb = ws.qbuf;
  small_sort(ws.params.data(), ws.params.data() + ws.params.size(),
             [&qb](const param_entry& a, const param_entry& b) {
               const int c = qb.compare(a.key_off, a.key_len, qb, b.key_off, b.key_len);
               if (c != 0) return c < 0;
               return qb.compare(a.val_off, a.val_len, qb, b.val_off, b.val_len) < 0;
             });

  // ---- canonical request, written into one buffer sized to an upper bound
  {
    size_t bound = req.method.size() + 1 + 3 * target.path.size() + 3;
    bound += qb.size() + 2 * ws.params.size() + 1;
    for (size_t i = 0; i < nh; ++i) bound += hdr[i].name.size() + hdr[i].value.size() + 2;
    bound += 1 + out.signed_headers.size() + 1 + out.payload_hash.size();
    std::string& cr = out.canonical_request;
    cr.resize(bound);
    char* const b = &cr[0];
    char* p = put(b, req.method);
    *p++ = '\n';
    p = canonical_uri_to(p, target.path, cfg.normalize_path, cfg.double_encode_path);
    *p++ = '\n';
    for (size_t i = 0; i < ws.params.size(); ++i) {
      const param_entry& e = ws.params[i];
      if (i > 0) *p++ = '&';
      p = put(p, std::string_view(qb).substr(e.key_off, e.key_len));
      *p++ = '=';
      p = put(p, std::string_view(qb).substr(e.val_off, e.val_len));
    }
    *p++ = '\n';
    // Headers: "name:v1,v2\n" per name, values trimmed and folded.
    for (size_t i = 0; i < nh; ++i) {
      const header_entry& h = hdr[i];
      if (i > 0 && h.name == hdr[i - 1].name) {
        *(p - 1) = ',';
      } else {
        p = put(p, h.name);
        *p++ = ':';
      }
      p = folded_to(p, h.value, h.name);
      *p++ = '\n';
    }
    *p++ = '\n';
    p = put(p, out.signed_headers);
    *p++ = '\n';
    p = put(p, out.payload_hash);
    cr.resize(static_cast<size_t>(p - b));
  }

  // ---- string to sign
  {
    unsigned char h[sha256_len];
    sha256(ws.hash.get(), out.canonical_request, h);
    std::string& sts = out.string_to_sign;
    sts.resize(algorithm.size() + 1 + amz_date.size() + 1 + out.credential_scope.size() + 1 +
               2 * sha256_len);
    char* p = put(&sts[0], algorithm);
    *p++ = '\n';
    p = put(p, amz_date);
    *p++ = '\n';
    p = put(p, out.credential_scope);
    *p++ = '\n';
    put_hex(p, h, sha256_len);
  }

  // ---- signature
  {
    cache.load(akid, secret, date8, ws.inner.get(), ws.outer.get());
    unsigned char mac[sha256_len];
    hmac_finish(ws.inner.get(), ws.outer.get(), out.string_to_sign, mac);
    out.signature.resize(2 * sha256_len);
    put_hex(&out.signature[0], mac, sha256_len);
  }

  // ---- what to send
  if (query_mode) {
    out.headers_to_add.clear();
    std::string& q = out.query;
    q.clear();
    q.append(target.query);
    if (!q.empty()) q.push_back('&');
    q.append("X-Amz-Algorithm=").append(algorithm);
    q.append("&X-Amz-Credential=").append(qb, enc_cred.val_off, enc_cred.val_len);
    q.append("&X-Amz-Date=").append(amz_date);
    q.append("&X-Amz-SignedHeaders=").append(qb, enc_signed.val_off, enc_signed.val_len);
    q.append("&X-Amz-Expires=");
    append_decimal(q, cfg.expires_seconds);
    if (!token.empty())
      q.append("&X-Amz-Security-Token=").append(qb, enc_token.val_off, enc_token.val_len);
    q.append("&X-Amz-Signature=").append(out.signature);
    return;
  }
  out.query.clear();
  const size_t n = 2 + (token.empty() ? 0 : 1) + (content_header ? 1 : 0);
  out.headers_to_add.resize(n);
  size_t k = 0;
  if (!token.empty()) {
    out.headers_to_add[k].name.assign("X-Amz-Security-Token");
    out.headers_to_add[k++].value.assign(token.data(), token.size());
  }
  out.headers_to_add[k].name.assign("X-Amz-Date");
  out.headers_to_add[k++].value.assign(amz_date.data(), amz_date.size());
  if (content_header) {
    out.headers_to_add[k].name.assign("x-amz-content-sha256");
    out.headers_to_add[k++].value.assign(out.payload_hash);
  }
  http_header& auth = out.headers_to_add[k];
  auth.name.assign("Authorization");
  constexpr std::string_view c1 = " Credential=", c2 = ", SignedHeaders=", c3 = ", Signature=";
  auth.value.resize(algorithm.size() + c1.size() + akid.size() + 1 + out.credential_scope.size() +
                    c2.size() + out.signed_headers.size() + c3.size() + out.signature.size());
  char* p = put(&auth.value[0], algorithm);
  p = put(p, c1);
  p = put(p, akid);
  *p++ = '/';
  p = put(p, out.credential_scope);
  p = put(p, c2);
  p = put(p, out.signed_headers);
  p = put(p, c3);
  put(p, out.signature);
}


// ---------------------------------------------------------------- redaction

std::string redact_canonical_request(std::string_view cr) {
  constexpr std::string_view mask = "<redacted>";
  std::string out;
  out.reserve(cr.size());
  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= cr.size()) {
    size_t nl = cr.find('\n', pos);
    if (nl == std::string_view::npos) nl = cr.size();
    std::string_view line = cr.substr(pos, nl - pos);
    if (line_no == 2) {  // canonical query
      size_t p = 0;
      while (p <= line.size()) {
        size_t amp = line.find('&', p);
        if (amp == std::string_view::npos) amp = line.size();
        const std::string_view param = line.substr(p, amp - p);
        if (p > 0) out.push_back('&');
        constexpr std::string_view key = "X-Amz-Security-Token=";
        if (param.substr(0, key.size()) == key)
          out.append(key).append(mask);
        else
          out.append(param);
        p = amp + 1;
      }
    } else if (line_no >= 3 && line.substr(0, 21) == "x-amz-security-token:") {
      out.append("x-amz-security-token:").append(mask);
    } else {
      out.append(line);
    }
    if (nl < cr.size()) out.push_back('\n');
    pos = nl + 1;
    ++line_no;
  }
  return out;
}

}  // namespace v1
}  // namespace mpadjust
