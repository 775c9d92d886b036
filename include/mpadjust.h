/*
 * mpadjust.h - the stable C ABI of mpadjust (pure C99).
 *
 * This is the only ABI promise of the library: the Python and Go bindings use nothing
 * else. Conventions (STYLE.md section 3):
 *   - fallible functions return mpadjust_status by value (MPADJUST_OK = 0, errors < 0);
 *   - mpadjust_last_error_message() gives this thread's detail for the last failed call;
 *   - handles are opaque, made by *_new and released by *_free (which accept NULL);
 *   - every declaration states who owns what it returns.
 */
#ifndef MPADJUST_H
#define MPADJUST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ==================================================================== platform */

#if defined(_WIN32) && defined(MPADJUST_SHARED)
#  ifdef MPADJUST_BUILDING
#    define MPADJUST_API __declspec(dllexport)
#  else
#    define MPADJUST_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && defined(MPADJUST_BUILDING)
#  define MPADJUST_API __attribute__((visibility("default")))
#else
#  define MPADJUST_API
#endif

/* Every exported function is noexcept: no C++ exception ever crosses this ABI. */
#if defined(__cplusplus) && __cplusplus >= 201103L
#  define MPADJUST_NOEXCEPT noexcept
#else
#  define MPADJUST_NOEXCEPT
#endif

/* Marks a declaration that will be removed at the next major version. */
#if defined(__GNUC__)
#  define MPADJUST_DEPRECATED __attribute__((deprecated))
#elif defined(_MSC_VER)
#  define MPADJUST_DEPRECATED __declspec(deprecated)
#else
#  define MPADJUST_DEPRECATED
#endif

/* ==================================================================== versions */

#define MPADJUST_VERSION_MAJOR 1
#define MPADJUST_VERSION_MINOR 0
#define MPADJUST_VERSION_PATCH 0
#define MPADJUST_VERSION_NUMBER \
  (MPADJUST_VERSION_MAJOR * 10000 + MPADJUST_VERSION_MINOR * 100 + MPADJUST_VERSION_PATCH)

/*
 * The version of the library actually loaded, as MPADJUST_VERSION_NUMBER computes it
 * (major * 10000 + minor * 100 + patch). Compare it with the header's macro to detect a
 * mismatched shared library. Cannot fail. Thread-safe.
 */
MPADJUST_API unsigned mpadjust_version_number(void) MPADJUST_NOEXCEPT;

/*
 * The version of the library actually loaded, "MAJOR.MINOR.PATCH". Returns static text
 * (never NULL, never to be freed). Cannot fail. Thread-safe.
 */
MPADJUST_API const char *mpadjust_version_string(void) MPADJUST_NOEXCEPT;

/* ==================================================================== statuses and messages */

/* Status codes. Numbers are fixed forever; a retired code keeps its slot. */
typedef enum mpadjust_status {
  MPADJUST_OK = 0,
  MPADJUST_EINVALID = -1,     /* an argument or input value is invalid (message names the field) */
  MPADJUST_ENOMEM = -2,       /* out of memory */
  MPADJUST_EBUFS = -3,        /* caller's buffer too small; required size reported */
  MPADJUST_ECREDENTIALS = -4, /* no credentials, or a credentials source is broken */
  MPADJUST_ETRANSPORT = -5,   /* network or HTTP-level failure */
  MPADJUST_ETIMEOUT = -6,     /* a timeout expired */
  MPADJUST_ESERVICE = -7,     /* the service answered with an error */
  MPADJUST_EPARSE = -8,       /* a response or file could not be parsed */
  MPADJUST_ECALLBACK = -9,    /* a user callback returned non-zero */
  MPADJUST_EINTERNAL = -10,   /* a bug in mpadjust */
  MPADJUST_ECANCELLED = -11,  /* the operation was cancelled */
  MPADJUST_ENOTFOUND = -12,   /* the thing asked for does not exist */
  MPADJUST_EAMBIGUOUS = -13,  /* several candidates match; the caller must choose */
  MPADJUST_ECONFLICT = -14,   /* a conflicting state (lock held, token reused with other content) */
  MPADJUST_EIO = -15          /* a local file could not be read or written */
} mpadjust_status;

/* Size of the thread-local buffer behind mpadjust_last_error_message(), NUL included;
 * longer messages are truncated (on a UTF-8 character boundary). */
#define MPADJUST_ERROR_MESSAGE_MAX 1024

/*
 * A short, static English description of `status` ("invalid argument", ...); an unknown
 * number gives "unknown status". Never NULL, never to be freed. Cannot fail. Thread-safe.
 * Branch on the status, never on this text.
 */
MPADJUST_API const char *mpadjust_status_str(mpadjust_status status) MPADJUST_NOEXCEPT;

/*
 * This thread's detail for the last failed call: never NULL; "" when the last fallible
 * call on this thread succeeded or none was made (every fallible function clears it on
 * entry). Borrowed: a thread-local buffer of MPADJUST_ERROR_MESSAGE_MAX bytes, valid until
 * this thread's next fallible mpadjust call; copy it out before making one. Never holds a
 * secret. Cannot fail. Thread-safe (each thread has its own message).
 */
MPADJUST_API const char *mpadjust_last_error_message(void) MPADJUST_NOEXCEPT;

/* ==================================================================== library lifecycle */

/*
 * Initialises the library's global state (libcurl's, when built with the libcurl
 * transport). Counted: each successful call must be paired with one
 * mpadjust_global_cleanup(); only the first call does work. Call it from main() or a
 * binding's load step, never from a static initialiser or DllMain.
 * Statuses: MPADJUST_OK; MPADJUST_EINTERNAL (libcurl could not initialise);
 * MPADJUST_ENOMEM. Thread-safe (serialised internally), but must not race with other
 * threads still using libcurl outside mpadjust.
 */
MPADJUST_API mpadjust_status mpadjust_global_init(void) MPADJUST_NOEXCEPT;

/*
 * Releases one mpadjust_global_init() reference; the last one frees the global state.
 * A call without a matching init does nothing. No mpadjust handle may be in use when the
 * last reference goes. Cannot fail. Thread-safe (serialised internally).
 */
MPADJUST_API void mpadjust_global_cleanup(void) MPADJUST_NOEXCEPT;

/* ==================================================================== owned buffers */

/*
 * Text the library allocated for the caller ("owned" output). `ptr` is NUL-terminated
 * (`size` excludes the NUL) or NULL when empty-initialised. Initialise with
 * MPADJUST_BUF_INIT before passing it to a function that fills it; the function
 * overwrites it without freeing it, so dispose of a filled buffer before reusing it.
 * Release only with mpadjust_buf_dispose(), never free().
 */
typedef struct mpadjust_buf {
  char *ptr;
  size_t size;
} mpadjust_buf;

#define MPADJUST_BUF_INIT { NULL, 0 }

/*
 * Frees the memory behind `buf` and resets it to { NULL, 0 }, so disposing twice is
 * harmless. Accepts NULL and an empty buffer. Cannot fail. Thread rule: `buf` is the
 * caller's; do not dispose of it from two threads at once.
 */
MPADJUST_API void mpadjust_buf_dispose(mpadjust_buf *buf) MPADJUST_NOEXCEPT;

/* ==================================================================== credentials */

