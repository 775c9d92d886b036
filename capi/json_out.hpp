// capi/json_out.hpp - JSON renderings of the workflow's C++ results for the C ABI (conversion
// only: each function writes the fields of a C++ value, with the API's camelCase names, using
// RapidJSON's writer). Private to capi/.
#pragma once

#include <string>
#include <vector>

#include <mpadjust/adjustment.hpp>
#include <mpadjust/client.hpp>
#include <mpadjust/journal.hpp>

namespace mpadjust {
namespace capi {

// {"agreements":[{...}],"warnings":[...]}; times as UTC ISO 8601 text, absent when unknown.
// {"invoices":[{...}]}
// {"results":[{...}]}
// {"entries":[{...}],"warnings":[...]}
// {"operation","httpStatus","errorType","message","requestId","reason","fields":[...],...}
std::string service_error_json(const service_error_info& info);
// {"problems":[...]}
std::string problems_json(const std::vector<std::string>& problems);
// {"fields":[{"label","value"}],"additionalComments"}
// "Label: value" lines, a blank line, "Additional comments:" and the free text.

}  // namespace capi
}  // namespace mpadjust
