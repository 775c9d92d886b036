// validate.hpp - checks operation inputs against the model's constraints before sending.
// Each function throws mpadjust::error(MPADJUST_EINVALID) whose field() is the JSON path of the
// offending member ("billingAdjustmentRequestEntries[2].clientToken") and whose message says
// what is wrong. Sensitive values are never echoed in messages.
#pragma once

#include <string_view>

#include <mpadjust/model.hpp>

namespace mpadjust {
inline namespace v1 {
namespace detail {

void validate(const describe_agreement_input& in);
void validate(const search_agreements_input& in);
void validate(const get_agreement_terms_input& in);
void validate(const list_agreement_invoice_line_items_input& in);
void validate(const batch_create_billing_adjustment_request_input& in);
void validate(const get_billing_adjustment_request_input& in);
void validate(const list_billing_adjustment_requests_input& in);
void validate(const send_agreement_cancellation_request_input& in);
void validate(const get_agreement_cancellation_request_input& in);
void validate(const list_agreement_cancellation_requests_input& in);
void validate(const cancel_agreement_cancellation_request_input& in);

// Most batch entries per BatchCreateBillingAdjustmentRequest call (Seller Guide: "up to 5").
constexpr std::size_t max_batch_entries = 5;

// Number of Unicode code points of UTF-8 text, or -1 when it is not valid UTF-8.
long utf8_length(std::string_view s) noexcept;
// Offset of the first byte that does not start a valid UTF-8 sequence (overlong forms,
// surrogates and code points above U+10FFFF are invalid), or npos when all of `s` is UTF-8.
std::size_t invalid_utf8_offset(std::string_view s) noexcept;

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