/*
 * AWS credentials: a source that gives an access key id, a secret access key and an
 * optional session token, refreshing temporary ones before they expire. Opaque; made by
 * mpadjust_credentials_new_*, released by mpadjust_credentials_free. Immutable from the
 * caller's side: one handle may be shared by any number of threads and clients. Secrets
 * are copied into memory that is wiped when freed and are never readable through this API.
 */
typedef struct mpadjust_credentials mpadjust_credentials;

/*
 * Fixed long-term or temporary keys. `access_key_id` and `secret_access_key` are required
 * and non-empty; `session_token` is optional (NULL or "" for long-term keys). All strings
 * are copied. On success *out owns a new handle; on failure *out is set to NULL.
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL out or a required argument missing or
 * empty); MPADJUST_ENOMEM. Thread-safe.
 */
MPADJUST_API mpadjust_status mpadjust_credentials_new_static(mpadjust_credentials **out,
                                                             const char *access_key_id,
                                                             const char *secret_access_key,
                                                             const char *session_token) MPADJUST_NOEXCEPT;

/*
 * The default chain, as the AWS SDKs search it: environment variables, then the shared
 * config and credentials files (profile `profile`, or $AWS_PROFILE, or "default", when
 * `profile` is NULL), including its credential_process. Nothing is read until credentials
 * are first needed, and they are refreshed before they expire. `profile` is copied.
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL out, empty profile); MPADJUST_ENOMEM.
 * Later failures to find credentials surface as MPADJUST_ECREDENTIALS from the call that
 * needs them. Thread-safe.
 */
MPADJUST_API mpadjust_status mpadjust_credentials_new_default(mpadjust_credentials **out,
                                                              const char *profile) MPADJUST_NOEXCEPT;

/*
 * Only the named profile of the shared config and credentials files (~/.aws/config,
 * ~/.aws/credentials, or $AWS_CONFIG_FILE / $AWS_SHARED_CREDENTIALS_FILE), including its
 * credential_process. `profile` is required and copied. Read lazily, like the default chain.
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL out, NULL or empty profile);
 * MPADJUST_ENOMEM. Thread-safe.
 */
MPADJUST_API mpadjust_status mpadjust_credentials_new_profile(mpadjust_credentials **out,
                                                              const char *profile) MPADJUST_NOEXCEPT;

/* Releases `creds`, wiping its secrets. Accepts NULL. Cannot fail. Call it once, after every
 * user of the handle (clients, other threads) is done with it. */
MPADJUST_API void mpadjust_credentials_free(mpadjust_credentials *creds) MPADJUST_NOEXCEPT;

/*
 * The access key id the credentials currently resolve to (refreshing or loading them if
 * needed), copied into *out (owned: release with mpadjust_buf_dispose). There is
 * deliberately no getter for the secret key or the session token.
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL argument); MPADJUST_ECREDENTIALS (no
 * credentials could be found or loaded). Thread-safe.
 */
MPADJUST_API mpadjust_status mpadjust_credentials_access_key_id(mpadjust_buf *out,
                                                                const mpadjust_credentials *creds) MPADJUST_NOEXCEPT;

/* ==================================================================== SigV4 signing */

/* One HTTP header, borrowed from the caller for the duration of a call. */
typedef struct mpadjust_header {
  const char *name;
  const char *value;
} mpadjust_header;

/* How the payload enters the signature (values of mpadjust_signer_options.payload_mode). Every
 * mode but the default also adds a signed x-amz-content-sha256 header when signing headers. */
typedef enum mpadjust_payload_mode {
  MPADJUST_PAYLOAD_HASH_BODY = 0,               /* SHA-256 of the body, no extra header (default) */
  MPADJUST_PAYLOAD_HASH_BODY_SIGNED_HEADER = 1, /* also sends and signs x-amz-content-sha256 (S3) */
  MPADJUST_PAYLOAD_UNSIGNED = 2,                /* "UNSIGNED-PAYLOAD" (+ x-amz-content-sha256) */
  MPADJUST_PAYLOAD_PRECOMPUTED = 3              /* precomputed_payload_hash, verbatim (+ ditto) */
} mpadjust_payload_mode;

/* A SigV4 signature is this many lower-case hex digits (plus a NUL where one is written). */
#define MPADJUST_SIGNATURE_HEX_LEN 64

/*
 * Optional knobs of a signer; NULL options mean all defaults (every field 0/NULL is the
 * default). Fields are only ever appended. The library reads a field only when it lies
 * within struct_size; it rejects a struct_size below MPADJUST_SIGNER_OPTIONS_MIN_SIZE (the
 * first layout, which ends after expires_seconds) and accepts a larger struct_size than it
 * knows only when the unknown tail bytes are all zero.
 */
typedef struct mpadjust_signer_options {
  size_t struct_size;                   /* sizeof(mpadjust_signer_options) */
  int32_t payload_mode;                 /* an mpadjust_payload_mode; 0 = MPADJUST_PAYLOAD_HASH_BODY */
  const char *precomputed_payload_hash; /* with MPADJUST_PAYLOAD_PRECOMPUTED only: 64 lower-case
                                           hex digits or a constant ([A-Z0-9-]+); copied */
  int s3_no_path_normalization;         /* non-zero: leave "." / ".." / "//" as sent (S3) */
  int s3_no_double_encoding;            /* non-zero: encode the path once, not twice (S3) */
  int omit_session_token;               /* non-zero: send the token but leave it unsigned */
  int64_t expires_seconds;              /* presigning: 1..604800; 0 = 3600 */
  /* Lower-case names of headers never signed. NULL = the default list (user-agent, expect,
   * x-amzn-trace-id, connection, transfer-encoding, authorization, ...); non-NULL = exactly
   * these unsigned_header_count names (0 for none). Copied. */
  const char *const *unsigned_headers;
  size_t unsigned_header_count;
} mpadjust_signer_options;

#define MPADJUST_SIGNER_OPTIONS_INIT { sizeof(mpadjust_signer_options), 0, NULL, 0, 0, 0, 0, NULL, 0 }

/* The smallest struct_size accepted: the first layout (up to and including expires_seconds). */
#define MPADJUST_SIGNER_OPTIONS_MIN_SIZE \
  (offsetof(mpadjust_signer_options, expires_seconds) + sizeof(int64_t))

/*
 * Sets `opts` to the defaults for a struct of `struct_size` bytes (pass
 * sizeof(mpadjust_signer_options)): zeroes all struct_size bytes and sets struct_size. For bindings that cannot
 * use MPADJUST_SIGNER_OPTIONS_INIT.
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL opts, or struct_size below
 * MPADJUST_SIGNER_OPTIONS_MIN_SIZE). Thread rule: `opts` is the caller's.
 */
MPADJUST_API mpadjust_status mpadjust_signer_options_init(mpadjust_signer_options *opts,
                                                          size_t struct_size) MPADJUST_NOEXCEPT;

/*
 * Signs requests with AWS Signature Version 4 for one region and service. Opaque, made by
 * mpadjust_signer_new, released by mpadjust_signer_free. Immutable: one signer may be
 * shared by any number of threads. It caches derived signing keys (wiped when evicted).
 */
typedef struct mpadjust_signer mpadjust_signer;

/*
 * A new signer for `region` (e.g. "us-east-1") and `service` (e.g. "aws-marketplace"),
 * both required and copied; `opts` may be NULL (defaults) and is copied.
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL out, empty region or service, bad option
 * or struct_size; the message names the field); MPADJUST_ENOMEM. Thread-safe.
 */
