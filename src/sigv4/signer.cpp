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
constexpr std::string_view empty_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr std::string_view unsigned_payload_value = "UNSIGNED-PAYLOAD";
constexpr std::int64_t max_expires = 604800;  // seven days

// ---------------------------------------------------------------- character classes
enum : unsigned char {
  c_unreserved = 1,  // A-Z a-z 0-9 - _ . ~
  c_path_raw = 2,    // may stay raw in an S3-mode path: unreserved, sub-delims, ':', '@', '/'
  c_tchar = 4,       // RFC 9110 token character
  c_space = 8,       // whitespace folded in header values: SP HT LF VT FF CR
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

// Appends `s` percent-encoded: bytes of class `keep` stay raw, all others become %XX.
void append_encoded(std::string& out, std::string_view s, unsigned char keep) {
  size_t i = 0;
  while (i < s.size() && has(s[i], keep)) ++i;
  out.append(s.data(), i);
  if (i == s.size()) return;
  const size_t old = out.size();
  out.resize(old + 3 * (s.size() - i));
  char* p = &out[old];
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (has(c, keep)) {
      *p++ = c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      *p++ = '%';
      *p++ = hex_upper[b >> 4];
      *p++ = hex_upper[b & 15];
    }
  }
  out.resize(static_cast<size_t>(p - out.data()));
}

// Appends a query key or value: percent-decoded ('+' is a literal plus) and re-encoded with
// the unreserved set. A malformed escape is an error.
void append_query_component(std::string& out, std::string_view s) {
  const size_t old = out.size();
  out.resize(old + 3 * s.size());
  char* p = &out[old];
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) {
        out.resize(old);
        throw invalid_field("target", "malformed percent-escape in the query (a '%' must be "
                                      "followed by two hex digits)");
      }
      const int h = hex_value(s[i + 1]);
      const int l = hex_value(s[i + 2]);
      if (h < 0 || l < 0) {
        out.resize(old);
        throw invalid_field("target", "malformed percent-escape in the query (a '%' must be "
                                      "followed by two hex digits)");
      }
      c = static_cast<char>(h * 16 + l);
      i += 2;
    }
    if (has(c, c_unreserved)) {
      *p++ = c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      *p++ = '%';
      *p++ = hex_upper[b >> 4];
      *p++ = hex_upper[b & 15];
    }
  }
  out.resize(static_cast<size_t>(p - out.data()));
}

// Appends one path segment for the canonical URI.
void append_path_segment(std::string& out, std::string_view seg, bool double_encode) {
  if (double_encode) {
    append_encoded(out, seg, c_unreserved);
    return;
  }
  // S3 mode: signed as sent. Valid escapes stay verbatim; bytes that can never be raw in a
  // URI are encoded (as an HTTP stack would); a malformed escape is an error.
  for (size_t i = 0; i < seg.size(); ++i) {
    const char c = seg[i];
    if (c == '%') {
      if (i + 2 >= seg.size() + 1 || hex_value(seg[i + 1]) < 0 || hex_value(seg[i + 2]) < 0)
        throw invalid_field("target", "malformed percent-escape in the path (a '%' must be "
                                      "followed by two hex digits)");
      out.append(seg.data() + i, 3);
      i += 2;
    } else if (has(c, c_path_raw)) {
      out.push_back(c);
    } else {
      const auto b = static_cast<unsigned char>(c);
      const char enc[3] = {'%', hex_upper[b >> 4], hex_upper[b & 15]};
      out.append(enc, 3);
    }
  }
}

