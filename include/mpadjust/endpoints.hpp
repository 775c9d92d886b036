// mpadjust/endpoints.hpp - where requests go: the Agreement Service endpoint rule set
// (endpoint-rule-set-1.json: Region, UseFIPS, UseDualStack, Endpoint) and the AWS partitions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <mpadjust/credentials.hpp>  // environment
#include <mpadjust/error.hpp>

namespace mpadjust {
inline namespace v1 {

// The rule set's parameters.
struct endpoint_params {
  std::optional<std::string> region;    // AWS::Region
  bool use_fips = false;                // AWS::UseFIPS
  bool use_dual_stack = false;          // AWS::UseDualStack
  std::optional<std::string> endpoint;  // SDK::Endpoint (custom endpoint URL)
};

// The endpoint URL for `params`, as the rule set gives it ("https://agreement-marketplace.
// us-east-1.amazonaws.com"; a custom endpoint verbatim). Throws mpadjust::error(MPADJUST_EINVALID)
// with the rule's exact message ("Invalid Configuration: FIPS and custom endpoint are not
// supported", "Invalid Configuration: Missing Region", ...), or naming field "region" / "endpoint"
// when the region is not a DNS label or the custom endpoint is not an http(s) URL with a host.
std::string resolve_endpoint(const endpoint_params& params);

// One AWS partition (facts of the standard partitions.json).
struct partition_info {
  std::string_view id;                    // "aws", "aws-cn", "aws-us-gov", "aws-iso", ...
  std::string_view dns_suffix;            // "amazonaws.com"
  std::string_view dual_stack_dns_suffix; // "api.aws"
  bool supports_fips = true;
  bool supports_dual_stack = true;
  std::string_view implicit_global_region;
};

// The rules' aws.partition(region): a partition's own region names (its "<id>-global"
// pseudo-region included) first, then the partitions' region patterns, else "aws".
partition_info partition_for_region(std::string_view region);

// Values given in code; each one set wins over the environment.
struct endpoint_overrides {
  std::optional<std::string> region;
  std::optional<std::string> endpoint;
  std::optional<bool> use_fips;
  std::optional<bool> use_dual_stack;
};

// Rule-set parameters from code and the environment (sdk-conventions.md §2.2):
// endpoint = overrides.endpoint, else AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT, else
// AWS_ENDPOINT_URL (neither environment variable when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is
// true); use_fips = overrides.use_fips else AWS_USE_FIPS_ENDPOINT; use_dual_stack likewise with
// AWS_USE_DUALSTACK_ENDPOINT; region = overrides.region only (the client resolves the region).
// Empty values count as unset. A boolean variable other than true/false (any case) throws
// mpadjust::error(MPADJUST_EINVALID) naming the variable.
endpoint_params endpoint_params_from_environment(const environment& env,
                                                 const endpoint_overrides& overrides = {});

}  // namespace v1
}  // namespace mpadjust
