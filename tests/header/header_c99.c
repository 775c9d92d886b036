/* tests/header: include/mpadjust.h compiled alone as strict C99 (-Wall -Wextra -pedantic
 * -Werror), included twice (include guard), and every declaration's address taken so a
 * prototype that does not match its use fails to compile. */
#include <mpadjust.h>
#include <mpadjust.h>

#include <stdio.h>
#include <string.h>

#if !defined(MPADJUST_VERSION_MAJOR) || MPADJUST_VERSION_NUMBER != \
    (MPADJUST_VERSION_MAJOR * 10000 + MPADJUST_VERSION_MINOR * 100 + MPADJUST_VERSION_PATCH)
#error "version macros"
#endif

int main(void) {
  mpadjust_signer_options opts = MPADJUST_SIGNER_OPTIONS_INIT;
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  mpadjust_header h = {"Host", "example.amazonaws.com"};
  char expected[32];
  (void)h;
  (void)buf;
  if (opts.struct_size != sizeof opts || MPADJUST_SIGNER_OPTIONS_MIN_SIZE > sizeof opts) return 1;
  sprintf(expected, "%d.%d.%d", MPADJUST_VERSION_MAJOR, MPADJUST_VERSION_MINOR, MPADJUST_VERSION_PATCH);
  if (mpadjust_version_number() != MPADJUST_VERSION_NUMBER) return 2;
  if (strcmp(mpadjust_version_string(), expected) != 0) return 3;
  printf("C99: mpadjust %s\n", mpadjust_version_string());
  return 0;
}
