// Version information shared by the C++ and C layers.
#include "core/version.hpp"

namespace mpadjust {
inline namespace v1 {

const char* version_string() noexcept { return MPADJUST_VERSION_STRING; }

}  // namespace v1
}  // namespace mpadjust
