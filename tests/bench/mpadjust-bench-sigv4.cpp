// mpadjust-bench-sigv4 [N] - time SigV4 header signing of the DescribeAgreement request.
//
// Prints ns per signature, signatures per second, heap allocations (operator new) per signature
// in steady state, and, in the same run, the bare-crypto floor: SHA-256 of the body, SHA-256 of
// the canonical request and HMAC-SHA256 of the string to sign with a cached key (precomputed
// ipad/opad states copied per call, the fastest EVP form measured), with the ratio to it.
// No assertions on time: ctest only runs it with a small N to keep it building and running.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <openssl/evp.h>

#include <mpadjust/sigv4.hpp>

// ---- allocation counter: every operator new in this process goes through here.
static std::atomic<unsigned long long> g_allocations{0};

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

// Per-thread CPU time: other processes on a busy machine do not inflate it the way they
// inflate wall time (they still share caches and cores).
double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

using clock_type = std::chrono::steady_clock;

double ns_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::nano>(clock_type::now() - t0).count();
}

void die(const char* what) {
  std::fprintf(stderr, "mpadjust-bench-sigv4: %s failed\n", what);
  std::exit(1);
}

// The bare-crypto floor, computed with OpenSSL EVP directly (independent of the signer).
struct floor_crypto {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_MD_CTX* ipad = EVP_MD_CTX_new();
  EVP_MD_CTX* opad = EVP_MD_CTX_new();

  explicit floor_crypto(const unsigned char key[32]) {
    if (md == nullptr || ctx == nullptr || ipad == nullptr || opad == nullptr) die("EVP setup");
    unsigned char ip[64] = {}, op[64] = {};
    for (int i = 0; i < 64; ++i) {
      ip[i] = static_cast<unsigned char>((i < 32 ? key[i] : 0) ^ 0x36);
      op[i] = static_cast<unsigned char>((i < 32 ? key[i] : 0) ^ 0x5c);
    }
    if (EVP_DigestInit_ex(ipad, md, nullptr) != 1 || EVP_DigestUpdate(ipad, ip, 64) != 1 ||
        EVP_DigestInit_ex(opad, md, nullptr) != 1 || EVP_DigestUpdate(opad, op, 64) != 1)
      die("HMAC pads");
  }
  ~floor_crypto() {
    EVP_MD_CTX_free(ctx);
    EVP_MD_CTX_free(ipad);
    EVP_MD_CTX_free(opad);
    EVP_MD_free(md);
  }
  void sha256(const std::string& data, unsigned char out[32]) {
    unsigned int n = 0;
    if (EVP_DigestInit_ex(ctx, md, nullptr) != 1 ||
        EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 || EVP_DigestFinal_ex(ctx, out, &n) != 1)
      die("SHA-256");
  }
  void hmac(const std::string& data, unsigned char out[32]) {
    unsigned char inner[32];
    unsigned int n = 0;
    if (EVP_MD_CTX_copy_ex(ctx, ipad) != 1 || EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx, inner, &n) != 1 || EVP_MD_CTX_copy_ex(ctx, opad) != 1 ||
        EVP_DigestUpdate(ctx, inner, 32) != 1 || EVP_DigestFinal_ex(ctx, out, &n) != 1)
      die("HMAC");
  }
};

void derive_key(const std::string& secret, const std::string& date, const std::string& region,
                const std::string& service, unsigned char out[32]) {
  unsigned char a[32], b[32];
  size_t n = 0;
  const std::string k = "AWS4" + secret;
  auto mac = [&](const void* key, size_t klen, const std::string& d, unsigned char* o) {
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key, klen,
                  reinterpret_cast<const unsigned char*>(d.data()), d.size(), o, 32, &n) == nullptr)
      die("EVP_Q_mac");
  };
  mac(k.data(), k.size(), date, a);
  mac(a, 32, region, b);
  mac(b, 32, service, a);
  mac(a, 32, "aws4_request", out);
}