MPADJUST_API mpadjust_status mpadjust_signer_new(mpadjust_signer **out, const char *region,
                                                 const char *service,
                                                 const mpadjust_signer_options *opts) MPADJUST_NOEXCEPT;

/* Releases `signer`, wiping its cached keys. Accepts NULL. Cannot fail. Call it once, after
 * every thread is done with it. */
MPADJUST_API void mpadjust_signer_free(mpadjust_signer *signer) MPADJUST_NOEXCEPT;

/*
 * The result of one signature. Opaque, made by mpadjust_signer_sign or
 * mpadjust_signer_presign, released by mpadjust_signed_request_free. Immutable: the
 * getters may be called from any thread. Every string returned by a getter is borrowed,
 * NUL-terminated, and valid until the result is freed.
 */
typedef struct mpadjust_signed_request mpadjust_signed_request;

/*
 * Signs a request in the Authorization header. `method` ("GET"), `target` (the
 * request-target as sent: path plus optional "?query", percent-encoded once) and `creds` are
 * required; `headers` (header_count entries; must include Host) are the headers the request
 * will carry; `body` may be NULL when body_len is 0. `epoch_seconds` is the signing time
 * in seconds since 1970-01-01 UTC, or 0 for now. Nothing is kept past the call.
 * On success *out owns the result: the headers to add, in order (X-Amz-Date,
 * [X-Amz-Security-Token], [x-amz-content-sha256], Authorization); on failure *out is NULL.
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (a missing or malformed argument; the message
 * names it); MPADJUST_ECREDENTIALS (`creds` could not give credentials). Thread-safe.
 */
MPADJUST_API mpadjust_status mpadjust_signer_sign(mpadjust_signed_request **out,
                                                  const mpadjust_signer *signer,
                                                  const mpadjust_credentials *creds,
                                                  const char *method, const char *target,
                                                  const mpadjust_header *headers,
                                                  size_t header_count, const void *body,
                                                  size_t body_len, int64_t epoch_seconds) MPADJUST_NOEXCEPT;

/*
 * Presigns a request in its query string (a presigned URL valid for the signer's
 * expires_seconds). Arguments as for mpadjust_signer_sign. On success *out owns the result;
 * its query (mpadjust_signed_request_query) is the complete query string to send, and it
 * has no headers to add. Statuses: MPADJUST_OK; MPADJUST_EINVALID; MPADJUST_ECREDENTIALS.
 * Thread-safe.
 */
MPADJUST_API mpadjust_status mpadjust_signer_presign(mpadjust_signed_request **out,
                                                     const mpadjust_signer *signer,
                                                     const mpadjust_credentials *creds,
                                                     const char *method, const char *target,
                                                     const mpadjust_header *headers,
                                                     size_t header_count, const void *body,
                                                     size_t body_len, int64_t epoch_seconds) MPADJUST_NOEXCEPT;

/*
 * Writes the signature of `signed_request` (MPADJUST_SIGNATURE_HEX_LEN lower-case hex
 * digits and a NUL) into the caller-owned `dst` of `cap` bytes. On MPADJUST_OK *len_out is
 * the number of digits written (MPADJUST_SIGNATURE_HEX_LEN); on MPADJUST_EBUFS nothing is
 * written and *len_out is the capacity needed (MPADJUST_SIGNATURE_HEX_LEN + 1).
 * Statuses: MPADJUST_OK; MPADJUST_EBUFS; MPADJUST_EINVALID (NULL dst, len_out or
 * signed_request). Thread-safe.
 */
MPADJUST_API mpadjust_status mpadjust_signed_request_signature_copy(
    char *dst, size_t cap, size_t *len_out, const mpadjust_signed_request *signed_request) MPADJUST_NOEXCEPT;

/* Releases `signed_request`. Accepts NULL. Cannot fail. */
MPADJUST_API void mpadjust_signed_request_free(mpadjust_signed_request *signed_request) MPADJUST_NOEXCEPT;

/* The number of headers to add to the request (0 for a presigned request, or a NULL
 * argument). Cannot fail. Thread-safe. */
MPADJUST_API size_t mpadjust_signed_request_header_count(
    const mpadjust_signed_request *signed_request) MPADJUST_NOEXCEPT;

/* The name of header `index` (< header_count), e.g. "Authorization"; NULL when index is out
 * of range or signed_request is NULL. Borrowed. Cannot fail. Thread-safe. */
MPADJUST_API const char *mpadjust_signed_request_header_name(
    const mpadjust_signed_request *signed_request, size_t index) MPADJUST_NOEXCEPT;

/* The value of header `index` (< header_count); NULL when index is out of range or
 * signed_request is NULL. Borrowed. May contain the session token (X-Amz-Security-Token):
 * never log it. Cannot fail. Thread-safe. */
MPADJUST_API const char *mpadjust_signed_request_header_value(
    const mpadjust_signed_request *signed_request, size_t index) MPADJUST_NOEXCEPT;

/* Presigned: the complete query string to send, without the leading '?' (may contain the
 * session token: never log it); header-signed: "". NULL only for a NULL argument. Borrowed.
 * Cannot fail. Thread-safe. */
MPADJUST_API const char *mpadjust_signed_request_query(
    const mpadjust_signed_request *signed_request) MPADJUST_NOEXCEPT;

/* The canonical request that was signed, with any session token replaced by "<redacted>"
 * (safe to log). NULL only for a NULL argument. Borrowed. Cannot fail. Thread-safe. */
MPADJUST_API const char *mpadjust_signed_request_canonical_request(
    const mpadjust_signed_request *signed_request) MPADJUST_NOEXCEPT;

/* The string to sign (safe to log). NULL only for a NULL argument. Borrowed. Cannot fail.
 * Thread-safe. */
MPADJUST_API const char *mpadjust_signed_request_string_to_sign(
    const mpadjust_signed_request *signed_request) MPADJUST_NOEXCEPT;

/* The signature: MPADJUST_SIGNATURE_HEX_LEN lower-case hex digits. NULL only for a NULL
 * argument. Borrowed. Cannot fail. Thread-safe. */
MPADJUST_API const char *mpadjust_signed_request_signature(
    const mpadjust_signed_request *signed_request) MPADJUST_NOEXCEPT;

/* ==================================================================== the client
 *
 * Rich results travel as JSON text (UTF-8) in an owned mpadjust_buf; JSON member names are the
 * API's camelCase. Money is always decimal text ("100.00"), never a JSON number; timestamps are
 * epoch seconds (JSON numbers, possibly with a 3-digit fraction) in the API's own output shapes
 * (cancellation requests) and UTC ISO 8601 text in the workflow's documents (agreements,
 * invoices, plans, journals).
 */

/*
 * A client of the AWS Marketplace Agreement Service: region, endpoint, credentials, transport,
 * retries (the SDKs' standard mode) and clock-skew correction. Opaque; made by
 * mpadjust_client_new, released by mpadjust_client_free. Threads: used by one thread at a time
 * (it may move between threads); mpadjust_client_cancel may be called from any thread.
 */
typedef struct mpadjust_client mpadjust_client;

/* Values of mpadjust_client_options.log_level and of the log callback's `level`. */
typedef enum mpadjust_log_level {
  MPADJUST_LOG_ERROR = 0,
  MPADJUST_LOG_WARN = 1,
  MPADJUST_LOG_INFO = 2,
  MPADJUST_LOG_DEBUG = 3
} mpadjust_log_level;

