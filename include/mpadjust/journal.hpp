// mpadjust/journal.hpp - the crash-safe record of every billing adjustment attempt.
//
// A journal is an append-only JSON Lines file (one record = one line, UTF-8, '\n'-terminated).
// The workflow writes an "intent" record *before* each BatchCreateBillingAdjustmentRequest call
// and an "outcome" record *after* it; each append is a single write() of the whole line
// followed by fsync() of the file (and, when the file or its directories were created, of the
// parent directory), so once append() returns the record survives a crash or power loss.
// After a crash fold_journal() tells, per entry, what is confirmed (a ba- id was recorded),
// what failed, and what is in doubt (an intent without an outcome: re-send it with the SAME
// client token, which makes the service return the original request instead of a new one).
//
// Line format (version 1; empty strings are omitted; unknown members are ignored on read):
//   {"v":1,"ts":"2026-11-27T07:00:00.123Z","kind":"intent","plan_key":"...","entry_key":"...",
//    "client_token":"...","agreement_id":"agmt-...","invoice_id":"...","amount":"12.50",
//    "currency":"USD","reason_code":"BUYER_DISSATISFACTION","description":"...",
//    "details":{"support_case_id":"...","buyer_reference":"...","notes":"..."},
//    "request_id":"...","billing_adjustment_request_id":"ba-...","status":"PENDING",
//    "error_code":"...","error_message":"...","status_message":"..."}
//
// Secrets never enter the journal: a record has no field for credentials, signatures or
// headers, and the writer serialises only the fields below.
//
// Damage: a torn final line (an interrupted write: no trailing newline, or an unparsable last
// line) is tolerated and reported as a warning; journal_writer::open() repairs it (a complete
// but unterminated record gets its newline; unparsable bytes are appended to "<path>.torn"
// for inspection, then cut off). Any other damage (an unparsable line before the last, an
// empty line, an unknown version or kind) is MPADJUST_EPARSE naming the file and line number,
// and a writer refuses to open such a journal.
//
// Concurrency: one writer per journal, enforced with flock(LOCK_EX|LOCK_NB) on the sibling
// file "<path>.lock" (which holds the writer's pid); a second writer, in this or another
// process, gets MPADJUST_ECONFLICT. Readers take no lock. POSIX only.
//
// Permissions: directories created for the journal are 0700, the journal and its lock file
// 0600 (a warning is returned when an existing journal is readable by group or others).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <mpadjust/credentials.hpp>
#include <mpadjust/error.hpp>

