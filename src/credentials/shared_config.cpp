// The shared config/credentials files, parsed as the AWS CLI does (Python RawConfigParser in
// strict mode, then botocore's profile map), plus profile and region resolution.
#include <algorithm>
#include <cctype>
#include <set>

#include "credentials/internal.hpp"

namespace mpadjust {
inline namespace v1 {
namespace credentials_detail {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

[[noreturn]] void fail(const std::string& path, int line, const std::string& what) {
  throw error(MPADJUST_EPARSE, path + ":" + std::to_string(line) + ": " + what);
}

// A property being read: its first value and continuation lines (each trimmed), with line numbers.
struct pending {
  ini_value* target = nullptr;
  std::string key;
  std::vector<std::pair<std::string_view, int>> parts;
};

// Joins the parts as RawConfigParser does ('\n', then rstrip) and splits sub-properties as
// botocore's _parse_nested does when the joined value starts with '\n'.
void finish(pending& p, const std::string& path) {
  if (!p.target) return;
  wiped_string joined;
  std::size_t size = p.parts.size();
  for (const auto& part : p.parts) size += part.first.size();
  joined.value.reserve(size);  // exact: no reallocation leaves an unwiped copy
  for (std::size_t i = 0; i < p.parts.size(); ++i) {
    if (i) joined.value += '\n';
    joined.value.append(p.parts[i].first);
  }
  while (!joined.value.empty() && is_space(joined.value.back())) joined.value.pop_back();
  if (!joined.value.empty() && joined.value.front() == '\n') {
    p.target->nested = true;
    for (std::size_t i = 1; i < p.parts.size(); ++i) {
      const std::string_view line = trim(p.parts[i].first);
      if (line.empty()) continue;
      const std::size_t eq = line.find('=');
      if (eq == std::string_view::npos)
        fail(path, p.parts[i].second, "expected 'key = value' in the sub-properties of '" + p.key + "'");
      p.target->sub[std::string(trim(line.substr(0, eq)))] = std::string(trim(line.substr(eq + 1)));
    }
  }
  p.target->text = secret_string(joined.value);
  p.target = nullptr;
  p.parts.clear();
}

}  // namespace

ini_file parse_ini(std::string_view text, const std::string& path) {
  ini_file file;
  file.path = path;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  ini_section defaults;  // [DEFAULT]
  std::set<std::string> seen_sections;
  ini_section* cur = nullptr;
  pending prop;
  std::size_t indent_level = 0;
  int lineno = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    // Universal newlines: \n, \r\n or \r.
    std::size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(pos, end - pos);
    pos = end;
    if (pos < text.size() && text[pos] == '\r') ++pos;
    if (end < text.size() && text[end] == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
    else if (end < text.size() && text[end] == '\n') ++pos;
    ++lineno;

    const std::string_view value = trim(raw);
    if (!value.empty() && (value.front() == '#' || value.front() == ';')) continue;  // comment line
    if (value.empty()) {
      // An empty line inside a value is kept (empty_lines_in_values); a comment line is not.
      if (prop.target) prop.parts.emplace_back(std::string_view(), lineno);
      continue;
    }
    std::size_t indent = 0;
    while (indent < raw.size() && is_space(raw[indent])) ++indent;
    if (prop.target && indent > indent_level) {  // continuation line
      prop.parts.emplace_back(value, lineno);
      continue;
    }
    finish(prop, path);
    indent_level = indent;
    const std::size_t close = value.rfind(']');
    if (value.front() == '[' && close != std::string_view::npos && close >= 2) {
      // SECTCRE "\[(?P<header>.+)\]" matched at the start: up to the last ']'.
      std::string name(value.substr(1, close - 1));
      if (name == "DEFAULT") {
        cur = &defaults;
      } else {
        if (!seen_sections.insert(name).second) fail(path, lineno, "duplicate section [" + name + "]");
        file.sections.push_back(ini_section{name, lineno, {}});
        cur = &file.sections.back();
      }
      continue;
    }
    if (!cur) fail(path, lineno, "expected a [section] header before the first key");
    const std::size_t delim = value.find_first_of("=:");
    if (delim == std::string_view::npos) fail(path, lineno, "expected 'key = value'");
    const std::string key = lower(trim(value.substr(0, delim)));
    if (key.empty()) fail(path, lineno, "expected 'key = value' (the key is empty)");
    if (cur->keys.count(key))
      fail(path, lineno, "duplicate key '" + key + "' in section [" + (cur == &defaults ? "DEFAULT" : cur->name) + "]");
    ini_value& v = cur->keys[key];
    v.line = lineno;
    prop.target = &v;
    prop.key = key;
    prop.parts.emplace_back(trim(value.substr(delim + 1)), lineno);
    // Sections live in a vector: later push_backs may move them, but the pending value is
    // always finished before the next section header.
  }
  finish(prop, path);
  for (auto& s : file.sections)
    for (auto& kv : defaults.keys)
      if (!s.keys.count(kv.first)) s.keys[kv.first] = kv.second;
  return file;
}

}  // namespace credentials_detail

using namespace credentials_detail;

namespace {

constexpr std::string_view secret_keys[] = {"aws_secret_access_key", "aws_session_token",
                                            "aws_security_token"};

// botocore _parse_section: shlex.split(header); exactly two words -> the second is the name.
std::optional<std::string> section_name(const std::string& header) {
  try {
    auto words = shell_split(header);
    if (words.size() == 2) return words[1];
  } catch (const error&) {
  }
  return std::nullopt;
}

std::string expand(std::string_view in, const environment& env) {
  // os.path.expandvars then os.path.expanduser, as botocore does.
  std::string s;
  for (std::size_t i = 0; i < in.size();) {
    if (in[i] == '$' && i + 1 < in.size()) {
      std::size_t start = i + 1, end;
      bool braced = in[start] == '{';
      if (braced) {
        end = in.find('}', start);
        if (end == std::string_view::npos) { s += in[i++]; continue; }
        ++start;
      } else {
        end = start;
        while (end < in.size() && (std::isalnum(static_cast<unsigned char>(in[end])) || in[end] == '_')) ++end;
      }
      const std::string_view name = in.substr(start, end - start);
      std::optional<std::string> v;
      if (!name.empty() && env.get) v = env.get(name);
      if (v) {
        s += *v;
        i = end + (braced ? 1 : 0);
        continue;
      }
    }
    s += in[i++];
  }
  if (!s.empty() && s[0] == '~' && (s.size() == 1 || s[1] == '/')) {
    if (auto h = env.home()) s = *h + s.substr(1);
  }
  return s;
}

std::optional<std::string> non_empty(const environment& env, std::string_view name) {
  return credentials_detail::env_value(env, name);
}

}  // namespace

const ini_value* shared_config::impl::find(shared_config::file which, std::string_view profile,
                                           std::string_view key) const {
  const auto& profiles = which == file::config ? config_profiles : credentials_profiles;
  auto p = profiles.find(profile);
  if (p == profiles.end()) return nullptr;
  auto k = p->second.find(std::string(key));
  return k == p->second.end() ? nullptr : &k->second;
}

const ini_value* shared_config::impl::find_merged(std::string_view profile, std::string_view key) const {
  if (auto v = find(file::credentials, profile, key)) return v;
  return find(file::config, profile, key);
}

shared_config::shared_config() : impl_(std::make_shared<impl>()) {}

shared_config shared_config::parse(std::string_view config_text, std::string_view credentials_text,
                                   std::string config_path, std::string credentials_path) {
  auto m = std::make_shared<impl>();
  m->config_path = std::move(config_path);
  m->credentials_path = std::move(credentials_path);
  // config: botocore build_profile_map, in section order (a later [default]/[profile default] wins).
  for (auto& s : parse_ini(config_text, m->config_path).sections) {
    const std::string& h = s.name;
    if (h.compare(0, 7, "profile") == 0) {
      if (auto n = section_name(h)) m->config_profiles[*n] = std::move(s.keys);
    } else if (h.compare(0, 8, "services") == 0) {
      if (auto n = section_name(h)) m->services[*n] = std::move(s.keys);
    } else if (h == "default") {
      m->config_profiles["default"] = std::move(s.keys);
    }
  }
  for (auto& s : parse_ini(credentials_text, m->credentials_path).sections)
    m->credentials_profiles[s.name] = std::move(s.keys);
  shared_config c;
  c.impl_ = std::move(m);
  return c;
}

shared_config shared_config::load(const environment& env) {
  const shared_file_paths paths = resolve_shared_file_paths(env);
  wiped_string config_text, credentials_text;
  if (!paths.config.empty()) read_file(paths.config, config_text.value);
  if (!paths.credentials.empty()) read_file(paths.credentials, credentials_text.value);
  return parse(config_text.value, credentials_text.value, paths.config, paths.credentials);
}

const std::string& shared_config::path(file which) const noexcept {
  return which == file::config ? impl_->config_path : impl_->credentials_path;
}

bool shared_config::has_profile(file which, std::string_view profile) const {
  const auto& profiles = which == file::config ? impl_->config_profiles : impl_->credentials_profiles;
  return profiles.find(profile) != profiles.end();
}

bool shared_config::has_profile(std::string_view profile) const {
  return has_profile(file::config, profile) || has_profile(file::credentials, profile);
}

std::vector<std::string> shared_config::profile_names() const {
  std::set<std::string> names;
  for (auto& p : impl_->config_profiles) names.insert(p.first);
  for (auto& p : impl_->credentials_profiles) names.insert(p.first);
  return {names.begin(), names.end()};
}

std::optional<std::string> shared_config::value(std::string_view profile, std::string_view key) const {
  for (auto k : secret_keys)
    if (key == k) throw invalid_field("key", "'" + std::string(key) + "' is secret: use secret_value()");
  const ini_value* v = impl_->find_merged(profile, key);
  if (!v) return std::nullopt;
  return std::string(v->text.reveal());
}

std::optional<secret_string> shared_config::secret_value(std::string_view profile, std::string_view key) const {
  const ini_value* v = impl_->find_merged(profile, key);
  if (!v) return std::nullopt;
  return v->text;
}

std::optional<secret_string> shared_config::secret_value(file which, std::string_view profile,
                                                         std::string_view key) const {
  const ini_value* v = impl_->find(which, profile, key);
  if (!v) return std::nullopt;
  return v->text;
}

std::vector<std::string> shared_config::keys(std::string_view profile) const {
  std::set<std::string> names;
  for (const auto* profiles : {&impl_->config_profiles, &impl_->credentials_profiles}) {
    auto p = profiles->find(profile);
    if (p != profiles->end())
      for (auto& kv : p->second) names.insert(kv.first);
  }
  return {names.begin(), names.end()};
}

std::map<std::string, std::string> shared_config::sub_values(std::string_view profile, std::string_view key) const {
  const ini_value* v = impl_->find_merged(profile, key);
  return v ? v->sub : std::map<std::string, std::string>{};
}

std::optional<std::string> shared_config::sub_value(std::string_view profile, std::string_view key,
                                                    std::string_view sub_key) const {
  const ini_value* v = impl_->find_merged(profile, key);
  if (!v) return std::nullopt;
  auto it = v->sub.find(std::string(sub_key));
  if (it == v->sub.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> shared_config::services_value(std::string_view services_name,
                                                         std::string_view service,
                                                         std::string_view key) const {
  auto s = impl_->services.find(services_name);
  if (s == impl_->services.end()) return std::nullopt;
  auto v = s->second.find(std::string(service));
  if (v == s->second.end()) return std::nullopt;
  auto it = v->second.sub.find(std::string(key));
  if (it == v->second.sub.end()) return std::nullopt;
  return it->second;
}

shared_file_paths resolve_shared_file_paths(const environment& env) {
  shared_file_paths p;
  const auto home = env.home();
  if (auto v = non_empty(env, "AWS_CONFIG_FILE")) p.config = expand(*v, env);
  else if (home) p.config = *home + "/.aws/config";
  if (auto v = non_empty(env, "AWS_SHARED_CREDENTIALS_FILE")) p.credentials = expand(*v, env);
  else if (home) p.credentials = *home + "/.aws/credentials";
  return p;
}

std::string resolve_profile_name(const environment& env, std::string_view profile) {
  if (!profile.empty()) return std::string(profile);
  if (auto v = non_empty(env, "AWS_PROFILE")) return *v;
  if (auto v = non_empty(env, "AWS_DEFAULT_PROFILE")) return *v;
  return "default";
}

bool profile_is_explicit(const environment& env, std::string_view profile) {
  return !profile.empty() || non_empty(env, "AWS_PROFILE") || non_empty(env, "AWS_DEFAULT_PROFILE");
}

namespace {
void require_profile(const shared_config& cfg, const environment& env, std::string_view explicit_profile,
                     const std::string& name) {
  if (profile_is_explicit(env, explicit_profile) && !cfg.has_profile(name))
    throw error(MPADJUST_ECREDENTIALS, "profile '" + name + "' not found in " +
                                           cfg.path(shared_config::file::config) + " or " +
                                           cfg.path(shared_config::file::credentials));
}

bool valid_region(std::string_view r) {
  if (r.empty() || r.size() > 63 || r.front() == '-' || r.back() == '-') return false;
  return std::all_of(r.begin(), r.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string checked_region(std::string value, const std::string& origin) {
  if (!valid_region(value))
    throw error(MPADJUST_EINVALID, "invalid region name from " + origin +
                                       " (expected letters, digits and '-', e.g. us-east-1)", "region");
  return value;
}
}  // namespace

std::optional<std::string> profile_value(const environment& env, std::string_view profile, std::string_view key) {
  const shared_config cfg = shared_config::load(env);
  const std::string name = resolve_profile_name(env, profile);
  require_profile(cfg, env, profile, name);
  return cfg.value(name, key);
}

std::string resolve_region(const environment& env, std::string_view profile) {
  if (auto v = non_empty(env, "AWS_REGION")) return checked_region(*v, "AWS_REGION");
  if (auto v = non_empty(env, "AWS_DEFAULT_REGION")) return checked_region(*v, "AWS_DEFAULT_REGION");
  const shared_config cfg = shared_config::load(env);
  const std::string name = resolve_profile_name(env, profile);
  require_profile(cfg, env, profile, name);
  if (auto r = cfg.value(name, "region"); r && !r->empty())
    return checked_region(*r, "the 'region' of profile '" + name + "'");
  return "us-east-1";
}

}  // namespace v1
}  // namespace mpadjust
