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

/* ==================================================================== (client and workflow
 * functions follow in later sections) */

#ifdef __cplusplus
}
#endif

#endif /* MPADJUST_H */