namespace mpadjust {
inline namespace v1 {

// The journal format version this library writes and reads.
constexpr int journal_version = 1;

enum class journal_kind {
  plan,     // the workflow planned an entry (or a whole plan when entry_key is empty)
  intent,   // about to send the entry (client_token fixed from here on)
  outcome,  // what the call returned for the entry: a ba- id, or an error, or "IN_DOUBT"
  status,   // a later status seen with Get/ListBillingAdjustmentRequest(s)
};
// "plan", "intent", "outcome", "status".
const char* to_string(journal_kind kind) noexcept;

// Values of journal_record::status: the API's BillingAdjustmentStatus plus two local ones.
namespace journal_status {
constexpr const char* pending = "PENDING";
constexpr const char* completed = "COMPLETED";
constexpr const char* validation_failed = "VALIDATION_FAILED";
constexpr const char* failed = "FAILED";      // the service rejected the entry (no ba- id)
constexpr const char* in_doubt = "IN_DOUBT";  // the call's result is unknown (e.g. a timeout)
}  // namespace journal_status

// Free-form details the seller keeps with a refund (never sent to AWS).
struct journal_details {
  std::string support_case_id;
  std::string buyer_reference;
  std::string notes;
};

// One line of the journal. All fields are text (money as API text, e.g. "12.50"); an empty
// string means "not recorded". Only kind is always required; ts is filled by append() when
// empty (UTC, "YYYY-MM-DDTHH:MM:SS.mmmZ").
struct journal_record {
  journal_kind kind = journal_kind::intent;
  std::string ts;
  std::string plan_key;      // the workflow's id of a plan (a batch of entries)
  std::string entry_key;     // the workflow's stable id of one entry (unique across plans)
  std::string client_token;  // the idempotency token sent with the entry
  std::string agreement_id;
  std::string invoice_id;
  std::string amount;    // API text; checked with amount::parse on append when set
  std::string currency;  // 3 upper-case letters; checked on append when set
  std::string reason_code;
  std::string description;
  journal_details details;
  std::string request_id;                     // the AWS x-amzn-RequestId of the call
  std::string billing_adjustment_request_id;  // "ba-..." once the service created it
  std::string status;                         // see journal_status
  std::string error_code;                     // e.g. VALIDATION_EXCEPTION, or a transport error
  std::string error_message;
  std::string status_message;  // the service's statusMessage
};

// The whole record as one JSON line, without the trailing newline. Throws MPADJUST_EINVALID
// (field named, e.g. "description") when a string is not valid UTF-8.
std::string journal_record_to_json(const journal_record& record);

// Records read from a journal plus the warnings the caller should show (e.g. a torn last line).
struct journal_contents {
  std::vector<journal_record> records;
  std::vector<std::string> warnings;
};

// Parses journal text; `name` is used in messages ("<name> line 7: ..."). Throws
// MPADJUST_EPARSE on damage other than a torn final line.
journal_contents parse_journal(std::string_view text, std::string_view name);
// Reads the file at `path` without locking. Throws MPADJUST_ENOTFOUND when it does not exist,
// MPADJUST_EIO when it cannot be read, MPADJUST_EPARSE on damage.
journal_contents read_journal(const std::string& path);

// $XDG_STATE_HOME/mpadjust/journal.jsonl when XDG_STATE_HOME is set to an absolute path, else
// $HOME/.local/state/mpadjust/journal.jsonl. Throws MPADJUST_EINVALID when neither is usable.
std::string default_journal_path(const environment& env = environment::process());

// The single writer of a journal file. Move-only; the destructor closes the file and releases
// the lock. Not thread-safe: use from one thread at a time.
class journal_writer {
 public:
  // Creates missing directories (0700) and the file (0600), takes the lock, reads and checks
  // the existing records and repairs a torn tail. Throws MPADJUST_ECONFLICT ("journal <path> is
  // in use by another process (pid N)"), MPADJUST_EIO, MPADJUST_EPARSE (damaged journal).
  static journal_writer open(const std::string& path);

  journal_writer(journal_writer&& other) noexcept;
  journal_writer& operator=(journal_writer&& other) noexcept;
  journal_writer(const journal_writer&) = delete;
  journal_writer& operator=(const journal_writer&) = delete;
  ~journal_writer();

  // Appends one record durably: validates it (MPADJUST_EINVALID: intent/outcome/status need an
  // entry_key or a client_token; amount and currency must be valid API text when set), fills
  // ts when empty, writes the line with one write() and fsync()s. Returns the record as
  // written. On a write error the file is cut back to its previous length and MPADJUST_EIO is
  // thrown; after a failed fsync the writer refuses further appends (reopen it).
  journal_record append(const journal_record& record);

  const std::string& path() const noexcept;
  // The records that were in the file when it was opened, and the warnings of open()
  // (torn tail repaired, loose permissions).
  const journal_contents& existing() const noexcept;

  struct io_stats {
    std::uint64_t records_written = 0;
    std::uint64_t file_syncs = 0;  // fsync() of the journal file
    std::uint64_t dir_syncs = 0;   // fsync() of a directory (after creating an entry in it)
  };
  io_stats stats() const noexcept;

  // Closes the file and releases the lock now (also done by the destructor). Idempotent.
  void close() noexcept;

 private:
  struct impl;
  explicit journal_writer(std::unique_ptr<impl> p) noexcept;
  std::unique_ptr<impl> impl_;
};

// ------------------------------------------------------------------------------ folded state

// Where an entry stands, from its records.
enum class entry_state {
  planned,    // only plan records: never sent
  in_doubt,   // the last intent has no outcome (or the outcome said IN_DOUBT): re-send with the
              // same client_token
  confirmed,  // the service created it (billing_adjustment_request_id is set); never re-send
  failed,     // the service rejected it (error_code set, no ba- id)
};
// "planned", "in_doubt", "confirmed", "failed".
const char* to_string(entry_state state) noexcept;

// The latest state of one entry. Text fields hold the last non-empty value recorded.
struct journal_entry {
  entry_state state = entry_state::planned;
  std::string plan_key;
  std::string entry_key;
  std::string client_token;
  std::string agreement_id;
  std::string invoice_id;
  std::string amount;
  std::string currency;
  std::string reason_code;
  std::string description;
  journal_details details;
  std::string request_id;
  std::string billing_adjustment_request_id;
  std::string status;  // last status recorded (PENDING/COMPLETED/VALIDATION_FAILED/...)
  std::string status_message;
  std::string error_code;  // of the last failed attempt; cleared by a later intent/confirmation
  std::string error_message;
  std::string created;  // ts of the first record of the entry
  std::string updated;  // ts of the last record of the entry
  unsigned attempts = 0;  // number of intent records
};

// Folds records into one journal_entry per entry, in order of first appearance.
// Identity: records with the same entry_key are one entry; a record without entry_key joins
// the entry that already used its client_token (else starts one keyed by the token). Plan
// records without entry_key and client_token (plan-level notes) are not entries.
// Rules: plan -> planned (only if nothing else happened yet); intent -> in_doubt, attempts+1,
// errors cleared (but a confirmed entry stays confirmed); outcome with a ba- id -> confirmed
// (status defaults to PENDING); outcome with error_code -> failed; outcome otherwise ->
// in_doubt; status -> updates status/status_message (and confirms when it carries a ba- id).
std::vector<journal_entry> fold_journal(const std::vector<journal_record>& records);

// The status shown for an entry: its recorded API status when confirmed (PENDING when none),
// else FAILED, IN_DOUBT or PLANNED.
std::string entry_display_status(const journal_entry& entry);

// CSV (RFC 4180: CRLF line ends; a field with ',', '"', CR or LF is quoted and '"' doubled)
// for reconciliation, one row per entry after a header row:
//   created,updated,agreement_id,invoice_id,amount,currency,reason_code,description,
//   support_case_id,buyer_reference,notes,billing_adjustment_request_id,status,message,
//   client_token,plan_key,entry_key
// (status = entry_display_status; message = status_message, else "error_code: error_message").
// Spreadsheet formula injection is neutralised: a cell starting with '=', '+', '-', '@', TAB
// or CR gets a leading apostrophe ("=1+1" -> "'=1+1"), which spreadsheets display as text;
// strip it if you feed the CSV to a program that wants the raw value.
std::string journal_to_csv(const std::vector<journal_entry>& entries);

}  // namespace v1
}  // namespace mpadjust
