// tests/header: include/mpadjust.h compiled alone as C++17 (-Wall -Wextra -pedantic -Werror):
// extern "C" linkage, every exported function noexcept, and the options macro usable.
#include <mpadjust.h>
#include <mpadjust.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>

static_assert(noexcept(mpadjust_status_str(MPADJUST_OK)), "C ABI functions are noexcept");
static_assert(noexcept(mpadjust_signer_free(nullptr)), "C ABI functions are noexcept");
static_assert(std::is_standard_layout<mpadjust_signer_options>::value, "C layout");
static_assert(sizeof(mpadjust_status) == sizeof(int), "status is int-sized");
static_assert(std::is_same<decltype(mpadjust_signer_new), mpadjust_status(mpadjust_signer**, const char*, const char*,
                                                                          const mpadjust_signer_options*) noexcept>::value,
              "extern \"C\" prototype");

int main() {
  mpadjust_signer_options opts = MPADJUST_SIGNER_OPTIONS_INIT;
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  if (opts.struct_size != sizeof opts || buf.ptr != nullptr) return 1;
  const std::string expected = std::to_string(MPADJUST_VERSION_MAJOR) + "." +
                               std::to_string(MPADJUST_VERSION_MINOR) + "." +
                               std::to_string(MPADJUST_VERSION_PATCH);
  if (mpadjust_version_number() != MPADJUST_VERSION_NUMBER) return 2;
  if (expected != mpadjust_version_string()) return 3;
  std::printf("C++17: mpadjust %s\n", mpadjust_version_string());
  return 0;
}
