// journal_writer: the locked, fsync'd, append-only writer of a journal file (POSIX).
#include <mpadjust/journal.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <mpadjust/money.hpp>

#include "journal/journal_internal.hpp"

namespace mpadjust {
inline namespace v1 {

namespace {

std::string errno_text(int e) { return std::strerror(e); }

[[noreturn]] void io_error(const std::string& what, int e) {
  throw error(MPADJUST_EIO, what + ": " + errno_text(e));
}

// A file descriptor closed on destruction.
class fd_guard {
 public:
  fd_guard() = default;
  explicit fd_guard(int fd) noexcept : fd_(fd) {}
  fd_guard(fd_guard&& o) noexcept : fd_(o.release()) {}
  fd_guard& operator=(fd_guard&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.release();
    }
    return *this;
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  ~fd_guard() { reset(); }
  int get() const noexcept { return fd_; }
  int release() noexcept {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

std::string parent_dir(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

int fsync_retry(int fd) {
  // fsync is not retried after a failure (the kernel may have dropped the dirty pages); only
  // an interrupted call is repeated.
  int r;
  do {
    r = ::fsync(fd);
  } while (r != 0 && errno == EINTR);
  return r;
}

void fsync_dir(const std::string& dir, std::uint64_t& counter) {
  fd_guard d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() < 0) io_error("cannot open directory " + dir + " to sync it", errno);
  if (fsync_retry(d.get()) != 0) io_error("cannot sync directory " + dir, errno);
  ++counter;
}

// mkdir -p with mode 0700 for each created directory, syncing each created one's parent.
void make_dirs(const std::string& dir, std::uint64_t& dir_syncs) {
  if (dir.empty() || dir == "/" || dir == ".") return;
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) throw error(MPADJUST_EIO, "journal directory " + dir + " is not a directory");
    return;
  }
  if (errno != ENOENT) io_error("cannot inspect journal directory " + dir, errno);
  make_dirs(parent_dir(dir), dir_syncs);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) io_error("cannot create journal directory " + dir, errno);
  fsync_dir(parent_dir(dir), dir_syncs);
}

bool write_all(int fd, const char* data, std::size_t len, int& err) {
  while (len > 0) {
    const ssize_t n = ::write(fd, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      return false;
    }
    if (n == 0) {
      err = EIO;
      return false;
    }
    data += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

std::string read_all(int fd, const std::string& path) {
  std::string text;
  char buf[65536];
  off_t off = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, buf, sizeof buf, off);
    if (n < 0) {
      if (errno == EINTR) continue;
      io_error("cannot read journal " + path, errno);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    off += n;
  }
  return text;
}

// The pid written in a lock file, or 0 when unknown.
long read_lock_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return 0;
  long pid = 0;
  for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pid = pid * 10 + (buf[i] - '0');
  return pid;
}

void validate(const journal_record& r) {
  if (r.kind != journal_kind::plan && r.entry_key.empty() && r.client_token.empty()) {
    throw invalid_field("entry_key", std::string("a journal record of kind \"") + to_string(r.kind) +
                                         "\" needs an entry_key or a client_token");
  }
  if (!r.amount.empty()) (void)amount::parse(r.amount, "amount");
  if (!r.currency.empty()) (void)currency::parse(r.currency, "currency");
}

}  // namespace

struct journal_writer::impl {
  std::string path;
  fd_guard lock_fd;
  fd_guard fd;
  off_t size = 0;
  bool broken = false;
  journal_contents existing;
  io_stats stats;
};

journal_writer::journal_writer(std::unique_ptr<impl> p) noexcept : impl_(std::move(p)) {}
journal_writer::journal_writer(journal_writer&& other) noexcept = default;
journal_writer& journal_writer::operator=(journal_writer&& other) noexcept = default;
journal_writer::~journal_writer() { close(); }

void journal_writer::close() noexcept {
  if (!impl_) return;
  impl_->fd.reset();
  impl_->lock_fd.reset();  // closing the last descriptor of the open file releases the flock
}

const std::string& journal_writer::path() const noexcept {
  static const std::string none;
  return impl_ ? impl_->path : none;
}

const journal_contents& journal_writer::existing() const noexcept {
  static const journal_contents none;
  return impl_ ? impl_->existing : none;
}

journal_writer::io_stats journal_writer::stats() const noexcept { return impl_ ? impl_->stats : io_stats{}; }

journal_writer journal_writer::open(const std::string& path) {
  if (path.empty()) throw invalid_field("journal", "path is empty");
  auto p = std::make_unique<impl>();
  p->path = path;
  const std::string dir = parent_dir(path);
  make_dirs(dir, p->stats.dir_syncs);

  // 1. The lock, before touching the journal.
  const std::string lock_path = path + ".lock";
  p->lock_fd = fd_guard(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (p->lock_fd.get() < 0) io_error("cannot open journal lock file " + lock_path, errno);
  int r;
  do {
    r = ::flock(p->lock_fd.get(), LOCK_EX | LOCK_NB);
  } while (r != 0 && errno == EINTR);
  if (r != 0) {
    const int e = errno;
    if (e == EWOULDBLOCK) {
      const long pid = read_lock_pid(p->lock_fd.get());
      std::string who = pid > 0 ? "pid " + std::to_string(pid) : "pid unknown";
      if (pid == static_cast<long>(::getpid())) who += ", this process";
      throw error(MPADJUST_ECONFLICT, "journal " + path + " is in use by another process (" + who +
                                          "); only one writer may have it open");
    }
    io_error("cannot lock journal " + path, e);
  }
  const std::string pid_text = std::to_string(static_cast<long>(::getpid())) + "\n";
  if (::ftruncate(p->lock_fd.get(), 0) == 0) {
    (void)::pwrite(p->lock_fd.get(), pid_text.data(), pid_text.size(), 0);  // informative only
  }

  // 2. The journal itself: create it (0600, then sync the directory entry) or open it.
  bool created = false;
  p->fd = fd_guard(::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (p->fd.get() >= 0) {
    created = true;
  } else if (errno == EEXIST) {
    p->fd = fd_guard(::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC));
  }
  if (p->fd.get() < 0) io_error("cannot open journal " + path, errno);
  struct stat st {};
  if (::fstat(p->fd.get(), &st) != 0) io_error("cannot inspect journal " + path, errno);
  if (!S_ISREG(st.st_mode)) throw error(MPADJUST_EIO, "journal " + path + " is not a regular file");
  if (created) {
    if (fsync_retry(p->fd.get()) != 0) io_error("cannot sync journal " + path, errno);
    ++p->stats.file_syncs;
    fsync_dir(dir, p->stats.dir_syncs);
  } else if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    p->existing.warnings.push_back("journal " + path + " is accessible by other users (mode " + mode +
                                   "); run chmod 600 on it");
  }

  // 3. Check what is there and repair a torn tail.
  const std::string text = read_all(p->fd.get(), path);
  journal_detail::parsed_journal parsed = journal_detail::parse(text, path);
  for (auto& w : parsed.contents.warnings) p->existing.warnings.push_back(std::move(w));
  p->existing.records = std::move(parsed.contents.records);
  p->size = static_cast<off_t>(text.size());
  if (parsed.torn && parsed.torn_but_complete) {
    int e = 0;
    if (!write_all(p->fd.get(), "\n", 1, e)) io_error("cannot repair journal " + path, e);
    if (fsync_retry(p->fd.get()) != 0) io_error("cannot sync journal " + path, errno);
    ++p->stats.file_syncs;
    p->size += 1;
    p->existing.warnings.push_back("journal " + path + " line " + std::to_string(parsed.torn_line) +
                                   ": repaired by adding the missing newline");
  } else if (parsed.torn) {
    // Keep the torn bytes for inspection before cutting them off.
    const std::string torn_path = path + ".torn";
    fd_guard t(::open(torn_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
    if (t.get() < 0) io_error("cannot open " + torn_path, errno);
    std::string saved = text.substr(parsed.good_end);
    if (saved.empty() || saved.back() != '\n') saved += '\n';
    int e = 0;
    if (!write_all(t.get(), saved.data(), saved.size(), e)) io_error("cannot write " + torn_path, e);
    if (fsync_retry(t.get()) != 0) io_error("cannot sync " + torn_path, errno);
    ++p->stats.file_syncs;
    if (::ftruncate(p->fd.get(), static_cast<off_t>(parsed.good_end)) != 0) {
      io_error("cannot truncate the torn tail of journal " + path, errno);
    }
    if (fsync_retry(p->fd.get()) != 0) io_error("cannot sync journal " + path, errno);
    ++p->stats.file_syncs;
    p->size = static_cast<off_t>(parsed.good_end);
    p->existing.warnings.push_back("journal " + path + " line " + std::to_string(parsed.torn_line) +
                                   ": repaired by moving the torn final line (" +
                                   std::to_string(text.size() - parsed.good_end) + " bytes) to " + torn_path);
  }
  return journal_writer(std::move(p));
}

journal_record journal_writer::append(const journal_record& record) {
  if (!impl_ || impl_->fd.get() < 0) throw error(MPADJUST_EINVALID, "journal writer is closed");
  impl& m = *impl_;
  if (m.broken) {
    throw error(MPADJUST_EIO, "journal " + m.path +
                                  " had a failed fsync; its state on disk is unknown: reopen the journal");
  }
  validate(record);
  journal_record rec = record;
  if (rec.ts.empty()) rec.ts = journal_detail::now_timestamp();
  std::string line = journal_record_to_json(rec);
  line += '\n';
  int e = 0;
  if (!write_all(m.fd.get(), line.data(), line.size(), e)) {
    // Cut any partial line so the journal stays well-formed.
    if (::ftruncate(m.fd.get(), m.size) != 0) m.broken = true;
    io_error("cannot write journal " + m.path, e);
  }
  if (fsync_retry(m.fd.get()) != 0) {
    const int fe = errno;
    m.broken = true;
    io_error("cannot sync journal " + m.path, fe);
  }
  ++m.stats.file_syncs;
  ++m.stats.records_written;
  m.size += static_cast<off_t>(line.size());
  return rec;
}

}  // namespace v1
}  // namespace mpadjust
