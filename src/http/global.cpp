// Counted, thread-safe process-wide initialisation (libcurl's curl_global_init). Builds
// without libcurl (then it only counts).
#include "http/global.hpp"

#include <mutex>

#include <mpadjust/error.hpp>

#if defined(MPADJUST_WITH_CURL)
#include <curl/curl.h>
#endif

namespace mpadjust {
inline namespace v1 {
namespace detail {

namespace {
// The only mutable process-wide state: the init counter and its lock (function-local statics,
// so nothing runs from a static initialiser).
struct global_state {
  std::mutex lock;
  int count = 0;           // outstanding global_init() calls
  bool initialised = false;  // libcurl initialised by us
  bool implicit = false;   // initialised by ensure_global_init(): never released
};
global_state& state() {
  static global_state s;
  return s;
}

void init_backend() {
#if defined(MPADJUST_WITH_CURL)
  const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK)
    throw error(MPADJUST_EINTERNAL, std::string("curl_global_init failed: ") + curl_easy_strerror(rc));
#endif
}
void cleanup_backend() noexcept {
#if defined(MPADJUST_WITH_CURL)
  curl_global_cleanup();
#endif
}
}  // namespace

void global_init() {
  global_state& s = state();
  std::lock_guard<std::mutex> g(s.lock);
  if (!s.initialised) {
    init_backend();
    s.initialised = true;
  }
  ++s.count;
}

void global_cleanup() noexcept {
  global_state& s = state();
  std::lock_guard<std::mutex> g(s.lock);
  if (s.count == 0) return;
  if (--s.count == 0 && s.initialised && !s.implicit) {
    cleanup_backend();
    s.initialised = false;
  }
}

void ensure_global_init() {
  global_state& s = state();
  std::lock_guard<std::mutex> g(s.lock);
  if (s.initialised) return;
  init_backend();
  s.initialised = true;
  s.implicit = true;
}

int global_init_count() noexcept {
  global_state& s = state();
  std::lock_guard<std::mutex> g(s.lock);
  return s.count;
}

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