/*
 * Receives every log line at or above the configured level (`level` is an mpadjust_log_level).
 * `line` is borrowed for the duration of the call (NUL-terminated, no newline). Lines never
 * contain a secret key, session token, signature or a sensitive field (descriptions, reasons).
 * Called on the thread making the call (a worker thread during a concurrent submit); it must
 * not call back into the same client.
 */
typedef void (*mpadjust_log_fn)(int32_t level, const char *line, void *userdata);

/*
 * One request for a custom transport (mpadjust_client_options.transport). Every pointer is
 * borrowed for the duration of the callback only: copy what you keep. `headers` already
 * carry the SigV4 signature (and the session token, if any: never log header values).
 */
typedef struct mpadjust_http_request {
  const char *method;             /* "POST" */
  const char *url;                /* "https://host[:port]/path" */
  const mpadjust_header *headers; /* header_count entries */
  size_t header_count;
  const void *body;               /* body_len bytes (not NUL-terminated); non-NULL */
  size_t body_len;
} mpadjust_http_request;

/*
 * The response a custom transport fills in. Opaque; it exists only during the callback and is
 * owned by the library. Set the HTTP status once, add headers in order, append body bytes.
 */
typedef struct mpadjust_http_response mpadjust_http_response;

/*
 * Sets the response's HTTP status (100..599). Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL
 * response, status out of range). Call it only from inside the transport callback.
 */
MPADJUST_API mpadjust_status mpadjust_http_response_set_status(mpadjust_http_response *response,
                                                               int32_t http_status) MPADJUST_NOEXCEPT;

/*
 * Adds one response header; `name` and `value` are copied. Statuses: MPADJUST_OK;
 * MPADJUST_EINVALID (NULL argument, empty name, CR or LF in name or value); MPADJUST_ENOMEM.
 * Call it only from inside the transport callback.
 */
MPADJUST_API mpadjust_status mpadjust_http_response_add_header(mpadjust_http_response *response,
                                                               const char *name,
                                                               const char *value) MPADJUST_NOEXCEPT;

/*
 * Appends `len` bytes of `data` (copied; may be NULL when len is 0) to the response body.
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL response, NULL data with len > 0, body above
 * the client's response size cap); MPADJUST_ENOMEM. Call it only from inside the callback.
 */
MPADJUST_API mpadjust_status mpadjust_http_response_append_body(mpadjust_http_response *response,
                                                                const void *data,
                                                                size_t len) MPADJUST_NOEXCEPT;

/* Return values of an mpadjust_transport_fn other than 0. */
#define MPADJUST_TRANSPORT_CONNECT_FAILED 1 /* could not connect: the request was not sent */
#define MPADJUST_TRANSPORT_RECEIVE_FAILED 2 /* dropped before a full response: it may have been applied */
#define MPADJUST_TRANSPORT_TIMEOUT 3        /* no response in time */

/*
 * A custom transport: the host program sends `request` with its own HTTP stack and fills
 * `response`. Return 0 when a response of any HTTP status was received (set its status);
 * MPADJUST_TRANSPORT_CONNECT_FAILED, MPADJUST_TRANSPORT_RECEIVE_FAILED or
 * MPADJUST_TRANSPORT_TIMEOUT for network failures (retried like the built-in transport's:
 * connect failures and timeouts are retryable, a dropped response leaves a refund "in doubt");
 * any other value aborts the call with MPADJUST_ECALLBACK (not retried). Called on the thread
 * making the call (worker threads during a concurrent submit: make it thread-safe then).
 */
typedef int (*mpadjust_transport_fn)(mpadjust_http_response *response,
                                     const mpadjust_http_request *request, void *userdata);

/*
 * Optional knobs of a client; NULL options mean all defaults (every field 0/NULL). Fields are
 * only ever appended. The library reads a field only when it lies within struct_size, rejects
 * a struct_size below MPADJUST_CLIENT_OPTIONS_MIN_SIZE (this first layout) and accepts a
 * larger struct_size only when the unknown tail bytes are all zero.
 */
typedef struct mpadjust_client_options {
  size_t struct_size;          /* sizeof(mpadjust_client_options) */
  const char *endpoint;        /* NULL = AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT / AWS_ENDPOINT_URL,
                                  else the rule set's URL for the region; copied */
  const char *profile;         /* NULL = AWS_PROFILE / "default"; copied */
  const char *ca_bundle;       /* NULL = AWS_CA_BUNDLE / the system store; copied */
  uint32_t connect_timeout_ms; /* 0 = 10 000 */
  uint32_t timeout_ms;         /* total per attempt; 0 = 60 000 */
  int32_t max_attempts;        /* attempts including the first; 0 = AWS_MAX_ATTEMPTS / profile / 3 */
  int32_t log_level;           /* an mpadjust_log_level; used when log != NULL */
  mpadjust_log_fn log;         /* NULL = no logging */
  void *log_userdata;
  mpadjust_transport_fn transport; /* NULL = the built-in libcurl transport */
  void *transport_userdata;
  int32_t allow_insecure_http; /* 0 = plain http:// only to loopback hosts */
} mpadjust_client_options;

#define MPADJUST_CLIENT_OPTIONS_INIT \
  { sizeof(mpadjust_client_options), NULL, NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, 0 }

/* The smallest struct_size accepted: the first layout (up to and including allow_insecure_http). */
#define MPADJUST_CLIENT_OPTIONS_MIN_SIZE \
  (offsetof(mpadjust_client_options, allow_insecure_http) + sizeof(int32_t))

/*
 * Sets `opts` to the defaults for a struct of `struct_size` bytes (pass
 * sizeof(mpadjust_client_options)): zeroes all struct_size bytes and sets struct_size.
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL opts, or struct_size below
 * MPADJUST_CLIENT_OPTIONS_MIN_SIZE). Thread rule: `opts` is the caller's.
 */
MPADJUST_API mpadjust_status mpadjust_client_options_init(mpadjust_client_options *opts,
                                                          size_t struct_size) MPADJUST_NOEXCEPT;

/*
 * A new client. `region` NULL = AWS_REGION / AWS_DEFAULT_REGION / the profile's / "us-east-1";
 * `creds` NULL = the default chain (of opts->profile). The client keeps its own reference to
 * `creds`, so the caller may free its handle right after. Callbacks and userdata pointers in
 * `opts` are kept (they must stay valid until the client is freed); strings are copied.
 * Nothing is sent until the first operation. On failure *out is NULL.
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL out, bad option or struct_size, an invalid
 * region or endpoint; the message names it); MPADJUST_ENOMEM. Thread-safe.
 */
MPADJUST_API mpadjust_status mpadjust_client_new(mpadjust_client **out, const char *region,
                                                 const mpadjust_credentials *creds,
                                                 const mpadjust_client_options *opts) MPADJUST_NOEXCEPT;

/* Releases `client` (and its reference to the credentials). Accepts NULL. Cannot fail. No call
 * on the client may be in progress. */
MPADJUST_API void mpadjust_client_free(mpadjust_client *client) MPADJUST_NOEXCEPT;

/*
 * Aborts the call in progress on `client` (or, if none, its next call) with MPADJUST_ECANCELLED:
 * interrupts the transport, a retry backoff, mpadjust_results_wait and a submit (entries not
 * yet sent stay not sent). Accepts NULL. Cannot fail. Callable from any thread.
 */
