// capi/json_out.cpp - JSON renderings of C++ results for the C ABI (see json_out.hpp).
#include "json_out.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "json/json_write.hpp"

namespace mpadjust {
namespace capi {
namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

using detail::buffer_text;
using detail::write_member;
using detail::write_string;
using detail::write_string_list;

}  // namespace

std::string service_error_json(const service_error_info& info) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  write_member(w, "operation", info.operation);
  w.Key("httpStatus");
  w.Int(info.http_status);
  write_member(w, "errorType", info.error_type);
  write_member(w, "message", info.message);
  write_member(w, "requestId", info.request_id);
  write_member(w, "reason", info.reason);
  w.Key("fields");
  w.StartArray();
  for (const auto& f : info.fields) {
    w.StartObject();
    write_member(w, "name", f.name);
    write_member(w, "message", f.message);
    w.EndObject();
  }
  w.EndArray();
  write_member(w, "resourceId", info.resource_id);
  write_member(w, "resourceType", info.resource_type);
  write_member(w, "quotaCode", info.quota_code);
  write_member(w, "serviceCode", info.service_code);
  w.Key("throttling");
  w.Bool(info.throttling);
  w.Key("retryable");
  w.Bool(info.retryable);
  w.Key("attempts");
  w.Int(info.attempts);
  w.EndObject();
  return buffer_text(buf);
}

std::string problems_json(const std::vector<std::string>& problems) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  write_string_list(w, "problems", problems);
  w.EndObject();
  return buffer_text(buf);
}

}  // namespace capi
}  // namespace mpadjust
