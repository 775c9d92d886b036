// journal: record (de)serialisation, reading, folding into per-entry state, CSV export.
#include <mpadjust/journal.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <mpadjust/money.hpp>

#include "journal/journal_internal.hpp"

namespace mpadjust {
inline namespace v1 {

const char* to_string(journal_kind kind) noexcept {
  switch (kind) {
    case journal_kind::plan: return "plan";
    case journal_kind::intent: return "intent";
    case journal_kind::outcome: return "outcome";
    case journal_kind::status: return "status";
  }
  return "?";
}

const char* to_string(entry_state state) noexcept {
  switch (state) {
    case entry_state::planned: return "planned";
    case entry_state::in_doubt: return "in_doubt";
    case entry_state::confirmed: return "confirmed";
    case entry_state::failed: return "failed";
  }
  return "?";
}

namespace {

// The string members of a record, in line order, with their JSON names.
struct string_member {
  const char* name;
  std::string journal_record::*ptr;
};
constexpr string_member record_members[] = {
    {"plan_key", &journal_record::plan_key},
    {"entry_key", &journal_record::entry_key},
    {"client_token", &journal_record::client_token},
    {"agreement_id", &journal_record::agreement_id},
    {"invoice_id", &journal_record::invoice_id},
    {"amount", &journal_record::amount},
    {"currency", &journal_record::currency},
    {"reason_code", &journal_record::reason_code},
    {"description", &journal_record::description},
};
constexpr string_member record_members_after_details[] = {
    {"request_id", &journal_record::request_id},
    {"billing_adjustment_request_id", &journal_record::billing_adjustment_request_id},
    {"status", &journal_record::status},
    {"error_code", &journal_record::error_code},
    {"error_message", &journal_record::error_message},
    {"status_message", &journal_record::status_message},
};
struct details_member {
  const char* name;
  std::string journal_details::*ptr;
};
constexpr details_member detail_members[] = {
    {"support_case_id", &journal_details::support_case_id},
    {"buyer_reference", &journal_details::buyer_reference},
    {"notes", &journal_details::notes},
};

using line_writer = rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                                      rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>;

void put(line_writer& w, const char* name, const std::string& value, const std::string& field) {
  if (value.empty()) return;
  w.Key(name);
  if (!w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()))) {
    throw invalid_field(field, "is not valid UTF-8");
  }
}

// A JSON syntax failure: on the final line this is a torn write, elsewhere damage.
struct syntax_failure {
  std::string reason;
};

[[noreturn]] void damage(std::string_view name, std::size_t line, const std::string& reason) {
  throw error(MPADJUST_EPARSE,
              "journal " + std::string(name) + " line " + std::to_string(line) + ": " + reason);
}

std::string get_string(const rapidjson::Value& obj, const char* key, std::string_view name,
                       std::size_t line, const std::string& shown_key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) return {};
  if (!it->value.IsString()) damage(name, line, "\"" + shown_key + "\" must be a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

journal_record parse_line(std::string_view text, std::string_view name, std::size_t line) {
  if (text.empty()) throw syntax_failure{"empty line"};
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (doc.HasParseError()) {
    throw syntax_failure{std::string("not valid JSON (") + rapidjson::GetParseError_En(doc.GetParseError()) +
                         " at byte " + std::to_string(doc.GetErrorOffset() + 1) + ")"};
  }
  if (!doc.IsObject()) throw syntax_failure{"not a JSON object"};
  auto v = doc.FindMember("v");
  if (v == doc.MemberEnd()) damage(name, line, "no version (\"v\")");
  if (!v->value.IsInt() || v->value.GetInt() != journal_version) {
    std::string shown = v->value.IsNumber() ? (v->value.IsInt() ? std::to_string(v->value.GetInt()) : "non-integer")
                                            : "non-numeric";
    damage(name, line, "journal version " + shown + " is not supported (this mpadjust reads version " +
                           std::to_string(journal_version) + "); use a newer mpadjust");
  }
  journal_record rec;
  const std::string kind = get_string(doc, "kind", name, line, "kind");
  if (kind == "plan") {
    rec.kind = journal_kind::plan;
  } else if (kind == "intent") {
    rec.kind = journal_kind::intent;
  } else if (kind == "outcome") {
    rec.kind = journal_kind::outcome;
  } else if (kind == "status") {
    rec.kind = journal_kind::status;
  } else {
    damage(name, line, kind.empty() ? "no record kind (\"kind\")" : "unknown record kind \"" + kind + "\"");
  }
  rec.ts = get_string(doc, "ts", name, line, "ts");
  for (const auto& m : record_members) rec.*m.ptr = get_string(doc, m.name, name, line, m.name);
  for (const auto& m : record_members_after_details) rec.*m.ptr = get_string(doc, m.name, name, line, m.name);
  auto d = doc.FindMember("details");
  if (d != doc.MemberEnd() && !d->value.IsNull()) {
    if (!d->value.IsObject()) damage(name, line, "\"details\" must be an object");
    for (const auto& m : detail_members) {
      rec.details.*m.ptr = get_string(d->value, m.name, name, line, std::string("details.") + m.name);
    }
  }
  return rec;
}

}  // namespace

std::string journal_record_to_json(const journal_record& record) {
  rapidjson::StringBuffer buf;
  line_writer w(buf);
  w.StartObject();
  w.Key("v");
  w.Int(journal_version);
  put(w, "ts", record.ts, "ts");
  w.Key("kind");
  w.String(to_string(record.kind));
  for (const auto& m : record_members) put(w, m.name, record.*m.ptr, m.name);
  const journal_details& d = record.details;
  if (!d.support_case_id.empty() || !d.buyer_reference.empty() || !d.notes.empty()) {
    w.Key("details");
    w.StartObject();
    for (const auto& m : detail_members) put(w, m.name, d.*m.ptr, std::string("details.") + m.name);
    w.EndObject();
  }
  for (const auto& m : record_members_after_details) put(w, m.name, record.*m.ptr, m.name);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

namespace journal_detail {

parsed_journal parse(std::string_view text, std::string_view name) {
  parsed_journal out;
  std::size_t pos = 0;
  std::size_t line = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const bool terminated = nl != std::string_view::npos;
    const std::size_t end = terminated ? nl : text.size();
    const bool last = !terminated || nl + 1 == text.size();
    ++line;
    try {
      out.contents.records.push_back(parse_line(text.substr(pos, end - pos), name, line));
    } catch (const syntax_failure& f) {
      if (!last) damage(name, line, f.reason);
      out.torn = true;
      out.torn_line = line;
      out.good_end = pos;
      out.contents.warnings.push_back(
          "journal " + std::string(name) + " line " + std::to_string(line) + ": ignored a torn final line (" +
          std::to_string(end - pos) + " bytes, " + f.reason + "), left by an interrupted write");
      return out;
    }
    if (!terminated) {
      out.torn = true;
      out.torn_but_complete = true;
      out.torn_line = line;
      out.good_end = text.size();
      out.contents.warnings.push_back("journal " + std::string(name) + " line " + std::to_string(line) +
                                      ": the final record has no newline (an interrupted write); it is "
                                      "complete and was kept");
      return out;
    }
    pos = nl + 1;
    out.good_end = pos;
  }
  return out;
}

std::string now_timestamp() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  std::tm tm{};
  gmtime_r(&now.tv_sec, &tm);
  char buf[96];  // generous: the compiler cannot bound every %d
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(now.tv_nsec / 1000000));
  return buf;
}

}  // namespace journal_detail

