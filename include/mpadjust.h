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

#define MPADJUST_VERSION_MAJOR 1
#define MPADJUST_VERSION_MINOR 0
#define MPADJUST_VERSION_PATCH 0
#define MPADJUST_VERSION_NUMBER \
  (MPADJUST_VERSION_MAJOR * 10000 + MPADJUST_VERSION_MINOR * 100 + MPADJUST_VERSION_PATCH)

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

/* Size of the thread-local buffer behind mpadjust_last_error_message(). */
#define MPADJUST_ERROR_MESSAGE_MAX 1024

#ifdef __cplusplus
}
#endif

#endif /* MPADJUST_H */