std::string hex(const unsigned char* p, size_t n) {
  static const char d[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s.push_back(d[p[i] >> 4]);
    s.push_back(d[p[i] & 15]);
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  long n = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 200000;
  if (n <= 0) {
    std::fprintf(stderr, "usage: %s [N>0]\n", argv[0]);
    return 2;
  }

  // DescribeAgreement: POST / to the Agreement Service (JSON 1.0: body hashed, no extra header).
  std::string body =
      "{\"AgreementId\":\"agmt-1a2b3c4d5e6f7g8h9i0j1k2l3m\",\"Filters\":[],"
      "\"Comment\":\"mpadjust benchmark request body, padded to exactly two hundred bytes";
  body.resize(198, '.');
  body += "\"}";
  if (body.size() != 200) die("body size");
  const mpadjust::header_view headers[] = {
      {"Content-Type", "application/x-amz-json-1.0"},
      {"X-Amz-Target", "AWSMPCommerceService_v20200301.DescribeAgreement"}};
  mpadjust::signing_request req;
  req.method = "POST";
  req.target = "/";
  req.host = "agreement-marketplace.us-east-1.amazonaws.com";
  req.headers = headers;
  req.header_count = 2;
  req.body = body;

  mpadjust::credentials creds;
  creds.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  creds.secret_access_key = mpadjust::secret_string("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

  mpadjust::signing_config cfg;
  cfg.region = "us-east-1";
  cfg.service = "aws-marketplace";
  mpadjust::signer signer(cfg);
  mpadjust::signing_output out;

  const long warmup = n < 1000 ? n : 1000;
  for (long i = 0; i < warmup; ++i) signer.sign(req, creds, out);

  // Floor state, on the texts of a signature; also an independent check of that signature.
  unsigned char key[32];
  derive_key(std::string(creds.secret_access_key.reveal()), out.amz_date.substr(0, 8), cfg.region,
             cfg.service, key);
  floor_crypto fc(key);
  const std::string cr = out.canonical_request, sts = out.string_to_sign;
  unsigned char h1[32], h2[32], mac[32];
  fc.sha256(body, h1);
  fc.hmac(sts, mac);
  if (hex(mac, 32) != out.signature || hex(h1, 32) != out.payload_hash) {
    std::fprintf(stderr, "mpadjust-bench-sigv4: signature does not match the independent HMAC\n");
    return 1;
  }

  // Signing and the floor alternate in rounds, so both see the same machine load; times are
  // thread CPU times; the figures are those of the best round (the least disturbed), the mean
  // is printed too.
  const long rounds = n >= 20000 ? 20 : 1;
  const long per_round = n / rounds;
  double best_sign = 1e300, best_floor = 1e300, sum_sign = 0, sum_floor = 0;
  unsigned long long allocations = 0;
  for (long r = 0; r < rounds; ++r) {
    const unsigned long long a0 = g_allocations.load();
    double t0 = thread_cpu_ns();
    for (long i = 0; i < per_round; ++i) signer.sign(req, creds, out);
    const double s_ns = (thread_cpu_ns() - t0) / static_cast<double>(per_round);
    allocations += g_allocations.load() - a0;
    t0 = thread_cpu_ns();
    for (long i = 0; i < per_round; ++i) {
      fc.sha256(body, h1);
      fc.sha256(cr, h2);
      fc.hmac(sts, mac);
    }
    const double f_ns = (thread_cpu_ns() - t0) / static_cast<double>(per_round);
    best_sign = std::min(best_sign, s_ns);
    best_floor = std::min(best_floor, f_ns);
    sum_sign += s_ns;
    sum_floor += f_ns;
  }
  const double allocs = static_cast<double>(allocations) / static_cast<double>(per_round * rounds);

  // Two threads sharing one signer (shared key cache, thread-local scratch): CPU time per
  // signature summed over the threads (contention on shared cache lines shows up here), and
  // wall-clock throughput (meaningless on a loaded machine).
  const unsigned threads = 2;
  const long per_thread = n / 2 > 0 ? n / 2 : 1;
  std::atomic<long long> cpu_total{0};
  auto t0 = clock_type::now();
  {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&] {
        mpadjust::signing_output o;
        const double c0 = thread_cpu_ns();
        for (long i = 0; i < per_thread; ++i) signer.sign(req, creds, o);
        cpu_total += static_cast<long long>(thread_cpu_ns() - c0);
      });
    for (auto& th : pool) th.join();
  }
  const double mt_ns = ns_since(t0);
  const double mt_cpu = static_cast<double>(cpu_total.load()) / static_cast<double>(per_thread * threads);

  std::printf("request: POST / agreement-marketplace (DescribeAgreement), %zu-byte JSON body, "
              "canonical request %zu bytes\n", body.size(), cr.size());
  std::printf("signatures: %ld in %ld rounds, thread CPU time (best round; mean in brackets)\n",
              per_round * rounds, rounds);
  std::printf("ns per signature: %.1f (%.1f)\n", best_sign, sum_sign / rounds);
  std::printf("signatures per second: %.0f (%.0f)\n", 1e9 / best_sign, 1e9 * rounds / sum_sign);
  std::printf("heap allocations per signature: %.3f\n", allocs);
  std::printf("bare-crypto floor ns: %.1f (%.1f) (SHA-256 body + SHA-256 canonical request + "
              "HMAC with cached key)\n", best_floor, sum_floor / rounds);
  std::printf("ratio to floor: %.2fx (%.2fx)\n", best_sign / best_floor, sum_sign / sum_floor);
  std::printf("2 threads, one signer: %.1f CPU ns per signature, %.0f signatures per second "
              "in total (wall clock)\n", mt_cpu, static_cast<double>(per_thread * threads) * 1e9 / mt_ns);
  return 0;
}
