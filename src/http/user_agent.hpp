// Private: User-Agent construction (sdk-conventions.md §3).
#pragma once

#include <string>
#include <string_view>

#include <mpadjust/credentials.hpp>

namespace mpadjust {
inline namespace v1 {
namespace detail {

// Replaces every character outside A-Za-z0-9!$%&'*+-.^_`|~, (and '#' when allow_hash) by '-'.
std::string sanitize_ua_token(std::string_view text, bool allow_hash);

// "<prefix>/<name>" or "<prefix>/<name>#<value>" with each part sanitised ('#' kept only in value).
std::string ua_component(std::string_view prefix, std::string_view name, std::string_view value = {});

// The user agent with values read through `env` (AWS_SDK_UA_APP_ID, AWS_EXECUTION_ENV) and the
// given OS release/architecture (uname when empty).
std::string build_user_agent(const environment& env, std::string_view os_release = {},
                             std::string_view arch = {});

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
