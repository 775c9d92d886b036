// json_codec.hpp - AWS JSON 1.0 (de)serialisation of the model types with RapidJSON.
//
// Writing: only the members that are set; required members always; timestamps as epoch seconds
// (integer, or with a 3-digit fraction when not whole seconds); `{}` for an empty input.
// Reading: lenient (unknown members ignored, JSON null = absent, enums kept as text) but safe:
// a wrong type, malformed or truncated JSON, an embedded NUL or a body over the limit is
// mpadjust::error(MPADJUST_EPARSE) naming the JSON path. Parsing is iterative (no recursion on
// the input's nesting), in situ, into a reusable pool allocator.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/writer.h>

#include <mpadjust/client.hpp>
#include <mpadjust/error.hpp>
#include <mpadjust/model.hpp>

#include "json/model_fields.hpp"

namespace mpadjust {
inline namespace v1 {
namespace detail {

// ------------------------------------------------------------------ writing

// A RapidJSON output stream appending to a std::string (no intermediate buffer).
struct string_sink {
  using Ch = char;
  std::string* s;
  void Put(char c) { s->push_back(c); }
  void Flush() {}
};
using json_writer = rapidjson::Writer<string_sink>;

// Epoch seconds text of t: "1700000000" or "1700000000.123" (also negative, e.g. "-1.500").
void format_epoch_seconds(timestamp t, std::string& out);

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_vector : std::false_type {};
template <class T, class A> struct is_vector<std::vector<T, A>> : std::true_type {};

template <class T>
void write_value(json_writer& w, const T& v);

struct write_visitor {
  json_writer& w;
  template <class M>
  void operator()(const char* name, const M& m, const rule& = no_rule) {
    if constexpr (is_optional<M>::value) {
      if (!m) return;
      w.Key(name);
      write_value(w, *m);
    } else if constexpr (is_vector<M>::value) {
      if (m.empty()) return;
      w.Key(name);
      write_value(w, m);
    } else {
      w.Key(name);
      write_value(w, m);
    }
  }
};

template <class T>
void write_value(json_writer& w, const T& v) {
  if constexpr (std::is_same<T, std::string>::value) {
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  } else if constexpr (std::is_same<T, bool>::value) {
    w.Bool(v);
  } else if constexpr (std::is_same<T, std::int32_t>::value) {
    w.Int(v);
  } else if constexpr (std::is_same<T, std::int64_t>::value) {
    w.Int64(v);
  } else if constexpr (std::is_same<T, timestamp>::value) {
    std::string text;  // at most 15 characters for real dates: no allocation (SSO)
    format_epoch_seconds(v, text);
    w.RawValue(text.data(), text.size(), rapidjson::kNumberType);
  } else if constexpr (is_vector<T>::value) {
    w.StartArray();
    for (const auto& item : v) write_value(w, item);
    w.EndArray();
  } else {
    static_assert(is_struct<T>::value, "no JSON mapping for this type");
    w.StartObject();
    write_visitor vis{w};
    visit_fields(vis, v);
    w.EndObject();
  }
}

// The request body of `input` (out is cleared first; its capacity is reused).
template <class T>
void write_json(const T& input, std::string& out) {
  out.clear();
  string_sink sink{&out};
  json_writer w(sink);
  write_value(w, input);
}

// ------------------------------------------------------------------ reading

// Internal: a type mismatch at a JSON path, built up while unwinding. Never leaves this module.
struct json_path_error {
  std::string path;  // ".a[3].b"
  std::string what;  // "expected a string"
};

const char* json_type_name(const rapidjson::Value& v) noexcept;
[[noreturn]] void throw_type_error(const rapidjson::Value& v, const char* expected);

// Epoch seconds (integer or fractional JSON number) to a timestamp; throws json_path_error for
// a non-number or a value outside +-1e11 seconds.
timestamp read_timestamp(const rapidjson::Value& v);

template <class T>
void read_value(const rapidjson::Value& v, T& out);

// Hook for union shapes: records an unknown member of an accepted_term.
inline void after_read(accepted_term& t, const rapidjson::Value& obj) {
  if (t.legal_term || t.support_term || t.renewal_term || t.usage_based_pricing_term ||
      t.configurable_upfront_pricing_term || t.byol_pricing_term || t.recurring_payment_term ||
      t.validity_term || t.payment_schedule_term || t.free_trial_pricing_term ||
      t.fixed_upfront_pricing_term || t.variable_payment_term || t.net_payment_term)
    return;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    if (it->value.IsNull()) continue;
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (name == "__type") continue;
    t.unknown_member.assign(name.data(), name.size());
    return;
  }
}
template <class T>
void after_read(T&, const rapidjson::Value&) {}

struct read_visitor {
  const rapidjson::Value& obj;
  template <class M>
  void operator()(const char* name, M& m, const rule& = no_rule) {
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd() || it->value.IsNull()) return;
    try {
      if constexpr (is_optional<M>::value) {
        m.emplace();
        read_value(it->value, *m);
      } else {
        read_value(it->value, m);
      }
    } catch (json_path_error& e) {
      e.path.insert(0, name);
      e.path.insert(0, 1, '.');
      throw;
    }
  }
};

template <class T>
void read_value(const rapidjson::Value& v, T& out) {
  if constexpr (std::is_same<T, std::string>::value) {
    if (!v.IsString()) throw_type_error(v, "a string");
    out.assign(v.GetString(), v.GetStringLength());
  } else if constexpr (std::is_same<T, bool>::value) {
    if (!v.IsBool()) throw_type_error(v, "a boolean");
    out = v.GetBool();
  } else if constexpr (std::is_same<T, std::int32_t>::value) {
    if (!v.IsInt()) throw_type_error(v, "a 32-bit integer");
    out = v.GetInt();
  } else if constexpr (std::is_same<T, std::int64_t>::value) {
    if (!v.IsInt64()) throw_type_error(v, "a 64-bit integer");
    out = v.GetInt64();
  } else if constexpr (std::is_same<T, timestamp>::value) {
    out = read_timestamp(v);
  } else if constexpr (is_vector<T>::value) {
    if (!v.IsArray()) throw_type_error(v, "an array");
    out.clear();
    out.resize(v.Size());
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      try {
        read_value(v[i], out[i]);
      } catch (json_path_error& e) {
        e.path.insert(0, "[" + std::to_string(i) + "]");
        throw;
      }
    }
  } else {
    static_assert(is_struct<T>::value, "no JSON mapping for this type");
    if (!v.IsObject()) throw_type_error(v, "an object");
    read_visitor vis{v};
    visit_fields(vis, out);
    after_read(out, v);
  }
}

