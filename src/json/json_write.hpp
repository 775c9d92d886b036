// Private: small helpers for writing JSON with RapidJSON writers (compact or pretty), shared by
// the renderings of the workflow (render.cpp), the plan file (plan_io.cpp) and the C ABI
// (capi/json_out.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/stringbuffer.h>

namespace mpadjust {
inline namespace v1 {
namespace detail {

template <class Writer>
void write_string(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// "key": "value"
template <class Writer>
void write_member(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  write_string(w, value);
}

// "key": ["a", "b"]
template <class Writer>
void write_string_list(Writer& w, const char* key, const std::vector<std::string>& items) {
  w.Key(key);
  w.StartArray();
  for (const auto& s : items) write_string(w, s);
  w.EndArray();
}

inline std::string buffer_text(const rapidjson::StringBuffer& buf) { return std::string(buf.GetString(), buf.GetSize()); }

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