MPADJUST_API void mpadjust_client_cancel(mpadjust_client *client) MPADJUST_NOEXCEPT;

/* The endpoint URL the client sends to. Borrowed, valid until the client is freed; "" for a
 * NULL client. Cannot fail. Thread rule: as for the client. */
MPADJUST_API const char *mpadjust_client_endpoint(const mpadjust_client *client) MPADJUST_NOEXCEPT;

/*
 * After a call on this thread failed with MPADJUST_ESERVICE: the service's error as JSON
 * (owned: release with mpadjust_buf_dispose):
 *   {"operation","httpStatus","errorType","message","requestId","reason",
 *    "fields":[{"name","message"}],"resourceId","resourceType","quotaCode","serviceCode",
 *    "throttling","retryable","attempts"}
 * Like mpadjust_last_error_message, it describes the last failed call: any later fallible call
 * on this thread other than this one clears it.
 * Statuses: MPADJUST_OK; MPADJUST_ENOTFOUND (the last failed call was not a service error, or
 * none failed); MPADJUST_EINVALID (NULL out). Thread-safe (per thread).
 */
MPADJUST_API mpadjust_status mpadjust_last_service_error_json(mpadjust_buf *out) MPADJUST_NOEXCEPT;

/* ==================================================================== agreements and invoices */

/*
 * What to look for. agreement_id is preferred (DescribeAgreement: exactly one); otherwise any
 * combination of the others (SearchAgreements as the seller, every page). NULL = not filtered;
 * at least one field must be set. Fields are only ever appended (struct_size rules as for the
 * option structs; MPADJUST_AGREEMENT_QUERY_MIN_SIZE is the first layout).
 */
typedef struct mpadjust_agreement_query {
  size_t struct_size;           /* sizeof(mpadjust_agreement_query) */
  const char *agreement_id;     /* "agmt-..." */
  const char *buyer_account_id; /* 12 digits */
  const char *offer_id;         /* "offer-..." */
  const char *product_id;       /* "prod-..." */
  const char *status;           /* ACTIVE, EXPIRED, ... */
} mpadjust_agreement_query;

#define MPADJUST_AGREEMENT_QUERY_INIT { sizeof(mpadjust_agreement_query), NULL, NULL, NULL, NULL, NULL }
#define MPADJUST_AGREEMENT_QUERY_MIN_SIZE \
  (offsetof(mpadjust_agreement_query, status) + sizeof(const char *))

/* Zeroes `query` (struct_size bytes) and sets struct_size. Statuses: MPADJUST_OK;
 * MPADJUST_EINVALID (NULL, or struct_size below MPADJUST_AGREEMENT_QUERY_MIN_SIZE). */
MPADJUST_API mpadjust_status mpadjust_agreement_query_init(mpadjust_agreement_query *query,
                                                           size_t struct_size) MPADJUST_NOEXCEPT;

/*
 * Finds agreements. The query is checked (ID patterns, 12-digit account, known status) before
 * anything is sent. On MPADJUST_OK *json_out (owned) holds
 *   {"agreements":[{"agreementId","status","agreementType","offerId","productIds":[...],
 *     "buyerAccountId","sellerAccountId","startTime","endTime","acceptanceTime"}],
 *    "warnings":["..."]}
 * with one or more candidates: the library never picks one of several, the caller chooses.
 * Times are UTC ISO 8601 text ("2026-01-05T00:00:00Z"), absent when unknown.
 * Statuses: MPADJUST_OK; MPADJUST_ENOTFOUND (no agreement matches, or the agreement_id does not
 * exist); MPADJUST_EINVALID (bad or
 * empty query); MPADJUST_ESERVICE (see mpadjust_last_service_error_json); MPADJUST_ETRANSPORT,
 * MPADJUST_ETIMEOUT, MPADJUST_ECANCELLED, MPADJUST_ECREDENTIALS. Thread rule: as for the client.
 */
MPADJUST_API mpadjust_status mpadjust_agreements_find(mpadjust_buf *json_out, mpadjust_client *client,
                                                      const mpadjust_agreement_query *query) MPADJUST_NOEXCEPT;

/* Filters of mpadjust_invoices_list; NULL filter or 0 / NULL fields = not filtered. */
typedef struct mpadjust_invoice_filter {
  size_t struct_size;             /* sizeof(mpadjust_invoice_filter) */
  int32_t period_year;            /* billing period: both year (2023..2050) and month (1..12), or neither */
  int32_t period_month;
  const char *invoice_type;       /* INVOICE | CREDIT_MEMO */
  const char *invoice_id;
  int64_t issued_after_epoch_ms;  /* 0 = not filtered */
  int64_t issued_before_epoch_ms; /* 0 = not filtered */
} mpadjust_invoice_filter;

#define MPADJUST_INVOICE_FILTER_INIT { sizeof(mpadjust_invoice_filter), 0, 0, NULL, NULL, 0, 0 }
#define MPADJUST_INVOICE_FILTER_MIN_SIZE \
  (offsetof(mpadjust_invoice_filter, issued_before_epoch_ms) + sizeof(int64_t))

/* Zeroes `filter` (struct_size bytes) and sets struct_size. Statuses: MPADJUST_OK;
 * MPADJUST_EINVALID (NULL, or struct_size below MPADJUST_INVOICE_FILTER_MIN_SIZE). */
MPADJUST_API mpadjust_status mpadjust_invoice_filter_init(mpadjust_invoice_filter *filter,
                                                          size_t struct_size) MPADJUST_NOEXCEPT;

/*
 * The invoices of `agreement_id` (required; ListAgreementInvoiceLineItems, every page). On
 * MPADJUST_OK *json_out (owned) holds
 *   {"invoices":[{"agreementId","invoiceId","invoiceType","currencyCode","amount",
 *     "maxAdjustmentAmount","billingPeriod":"YYYY-MM","issuedTime","adjustable":true|false}]}
 * (amounts as decimal text; issuedTime ISO 8601 text; billingPeriod and issuedTime absent when
 * unknown; "invoicingEntity" when the service names one; "adjustable" is false for credit
 * memos; an empty list is OK).
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (bad agreement ID or filter; the message names the
 * field); MPADJUST_ENOTFOUND (no such agreement: the service's ResourceNotFoundException);
 * MPADJUST_ESERVICE (other service errors); MPADJUST_ETRANSPORT, MPADJUST_ETIMEOUT,
 * MPADJUST_ECANCELLED. Thread rule: as for the client.
 */
MPADJUST_API mpadjust_status mpadjust_invoices_list(mpadjust_buf *json_out, mpadjust_client *client,
                                                    const char *agreement_id,
                                                    const mpadjust_invoice_filter *filter) MPADJUST_NOEXCEPT;

/* ==================================================================== refund plans
 *
 * A plan is a list of refund entries that mpadjust_plan_resolve checks against live invoice
 * data and freezes: amounts fixed ("full" resolved), a client token derived per entry. A frozen
 * plan is what mpadjust_plan_submit sends, byte for byte, however often it is re-run.
 * Threads: a plan is used by one thread at a time; a resolved plan is immutable and may be
 * read (preview, submit) from several threads at once.
 */
typedef struct mpadjust_plan mpadjust_plan;

