// Transport-independent parts of mpadjust/http.hpp: header lookup, the User-Agent, and the
// factory used when the library is built without libcurl. Builds without libcurl.
#include <sys/utsname.h>

#include <cstring>

#include <mpadjust/http.hpp>

#include "core/version.hpp"
#include "http/url.hpp"
#include "http/user_agent.hpp"

namespace mpadjust {
inline namespace v1 {

namespace {
#define MPADJUST_STR2(x) #x
#define MPADJUST_STR(x) MPADJUST_STR2(x)

// "md/<compiler>#<version>" per sdk-conventions.md §3 (aws-sdk-cpp: md/<compiler>).
const char* compiler_component() noexcept {
#if defined(__clang__)
  return "md/Clang#" MPADJUST_STR(__clang_major__) "." MPADJUST_STR(__clang_minor__) "." MPADJUST_STR(
      __clang_patchlevel__);
#elif defined(__GNUC__)
  return "md/GCC#" MPADJUST_STR(__GNUC__) "." MPADJUST_STR(__GNUC_MINOR__) "." MPADJUST_STR(__GNUC_PATCHLEVEL__);
#elif defined(_MSC_VER)
  return "md/MSVC#" MPADJUST_STR(_MSC_VER);
#else
  return "md/unknown-compiler";
#endif
}

const char* os_family() noexcept {
#if defined(__linux__)
  return "linux";
#elif defined(__APPLE__)
  return "macos";
#elif defined(_WIN32)
  return "windows";
#else
  return "other";
#endif
}
}  // namespace

std::optional<std::string_view> http_response::header(std::string_view name) const {
  for (const auto& h : headers)
    if (detail::iequals_ascii(h.name, name)) return std::string_view(h.value);
  return std::nullopt;
}

namespace detail {

std::string sanitize_ua_token(std::string_view text, bool allow_hash) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    (c != '\0' && std::strchr("!$%&'*+-.^_`|~,", c) != nullptr) || (allow_hash && c == '#');
    out.push_back(ok ? c : '-');
  }
  return out;
}

std::string ua_component(std::string_view prefix, std::string_view name, std::string_view value) {
  std::string out = sanitize_ua_token(prefix, false);
  out += '/';
  out += sanitize_ua_token(name, false);
  if (!value.empty()) {
    out += '#';
    out += sanitize_ua_token(value, true);
  }
  return out;
}

std::string build_user_agent(const environment& env, std::string_view os_release, std::string_view arch) {
  std::string release(os_release), machine(arch);
  if (release.empty() || machine.empty()) {
    struct utsname u {};
    if (uname(&u) == 0) {
      if (release.empty()) release = u.release;
      if (machine.empty()) machine = u.machine;
    }
  }
  const char* ver = version_string();
  std::string ua = "mpadjust/" + sanitize_ua_token(ver, false);
  ua += " ua/2.1 ";
  ua += ua_component("os", os_family(), release);
  if (!machine.empty()) ua += " " + ua_component("md", "arch", machine);
  ua += " lang/c++#" + std::to_string(__cplusplus / 100 % 100);  // 201703L -> "17"
  ua += " ";
  ua += compiler_component();
  ua += " " + ua_component("api", "marketplace-agreement", ver);
  if (env.get) {
    if (auto exec_env = env.get("AWS_EXECUTION_ENV"); exec_env && !exec_env->empty())
      ua += " exec-env/" + sanitize_ua_token(*exec_env, false);
    if (auto app = env.get("AWS_SDK_UA_APP_ID"); app && !app->empty()) {
      // "String with maximum length of 50" (SDK reference, Application ID).
      ua += " app/" + sanitize_ua_token(std::string_view(*app).substr(0, 50), false);
    }
  }
  return ua;
}

}  // namespace detail

std::string default_user_agent() { return detail::build_user_agent(environment::process()); }

#if !defined(MPADJUST_WITH_CURL)
std::unique_ptr<transport> make_default_transport(const transport_options&) {
  throw error(MPADJUST_EINVALID,
              "mpadjust was built without libcurl (MPADJUST_WITH_CURL=OFF): there is no default "
              "transport; pass your own mpadjust::transport");
}
#endif

}  // namespace v1
}  // namespace mpadjust
