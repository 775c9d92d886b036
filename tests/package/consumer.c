/* A minimal C consumer of an installed (or in-tree) mpadjust: checks that the header and the
 * library agree, signs the SigV4 test suite's get-vanilla request (aws-sig-v4-test-suite,
 * expected signature from its header-signature.txt) and prints the version. */
#include <mpadjust.h>

#include <stdio.h>
#include <string.h>

#ifndef EXPECTED_VERSION
#error "EXPECTED_VERSION must be defined"
#endif

static int fail(const char *what, mpadjust_status s) {
  fprintf(stderr, "consumer: %s: %s (%s)\n", what, mpadjust_status_str(s), mpadjust_last_error_message());
  return 1;
}

int main(void) {
  static const char expected_signature[] =
      "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
  mpadjust_header host = {"Host", "example.amazonaws.com"};
  mpadjust_credentials *creds = NULL;
  mpadjust_signer *signer = NULL;
  mpadjust_signed_request *signed_request = NULL;
  mpadjust_status s;
  int rc = 0;

  if (mpadjust_version_number() != MPADJUST_VERSION_NUMBER ||
      strcmp(mpadjust_version_string(), EXPECTED_VERSION) != 0) {
    fprintf(stderr, "consumer: library %s, header %d, expected %s\n", mpadjust_version_string(),
            MPADJUST_VERSION_NUMBER, EXPECTED_VERSION);
    return 1;
  }
  if ((s = mpadjust_global_init()) != MPADJUST_OK) return fail("global_init", s);
  if ((s = mpadjust_credentials_new_static(&creds, "AKIDEXAMPLE",
                                           "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL)) != MPADJUST_OK)
    rc = fail("credentials", s);
  else if ((s = mpadjust_signer_new(&signer, "us-east-1", "service", NULL)) != MPADJUST_OK)
    rc = fail("signer", s);
  /* 2015-08-30T12:36:00Z */
  else if ((s = mpadjust_signer_sign(&signed_request, signer, creds, "GET", "/", &host, 1, NULL, 0,
                                     1440938160)) != MPADJUST_OK)
    rc = fail("sign", s);
  else if (strcmp(mpadjust_signed_request_signature(signed_request), expected_signature) != 0) {
    fprintf(stderr, "consumer: signature %s\n", mpadjust_signed_request_signature(signed_request));
    rc = 1;
  }
  mpadjust_signed_request_free(signed_request);
  mpadjust_signer_free(signer);
  mpadjust_credentials_free(creds);
  mpadjust_global_cleanup();
  if (rc == 0) printf("mpadjust %s\n", mpadjust_version_string());
  return rc;
}