// Parses response bodies. Keeps its memory between calls (one per client; not thread-safe).
class json_parser {
 public:
  json_parser();
  ~json_parser();
  json_parser(const json_parser&) = delete;
  json_parser& operator=(const json_parser&) = delete;

  // Parses `body` in situ (it is modified) into `out`. `what` names the document in errors
  // ("DescribeAgreement": messages say "DescribeAgreement response: ..."). An empty body reads as {}.
  template <class T>
  void parse(std::string& body, T& out, const char* what, std::size_t max_bytes) {
    const rapidjson::Value& root = parse_dom(body, what, max_bytes);
    try {
      read_value(root, out);
    } catch (json_path_error& e) {
      fail(what, e);
    }
  }

  // The DOM of `body` (valid until the next parse). Throws error(MPADJUST_EPARSE).
  const rapidjson::Value& parse_dom(std::string& body, const char* what, std::size_t max_bytes);

 private:
  [[noreturn]] static void fail(const char* what, const json_path_error& e);
  struct state;
  std::unique_ptr<state> state_;
};

// ------------------------------------------------------------------ errors

// Smithy/AWS JSON sanitising of an error type: text before the first ':', then after the first
// '#'. "com.amazonaws.marketplaceagreement#ValidationException" -> "ValidationException".
std::string sanitize_error_type(std::string_view raw);

// Builds the service_error_info of an error response (any non-2xx status). Never throws for a
// malformed body: the info then carries what the headers and status say. `body` may be modified.
service_error_info parse_error_response(json_parser& parser, const http_response& response,
                                        std::string& body, std::string_view operation,
                                        std::size_t max_bytes);

}  // namespace detail
}  // namespace v1
}  // namespace mpadjust
