// sigv4_suite.hpp - runs cases of the aws-c-auth SigV4 test-suite layout against mpadjust::signer.
// Shared (header-only) by the doctest case in tests/unit/test_sigv4.cpp and the program
// tests/tools/mpadjust-sigv4-suite.cpp, so request.txt parsing and stage comparison exist once.
//
// Case layout and harness semantics: shared/sigv4-test-suite/SOURCE.txt.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <rapidjson/document.h>

#include <mpadjust/error.hpp>
#include <mpadjust/sigv4.hpp>

namespace mpadjust_test {
namespace sigv4_suite {

namespace fs = std::filesystem;

// request.txt: "METHOD TARGET HTTP/1.1", header lines "Name:value" (a line starting with
// whitespace continues the previous header: kept with its '\n'), a blank line, then the body.
struct parsed_request {
  std::string request_line;
  std::string method;
  std::string target;
  std::string version_suffix;  // " HTTP/1.1"
  std::vector<mpadjust::http_header> headers;
  std::string body;
};

inline bool parse_request(std::string_view text, parsed_request& r, std::string& why) {
  size_t nl = text.find('\n');
  r.request_line = std::string(text.substr(0, nl));
  const size_t sp = r.request_line.find(' ');
  const size_t ver = r.request_line.rfind(" HTTP/");
  if (sp == std::string::npos || ver == std::string::npos || ver < sp) {
    why = "request.txt: malformed request line";
    return false;
  }
  r.method = r.request_line.substr(0, sp);
  r.target = r.request_line.substr(sp + 1, ver - sp - 1);
  r.version_suffix = r.request_line.substr(ver);
  size_t pos = nl == std::string_view::npos ? text.size() : nl + 1;
  while (pos < text.size()) {
    nl = text.find('\n', pos);
    const std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    const size_t next = nl == std::string_view::npos ? text.size() : nl + 1;
    if (line.empty()) {
      r.body = std::string(text.substr(next));
      return true;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (r.headers.empty()) {
        why = "request.txt: continuation line before any header";
        return false;
      }
      r.headers.back().value.append("\n").append(line);
    } else {
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) {
        why = "request.txt: header line without ':'";
        return false;
      }
      r.headers.push_back({std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
    }
    pos = next;
  }
  return true;
}

struct case_context {
  std::string access_key_id, secret_access_key, token;
  std::string region, service;
  std::chrono::system_clock::time_point time;
  std::int64_t expires = 0;
  bool normalize = true, sign_body = false, omit_session_token = false;
};

// "YYYY-MM-DDTHH:MM:SSZ" -> time_point (days_from_civil, Howard Hinnant).
inline bool parse_timestamp(const std::string& s, std::chrono::system_clock::time_point& out) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char z = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &z) != 7 ||
      z != 'Z')
    return false;
  const int yy = y - (mo <= 2 ? 1 : 0);
  const int era = yy / 400;
  const unsigned yoe = static_cast<unsigned>(yy - era * 400);
  const unsigned doy = static_cast<unsigned>((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
  out = std::chrono::system_clock::time_point(
      std::chrono::seconds(days * 86400 + h * 3600 + mi * 60 + sec));
  return true;
}

inline bool parse_context(const std::string& json, case_context& c, std::string& why) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    why = "context.json: not a JSON object";
    return false;
  }
  auto str = [&](const rapidjson::Value& o, const char* k, std::string& out, bool required) {
    auto it = o.FindMember(k);
    if (it == o.MemberEnd() || !it->value.IsString()) return !required;
    out.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  auto flag = [&](const char* k, bool& out) {
    auto it = doc.FindMember(k);
    if (it != doc.MemberEnd() && it->value.IsBool()) out = it->value.GetBool();
  };
  auto cr = doc.FindMember("credentials");
  std::string ts;
  if (cr == doc.MemberEnd() || !cr->value.IsObject() ||
      !str(cr->value, "access_key_id", c.access_key_id, true) ||
      !str(cr->value, "secret_access_key", c.secret_access_key, true) ||
      !str(cr->value, "token", c.token, false) || !str(doc, "region", c.region, true) ||
      !str(doc, "service", c.service, true) || !str(doc, "timestamp", ts, true) ||
      !parse_timestamp(ts, c.time)) {
    why = "context.json: missing or malformed credentials/region/service/timestamp";
    return false;
  }
  auto ex = doc.FindMember("expiration_in_seconds");
  if (ex != doc.MemberEnd() && ex->value.IsInt64()) c.expires = ex->value.GetInt64();
  flag("normalize", c.normalize);
  flag("sign_body", c.sign_body);
  flag("omit_session_token", c.omit_session_token);
  return true;
}

inline std::optional<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline const char* mode_name(mpadjust::signature_location m) {
  return m == mpadjust::signature_location::header ? "header" : "query";
}

// Shows the first line where two stage texts differ (newlines made visible elsewhere).
inline std::string describe_difference(const std::string& expected, const std::string& got) {
  size_t line = 1, i = 0, start = 0;
  while (i < expected.size() && i < got.size() && expected[i] == got[i]) {
    if (expected[i] == '\n') {
      ++line;
      start = i + 1;
    }
    ++i;
  }
  auto line_at = [start](const std::string& s) {
    if (start >= s.size()) return std::string("<end of text>");
    const size_t e = s.find('\n', start);
    return s.substr(start, e == std::string::npos ? std::string::npos : e - start);
  };
  return "line " + std::to_string(line) + ": expected \"" + line_at(expected) + "\", got \"" +
         line_at(got) + "\"";
}

struct outcome {
  enum kind { pass, fail, skipped } result = fail;
  std::string detail;  // on failure: which stage differed, expected vs got
};

// Signs the case in one mode and compares every stage file. Skipped when none of the mode's
// expectation files exist.
inline outcome run_case(const fs::path& dir, mpadjust::signature_location mode) {
  outcome o;
  const std::string prefix = mode_name(mode);
  const char* stages[4] = {"canonical-request", "string-to-sign", "signature", "signed-request"};
  std::optional<std::string> expected[4];
  int present = 0;
  for (int i = 0; i < 4; ++i) {
    expected[i] = read_file(dir / (prefix + "-" + stages[i] + ".txt"));
    if (expected[i]) ++present;
  }
  if (present == 0) {
    o.result = outcome::skipped;
    return o;
  }
  if (present != 4) {
    o.detail = "some " + prefix + "-*.txt expectation files are missing";
    return o;
  }
  const auto request_text = read_file(dir / "request.txt");
  const auto context_text = read_file(dir / "context.json");
  if (!request_text || !context_text) {
    o.detail = "request.txt or context.json missing";
    return o;
  }
  parsed_request req;
  case_context ctx;
  if (!parse_request(*request_text, req, o.detail) || !parse_context(*context_text, ctx, o.detail))
    return o;

  mpadjust::signing_output out;
  try {
    mpadjust::signing_config cfg;
    cfg.region = ctx.region;
    cfg.service = ctx.service;
    cfg.location = mode;
    cfg.payload = ctx.sign_body ? mpadjust::payload_mode::hash_body_signed_header
                                : mpadjust::payload_mode::hash_body;
    cfg.normalize_path = ctx.normalize;
    cfg.double_encode_path = true;
    cfg.omit_session_token = ctx.omit_session_token;
    cfg.expires_seconds = ctx.expires;
    mpadjust::signer s(cfg);
    mpadjust::credentials creds;
    creds.access_key_id = ctx.access_key_id;
    creds.secret_access_key = mpadjust::secret_string(ctx.secret_access_key);
    creds.session_token = mpadjust::secret_string(ctx.token);
    std::vector<mpadjust::header_view> views;
    for (const auto& h : req.headers) views.push_back({h.name, h.value});
    mpadjust::signing_request sr;
    sr.method = req.method;
    sr.target = req.target;
    sr.headers = views.data();
    sr.header_count = views.size();
    // sign_body false: the payload hash is that of the empty string whatever the body.
    sr.body = ctx.sign_body ? std::string_view(req.body) : std::string_view();
    s.sign_at(sr, creds, ctx.time, out);
  } catch (const mpadjust::error& e) {
    o.detail = std::string("signing failed: ") + e.what();
    return o;
  }

  std::string signed_request;
  if (mode == mpadjust::signature_location::header) {
    signed_request = req.request_line + "\n";
  } else {
    const std::string path = req.target.substr(0, req.target.find('?'));
    signed_request = req.method + " " + path + "?" + out.query + req.version_suffix + "\n";
  }
  for (const auto& h : req.headers) signed_request += h.name + ":" + h.value + "\n";
  for (const auto& h : out.headers_to_add) signed_request += h.name + ":" + h.value + "\n";
  signed_request += "\n" + req.body;

  const std::string* got[4] = {&out.canonical_request, &out.string_to_sign, &out.signature,
                               &signed_request};
  for (int i = 0; i < 4; ++i) {
    if (*expected[i] != *got[i]) {
      o.detail = std::string(stages[i]) + " differs at " + describe_difference(*expected[i], *got[i]);
      return o;
    }
  }
  o.result = outcome::pass;
  return o;
}

// Case directories of `root` (those holding request.txt and context.json), sorted by name.
inline std::vector<fs::path> case_dirs(const fs::path& root) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && fs::exists(it->path() / "request.txt", ec) &&
        fs::exists(it->path() / "context.json", ec))
      dirs.push_back(it->path());
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

}  // namespace sigv4_suite
}  // namespace mpadjust_test
