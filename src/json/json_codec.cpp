// json_codec.cpp - the non-template parts of the AWS JSON 1.0 codec.
#include "json/json_codec.hpp"

#include "client/validate.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <rapidjson/error/en.h>

namespace mpadjust {
inline namespace v1 {
namespace detail {

void format_epoch_seconds(timestamp t, std::string& out) {
  out.clear();
  std::int64_t ms = epoch_ms(t);
  std::uint64_t mag;
  if (ms < 0) {
    out.push_back('-');
    mag = static_cast<std::uint64_t>(-(ms + 1)) + 1u;  // no overflow for INT64_MIN
  } else {
    mag = static_cast<std::uint64_t>(ms);
  }
  out += std::to_string(mag / 1000u);
  unsigned frac = static_cast<unsigned>(mag % 1000u);
  if (frac != 0) {
    char buf[5];
    std::snprintf(buf, sizeof buf, ".%03u", frac);
    out += buf;
  }
}

const char* json_type_name(const rapidjson::Value& v) noexcept {
  switch (v.GetType()) {
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType: return "a boolean";
    case rapidjson::kObjectType: return "an object";
    case rapidjson::kArrayType: return "an array";
    case rapidjson::kStringType: return "a string";
    case rapidjson::kNumberType: return v.IsInt64() || v.IsUint64() ? "an integer" : "a number";
  }
  return "a value";
}

void throw_type_error(const rapidjson::Value& v, const char* expected) {
  throw json_path_error{std::string(), std::string("expected ") + expected + ", got " +
                                           json_type_name(v)};
}

timestamp read_timestamp(const rapidjson::Value& v) {
  constexpr double limit = 1e11;  // seconds: year ~5138; beyond is not a real date
  if (v.IsInt64()) {
    std::int64_t s = v.GetInt64();
    if (s > static_cast<std::int64_t>(limit) || s < -static_cast<std::int64_t>(limit))
      throw json_path_error{std::string(), "timestamp out of range"};
    return timestamp_from_epoch_ms(s * 1000);
  }
  if (v.IsNumber() && !v.IsUint64()) {
    double d = v.GetDouble();
    if (!std::isfinite(d) || d > limit || d < -limit)
      throw json_path_error{std::string(), "timestamp out of range"};
    // Epoch seconds with up to millisecond precision; a double holds 1.7e9 s to ~1e-7 s.
    return timestamp_from_epoch_ms(std::llround(d * 1000.0));
  }
  if (v.IsNumber()) throw json_path_error{std::string(), "timestamp out of range"};
  throw_type_error(v, "a number (epoch seconds)");
}

// ------------------------------------------------------------------ parser


using pool_allocator = rapidjson::MemoryPoolAllocator<rapidjson::CrtAllocator>;
using pool_document = rapidjson::GenericDocument<rapidjson::UTF8<>, pool_allocator, pool_allocator>;

struct json_parser::state {
  static constexpr std::size_t value_buffer_size = 64 * 1024;
  static constexpr std::size_t stack_buffer_size = 16 * 1024;
  alignas(8) char value_buffer[value_buffer_size];
  alignas(8) char stack_buffer[stack_buffer_size];
  pool_allocator values{value_buffer, value_buffer_size};
  pool_allocator stack{stack_buffer, stack_buffer_size};
  pool_document doc{&values, 1024, &stack};
  rapidjson::Value empty_object{rapidjson::kObjectType};
};

json_parser::json_parser() : state_(std::make_unique<state>()) {}
json_parser::~json_parser() = default;

const rapidjson::Value& json_parser::parse_dom(std::string& body, const char* what,
                                               std::size_t max_bytes) {
  if (body.size() > max_bytes) {
    throw error(MPADJUST_EPARSE, std::string(what) + " response: body of " + std::to_string(body.size()) +
                                     " bytes exceeds the limit of " + std::to_string(max_bytes));
  }
  std::size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return state_->empty_object;  // empty body reads as {}
  if (std::memchr(body.data(), '\0', body.size()) != nullptr) {
    throw error(MPADJUST_EPARSE, std::string(what) + " response: malformed JSON: NUL byte in the body");
  }
  // The whole body must be UTF-8 (checked here, eight ASCII bytes per step, rather than
  // character by character inside RapidJSON, whose string scan can then use SIMD).
  if (const std::size_t bad = invalid_utf8_offset(body); bad != std::string::npos) {
    throw error(MPADJUST_EPARSE, std::string(what) + " response: malformed JSON at offset " + std::to_string(bad) +
                                     ": invalid UTF-8");
  }
  // Release the previous document's memory (values point into the pools) before parsing again.
  state_->doc.SetNull();
  state_->values.Clear();
  state_->stack.Clear();
  constexpr unsigned flags = rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag;
  state_->doc.ParseInsitu<flags>(&body[0]);
  if (state_->doc.HasParseError()) {
    throw error(MPADJUST_EPARSE, std::string(what) + " response: malformed JSON at offset " +
                                     std::to_string(state_->doc.GetErrorOffset()) + ": " +
                                     rapidjson::GetParseError_En(state_->doc.GetParseError()));
  }
  return state_->doc;
}

void json_parser::fail(const char* what, const json_path_error& e) {
  throw error(MPADJUST_EPARSE, std::string(what) + " response: $" + e.path + ": " + e.what);
}

// ------------------------------------------------------------------ errors

std::string sanitize_error_type(std::string_view raw) {
  auto colon = raw.find(':');
  if (colon != std::string_view::npos) raw = raw.substr(0, colon);
  auto hash = raw.find('#');
  if (hash != std::string_view::npos) raw = raw.substr(hash + 1);
  while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
  return std::string(raw);
}

namespace {
// The string member `name` of object `o`, or "" when absent or not a string (lenient).
std::string string_member(const rapidjson::Value& o, const char* name) {
  auto it = o.FindMember(name);
  if (it == o.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}
}  // namespace

service_error_info parse_error_response(json_parser& parser, const http_response& response,
                                        std::string& body, std::string_view operation,
                                        std::size_t max_bytes) {
  service_error_info info;
  info.operation.assign(operation.data(), operation.size());
  info.http_status = response.status;
  std::string raw_type;
  if (auto h = response.header("X-Amzn-ErrorType")) raw_type.assign(h->data(), h->size());
  if (auto h = response.header("x-amzn-RequestId")) info.request_id.assign(h->data(), h->size());

  const rapidjson::Value* root = nullptr;
  try {
    root = &parser.parse_dom(body, "error", max_bytes);
  } catch (const error&) {
    root = nullptr;  // not JSON: the status and headers are all we have
  }
  if (root && root->IsObject()) {
    const rapidjson::Value& o = *root;
    if (raw_type.empty()) raw_type = string_member(o, "__type");
    if (raw_type.empty()) raw_type = string_member(o, "code");
    info.message = string_member(o, "message");
    if (info.message.empty()) info.message = string_member(o, "Message");
    if (info.request_id.empty()) info.request_id = string_member(o, "requestId");
    info.reason = string_member(o, "reason");
    info.resource_id = string_member(o, "resourceId");
    info.resource_type = string_member(o, "resourceType");
    info.quota_code = string_member(o, "quotaCode");
    info.service_code = string_member(o, "serviceCode");
    auto f = o.FindMember("fields");
    if (f != o.MemberEnd() && f->value.IsArray()) {
      for (const auto& item : f->value.GetArray()) {
        if (!item.IsObject()) continue;
        info.fields.push_back({string_member(item, "name"), string_member(item, "message")});
      }
    }
  }
  info.error_type = sanitize_error_type(raw_type);
  return info;
}

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
