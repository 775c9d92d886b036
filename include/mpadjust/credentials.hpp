// mpadjust/credentials.hpp - AWS credentials, secrets that wipe themselves, and providers.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mpadjust/error.hpp>

namespace mpadjust {
inline namespace v1 {

// A secret (secret access key, session token, signing key material). The bytes are wiped
// (OPENSSL_cleanse) whenever the value is released or overwritten. It has no operator<<
// and no implicit conversion: reveal() is the one, greppable way to read it.
class secret_string {
 public:
  secret_string() = default;
  explicit secret_string(std::string_view value);
  secret_string(const secret_string& other);
  secret_string(secret_string&& other) noexcept;
  secret_string& operator=(const secret_string& other);
  secret_string& operator=(secret_string&& other) noexcept;
  ~secret_string();

  std::string_view reveal() const noexcept { return value_; }
  bool empty() const noexcept { return value_.empty(); }
  size_t size() const noexcept { return value_.size(); }
  void clear() noexcept;
  friend bool operator==(const secret_string& a, const secret_string& b) noexcept;
  friend bool operator!=(const secret_string& a, const secret_string& b) noexcept { return !(a == b); }

 private:
  std::string value_;
};

// One set of AWS credentials. Copyable; the secrets wipe themselves.
struct credentials {
  std::string access_key_id;
  secret_string secret_access_key;
  secret_string session_token;  // empty for long-term keys
  // When temporary credentials stop working; empty for long-term keys.
  std::optional<std::chrono::system_clock::time_point> expiration;
  // Where they came from, for logs and errors ("environment", "profile default in
  // /home/u/.aws/credentials", "credential_process of profile x", "static"). Never secret.
  std::string source;
};

// Gives credentials, refreshing them before they expire. Implementations are thread-safe.
class credentials_provider {
 public:
  virtual ~credentials_provider() = default;
  // Current credentials; throws mpadjust::error (MPADJUST_ECREDENTIALS) when none can be had.
  virtual credentials get() = 0;
};

// How a provider looks at the process environment and the file system; tests inject these.
struct environment {
  // Returns the variable's value, or nullopt when unset. Default: std::getenv.
  std::function<std::optional<std::string>(std::string_view name)> get;
  // The user's home directory (for ~/.aws/...). Default: $HOME.
  std::optional<std::string> home() const;
  static environment process();
};

// ---------------------------------------------------------------------------------------------
// Errors. Every provider throws mpadjust::error with MPADJUST_ECREDENTIALS (no usable credentials,
// a failing credential_process, a missing named profile) or MPADJUST_EPARSE (a malformed shared
// file: the message names "path:line"). Messages name files, lines, profiles and keys, never
// a secret value, and never the stdout of a credential_process.

// Thrown by a provider that simply has no credentials to offer (variables unset, profile absent
// or without keys). A chain catches only this and tries its next provider; any other error stops
// the chain, so a broken source is reported rather than silently skipped.
class credentials_not_found : public error {
 public:
  explicit credentials_not_found(const std::string& message) : error(MPADJUST_ECREDENTIALS, message) {}
};

using clock_function = std::function<std::chrono::system_clock::time_point()>;

// ---------------------------------------------------------------------------------------------
// Shared `config` and `credentials` files, read exactly as the AWS CLI (botocore configloader,
// Python RawConfigParser) reads them:
// - config: [default] and [profile NAME] are profiles (NAME split shell-style: [profile "a b"]);
//   [services NAME] sections are kept; other sections are ignored. If both [default] and
//   [profile default] exist, the one later in the file wins. credentials: every [NAME] is profile NAME.
// - "key = value" or "key: value"; keys are lower-cased; value whitespace is trimmed.
// - Comments: whole lines whose first non-blank character is '#' or ';'. Text after the closing
//   ']' of a section header is ignored. There are NO inline comments on value lines: as in the
//   CLI, "region = us-east-1 # x" has the value "us-east-1 # x".
// - A line indented deeper than its property line continues it (joined with '\n'); when the
//   property's own value is empty ("s3 =") the indented "k = v" lines are sub-properties.
// - The same section or key twice in one file is an error (Python's strict mode), as is a key
//   before any section. Keys of a [DEFAULT] section apply to every section of that file.
// - For the same profile, a key in the credentials file overrides the config file's.
// - A leading UTF-8 BOM is skipped (the CLI would reject it). Missing files count as empty;
//   a file that exists but cannot be read is an MPADJUST_ECREDENTIALS error (the CLI ignores it).
// Values are held as secret_string and the file buffers are wiped after parsing.

struct shared_file_paths {
  std::string config;       // AWS_CONFIG_FILE, else ~/.aws/config ("" if no home is known)
  std::string credentials;  // AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials
};
// Both paths with '~' and $VAR / ${VAR} expanded as botocore does.
shared_file_paths resolve_shared_file_paths(const environment& env);

// The profile to use: `profile` if not empty, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else
// "default". (go-v2 order; botocore and aws-sdk-cpp read AWS_DEFAULT_PROFILE first.)
std::string resolve_profile_name(const environment& env, std::string_view profile = {});
// True when the profile was chosen explicitly (argument, AWS_PROFILE or AWS_DEFAULT_PROFILE).
bool profile_is_explicit(const environment& env, std::string_view profile = {});

class shared_config {
 public:
  enum class file { config, credentials };

  shared_config();  // no profiles
  // Reads the two files named by resolve_shared_file_paths(env).
  static shared_config load(const environment& env);
  // Parses texts directly; the paths only label error messages.
  static shared_config parse(std::string_view config_text, std::string_view credentials_text,
                             std::string config_path = "config",
                             std::string credentials_path = "credentials");

  const std::string& path(file which) const noexcept;
  bool has_profile(std::string_view profile) const;         // in either file
  bool has_profile(file which, std::string_view profile) const;
  std::vector<std::string> profile_names() const;           // sorted, both files

  // A key of a profile, the credentials file overriding the config file. Lower-case `key`.
  // Refuses the secret keys (aws_secret_access_key, aws_session_token, aws_security_token) with
  // MPADJUST_EINVALID: read those with secret_value().
  std::optional<std::string> value(std::string_view profile, std::string_view key) const;
  std::optional<secret_string> secret_value(std::string_view profile, std::string_view key) const;
  // The same, from one file only (the credential chain reads the two files at different steps).
  std::optional<secret_string> secret_value(file which, std::string_view profile,
                                            std::string_view key) const;
  // The keys of a profile, both files, sorted.
  std::vector<std::string> keys(std::string_view profile) const;
  // All sub-properties of a key (empty when it has none).
  std::map<std::string, std::string> sub_values(std::string_view profile, std::string_view key) const;
  // An indented sub-property: "s3 =\n  addressing_style = path" -> sub_value(p, "s3", "addressing_style").
  std::optional<std::string> sub_value(std::string_view profile, std::string_view key,
                                       std::string_view sub_key) const;
  // A key of a config-file [services NAME] section, e.g. for a profile with
  // "services = mine": services_value("mine", "marketplace_agreement", "endpoint_url").
  std::optional<std::string> services_value(std::string_view services_name,
                                            std::string_view service, std::string_view key) const;

  struct impl;

 private:
  std::shared_ptr<const impl> impl_;
};

// Convenience for the client: one key of the resolved profile (resolve_profile_name(env, profile)),
// e.g. "max_attempts", "retry_mode", "endpoint_url", "ca_bundle", "sdk_ua_app_id". Reads the files
// on each call. nullopt when unset or when the (implicit) default profile does not exist;
// throws MPADJUST_ECREDENTIALS if an explicitly named profile is missing, MPADJUST_EPARSE for bad files.
std::optional<std::string> profile_value(const environment& env, std::string_view profile,
                                         std::string_view key);

// The region: AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region`, else "us-east-1"
// (the only region of the Agreement Service). Empty variables count as unset. A value that is
// not a valid region name ([A-Za-z0-9-], 1..63, no leading/trailing '-') is MPADJUST_EINVALID
// naming where it came from. The files are read only when neither variable is set.
std::string resolve_region(const environment& env, std::string_view profile = {});

// ---------------------------------------------------------------------------------------------
// Providers. All are thread-safe: get() may be called from many threads at once.

// When cached temporary credentials are refreshed (botocore RefreshableCredentials):
// - more than `advisory` left: served from the cache;
// - less than `advisory` but more than `mandatory`: one caller refreshes, the others keep the
//   cached credentials; a failed refresh is ignored and the cached credentials served;
// - less than `mandatory` left (or nothing cached): callers wait for the refresh; its failure throws.
// Credentials that are expired are never served: a provider returning them is an error.
// Credentials without an expiration are cached for good.
struct refresh_policy {
  std::chrono::seconds advisory{15 * 60};
  std::chrono::seconds mandatory{10 * 60};
  clock_function clock;  // empty: std::chrono::system_clock::now
};

// Fixed keys. Empty access key id or secret: MPADJUST_EINVALID.
std::shared_ptr<credentials_provider> make_static_credentials_provider(
    std::string access_key_id, secret_string secret_access_key, secret_string session_token = {});

// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (else AWS_SECURITY_TOKEN) and the
// optional AWS_CREDENTIAL_EXPIRATION (RFC 3339), read at each get(). No AWS_ACCESS_KEY_ID:
// credentials_not_found. An access key without secret, a bad or past expiration: MPADJUST_ECREDENTIALS.
std::shared_ptr<credentials_provider> make_environment_credentials_provider(environment env,
                                                                            clock_function clock = {});

// credential_process. The command is split like a POSIX shell would (botocore's shlex.split:
// quotes and backslashes, no variables, globs or pipes) and run WITHOUT a shell via posix_spawnp
// (PATH lookup), inheriting stdin and the process environment; other descriptors are closed.
// stdout must be JSON {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?,
// "Expiration"? (RFC 3339)}. A non-zero exit is an error carrying the first bytes of stderr
// (control characters replaced); stdout is never echoed. Output beyond max_output or a run longer
// than timeout kills the process (SIGKILL) and is an error. The output buffer is wiped.
struct process_options {
  std::string command;
  std::string profile;  // only for messages ("credential_process of profile x")
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};  // the CLI has none; 0 = none
  std::size_t max_output = 1024 * 1024;
  refresh_policy refresh;  // its clock also judges whether returned credentials are expired
};
// Returns a caching provider: the process runs at the first get() and again per `refresh`.
std::shared_ptr<credentials_provider> make_process_credentials_provider(process_options options);

class transport;  // mpadjust/http.hpp

// Container credentials: ECS task roles and EKS Pod Identity (sdk-conventions.md 2.6), as the
// SDKs fetch them. Used only when AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (GET
// http://169.254.170.2<relative URI>; it wins) or AWS_CONTAINER_CREDENTIALS_FULL_URI is set,
// otherwise credentials_not_found. A full URI must be https://, or http:// to a loopback
// address, 169.254.170.2 (ECS), 169.254.170.23 or fd00:ec2::23 (EKS); a host name must resolve
// to such addresses only. The Authorization header is the content of
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at every fetch), else
// AWS_CONTAINER_AUTHORIZATION_TOKEN; CR or LF in it is refused. The answer must be JSON with
// AccessKeyId, SecretAccessKey, Token and an RFC 3339 Expiration in the future. Transport
// failures, 429 and 5xx are tried `attempts` times with `retry_delay` between (botocore: 3, 1 s);
// other statuses fail at once, with the service's code and message. Misconfiguration and
// failures are MPADJUST_ECREDENTIALS naming the variable or the endpoint host; the response body
// is wiped after parsing and never quoted.
struct container_options {
  environment env;  // empty get: the process environment
  // nullptr = the default transport (libcurl) with `timeout` for connecting and for the whole
  // request, created at the first fetch (a build without libcurl reports it then).
  std::shared_ptr<transport> http;
  std::chrono::milliseconds timeout{2000};
  int attempts = 3;
  std::chrono::milliseconds retry_delay{1000};
  refresh_policy refresh;  // its clock also judges whether returned credentials are expired
};
// Returns a caching provider: fetched at the first get() and again per `refresh`.
std::shared_ptr<credentials_provider> make_container_credentials_provider(container_options options = {});

