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

enum class payload_mode {
  hash_body,                // SHA-256(body) in the canonical request, no header added (JSON 1.0 services)
  hash_body_signed_header,  // SHA-256(body) plus a signed x-amz-content-sha256 header (S3; suite "sign_body")
  unsigned_payload,         // "UNSIGNED-PAYLOAD"
  precomputed               // signing_config::precomputed_payload_hash, verbatim
};

struct signing_config {
  std::string region = "us-east-1";
  std::string service = "aws-marketplace";
  signature_location location = signature_location::header;
  payload_mode payload = payload_mode::hash_body;
  std::string precomputed_payload_hash;  // with payload_mode::precomputed
  // RFC 3986 path normalisation and double encoding (every service but S3). S3 mode: both false.
  bool normalize_path = true;
  bool double_encode_path = true;
  // Attach the session token but leave it out of the canonical request (suite "omit_session_token").
  bool omit_session_token = false;
  // X-Amz-Expires for query signing: 1..604800 seconds, else mpadjust::error(MPADJUST_EINVALID).
  std::int64_t expires_seconds = 3600;
  // Lower-case header names never signed (proxies and HTTP stacks rewrite them). Replaceable.
  std::vector<std::string> unsigned_headers = {"user-agent", "expect", "x-amzn-trace-id",
                                               "connection", "transfer-encoding", "upgrade",
                                               "sec-websocket-key", "sec-websocket-protocol",
                                               "sec-websocket-version", "authorization"};
  // Time source (injectable for tests). Default: std::chrono::system_clock::now.
  std::function<std::chrono::system_clock::time_point()> clock;
};

// The request to sign. `target` is the request-target as sent on the wire: path plus an
// optional "?query", already percent-encoded once (the signer encodes the path again when
// double_encode_path is set, and decodes then re-encodes the query).
struct signing_request {
  std::string_view method;
  std::string_view target;
  const header_view* headers = nullptr;
  size_t header_count = 0;
  std::string_view body;
};

// Result of one signature. Reuse one object across calls: its buffers keep their capacity,
// so steady-state signing does not allocate.
struct signing_output {
  std::string amz_date;           // YYYYMMDDTHHMMSSZ
  std::string credential_scope;   // YYYYMMDD/region/service/aws4_request
  std::string signed_headers;     // "content-type;host;x-amz-date;..."
  std::string payload_hash;
  std::string canonical_request;  // may contain the session token: see redact_canonical_request
  std::string string_to_sign;
  std::string signature;          // 64 lower-case hex digits
  // Header mode: headers to add to the request, in this order: X-Amz-Date,
  // [X-Amz-Security-Token], [x-amz-content-sha256], Authorization.
  std::vector<http_header> headers_to_add;
  // Query mode: the complete query string to send (the request's own parameters plus the
  // X-Amz-* ones and X-Amz-Signature), without the leading '?'.
  std::string query;
};

// Signs requests. Thread-safe: one signer may be shared by many threads. The derived signing
// key is cached per (access key, scope date, region, service) and wiped when evicted.
class signer {
 public:
  explicit signer(signing_config config = {});
  ~signer();
  signer(signer&&) noexcept;
  signer& operator=(signer&&) noexcept;
  signer(const signer&) = delete;
  signer& operator=(const signer&) = delete;

  const signing_config& config() const noexcept;

  // Signs at clock() + clock_skew(). Throws mpadjust::error (MPADJUST_EINVALID naming the
  // field) for a request it cannot sign.
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

// The canonical request with the session token's value replaced by "<redacted>".
std::string redact_canonical_request(std::string_view canonical_request);

}  // namespace v1
}  // namespace mpadjust