/*
 * One refund entry, as the caller asks for it. Required: agreement_id, invoice_id, amount
 * ("full" = the invoice's whole remaining refundable amount, or a pre-tax decimal such as
 * "100.00"), currency (must equal the invoice's), reason_code (INCORRECT_TERMS_ACCEPTED,
 * INCORRECT_METERING, TEST_ENVIRONMENT_CHARGES, ALTERNATIVE_PROCUREMENT_CHANNEL,
 * UNINTENDED_RENEWAL, BUYER_DISSATISFACTION, OTHER). Optional (NULL): description (1..500
 * characters; required for OTHER; sent to AWS), support_case_id, buyer_reference and notes
 * (kept in the plan and journal, never sent). Fields are only ever appended.
 */
typedef struct mpadjust_entry {
  size_t struct_size; /* sizeof(mpadjust_entry) */
  const char *agreement_id;
  const char *invoice_id;
  const char *amount;
  const char *currency;
  const char *reason_code;
  const char *description;
  const char *support_case_id;
  const char *buyer_reference;
  const char *notes;
} mpadjust_entry;

#define MPADJUST_ENTRY_INIT { sizeof(mpadjust_entry), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
#define MPADJUST_ENTRY_MIN_SIZE (offsetof(mpadjust_entry, notes) + sizeof(const char *))

/* Zeroes `entry` (struct_size bytes) and sets struct_size. Statuses: MPADJUST_OK;
 * MPADJUST_EINVALID (NULL, or struct_size below MPADJUST_ENTRY_MIN_SIZE). */
MPADJUST_API mpadjust_status mpadjust_entry_init(mpadjust_entry *entry, size_t struct_size) MPADJUST_NOEXCEPT;

/*
 * A new, empty, unresolved plan. `plan_key` (copied; NULL = derived from the entries' content)
 * becomes part of every client token: re-using a key with the same entries gives the same
 * tokens, so the service never creates a refund twice. On failure *out is NULL.
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL out, empty plan_key); MPADJUST_ENOMEM.
 */
MPADJUST_API mpadjust_status mpadjust_plan_new(mpadjust_plan **out, const char *plan_key) MPADJUST_NOEXCEPT;

/* Releases `plan`. Accepts NULL. Cannot fail. Results made from it stay valid (they hold a copy). */
MPADJUST_API void mpadjust_plan_free(mpadjust_plan *plan) MPADJUST_NOEXCEPT;

/*
 * Appends one entry (its strings are copied). Only the shape is checked here (required fields
 * present, struct_size); everything else is checked by mpadjust_plan_resolve.
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL argument, a required field NULL, bad
 * struct_size); MPADJUST_ECONFLICT (the plan is already resolved: frozen).
 */
MPADJUST_API mpadjust_status mpadjust_plan_add_entry(mpadjust_plan *plan, const mpadjust_entry *entry) MPADJUST_NOEXCEPT;

/*
 * Appends the entries of CSV text (`len` bytes; header agreement_id,invoice_id,amount,currency,
 * reason_code,description,support_case_id,buyer_reference,notes).
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (malformed CSV, missing column; the message names the
 * line); MPADJUST_ECONFLICT (plan already resolved). Nothing is added on failure.
 */
MPADJUST_API mpadjust_status mpadjust_plan_add_csv(mpadjust_plan *plan, const char *text, size_t len) MPADJUST_NOEXCEPT;

/*
 * Appends the entries of JSON text ({"entries":[{"agreement_id",...}]} or a bare array; member
 * names as the CSV columns). Statuses: MPADJUST_OK; MPADJUST_EINVALID or MPADJUST_EPARSE
 * (malformed input, naming the entry); MPADJUST_ECONFLICT (plan already resolved). Nothing is
 * added on failure.
 */
MPADJUST_API mpadjust_status mpadjust_plan_add_json(mpadjust_plan *plan, const char *text, size_t len) MPADJUST_NOEXCEPT;

/*
 * Checks every entry against live data read with `client` (DescribeAgreement,
 * ListAgreementInvoiceLineItems; nothing is created) and freezes the plan: known reason code,
 * description, currency and its minor units, amount <= the invoice's maxAdjustmentAmount (also
 * summed over entries of one invoice), no credit memos, no duplicates. `strict_reasons`
 * non-zero treats vague descriptions as errors.
 * Statuses: MPADJUST_OK (the plan is resolved); MPADJUST_EINVALID (problems found: the last
 * error message lists every problem, one per line, each naming its field as
 * "entries[i].field: ..."; mpadjust_plan_problems gives them as JSON; the plan stays
 * unresolved); MPADJUST_ECONFLICT (already resolved); MPADJUST_ESERVICE, MPADJUST_ETRANSPORT,
 * MPADJUST_ETIMEOUT, MPADJUST_ECANCELLED. Thread rule: plan and client as stated for each.
 */
MPADJUST_API mpadjust_status mpadjust_plan_resolve(mpadjust_plan *plan, mpadjust_client *client,
                                                   int32_t strict_reasons) MPADJUST_NOEXCEPT;

/*
 * The problems the last mpadjust_plan_resolve of `plan` found, as owned JSON
 * {"problems":["entries[0].amount: ...", ...]} (an empty list when it found none or was not run).
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL argument).
 */
MPADJUST_API mpadjust_status mpadjust_plan_problems(mpadjust_buf *json_out, const mpadjust_plan *plan) MPADJUST_NOEXCEPT;

/*
 * A resolved plan from the JSON that mpadjust_plan_to_json wrote (`len` bytes). On failure *out
 * is NULL. Statuses: MPADJUST_OK; MPADJUST_EPARSE (not a plan document, or an unknown version);
 * MPADJUST_EINVALID (NULL argument, or a plan whose entries fail their checks).
 */
MPADJUST_API mpadjust_status mpadjust_plan_from_json(mpadjust_plan **out, const char *text, size_t len) MPADJUST_NOEXCEPT;

/*
 * The frozen plan as owned JSON text, to be saved and submitted later (mpadjust_plan_from_json).
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL argument, or the plan is not resolved).
 */
MPADJUST_API mpadjust_status mpadjust_plan_to_json(mpadjust_buf *out, const mpadjust_plan *plan) MPADJUST_NOEXCEPT;

/*
 * The plan as a human would check it before submitting (every entry, amounts, totals per
 * currency, warnings), as owned text. Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL argument,
 * or the plan is not resolved).
 */
MPADJUST_API mpadjust_status mpadjust_plan_preview_text(mpadjust_buf *out, const mpadjust_plan *plan) MPADJUST_NOEXCEPT;

/* The same preview as owned JSON. Statuses: as mpadjust_plan_preview_text. */
MPADJUST_API mpadjust_status mpadjust_plan_preview_json(mpadjust_buf *out, const mpadjust_plan *plan) MPADJUST_NOEXCEPT;

/* Number of entries (added so far, or of the frozen plan); 0 for NULL. Cannot fail. */
MPADJUST_API size_t mpadjust_plan_entry_count(const mpadjust_plan *plan) MPADJUST_NOEXCEPT;

/* 1 when the plan is resolved (frozen), 0 when not or for NULL. Cannot fail. */
MPADJUST_API int32_t mpadjust_plan_is_resolved(const mpadjust_plan *plan) MPADJUST_NOEXCEPT;

/* ==================================================================== submit, results, wait */