// EC2 instance role credentials from the instance metadata service (IMDS; sdk-conventions.md
// 2.5). IMDSv2: PUT /latest/api/token (TTL 21600 s), then GET
// /latest/meta-data/iam/security-credentials/ for the role name and GET .../<role> for the
// credentials, both with the token. A token refused with 403/404/405 falls back to IMDSv1 (no
// token) unless AWS_EC2_METADATA_V1_DISABLED=true. Variables: AWS_EC2_METADATA_DISABLED=true
// (then credentials_not_found), AWS_EC2_METADATA_SERVICE_ENDPOINT (wins) or
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6 (http://[fd00:ec2::254]; default
// http://169.254.169.254), AWS_METADATA_SERVICE_TIMEOUT (seconds, default 1) and
// AWS_METADATA_SERVICE_NUM_ATTEMPTS (default 1). No service reachable, or an instance without a
// role: credentials_not_found (the chain ends as on any machine that is not an EC2 instance).
// A broken answer: MPADJUST_ECREDENTIALS, quoting nothing of it. Credentials that are already
// expired (an IMDS outage) are served for 15 to 20 more minutes, as botocore does ("static
// stability"); `source` then says so.
struct imds_options {
  environment env;  // empty get: the process environment
  // nullptr = the default transport with the timeout above, created at the first fetch.
  std::shared_ptr<transport> http;
  refresh_policy refresh;
};
// Returns a caching provider: fetched at the first get() and again per `refresh`.
std::shared_ptr<credentials_provider> make_imds_credentials_provider(imds_options options = {});

// A profile of the shared files, resolved as botocore's chain does for it:
//   1. role_arn / web_identity_token_file / sso_* keys -> MPADJUST_ECREDENTIALS "not supported yet"
//      (these need STS/SSO over HTTP; they would take precedence in the CLI, so they are never
//      silently skipped);
//   2. aws_access_key_id + aws_secret_access_key (+ aws_session_token) of the credentials file;
//   3. credential_process (either file, credentials file first);
//   4. aws_access_key_id + aws_secret_access_key (+ aws_session_token) of the config file.
// The files are read once, at the first get(). Profile absent (implicit default) or without
// credentials: credentials_not_found; explicitly named and absent: MPADJUST_ECREDENTIALS naming it.
// `profile` empty: resolve_profile_name(env).
std::shared_ptr<credentials_provider> make_profile_credentials_provider(
    environment env, std::string profile = {}, refresh_policy refresh = {});

// Tries providers in order: a credentials_not_found moves on, any other error stops it. The
// provider that answered is remembered and asked directly afterwards. None: MPADJUST_ECREDENTIALS
// listing why each was skipped.
std::shared_ptr<credentials_provider> make_chain_credentials_provider(
    std::vector<std::shared_ptr<credentials_provider>> providers);

// Caches another provider's credentials per `policy` (for any provider).
std::shared_ptr<credentials_provider> make_caching_credentials_provider(
    std::shared_ptr<credentials_provider> inner, refresh_policy policy = {});

struct default_chain_options {
  // Explicit profile. When set, the environment keys are skipped (as botocore and go-v2 do).
  std::string profile;
  // EXTENSION POINT: providers tried after the shared files, the container provider and IMDS, in
  // order. This is where the web-identity (STS) and SSO providers go; they are not written yet.
  std::vector<std::shared_ptr<credentials_provider>> after_profile;
  // The container and IMDS providers' transports (nullptr: the default transport, made when
  // first needed).
  std::shared_ptr<transport> container_http;
  std::shared_ptr<transport> imds_http;
  refresh_policy refresh;
};
// The SDKs' order: environment -> shared files (credentials file keys, credential_process,
// config file keys) -> container (when its variables are set) -> IMDS (unless
// AWS_EC2_METADATA_DISABLED=true) -> options.after_profile. If AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN
// are set, reaching the files step is MPADJUST_ECREDENTIALS "not supported yet" (the CLI would
// use web identity there). The result caches per `refresh`.
std::shared_ptr<credentials_provider> make_default_credentials_provider(environment env,
                                                                        default_chain_options options);
std::shared_ptr<credentials_provider> make_default_credentials_provider(environment env,
                                                                        std::string profile = {});

}  // namespace v1
}  // namespace mpadjust
