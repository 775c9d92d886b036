// The C ABI's exception barrier (capi/guard.hpp), white-box: every kind of exception maps to
// its status, the message is kept, truncated on a UTF-8 boundary, and cleared on entry.
#include <doctest/doctest.h>

#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#include <mpadjust.h>
#include <mpadjust/error.hpp>

#include "../../capi/guard.hpp"

namespace {

// A subclass, as other modules define (service errors with more detail).
class service_error : public mpadjust::error {
 public:
  service_error() : mpadjust::error(MPADJUST_ESERVICE, "ThrottlingException: slow down") {}
};

bool valid_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

}  // namespace

TEST_CASE("capi: the guard maps each exception to its status and keeps the message") {
  using mpadjust::capi::guard;
  CHECK(guard([] {}) == MPADJUST_OK);
  CHECK(std::string(mpadjust_last_error_message()).empty());

  CHECK(guard([] { throw mpadjust::invalid_field("region", "must not be empty"); }) == MPADJUST_EINVALID);
  CHECK(std::string(mpadjust_last_error_message()) == "region: must not be empty");

  CHECK(guard([] { throw service_error(); }) == MPADJUST_ESERVICE);
  CHECK(std::string(mpadjust_last_error_message()) == "ThrottlingException: slow down");

  CHECK(guard([] { throw std::bad_alloc(); }) == MPADJUST_ENOMEM);
  CHECK(std::string(mpadjust_last_error_message()) == "out of memory");

  CHECK(guard([] { throw std::out_of_range("vector index"); }) == MPADJUST_EINTERNAL);
  CHECK(std::string(mpadjust_last_error_message()) == "vector index");

  CHECK(guard([] { throw 42; }) == MPADJUST_EINTERNAL);
  CHECK(std::string(mpadjust_last_error_message()) == "unknown exception");

  // An mpadjust::error carrying a non-error status must not look like success.
  CHECK(guard([] { throw mpadjust::error(MPADJUST_OK, "confused"); }) == MPADJUST_EINTERNAL);

  // An empty message falls back to the status text.
  CHECK(guard([] { throw mpadjust::error(MPADJUST_ETIMEOUT, ""); }) == MPADJUST_ETIMEOUT);
  CHECK(std::string(mpadjust_last_error_message()) == mpadjust_status_str(MPADJUST_ETIMEOUT));

  // Entry clears: a later success leaves "".
  CHECK(guard([] {}) == MPADJUST_OK);
  CHECK(std::string(mpadjust_last_error_message()).empty());
}

TEST_CASE("capi: a long message is truncated to the buffer on a UTF-8 character boundary") {
  for (size_t prefix = 0; prefix < 4; ++prefix) {
    std::string text(prefix, 'a');
    for (int i = 0; i < 600; ++i) text += "\xE2\x82\xAC";  // U+20AC, 3 bytes
    CHECK(mpadjust::capi::guard([&] { throw mpadjust::error(MPADJUST_EPARSE, text); }) == MPADJUST_EPARSE);
    const std::string got = mpadjust_last_error_message();
    CHECK(got.size() <= MPADJUST_ERROR_MESSAGE_MAX - 1);
    CHECK(got.size() >= MPADJUST_ERROR_MESSAGE_MAX - 4);
    CHECK(valid_utf8(got));
    CHECK(text.compare(0, got.size(), got) == 0);  // a prefix of the original
  }
  // Exactly at the limit: kept whole.
  const std::string exact(MPADJUST_ERROR_MESSAGE_MAX - 1, 'x');
  mpadjust::capi::guard([&] { throw mpadjust::error(MPADJUST_EIO, exact); });
  CHECK(std::string(mpadjust_last_error_message()) == exact);
}

TEST_CASE("capi: the guard keeps a service error's details until the next guarded call") {
  using mpadjust::capi::guard;
  using mpadjust::capi::guard_keep_service_error;
  using mpadjust::capi::last_service_error;
  mpadjust::service_error_info info;
  info.operation = "DescribeAgreement";
  info.http_status = 404;
  info.error_type = "ResourceNotFoundException";
  info.message = "no such agreement";
  info.request_id = "req-1";
  info.fields.push_back({"agreementId", "unknown"});

  CHECK(guard([&] { throw mpadjust::service_error(info); }) == MPADJUST_ESERVICE);
  REQUIRE(last_service_error() != nullptr);
  CHECK(last_service_error()->error_type == "ResourceNotFoundException");
  CHECK(last_service_error()->http_status == 404);
  REQUIRE(last_service_error()->fields.size() == 1);
  CHECK(last_service_error()->fields[0].name == "agreementId");

  // The reading function's guard keeps it (and still clears the message on success).
  CHECK(guard_keep_service_error([] {}) == MPADJUST_OK);
  REQUIRE(last_service_error() != nullptr);
  CHECK(std::string(mpadjust_last_error_message()).empty());

  // Any other guarded call clears it, whether it succeeds or fails otherwise.
  CHECK(guard([] { throw mpadjust::error(MPADJUST_ETIMEOUT, "slow"); }) == MPADJUST_ETIMEOUT);
  CHECK(last_service_error() == nullptr);
  CHECK(guard([&] { throw mpadjust::service_error(info); }) == MPADJUST_ESERVICE);
  CHECK(guard([] {}) == MPADJUST_OK);
  CHECK(last_service_error() == nullptr);
}