/*
 * The results of a submission, one per plan entry, in plan order. Opaque; made by
 * mpadjust_plan_submit or mpadjust_results_from_journal, released by mpadjust_results_free.
 * Holds its own copy of the plan. Threads: one thread at a time.
 */
typedef struct mpadjust_results mpadjust_results;

/* What happened to one entry (mpadjust_results_outcome). */
typedef enum mpadjust_outcome {
  MPADJUST_OUTCOME_CREATED = 0,      /* the service created it: billing adjustment request id set */
  MPADJUST_OUTCOME_ALREADY_DONE = 1, /* the journal already had it confirmed: not sent again */
  MPADJUST_OUTCOME_REJECTED = 2,     /* the service rejected it (error code and message) */
  MPADJUST_OUTCOME_IN_DOUBT = 3,     /* the call failed after it may have been applied: re-submit */
  MPADJUST_OUTCOME_NOT_SENT = 4      /* not sent (stopped, or failed before sending) */
} mpadjust_outcome;

/*
 * Progress of a submission: `done` of `total` entries handled, `failed` of them not created.
 * Return 0 to continue, non-zero to stop (entries not yet sent stay not sent; the submit then
 * returns MPADJUST_ECALLBACK). Called from one thread at a time (a worker thread when
 * concurrency > 1); it must not call into the same client.
 */
typedef int (*mpadjust_progress_fn)(size_t done, size_t total, size_t failed, void *userdata);

/* Optional knobs of mpadjust_plan_submit; NULL = defaults. struct_size rules as for the other
 * option structs (MPADJUST_SUBMIT_OPTIONS_MIN_SIZE is this first layout). */
typedef struct mpadjust_submit_options {
  size_t struct_size;          /* sizeof(mpadjust_submit_options) */
  uint32_t concurrency;        /* parallel calls (each worker has its own copy of the client);
                                  0 or 1 = sequential, at most 16 */
  mpadjust_progress_fn progress;
  void *progress_userdata;
  int32_t retry_rejected;      /* non-zero: re-send entries the journal shows as rejected */
} mpadjust_submit_options;

#define MPADJUST_SUBMIT_OPTIONS_INIT { sizeof(mpadjust_submit_options), 0, NULL, NULL, 0 }
#define MPADJUST_SUBMIT_OPTIONS_MIN_SIZE \
  (offsetof(mpadjust_submit_options, retry_rejected) + sizeof(int32_t))

/* Zeroes `opts` (struct_size bytes) and sets struct_size. Statuses: MPADJUST_OK;
 * MPADJUST_EINVALID (NULL, or struct_size below MPADJUST_SUBMIT_OPTIONS_MIN_SIZE). */
MPADJUST_API mpadjust_status mpadjust_submit_options_init(mpadjust_submit_options *opts,
                                                          size_t struct_size) MPADJUST_NOEXCEPT;

/*
 * Sends a resolved plan (BatchCreateBillingAdjustmentRequest, at most 5 entries of one
 * agreement per call). The journal at `journal_path` (NULL = the default per-user journal,
 * $XDG_STATE_HOME or ~/.local/state/mpadjust/journal.jsonl) records an fsync'd intent before
 * every call and the outcome after it; entries it shows as confirmed are not sent again and
 * in-doubt ones are re-sent with the same client token. Before sending, unsent entries are
 * re-checked against the live invoices. A refund cannot be undone: preview first.
 * On MPADJUST_OK *out owns the results (also when some entries were rejected or are in doubt:
 * inspect them); on failure *out is NULL.
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL argument, unresolved plan, bad options, or the
 * re-check found an invoice's maximum below the plan: nothing sent); MPADJUST_ECONFLICT (the
 * journal is in use by another writer); MPADJUST_EIO / MPADJUST_EPARSE (journal unwritable or
 * damaged); MPADJUST_ECALLBACK (the progress callback stopped it; what was sent is journaled).
 * Thread rule: as for the client; the plan may be shared.
 */
MPADJUST_API mpadjust_status mpadjust_plan_submit(mpadjust_results **out, const mpadjust_plan *plan,
                                                  mpadjust_client *client, const char *journal_path,
                                                  const mpadjust_submit_options *opts) MPADJUST_NOEXCEPT;

/*
 * The results of a resolved plan rebuilt from the journal (e.g. after a restart), without
 * sending anything. `journal_path` NULL = the default journal. On failure *out is NULL.
 * Statuses: MPADJUST_OK; MPADJUST_ENOTFOUND (no journal file); MPADJUST_EINVALID (NULL
 * argument, unresolved plan); MPADJUST_EIO, MPADJUST_EPARSE.
 */
MPADJUST_API mpadjust_status mpadjust_results_from_journal(mpadjust_results **out, const mpadjust_plan *plan,
                                                           const char *journal_path) MPADJUST_NOEXCEPT;

/*
 * Polls (GetBillingAdjustmentRequest) every created entry until it is COMPLETED or
 * VALIDATION_FAILED, updating `results` and journaling every new status in `journal_path`
 * (NULL = the default journal). `timeout_ms` 0 = one look at each entry.
 * Statuses: MPADJUST_OK (every created entry is final); MPADJUST_ETIMEOUT (some are still
 * PENDING); MPADJUST_ECANCELLED (mpadjust_client_cancel); in both cases `results` hold the
 * statuses seen so far; MPADJUST_ECONFLICT (journal in use); MPADJUST_ESERVICE,
 * MPADJUST_ETRANSPORT. Borrowed strings from `results` are invalidated by this call.
 */
MPADJUST_API mpadjust_status mpadjust_results_wait(mpadjust_results *results, mpadjust_client *client,
                                                   const char *journal_path, uint32_t timeout_ms) MPADJUST_NOEXCEPT;

/* Releases `results`. Accepts NULL. Cannot fail. */
MPADJUST_API void mpadjust_results_free(mpadjust_results *results) MPADJUST_NOEXCEPT;

/* Number of results (= plan entries); 0 for NULL. Cannot fail. */
MPADJUST_API size_t mpadjust_results_count(const mpadjust_results *results) MPADJUST_NOEXCEPT;

/* The mpadjust_outcome of result `index`; -1 when out of range or NULL. Cannot fail. */
MPADJUST_API int32_t mpadjust_results_outcome(const mpadjust_results *results, size_t index) MPADJUST_NOEXCEPT;

/*
 * Fields of result `i`. Borrowed, NUL-terminated, valid until the results are freed or passed
 * to mpadjust_results_wait; "" when unknown, out of range, or for NULL results. Cannot fail.
 * status is PENDING / COMPLETED / VALIDATION_FAILED once known; error_code and error_message
 * describe a rejection or an in-doubt call.
 */
MPADJUST_API const char *mpadjust_results_agreement_id(const mpadjust_results *r, size_t i) MPADJUST_NOEXCEPT;
MPADJUST_API const char *mpadjust_results_invoice_id(const mpadjust_results *r, size_t i) MPADJUST_NOEXCEPT;
MPADJUST_API const char *mpadjust_results_amount(const mpadjust_results *r, size_t i) MPADJUST_NOEXCEPT;
MPADJUST_API const char *mpadjust_results_currency(const mpadjust_results *r, size_t i) MPADJUST_NOEXCEPT;
MPADJUST_API const char *mpadjust_results_client_token(const mpadjust_results *r, size_t i) MPADJUST_NOEXCEPT;
MPADJUST_API const char *mpadjust_results_billing_adjustment_request_id(const mpadjust_results *r,
                                                                        size_t i) MPADJUST_NOEXCEPT;
