#pragma once
namespace mpadjust {
inline namespace v1 {
// "1.0.0": the library's version, as the build set it.
const char* version_string() noexcept;
}  // namespace v1
}  // namespace mpadjust