journal_contents parse_journal(std::string_view text, std::string_view name) {
  return journal_detail::parse(text, name).contents;
}

journal_contents read_journal(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) throw error(MPADJUST_ENOTFOUND, "journal " + path + " does not exist");
    throw error(MPADJUST_EIO, "cannot open journal " + path + ": " + std::strerror(e));
  }
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      throw error(MPADJUST_EIO, "cannot read journal " + path + ": " + std::strerror(e));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return parse_journal(text, path);
}

std::string default_journal_path(const environment& env) {
  if (env.get) {
    if (auto xdg = env.get("XDG_STATE_HOME"); xdg && !xdg->empty() && xdg->front() == '/') {
      return *xdg + "/mpadjust/journal.jsonl";
    }
  }
  if (auto home = env.home(); home && !home->empty()) {
    std::string h = *home;
    while (h.size() > 1 && h.back() == '/') h.pop_back();
    return h + "/.local/state/mpadjust/journal.jsonl";
  }
  throw error(MPADJUST_EINVALID,
              "cannot choose a journal path: neither XDG_STATE_HOME (absolute) nor HOME is set; "
              "pass a journal path explicitly");
}

// ------------------------------------------------------------------------------ folding

std::vector<journal_entry> fold_journal(const std::vector<journal_record>& records) {
  std::vector<journal_entry> out;
  std::map<std::string, std::size_t, std::less<>> by_key;
  std::map<std::string, std::size_t, std::less<>> by_token;
  for (const journal_record& r : records) {
    if (r.entry_key.empty() && r.client_token.empty()) continue;  // plan-level record
    std::size_t idx = out.size();
    if (!r.entry_key.empty()) {
      if (auto it = by_key.find(r.entry_key); it != by_key.end()) idx = it->second;
    }
    if (idx == out.size() && !r.client_token.empty()) {
      if (auto it = by_token.find(r.client_token); it != by_token.end()) {
        // Join by token only when the keys cannot disagree.
        const journal_entry& e = out[it->second];
        if (r.entry_key.empty() || e.entry_key.empty()) idx = it->second;
      }
    }
    if (idx == out.size()) {
      out.emplace_back();
      out.back().created = r.ts;
    }
    journal_entry& e = out[idx];
    if (!r.entry_key.empty() && e.entry_key.empty()) by_key.emplace(r.entry_key, idx);
    if (!r.client_token.empty()) by_token.emplace(r.client_token, idx);

    auto take = [](std::string& dst, const std::string& src) {
      if (!src.empty()) dst = src;
    };
    take(e.plan_key, r.plan_key);
    take(e.entry_key, r.entry_key);
    take(e.client_token, r.client_token);
    take(e.agreement_id, r.agreement_id);
    take(e.invoice_id, r.invoice_id);
    take(e.amount, r.amount);
    take(e.currency, r.currency);
    take(e.reason_code, r.reason_code);
    take(e.description, r.description);
    take(e.details.support_case_id, r.details.support_case_id);
    take(e.details.buyer_reference, r.details.buyer_reference);
    take(e.details.notes, r.details.notes);
    take(e.request_id, r.request_id);
    take(e.status_message, r.status_message);
    if (e.created.empty()) e.created = r.ts;
    if (!r.ts.empty()) e.updated = r.ts;

    switch (r.kind) {
      case journal_kind::plan:
        break;
      case journal_kind::intent:
        ++e.attempts;
        if (e.state != entry_state::confirmed) {
          e.state = entry_state::in_doubt;
          e.status = r.status;
          e.error_code.clear();
          e.error_message.clear();
        }
        break;
      case journal_kind::outcome:
        if (!r.billing_adjustment_request_id.empty()) {
          e.state = entry_state::confirmed;
          e.billing_adjustment_request_id = r.billing_adjustment_request_id;
          if (!r.status.empty()) {
            e.status = r.status;
          } else if (e.status.empty() || e.status == journal_status::in_doubt ||
                     e.status == journal_status::failed) {
            e.status = journal_status::pending;
          }
          e.error_code.clear();
          e.error_message.clear();
        } else if (e.state == entry_state::confirmed) {
          // A later attempt's error does not undo a created request; keep it for the record.
          take(e.error_code, r.error_code);
          take(e.error_message, r.error_message);
        } else if (!r.error_code.empty()) {
          e.state = entry_state::failed;
          e.status = r.status.empty() ? journal_status::failed : r.status;
          e.error_code = r.error_code;
          e.error_message = r.error_message;
        } else {
          e.state = entry_state::in_doubt;
          e.status = r.status.empty() ? journal_status::in_doubt : r.status;
          take(e.error_message, r.error_message);
        }
        break;
      case journal_kind::status:
        if (!r.billing_adjustment_request_id.empty()) {
          e.state = entry_state::confirmed;
          e.billing_adjustment_request_id = r.billing_adjustment_request_id;
        }
        take(e.status, r.status);
        take(e.error_code, r.error_code);
        take(e.error_message, r.error_message);
        break;
    }
  }
  return out;
}

