// Private to the workflow module: text checks, hashing and small helpers shared by the
// workflow's source files.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <mpadjust/adjustment.hpp>

#include "client/validate.hpp"

namespace mpadjust {
inline namespace v1 {
namespace workflow_detail {

// Lower-case hex SHA-256 of `data` (64 characters). Throws MPADJUST_EINTERNAL on OpenSSL failure.
std::string sha256_hex(std::string_view data);

// Appends "<decimal length>:<bytes>;" to out: an unambiguous encoding of a list of strings.
void append_framed(std::string& out, std::string_view field);

// Number of Unicode code points when `text` is valid UTF-8 (no overlongs, no surrogates),
// else -1 (the client's validator, client/validate.hpp).
using detail::utf8_length;

// "x" with non-printable bytes as \xHH and long text shortened, for error messages.
std::string quoted(std::string_view text, std::size_t limit = 48);

// The API's ResourceId / AgreementId: 1..64 of [A-Za-z0-9_/-].
bool is_resource_id(std::string_view s) noexcept;
// ClientToken: 1..64 of [a-zA-Z0-9-].
bool is_client_token(std::string_view s) noexcept;
// Exactly 12 ASCII digits.
bool is_account_id(std::string_view s) noexcept;
// A C0 control character or DEL other than those in `allowed`.
bool has_control(std::string_view s, std::string_view allowed = {}) noexcept;

// Checks an agreement ID; returns "" or the problem (without the field prefix).
std::string agreement_id_problem(std::string_view id);
// Checks an invoice ID (1..255 characters, UTF-8, no control characters, no surrounding spaces).
std::string invoice_id_problem(std::string_view id);

// The first `field` of a "field: message" problem ("" when it has none).
std::string field_of(const std::string& problem);

// UTC ISO 8601 text of a timestamp ("2025-01-05T18:59:09Z") and of now.
std::string iso8601(timestamp t);
std::string now_iso8601();
// "2025-01" from a billing period.
std::string period_text(const invoice_billing_period& p);

// Left-aligned text table: rows[0] is the header. Columns separated by two spaces.
std::string text_table(const std::vector<std::vector<std::string>>& rows,
                       const std::vector<bool>& right_align = {});

// The content of an entry that its tokens are derived from.
std::string token_material(std::string_view plan_key, const plan_entry& e);
std::string derive_client_token(std::string_view plan_key, const plan_entry& e);
std::string derive_entry_key(std::string_view plan_key, const plan_entry& e);

}  // namespace workflow_detail
}  // namespace v1
}  // namespace mpadjust
