// workflow: text checks, hashing, tables (private helpers).
#include "workflow/workflow_internal.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include <openssl/evp.h>

namespace mpadjust {
inline namespace v1 {
namespace workflow_detail {

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1 || len != 32) {
    throw error(MPADJUST_EINTERNAL, "SHA-256 (EVP_Digest) failed");
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (unsigned i = 0; i < 32; ++i) {
    out[2 * i] = digits[md[i] >> 4];
    out[2 * i + 1] = digits[md[i] & 0x0f];
  }
  return out;
}

void append_framed(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out.append(field.data(), field.size());
  out += ';';
}

std::string quoted(std::string_view text, std::size_t limit) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else if (c >= 0x80) {
      out += static_cast<char>(c);  // UTF-8 kept as is (validated where it matters)
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(c));
      out += buf;
    }
  }
  if (text.size() > limit) out += "...";
  out += '"';
  return out;
}

bool is_resource_id(std::string_view s) noexcept {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '/' || c == '-';
  });
}

bool is_client_token(std::string_view s) noexcept {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool is_account_id(std::string_view s) noexcept {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool has_control(std::string_view s, std::string_view allowed) noexcept {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 || c == 0x7f) && allowed.find(ch) == std::string_view::npos) return true;
  }
  return false;
}

std::string agreement_id_problem(std::string_view id) {
  if (id.empty()) return "required (an agreement ID such as agmt-1a2b3c4d5e6f7g8h9i0j)";
  if (id.size() > 64) return quoted(id) + " is longer than 64 characters";
  if (!is_resource_id(id)) {
    return quoted(id) + " is not an agreement ID (1-64 of A-Z a-z 0-9 _ / -)";
  }
  return {};
}

std::string invoice_id_problem(std::string_view id) {
  if (id.empty()) return "required (the invoice ID shown by ListAgreementInvoiceLineItems)";
  const long n = utf8_length(id);
  if (n < 0) return "is not valid UTF-8";
  if (n > 255) return quoted(id) + " is longer than 255 characters";
  if (has_control(id)) return quoted(id) + " contains a control character";
  if (id.front() == ' ' || id.back() == ' ') return quoted(id) + " has leading or trailing spaces";
  return {};
}

std::string field_of(const std::string& problem) {
  const auto pos = problem.find(": ");
  if (pos == std::string::npos) return {};
  const std::string f = problem.substr(0, pos);
  if (f.find(' ') != std::string::npos) return {};
  return f;
}

std::string iso8601(timestamp t) {
  const std::int64_t ms = epoch_ms(t);
  std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string now_iso8601() {
  return iso8601(std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now()));
}

std::string period_text(const invoice_billing_period& p) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", static_cast<int>(p.year), static_cast<int>(p.month));
  return buf;
}

std::string text_table(const std::vector<std::vector<std::string>>& rows,
                       const std::vector<bool>& right_align) {
  std::vector<std::size_t> width;
  for (const auto& r : rows) {
    if (width.size() < r.size()) width.resize(r.size(), 0);
    for (std::size_t i = 0; i < r.size(); ++i) {
      const long n = utf8_length(r[i]);
      width[i] = std::max(width[i], n < 0 ? r[i].size() : static_cast<std::size_t>(n));
    }
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      const long n = utf8_length(r[i]);
      const std::size_t len = n < 0 ? r[i].size() : static_cast<std::size_t>(n);
      const std::string pad(width[i] - len, ' ');
      const bool right = i < right_align.size() && right_align[i];
      if (i) line += "  ";
      if (right) {
        line += pad + r[i];
      } else {
        line += r[i];
        if (i + 1 < r.size()) line += pad;
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

std::string token_material(std::string_view plan_key, const plan_entry& e) {
  std::string m;
  append_framed(m, "mpadjust-entry-v1");
  append_framed(m, plan_key);
  append_framed(m, e.agreement_id);
  append_framed(m, e.invoice_id);
  append_framed(m, e.amount);
  append_framed(m, e.currency);
  append_framed(m, e.reason_code);
  append_framed(m, e.description);
  return m;
}

std::string derive_client_token(std::string_view plan_key, const plan_entry& e) {
  return "mpa-" + sha256_hex("client-token\n" + token_material(plan_key, e)).substr(0, 40);
}

std::string derive_entry_key(std::string_view plan_key, const plan_entry& e) {
  return "e-" + sha256_hex("entry-key\n" + token_material(plan_key, e)).substr(0, 32);
}

}  // namespace workflow_detail
}  // namespace v1
}  // namespace mpadjust