std::string entry_display_status(const journal_entry& entry) {
  switch (entry.state) {
    case entry_state::confirmed: return entry.status.empty() ? journal_status::pending : entry.status;
    case entry_state::failed: return journal_status::failed;
    case entry_state::in_doubt: return journal_status::in_doubt;
    case entry_state::planned: return "PLANNED";
  }
  return {};
}

// ------------------------------------------------------------------------------ CSV

namespace {

void csv_cell(std::string& out, const std::string& value) {
  std::string v;
  if (!value.empty()) {
    const char c = value.front();
    if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') v = "'";
  }
  v += value;
  if (v.find_first_of(",\"\r\n") == std::string::npos) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string journal_to_csv(const std::vector<journal_entry>& entries) {
  std::string out =
      "created,updated,agreement_id,invoice_id,amount,currency,reason_code,description,"
      "support_case_id,buyer_reference,notes,billing_adjustment_request_id,status,message,"
      "client_token,plan_key,entry_key\r\n";
  for (const journal_entry& e : entries) {
    std::string message = e.status_message;
    if (message.empty() && !e.error_code.empty()) {
      message = e.error_code + (e.error_message.empty() ? "" : ": " + e.error_message);
    } else if (message.empty()) {
      message = e.error_message;
    }
    const std::string cells[] = {e.created,
                                 e.updated,
                                 e.agreement_id,
                                 e.invoice_id,
                                 e.amount,
                                 e.currency,
                                 e.reason_code,
                                 e.description,
                                 e.details.support_case_id,
                                 e.details.buyer_reference,
                                 e.details.notes,
                                 e.billing_adjustment_request_id,
                                 entry_display_status(e),
                                 message,
                                 e.client_token,
                                 e.plan_key,
                                 e.entry_key};
    bool first = true;
    for (const std::string& c : cells) {
      if (!first) out += ',';
      first = false;
      csv_cell(out, c);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace v1
}  // namespace mpadjust
