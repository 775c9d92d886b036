// mpadjust/sigv4.hpp - AWS Signature Version 4: header signing and presigned URLs.
//
// Every stage (canonical request, string to sign, signature) is observable in
// signing_output for tests and debug logs. The canonical request of a header-signed request
// with a session token contains that token: log it only through redact_canonical_request().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <mpadjust/credentials.hpp>

namespace mpadjust {
inline namespace v1 {

struct http_header {
  std::string name;
  std::string value;
};

// A header as the signer reads it (views into the caller's memory; nothing is kept).
struct header_view {
  std::string_view name;
  std::string_view value;
};

enum class signature_location {
  header,  // Authorization header (+ X-Amz-Date, X-Amz-Security-Token)
  query    // presigned URL: X-Amz-* query parameters
};

// What the canonical request's last line (the payload hash) is. In header mode every mode but
// hash_body also adds a signed x-amz-content-sha256 header carrying that value (S3 requires it);
// in query mode no header is ever added.
enum class payload_mode {
  hash_body,                // SHA-256(body) in the canonical request, no header added (JSON 1.0 services)
  hash_body_signed_header,  // SHA-256(body) plus a signed x-amz-content-sha256 header (S3; suite "sign_body")
  unsigned_payload,         // "UNSIGNED-PAYLOAD" (+ signed x-amz-content-sha256 header in header mode)
  precomputed               // signing_config::precomputed_payload_hash, verbatim (+ header, ditto)
};

struct signing_config {
  std::string region = "us-east-1";
  std::string service = "aws-marketplace";
  signature_location location = signature_location::header;
  payload_mode payload = payload_mode::hash_body;
  // With payload_mode::precomputed: 64 lower-case hex digits, or an upper-case constant such as
  // "STREAMING-UNSIGNED-PAYLOAD-TRAILER" ([A-Z0-9-]+). Checked by the constructor.
  std::string precomputed_payload_hash;
  // RFC 3986 path normalisation (drop "" and "." segments, resolve "..") and double encoding
  // (every service but S3): the target's path is percent-encoded once more, so '%' becomes "%25".
  // S3 mode: both false; the path is then signed as sent (it must already be percent-encoded;
  // bytes that can never appear raw in a URI are encoded, malformed %-escapes are rejected).
  bool normalize_path = true;
  bool double_encode_path = true;
  // Attach the session token but leave it out of the canonical request (suite "omit_session_token").
  bool omit_session_token = false;
  // X-Amz-Expires for query signing: 1..604800 seconds, else mpadjust::error(MPADJUST_EINVALID).
  std::int64_t expires_seconds = 3600;
  // Header names never signed (proxies and HTTP stacks rewrite them), compared without regard to
  // case. Replaceable. Host is always signed whatever this list says.
  std::vector<std::string> unsigned_headers = {"user-agent", "expect", "x-amzn-trace-id",
                                               "connection", "transfer-encoding", "upgrade",
                                               "sec-websocket-key", "sec-websocket-protocol",
                                               "sec-websocket-version", "authorization"};
  // Time source (injectable for tests). Default (empty): std::chrono::system_clock::now.
  std::function<std::chrono::system_clock::time_point()> clock;
};
// The constructor of signer validates the config and throws mpadjust::error
// (MPADJUST_EINVALID, naming the field): region/service empty or not [A-Za-z0-9._-]; expires
// outside 1..604800 with signature_location::query; a malformed precomputed hash.

// The request to sign. `target` is the request-target as sent on the wire: an origin-form path
// plus optional "?query" ("/a/b?x=1"), already percent-encoded once, or an absolute URL
// ("https://host[:port]/a/b?x=1") whose host (default port dropped) is signed as Host. The
// signer encodes the path again when double_encode_path is set, and decodes then re-encodes
// each query key and value ('+' is a literal plus, signed as %2B; a malformed %-escape is an
// error). A fragment ('#') is an error.
//
// Host is always signed: from a Host header in `headers`, else from `host`, else from an
// absolute `target` (they must agree when several are given). The signer never returns a Host
// header to add: the HTTP stack sends it from the URL.
//
// The input must not already carry what the signer adds: headers Authorization, X-Amz-Date,
// X-Amz-Security-Token, X-Amz-Content-SHA256, X-Amz-Region-Set, or query parameters
// X-Amz-Algorithm/-Credential/-Date/-Expires/-SignedHeaders/-Security-Token/-Signature
// (any case). Such a request is rejected with MPADJUST_EINVALID rather than silently re-signed:
// sign the original, unsigned request again (e.g. on a retry).
// Header values may contain obs-fold continuations ("a\r\n  b", signed as "a b"); any other CR,
// LF or NUL, and header names that are not RFC 9110 tokens, are rejected.
struct signing_request {
  std::string_view method;
  std::string_view target;
  const header_view* headers = nullptr;
  size_t header_count = 0;
  std::string_view body;
  std::string_view host;  // optional, see above
};

// Result of one signature. Reuse one object across calls: its buffers keep their capacity,
// so steady-state signing does not allocate. With a session token, headers_to_add and query
// carry the token verbatim/encoded: log canonical_request only via redact_canonical_request and
// never log those two. Contents are unspecified after sign() threw.
struct signing_output {
  std::string amz_date;           // YYYYMMDDTHHMMSSZ
  std::string credential_scope;   // YYYYMMDD/region/service/aws4_request
  std::string signed_headers;     // "content-type;host;x-amz-date;..."
  std::string payload_hash;
  std::string canonical_request;  // may contain the session token: see redact_canonical_request
  std::string string_to_sign;
  std::string signature;          // 64 lower-case hex digits
  // Header mode: headers to add to the request, in this order: [X-Amz-Security-Token],
  // X-Amz-Date, [x-amz-content-sha256], Authorization. Empty in query mode.
  std::vector<http_header> headers_to_add;
  // Query mode: the complete query string to send (the request's own parameters as given, then
  // X-Amz-Algorithm, -Credential, -Date, -SignedHeaders, -Expires, [-Security-Token] and
  // X-Amz-Signature), without the leading '?'. Empty in header mode.
  std::string query;
};

// Signs requests. Thread-safe: one signer may be shared by many threads (each thread keeps its
// own scratch buffers and hash contexts). The derived signing key is cached per (access key id,
// secret, scope date) for this signer's region and service, in a small bounded cache; the secret
// is compared in constant time, so a rotated secret under the same key id derives a new key;
// keys and secret copies are wiped when evicted or when the signer is destroyed.
// Credentials: an empty access key id or secret, or a key id with characters other than
// [A-Za-z0-9._~-], is an mpadjust::error(MPADJUST_ECREDENTIALS).
class signer {
 public:
  explicit signer(signing_config config = {});
  ~signer();
  signer(signer&&) noexcept;
  signer& operator=(signer&&) noexcept;
  signer(const signer&) = delete;
  signer& operator=(const signer&) = delete;

  const signing_config& config() const noexcept;

  // Signs at clock() + clock_skew() (whole seconds, UTC). Throws mpadjust::error
  // (MPADJUST_EINVALID naming the field, MPADJUST_ECREDENTIALS for unusable credentials) for a
  // request it cannot sign. A moved-from signer may only be destroyed or assigned to.
  void sign(const signing_request& request, const credentials& creds, signing_output& out) const;
  // Signs at exactly `when` (no skew applied).
  void sign_at(const signing_request& request, const credentials& creds,
               std::chrono::system_clock::time_point when, signing_output& out) const;

  // Offset added to clock() for every later signature (server time - local time).
  void set_clock_skew(std::chrono::seconds skew) noexcept;
  std::chrono::seconds clock_skew() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// The canonical request with the session token's value (x-amz-security-token header line, or
// X-Amz-Security-Token query parameter) replaced by "<redacted>". Safe to log afterwards: the
// canonical request holds no other secret.
std::string redact_canonical_request(std::string_view canonical_request);

}  // namespace v1
}  // namespace mpadjust
