// Endpoint resolution for the Agreement Service (shared/aws-models/endpoint-rule-set-1.json,
// agreement-api.md §4.1) with the AWS partition table. Builds without libcurl.
#include <mpadjust/endpoints.hpp>

#include <array>

#include "credentials/internal.hpp"
#include "http/url.hpp"

namespace mpadjust {
inline namespace v1 {

namespace {

struct partition_row {
  partition_info info;
  // regionRegex "^<prefix>\-\w+\-\d+$" with one of these prefixes ("(us|eu|...)" lists several).
  std::array<std::string_view, 9> prefixes;
  std::string_view global_region;  // the "<id>-global" pseudo-region of the partition's list
};

// Facts of the standard partitions.json (aws-sdk-js-v3 util-endpoints / botocore), version 1.1.
constexpr std::array<partition_row, 8> partitions = {{
    {{"aws", "amazonaws.com", "api.aws", true, true, "us-east-1"},
     {"us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"}, "aws-global"},
    {{"aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn", true, true, "cn-northwest-1"},
     {"cn"}, "aws-cn-global"},
    {{"aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu", true, true, "eusc-de-east-1"},
     {"eusc-de"}, ""},
    {{"aws-iso", "c2s.ic.gov", "api.aws.ic.gov", true, true, "us-iso-east-1"}, {"us-iso"}, "aws-iso-global"},
    {{"aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud", true, true, "us-isob-east-1"},
     {"us-isob"}, "aws-iso-b-global"},
    {{"aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", true, true, "eu-isoe-west-1"},
     {"eu-isoe"}, "aws-iso-e-global"},
    {{"aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov", true, true, "us-isof-south-1"},
     {"us-isof"}, "aws-iso-f-global"},
    {{"aws-us-gov", "amazonaws.com", "api.aws", true, true, "us-gov-west-1"},
     {"us-gov"}, "aws-us-gov-global"},
}};

bool is_word(char c) noexcept {  // regex \w
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// ^<prefix>\-\w+\-\d+$  (\w excludes '-', so the middle part is one word)
bool matches(std::string_view region, std::string_view prefix) noexcept {
  if (prefix.empty() || region.size() <= prefix.size() + 1) return false;
  if (region.compare(0, prefix.size(), prefix) != 0 || region[prefix.size()] != '-') return false;
  std::string_view rest = region.substr(prefix.size() + 1);
  const size_t dash = rest.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 >= rest.size()) return false;
  for (char c : rest.substr(0, dash))
    if (!is_word(c)) return false;
  for (char c : rest.substr(dash + 1))
    if (!is_digit(c)) return false;
  return true;
}

// A region goes into a host name: it must be one DNS label (RFC 1123).
bool is_host_label(std::string_view s) noexcept {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-')) return false;
  return true;
}

std::string lowercase(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::optional<std::string> non_empty(const environment& env, std::string_view name) {
  return credentials_detail::env_value(env, name);
}

std::optional<bool> env_bool(const environment& env, std::string_view name) {
  auto v = non_empty(env, name);
  if (!v) return std::nullopt;
  const std::string l = lowercase(*v);
  if (l == "true") return true;
  if (l == "false") return false;
  throw invalid_field(std::string(name), "expected true or false");
}

}  // namespace

partition_info partition_for_region(std::string_view region) {
  for (const auto& p : partitions)
    if (!p.global_region.empty() && region == p.global_region) return p.info;
  for (const auto& p : partitions)
    for (std::string_view prefix : p.prefixes)
      if (matches(region, prefix)) return p.info;
  return partitions[0].info;  // unknown regions fall back to "aws"
}

std::string resolve_endpoint(const endpoint_params& params) {
  if (params.endpoint) {
    if (params.use_fips) throw error(MPADJUST_EINVALID, "Invalid Configuration: FIPS and custom endpoint are not supported");
    if (params.use_dual_stack)
      throw error(MPADJUST_EINVALID, "Invalid Configuration: Dualstack and custom endpoint are not supported");
    (void)detail::parse_http_url(*params.endpoint, "endpoint");  // http(s) with a host, or throws
    return *params.endpoint;
  }
  if (!params.region) throw error(MPADJUST_EINVALID, "Invalid Configuration: Missing Region");
  const std::string& region = *params.region;
  if (!is_host_label(region))
    throw invalid_field("region", "\"" + region + "\" is not a valid region name");
  const partition_info p = partition_for_region(region);
  if (params.use_fips && params.use_dual_stack) {
    if (p.supports_fips && p.supports_dual_stack)
      return "https://agreement-marketplace-fips." + region + "." + std::string(p.dual_stack_dns_suffix);
    throw error(MPADJUST_EINVALID, "FIPS and DualStack are enabled, but this partition does not support one or both");
  }
  if (params.use_fips) {
    if (p.supports_fips) return "https://agreement-marketplace-fips." + region + "." + std::string(p.dns_suffix);
    throw error(MPADJUST_EINVALID, "FIPS is enabled but this partition does not support FIPS");
  }
  if (params.use_dual_stack) {
    if (p.supports_dual_stack)
      return "https://agreement-marketplace." + region + "." + std::string(p.dual_stack_dns_suffix);
    throw error(MPADJUST_EINVALID, "DualStack is enabled but this partition does not support DualStack");
  }
  return "https://agreement-marketplace." + region + "." + std::string(p.dns_suffix);
}

endpoint_params endpoint_params_from_environment(const environment& env, const endpoint_overrides& overrides) {
  endpoint_params out;
  out.region = overrides.region;
  if (out.region && out.region->empty()) out.region.reset();
  if (overrides.endpoint && !overrides.endpoint->empty()) {
    out.endpoint = overrides.endpoint;
  } else {
    const auto ignore = env_bool(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    if (!ignore.value_or(false)) {
      out.endpoint = non_empty(env, "AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT");
      if (!out.endpoint) out.endpoint = non_empty(env, "AWS_ENDPOINT_URL");
    }
  }
  out.use_fips = overrides.use_fips ? *overrides.use_fips : env_bool(env, "AWS_USE_FIPS_ENDPOINT").value_or(false);
  out.use_dual_stack = overrides.use_dual_stack ? *overrides.use_dual_stack
                                                : env_bool(env, "AWS_USE_DUALSTACK_ENDPOINT").value_or(false);
  return out;
}

}  // namespace v1
}  // namespace mpadjust