MPADJUST_API const char *mpadjust_results_status(const mpadjust_results *r, size_t i) MPADJUST_NOEXCEPT;
MPADJUST_API const char *mpadjust_results_status_message(const mpadjust_results *r, size_t i) MPADJUST_NOEXCEPT;
MPADJUST_API const char *mpadjust_results_error_code(const mpadjust_results *r, size_t i) MPADJUST_NOEXCEPT;
MPADJUST_API const char *mpadjust_results_error_message(const mpadjust_results *r, size_t i) MPADJUST_NOEXCEPT;

/*
 * Every result as owned JSON {"results":[{"agreementId","invoiceId","amount","currency",
 * "clientToken","entryKey","outcome":"created|already_done|rejected|in_doubt|not_sent",
 * "billingAdjustmentRequestId","requestId","status","statusMessage","errorCode","errorMessage"}]}.
 * Statuses: MPADJUST_OK; MPADJUST_EINVALID (NULL argument).
 */
MPADJUST_API mpadjust_status mpadjust_results_json(mpadjust_buf *out, const mpadjust_results *results) MPADJUST_NOEXCEPT;

/* ==================================================================== the journal */

/*
 * Every entry of the journal at `journal_path` (NULL = the default journal), folded to its
 * latest state, as owned JSON {"entries":[{"state":"planned|in_doubt|confirmed|failed",
 * "displayStatus","planKey","entryKey","clientToken","agreementId","invoiceId","amount",
 * "currency","reasonCode","description","supportCaseId","buyerReference","notes","requestId",
 * "billingAdjustmentRequestId","status","statusMessage","errorCode","errorMessage","created",
 * "updated","attempts"}],"warnings":["..."]}. Reads without locking.
 * Statuses: MPADJUST_OK; MPADJUST_ENOTFOUND (no journal file); MPADJUST_EIO; MPADJUST_EPARSE
 * (damaged journal, naming the line). Thread-safe.
 */
MPADJUST_API mpadjust_status mpadjust_journal_list_json(mpadjust_buf *out, const char *journal_path) MPADJUST_NOEXCEPT;

/*
 * The journal as owned RFC 4180 CSV for reconciliation (header created,updated,agreement_id,
 * invoice_id,amount,currency,reason_code,description,support_case_id,buyer_reference,notes,
 * billing_adjustment_request_id,status,message,client_token,plan_key,entry_key; cells that
 * start with = + - @ get a leading apostrophe). Statuses: as mpadjust_journal_list_json.
 */
MPADJUST_API mpadjust_status mpadjust_journal_export_csv(mpadjust_buf *out, const char *journal_path) MPADJUST_NOEXCEPT;

/* ==================================================================== the refund request form
 *
 * The seller portal's "Request Refund" support form (the traditional route), filled from
 * validated data. Nothing is sent.
 */
typedef struct mpadjust_refund_form_input {
  size_t struct_size;                   /* sizeof(mpadjust_refund_form_input) */
  const char *buyer_account_id;         /* 12 digits */
  const char *buyer_email;
  const char *seller_account_id;        /* 12 digits */
  const char *product_id;               /* prod-... */
  const char *offer_id;                 /* offer-... */
  const char *billing_period;           /* YYYY-MM */
  const char *invoice_id;
  const char *amount;                   /* pre-tax decimal */
  const char *currency;
  int32_t full;                         /* non-zero: a full refund */
  int32_t subscription_cancelled;       /* non-zero: the subscription was cancelled */
  const char *annual_subscription_date; /* YYYY-MM-DD, annual subscriptions only; NULL */
  const char *reason;
} mpadjust_refund_form_input;

#define MPADJUST_REFUND_FORM_INPUT_INIT \
  { sizeof(mpadjust_refund_form_input), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL }
#define MPADJUST_REFUND_FORM_INPUT_MIN_SIZE \
  (offsetof(mpadjust_refund_form_input, reason) + sizeof(const char *))

/* Zeroes `input` (struct_size bytes) and sets struct_size. Statuses: MPADJUST_OK;
 * MPADJUST_EINVALID (NULL, or struct_size below MPADJUST_REFUND_FORM_INPUT_MIN_SIZE). */
MPADJUST_API mpadjust_status mpadjust_refund_form_input_init(mpadjust_refund_form_input *input,
                                                             size_t struct_size) MPADJUST_NOEXCEPT;

/*
 * The filled form as owned text: one "Label: value" line per field, then "Additional comments:"
 * and the free text. Statuses: MPADJUST_OK; MPADJUST_EINVALID (every invalid field listed in the
 * message, one per line). Thread-safe.
 */
MPADJUST_API mpadjust_status mpadjust_refund_form_text(mpadjust_buf *text_out,
                                                       const mpadjust_refund_form_input *input) MPADJUST_NOEXCEPT;

/* The filled form as owned JSON {"fields":[{"label","value"}],"additionalComments"}.
 * Statuses: as mpadjust_refund_form_text. */
MPADJUST_API mpadjust_status mpadjust_refund_form_json(mpadjust_buf *json_out,
                                                       const mpadjust_refund_form_input *input) MPADJUST_NOEXCEPT;

/* ==================================================================== agreement cancellation
 *
 * Cancellation requests END an agreement (after the buyer approves); they are never part of a
 * refund. Outputs are the API's JSON (the operation's output shape, camelCase members,
 * timestamps as epoch seconds), owned. Statuses of each: MPADJUST_OK; MPADJUST_EINVALID (bad
 * argument, checked before sending; the message names it); MPADJUST_ESERVICE (see
 * mpadjust_last_service_error_json); MPADJUST_ETRANSPORT, MPADJUST_ETIMEOUT,
 * MPADJUST_ECANCELLED. Thread rule: as for the client.
 */

/* SendAgreementCancellationRequest. `description` NULL = none; `client_token` NULL = generated. */
MPADJUST_API mpadjust_status mpadjust_cancellation_send(mpadjust_buf *json_out, mpadjust_client *client,
                                                        const char *agreement_id, const char *reason_code,
                                                        const char *description,
                                                        const char *client_token) MPADJUST_NOEXCEPT;

/* GetAgreementCancellationRequest. */
MPADJUST_API mpadjust_status mpadjust_cancellation_get(mpadjust_buf *json_out, mpadjust_client *client,
                                                       const char *agreement_id,
                                                       const char *cancellation_request_id) MPADJUST_NOEXCEPT;

/* ListAgreementCancellationRequests as the seller (party type Proposer), every page merged into
 * one {"items":[...]}. `agreement_id` NULL = all agreements; `status` NULL = any status. */
MPADJUST_API mpadjust_status mpadjust_cancellation_list(mpadjust_buf *json_out, mpadjust_client *client,
                                                        const char *agreement_id,
                                                        const char *status) MPADJUST_NOEXCEPT;

/* CancelAgreementCancellationRequest: withdraws a pending request; `reason` required. */
MPADJUST_API mpadjust_status mpadjust_cancellation_withdraw(mpadjust_buf *json_out, mpadjust_client *client,
                                                            const char *agreement_id,
                                                            const char *cancellation_request_id,
                                                            const char *reason) MPADJUST_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* MPADJUST_H */
