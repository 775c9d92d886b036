// workflow: plan JSON (save/load), entries from CSV and JSON.
#include <algorithm>
#include <cstring>
#include <map>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "json/json_write.hpp"
#include "workflow/workflow_internal.hpp"

namespace mpadjust {
inline namespace v1 {

using namespace workflow_detail;

namespace {

using pretty_writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void put(pretty_writer& w, const char* key, const std::string& value, bool always = true) {
  if (!always && value.empty()) return;
  detail::write_member(w, key, value);
}

void put_list(pretty_writer& w, const char* key, const std::vector<std::string>& values) {
  detail::write_string_list(w, key, values);
}

[[noreturn]] void parse_fail(const std::string& where, const std::string& what) {
  throw error(MPADJUST_EPARSE, where + ": " + what, where);
}

std::string get_string(const rapidjson::Value& obj, const char* key, const std::string& where,
                       bool required) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) {
    if (required) parse_fail(where + "." + key, "missing");
    return {};
  }
  if (!it->value.IsString()) {
    parse_fail(where + "." + key, it->value.IsNumber()
                                      ? "must be a JSON string (write amounts as \"12.50\": "
                                        "JSON numbers are binary floating point)"
                                      : "must be a JSON string");
  }
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::vector<std::string> get_list(const rapidjson::Value& obj, const char* key,
                                  const std::string& where) {
  std::vector<std::string> out;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) return out;
  if (!it->value.IsArray()) parse_fail(where + "." + key, "must be an array of strings");
  for (const auto& v : it->value.GetArray()) {
    if (!v.IsString()) parse_fail(where + "." + key, "must be an array of strings");
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

void parse_document(rapidjson::Document& d, std::string_view text, const char* what) {
  d.Parse(text.data(), text.size());
  if (d.HasParseError()) {
    throw error(MPADJUST_EPARSE, std::string(what) + ": invalid JSON at offset " +
                                     std::to_string(d.GetErrorOffset()) + ": " +
                                     rapidjson::GetParseError_En(d.GetParseError()));
  }
}

}  // namespace

std::string plan_to_json(const plan& p) {
  rapidjson::StringBuffer buf;
  pretty_writer w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("format");
  w.String("mpadjust-plan");
  w.Key("version");
  w.Int(p.version);
  put(w, "plan_key", p.plan_key);
  put(w, "created_at", p.created_at);
  put_list(w, "warnings", p.warnings);
  w.Key("entries");
  w.StartArray();
  for (const auto& e : p.entries) {
    w.StartObject();
    put(w, "entry_key", e.entry_key);
    put(w, "client_token", e.client_token);
    put(w, "agreement_id", e.agreement_id);
    put(w, "invoice_id", e.invoice_id);
    put(w, "amount", e.amount);
    put(w, "currency", e.currency);
    w.Key("full");
    w.Bool(e.full);
    put(w, "reason_code", e.reason_code);
    put(w, "description", e.description);
    w.Key("details");
    w.StartObject();
    put(w, "support_case_id", e.details.support_case_id);
    put(w, "buyer_reference", e.details.buyer_reference);
    put(w, "notes", e.details.notes);
    w.EndObject();
    put(w, "invoice_amount", e.invoice_amount);
    put(w, "max_adjustment_amount", e.max_adjustment_amount);
    put(w, "remaining_after", e.remaining_after);
    put(w, "agreement_status", e.agreement_status);
    put_list(w, "warnings", e.warnings);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

plan plan_from_json(std::string_view text) {
  rapidjson::Document d;
  parse_document(d, text, "plan");
  if (!d.IsObject()) parse_fail("plan", "must be a JSON object");
  const std::string format = get_string(d, "format", "plan", false);
  if (!format.empty() && format != "mpadjust-plan") parse_fail("plan.format", "not an mpadjust plan");
  plan p;
  auto v = d.FindMember("version");
  if (v == d.MemberEnd() || !v->value.IsInt()) parse_fail("plan.version", "missing or not an integer");
  if (v->value.GetInt() != 1) {
    parse_fail("plan.version", "version " + std::to_string(v->value.GetInt()) +
                                   " is not supported (this library reads version 1)");
  }
  p.version = 1;
  p.plan_key = get_string(d, "plan_key", "plan", true);
  p.created_at = get_string(d, "created_at", "plan", false);
  p.warnings = get_list(d, "warnings", "plan");
  auto es = d.FindMember("entries");
  if (es == d.MemberEnd() || !es->value.IsArray()) parse_fail("plan.entries", "missing or not an array");
  std::vector<std::string> problems;
  std::map<std::string, std::size_t> tokens;
  std::size_t i = 0;
  for (const auto& ev : es->value.GetArray()) {
    const std::string where = "entries[" + std::to_string(i) + "]";
    if (!ev.IsObject()) parse_fail(where, "must be an object");
    plan_entry e;
    e.entry_key = get_string(ev, "entry_key", where, true);
    e.client_token = get_string(ev, "client_token", where, true);
    e.agreement_id = get_string(ev, "agreement_id", where, true);
    e.invoice_id = get_string(ev, "invoice_id", where, true);
    e.amount = get_string(ev, "amount", where, true);
    e.currency = get_string(ev, "currency", where, true);
    auto full = ev.FindMember("full");
    e.full = full != ev.MemberEnd() && full->value.IsBool() && full->value.GetBool();
    e.reason_code = get_string(ev, "reason_code", where, true);
    e.description = get_string(ev, "description", where, false);
    auto det = ev.FindMember("details");
    if (det != ev.MemberEnd() && det->value.IsObject()) {
      e.details.support_case_id = get_string(det->value, "support_case_id", where + ".details", false);
      e.details.buyer_reference = get_string(det->value, "buyer_reference", where + ".details", false);
      e.details.notes = get_string(det->value, "notes", where + ".details", false);
    }
    e.invoice_amount = get_string(ev, "invoice_amount", where, false);
    e.max_adjustment_amount = get_string(ev, "max_adjustment_amount", where, false);
    e.remaining_after = get_string(ev, "remaining_after", where, false);
    e.agreement_status = get_string(ev, "agreement_status", where, false);
    e.warnings = get_list(ev, "warnings", where);

    // A frozen plan is checked again: the amounts must be valid and each token must be the one
    // its content derives (an edited amount would otherwise go out under the old token).
    const std::string f = where + ".";
    const std::string ap = agreement_id_problem(e.agreement_id);
    if (!ap.empty()) problems.push_back(f + "agreement_id: " + ap);
    const std::string ip = invoice_id_problem(e.invoice_id);
    if (!ip.empty()) problems.push_back(f + "invoice_id: " + ip);
    try {
      const money m = money::parse_positive(e.amount, e.currency, f + "amount", f + "currency");
      if (m.api_text() != e.amount) {
        problems.push_back(f + "amount: " + quoted(e.amount) + " is not in canonical form (" +
                           m.api_text() + ")");
      }
    } catch (const error& err) {
      problems.push_back(err.what());
    }
    const reason_check rc = check_reason(e.reason_code, e.description, f);
    problems.insert(problems.end(), rc.errors.begin(), rc.errors.end());
    if (!is_client_token(e.client_token)) {
      problems.push_back(f + "client_token: " + quoted(e.client_token) + " is not a client token");
    } else if (e.client_token != derive_client_token(p.plan_key, e) ||
               e.entry_key != derive_entry_key(p.plan_key, e)) {
      problems.push_back(f + "client_token: does not match the entry's content; the plan was "
                             "edited after it was resolved (resolve it again instead)");
    } else if (!tokens.emplace(e.client_token, i).second) {
      problems.push_back(f + "client_token: duplicate of entries[" +
                         std::to_string(tokens[e.client_token]) + "]");
    }
    p.entries.push_back(std::move(e));
    ++i;
  }
  if (p.entries.empty()) problems.push_back("entries: the plan is empty");
  if (!problems.empty()) throw plan_error(std::move(problems));
  return p;
}

// ------------------------------------------------------------------ CSV / JSON entries

namespace {

const char* const csv_columns[] = {"agreement_id", "invoice_id",      "amount",
                                   "currency",     "reason_code",     "description",
                                   "support_case_id", "buyer_reference", "notes"};

std::string* spec_field(entry_spec& s, std::string_view name) {
  if (name == "agreement_id" || name == "agreementId") return &s.agreement_id;
  if (name == "invoice_id" || name == "invoiceId" || name == "originalInvoiceId") return &s.invoice_id;
  if (name == "amount" || name == "adjustmentAmount") return &s.amount;
  if (name == "currency" || name == "currencyCode") return &s.currency;
  if (name == "reason_code" || name == "adjustmentReasonCode" || name == "reasonCode") return &s.reason_code;
  if (name == "description") return &s.description;
  if (name == "support_case_id") return &s.details.support_case_id;
  if (name == "buyer_reference") return &s.details.buyer_reference;
  if (name == "notes") return &s.details.notes;
  return nullptr;
}

// RFC 4180 records (quoted fields may hold commas, quotes and line breaks). Each record keeps
// the line number where it starts.
std::vector<std::pair<std::size_t, std::vector<std::string>>> csv_records(std::string_view t) {
  if (t.size() >= 3 && std::memcmp(t.data(), "\xEF\xBB\xBF", 3) == 0) t.remove_prefix(3);
  std::vector<std::pair<std::size_t, std::vector<std::string>>> out;
  std::size_t line = 1;
  std::size_t i = 0;
  while (i < t.size()) {
    const std::size_t start_line = line;
    std::vector<std::string> fields;
    std::string cur;
    bool end_of_record = false;
    while (!end_of_record) {
      cur.clear();
      if (i < t.size() && t[i] == '"') {
        ++i;
        for (;;) {
          if (i >= t.size()) {
            throw error(MPADJUST_EPARSE,
                        "csv line " + std::to_string(start_line) + ": unterminated quoted field");
          }
          if (t[i] == '"') {
            if (i + 1 < t.size() && t[i + 1] == '"') {
              cur += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (t[i] == '\n') ++line;
          cur += t[i++];
        }
        if (i < t.size() && t[i] != ',' && t[i] != '\n' && t[i] != '\r') {
          throw error(MPADJUST_EPARSE, "csv line " + std::to_string(line) +
                                           ": text after a closing quote");
        }
      } else {
        while (i < t.size() && t[i] != ',' && t[i] != '\n' && t[i] != '\r') {
          if (t[i] == '"') {
            throw error(MPADJUST_EPARSE, "csv line " + std::to_string(line) +
                                             ": a quote inside an unquoted field");
          }
          cur += t[i++];
        }
      }
      fields.push_back(cur);
      if (i >= t.size()) {
        end_of_record = true;
      } else if (t[i] == ',') {
        ++i;
      } else {
        if (t[i] == '\r') ++i;
        if (i < t.size() && t[i] == '\n') ++i;
        ++line;
        end_of_record = true;
      }
    }
    const bool blank = fields.size() == 1 && fields[0].empty();
    if (!blank) out.emplace_back(start_line, std::move(fields));
  }
  return out;
}

}  // namespace

std::vector<entry_spec> entries_from_csv(std::string_view text) {
  const auto records = csv_records(text);
  if (records.empty()) throw error(MPADJUST_EPARSE, "csv: no header row");
  const auto& header = records.front().second;
  std::vector<std::string> names;
  for (const auto& h : header) {
    std::string name = h;
    while (!name.empty() && name.back() == ' ') name.pop_back();
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    entry_spec probe;
    if (!spec_field(probe, name)) {
      std::string known;
      for (const char* c : csv_columns) known += (known.empty() ? "" : ", ") + std::string(c);
      throw error(MPADJUST_EPARSE, "csv header: unknown column " + quoted(name) + "; columns are " + known);
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      throw error(MPADJUST_EPARSE, "csv header: column " + quoted(name) + " appears twice");
    }
    names.push_back(name);
  }
  for (const char* required : {"agreement_id", "invoice_id", "amount", "currency", "reason_code"}) {
    entry_spec probe;
    const bool present = std::any_of(names.begin(), names.end(), [&](const std::string& n) {
      return spec_field(probe, n) == spec_field(probe, required);
    });
    if (!present) {
      throw error(MPADJUST_EPARSE, std::string("csv header: missing column ") + required);
    }
  }
  std::vector<entry_spec> out;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    if (rec.second.size() != names.size()) {
      throw error(MPADJUST_EPARSE, "csv line " + std::to_string(rec.first) + ": " +
                                       std::to_string(rec.second.size()) + " fields, the header has " +
                                       std::to_string(names.size()));
    }
    entry_spec s;
    for (std::size_t c = 0; c < names.size(); ++c) *spec_field(s, names[c]) = rec.second[c];
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<entry_spec> entries_from_json(std::string_view text) {
  rapidjson::Document d;
  parse_document(d, text, "entries JSON");
  const rapidjson::Value* arr = nullptr;
  if (d.IsArray()) {
    arr = &d;
  } else if (d.IsObject()) {
    auto it = d.FindMember("entries");
    if (it == d.MemberEnd() || !it->value.IsArray()) parse_fail("entries", "missing or not an array");
    arr = &it->value;
  } else {
    parse_fail("entries", "expected {\"entries\": [...]} or an array of entries");
  }
  std::vector<entry_spec> out;
  std::size_t i = 0;
  for (const auto& ev : arr->GetArray()) {
    const std::string where = "entries[" + std::to_string(i++) + "]";
    if (!ev.IsObject()) parse_fail(where, "must be an object");
    entry_spec s;
    for (auto m = ev.MemberBegin(); m != ev.MemberEnd(); ++m) {
      const std::string name(m->name.GetString(), m->name.GetStringLength());
      if (name == "details") {
        if (!m->value.IsObject()) parse_fail(where + ".details", "must be an object");
        for (auto dm = m->value.MemberBegin(); dm != m->value.MemberEnd(); ++dm) {
          const std::string dn(dm->name.GetString(), dm->name.GetStringLength());
          std::string* target = (dn == "support_case_id" || dn == "buyer_reference" || dn == "notes")
                                    ? spec_field(s, dn)
                                    : nullptr;
          if (!target) parse_fail(where + ".details." + dn, "unknown member");
          *target = get_string(m->value, dn.c_str(), where + ".details", false);
        }
        continue;
      }
      std::string* target = spec_field(s, name);
      if (!target) parse_fail(where + "." + name, "unknown member");
      *target = get_string(ev, name.c_str(), where, false);
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace v1
}  // namespace mpadjust
