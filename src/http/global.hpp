// Private: process-wide initialisation of the HTTP stack (libcurl's curl_global_init).
// Never called from static initialisers; the C ABI's mpadjust_global_init/_cleanup call these.
#pragma once

namespace mpadjust {
inline namespace v1 {
namespace detail {

// Counted and thread-safe: the first call initialises libcurl (curl_global_init), later calls
// only count. Throws mpadjust::error(MPADJUST_EINTERNAL) if libcurl cannot be initialised.
void global_init();

// Undoes one global_init(); the call that brings the count to zero releases libcurl, unless
// ensure_global_init() had to initialise it on its own (then it stays up until exit).
// Calls without a matching global_init() are ignored.
void global_cleanup() noexcept;

// Called by every transport before it makes a curl handle: initialises libcurl once if the
// application never called global_init(). Thread-safe. Throws like global_init().
void ensure_global_init();

// How many global_init() calls are outstanding (tests).
int global_init_count() noexcept;

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
