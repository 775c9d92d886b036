// capi/json_out.cpp - JSON renderings of C++ results for the C ABI (see json_out.hpp).
#include "json_out.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>


namespace mpadjust {
namespace capi {
namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(writer& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void member(writer& w, const char* key, const std::string& value) {
  w.Key(key);
  str(w, value);
}

void string_list(writer& w, const char* key, const std::vector<std::string>& items) {
  w.Key(key);
  w.StartArray();
  for (const auto& s : items) str(w, s);
  w.EndArray();
}

std::string done(const rapidjson::StringBuffer& buf) { return std::string(buf.GetString(), buf.GetSize()); }

}  // namespace

std::string service_error_json(const service_error_info& info) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  member(w, "operation", info.operation);
  w.Key("httpStatus");
  w.Int(info.http_status);
  member(w, "errorType", info.error_type);
  member(w, "message", info.message);
  member(w, "requestId", info.request_id);
  member(w, "reason", info.reason);
  w.Key("fields");
  w.StartArray();
  for (const auto& f : info.fields) {
    w.StartObject();
    member(w, "name", f.name);
    member(w, "message", f.message);
    w.EndObject();
  }
  w.EndArray();
  member(w, "resourceId", info.resource_id);
  member(w, "resourceType", info.resource_type);
  member(w, "quotaCode", info.quota_code);
  member(w, "serviceCode", info.service_code);
  w.Key("throttling");
  w.Bool(info.throttling);
  w.Key("retryable");
  w.Bool(info.retryable);
  w.Key("attempts");
  w.Int(info.attempts);
  w.EndObject();
  return done(buf);
}

std::string problems_json(const std::vector<std::string>& problems) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  string_list(w, "problems", problems);
  w.EndObject();
  return done(buf);
}

}  // namespace capi
}  // namespace mpadjust