void append_canonical_uri(std::string& out, std::string_view path, bool normalize,
                          bool double_encode) {
  if (path.empty()) {
    out.push_back('/');
    return;
  }
  if (!normalize) {
    // Verbatim segments (empty and dot segments kept); '/' is never encoded.
    size_t start = 0;
    for (;;) {
      const size_t slash = path.find('/', start);
      append_path_segment(out, path.substr(start, slash - start), double_encode);
      if (slash == std::string_view::npos) break;
      out.push_back('/');
      start = slash + 1;
    }
    return;
  }
  // RFC 3986 remove_dot_segments plus dropping empty segments (as aws-c-auth and botocore):
  // always a leading '/', a trailing '/' only if the input had one and segments remain.
  const size_t base = out.size();
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view seg = path.substr(start, slash - start);
    start = slash + 1;
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      const size_t last = out.rfind('/');
      if (last != std::string::npos && last >= base) out.resize(last);
      continue;
    }
    out.push_back('/');
    append_path_segment(out, seg, double_encode);
  }
  if (out.size() == base) {
    out.push_back('/');
  } else if (path.back() == '/') {
    out.push_back('/');
  }
}

// Appends a header value trimmed, with every whitespace run (obs-fold included) folded to ' '.
void append_folded(std::string& out, std::string_view v) {
  size_t i = 0;
  const size_t n = v.size();
  while (i < n && has(v[i], c_space)) ++i;
  while (i < n) {
    size_t j = i;
    while (j < n && !has(v[j], c_space)) ++j;
    out.append(v.data() + i, j - i);
    if (j == n) break;
    size_t k = j;
    while (k < n && has(v[k], c_space)) ++k;
    if (k < n) out.push_back(' ');
    i = k;
  }
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

// "YYYYMMDDTHHMMSSZ" for a UTC time (Howard Hinnant's civil_from_days).
void format_amz_date(std::chrono::system_clock::time_point when, std::string& out) {
  const std::int64_t secs =
      std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
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
  char b[16];
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
  out.assign(b, sizeof b);
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

// Header value check: no NUL, and CR/LF only as part of an obs-fold (followed by SP or HT).
bool valid_header_value(std::string_view v) noexcept {
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c == '\0') return false;
    if (c == '\r') {
      if (i + 1 < v.size() && v[i + 1] == '\n') continue;  // checked as '\n' next
      return false;
    }
    if (c == '\n') {
      if (i + 1 >= v.size() || (v[i + 1] != ' ' && v[i + 1] != '\t')) return false;
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
  std::vector<header_entry> headers;
  std::vector<param_entry> params;
};

workspace& tls_workspace() {
  thread_local workspace ws;
  return ws;
}

template <class T, class Less>
void small_sort(std::vector<T>& v, Less less) {
  if (v.size() > 24) {
    std::sort(v.begin(), v.end(), less);
    return;
  }
  for (size_t i = 1; i < v.size(); ++i) {
    T x = v[i];
    size_t j = i;
    while (j > 0 && less(x, v[j - 1])) {
      v[j] = v[j - 1];
      --j;
    }
    v[j] = x;
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
      skip.push_back(std::move(l));
    }
  }
  signing_config config;
  std::vector<std::string> skip;  // lower-cased unsigned_headers
  std::atomic<std::int64_t> skew_seconds{0};
  key_cache cache;

  bool skipped(std::string_view lname) const noexcept {
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
    throw error(MPADJUST_ECREDENTIALS, "sigv4: the session token contains a line break or NUL",
                "credentials.session_token");
  if (req.method.empty() || !std::all_of(req.method.begin(), req.method.end(),
                                         [](char c) { return has(c, c_tchar); }))
    throw invalid_field("method", "must be a non-empty HTTP token");
  if (req.header_count > 0 && req.headers == nullptr)
    throw invalid_field("headers", "header_count is set but headers is null");
  const parsed_target target = parse_target(req.target);
  if (!target.path.empty() && target.path.front() != '/')
    throw invalid_field("target", "the path must start with '/'");

  // ---- time and scope
  format_amz_date(when, out.amz_date);
  const std::string_view amz_date = out.amz_date;
  const std::string_view date8 = amz_date.substr(0, 8);
  out.credential_scope.clear();
  out.credential_scope.append(date8)
      .append("/")
      .append(cfg.region)
      .append("/")
      .append(cfg.service)
      .append("/aws4_request");

  // ---- payload hash
  const bool content_header = !query_mode && cfg.payload != payload_mode::hash_body;
  workspace& ws = tls_workspace();
  switch (cfg.payload) {
    case payload_mode::hash_body:
    case payload_mode::hash_body_signed_header: {
      unsigned char h[sha256_len];
      char hex[2 * sha256_len];
      sha256(ws.hash.get(), req.body, h);
      hex_lower(h, sha256_len, hex);
      out.payload_hash.assign(hex, sizeof hex);
      break;
    }
    case payload_mode::unsigned_payload:
      out.payload_hash.assign(unsigned_payload_value.data(), unsigned_payload_value.size());
      break;
    case payload_mode::precomputed:
      out.payload_hash.assign(cfg.precomputed_payload_hash);
      break;
  }

  // ---- headers: validate, lower-case, drop unsigned ones, add ours
  size_t name_bytes = 0;
  for (size_t i = 0; i < req.header_count; ++i) name_bytes += req.headers[i].name.size();
  ws.names.resize(name_bytes);  // never grows below, so views into it stay valid
  ws.headers.clear();
  char* np = ws.names.empty() ? nullptr : &ws.names[0];
  std::string_view host_header;
  bool have_host_header = false;
  for (size_t i = 0; i < req.header_count; ++i) {
    const header_view& h = req.headers[i];
    if (h.name.empty() ||
        !std::all_of(h.name.begin(), h.name.end(), [](char c) { return has(c, c_tchar); }))
      throw invalid_field("headers", "invalid header name \"" + std::string(h.name.substr(0, 64)) +
                                         "\" (must be an HTTP token)");
    if (!valid_header_value(h.value))
      throw invalid_field("headers", "the value of header " + std::string(h.name) +
                                         " contains a NUL, CR or LF outside an obs-fold");
    for (size_t k = 0; k < h.name.size(); ++k) np[k] = lower(h.name[k]);
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
      continue;
    }
    ws.headers.push_back(header_entry{lname, h.value, i});
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
  if (!have_host_header) ws.headers.push_back(header_entry{"host", host, req.header_count});
  const bool sign_token = !token.empty() && !cfg.omit_session_token;
  if (!query_mode) {
    ws.headers.push_back(header_entry{"x-amz-date", amz_date, req.header_count + 1});
    if (sign_token)
      ws.headers.push_back(header_entry{"x-amz-security-token", token, req.header_count + 2});
    if (content_header)
      ws.headers.push_back(
          header_entry{"x-amz-content-sha256", out.payload_hash, req.header_count + 3});
  }
  small_sort(ws.headers, [](const header_entry& a, const header_entry& b) {
    const int c = a.name.compare(b.name);
    return c < 0 || (c == 0 && a.index < b.index);
  });

  // ---- signed headers
  out.signed_headers.clear();
  for (size_t i = 0; i < ws.headers.size(); ++i) {
    if (i > 0 && ws.headers[i].name == ws.headers[i - 1].name) continue;
    if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
    out.signed_headers.append(ws.headers[i].name);
  }

  // ---- canonical request
  std::string& cr = out.canonical_request;
  cr.clear();
  cr.append(req.method).push_back('\n');
  append_canonical_uri(cr, target.path, cfg.normalize_path, cfg.double_encode_path);
  cr.push_back('\n');

  // Query: decode + re-encode every key and value, add ours in query mode, sort.
  ws.qbuf.clear();
  ws.params.clear();
  {
    std::string_view q = target.query;
    while (!q.empty()) {
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
  }
  param_entry enc_cred{}, enc_signed{}, enc_token{};
  if (query_mode) {
    auto add = [&ws](std::string_view key, std::string_view value, bool encode) {
      param_entry p{};
      p.key_off = ws.qbuf.size();
      ws.qbuf.append(key);
      p.key_len = key.size();
      p.val_off = ws.qbuf.size();
      if (encode)
        append_encoded(ws.qbuf, value, c_unreserved);
      else
        ws.qbuf.append(value);
      p.val_len = ws.qbuf.size() - p.val_off;
      return p;
    };
    ws.params.push_back(add("X-Amz-Algorithm", algorithm, false));
    // Credential = <key id>/<scope>, encoded ('/' -> %2F).
    {
      param_entry p{};
      p.key_off = ws.qbuf.size();
      ws.qbuf.append("X-Amz-Credential");
      p.key_len = ws.qbuf.size() - p.key_off;
      p.val_off = ws.qbuf.size();
      append_encoded(ws.qbuf, akid, c_unreserved);
      ws.qbuf.append("%2F");
      append_encoded(ws.qbuf, out.credential_scope, c_unreserved);
      p.val_len = ws.qbuf.size() - p.val_off;
      ws.params.push_back(p);
      enc_cred = p;
    }
    ws.params.push_back(add("X-Amz-Date", amz_date, false));
    {
      param_entry p{};
      p.key_off = ws.qbuf.size();
      ws.qbuf.append("X-Amz-Expires");
      p.key_len = ws.qbuf.size() - p.key_off;
      p.val_off = ws.qbuf.size();
      append_decimal(ws.qbuf, cfg.expires_seconds);
      p.val_len = ws.qbuf.size() - p.val_off;
      ws.params.push_back(p);
    }
    enc_signed = add("X-Amz-SignedHeaders", out.signed_headers, true);
    ws.params.push_back(enc_signed);
    if (!token.empty()) {
      enc_token = add("X-Amz-Security-Token", token, true);
      if (sign_token) ws.params.push_back(enc_token);
    }
  }
  {
    const std::string& qb = ws.qbuf;
    small_sort(ws.params, [&qb](const param_entry& a, const param_entry& b) {
      const int c = qb.compare(a.key_off, a.key_len, qb, b.key_off, b.key_len);
      if (c != 0) return c < 0;
      return qb.compare(a.val_off, a.val_len, qb, b.val_off, b.val_len) < 0;
    });
    for (size_t i = 0; i < ws.params.size(); ++i) {
      const param_entry& p = ws.params[i];
      if (i > 0) cr.push_back('&');
      cr.append(qb, p.key_off, p.key_len).push_back('=');
      cr.append(qb, p.val_off, p.val_len);
    }
  }
  cr.push_back('\n');

  // Headers: "name:v1,v2\n" per name, values trimmed and folded.
  for (size_t i = 0; i < ws.headers.size(); ++i) {
    const header_entry& h = ws.headers[i];
    if (i > 0 && h.name == ws.headers[i - 1].name) {
      cr.back() = ',';
    } else {
      cr.append(h.name).push_back(':');
    }
    append_folded(cr, h.value);
    cr.push_back('\n');
  }
  cr.push_back('\n');
  cr.append(out.signed_headers).push_back('\n');
  cr.append(out.payload_hash);

  // ---- string to sign
  {
    unsigned char h[sha256_len];
    char hex[2 * sha256_len];
    sha256(ws.hash.get(), cr, h);
    hex_lower(h, sha256_len, hex);
    std::string& sts = out.string_to_sign;
    sts.clear();
    sts.append(algorithm).push_back('\n');
    sts.append(amz_date).push_back('\n');
    sts.append(out.credential_scope).push_back('\n');
    sts.append(hex, sizeof hex);
  }

  // ---- signature
  {
    cache.load(akid, secret, date8, ws.inner.get(), ws.outer.get());
    unsigned char mac[sha256_len];
    char hex[2 * sha256_len];
    hmac_finish(ws.inner.get(), ws.outer.get(), out.string_to_sign, mac);
    hex_lower(mac, sha256_len, hex);
    out.signature.assign(hex, sizeof hex);
  }

  // ---- what to send
  if (query_mode) {
    out.headers_to_add.clear();
    std::string& q = out.query;
    const std::string& qb = ws.qbuf;
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
  } else {
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
    std::string& a = auth.value;
    a.clear();
    a.append(algorithm).append(" Credential=").append(akid).push_back('/');
    a.append(out.credential_scope).append(", SignedHeaders=").append(out.signed_headers);
    a.append(", Signature=").append(out.signature);
  }
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
