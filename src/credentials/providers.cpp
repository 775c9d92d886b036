// Credential providers: static, environment, caching, chain, profile and the default chain.
#include <mutex>
#include <utility>

#include "credentials/internal.hpp"

namespace mpadjust {
inline namespace v1 {

using namespace credentials_detail;
using std::chrono::system_clock;

namespace {

system_clock::time_point now_of(const clock_function& clock) {
  return clock ? clock() : system_clock::now();
}

std::optional<std::string> env_value(const environment& env, std::string_view name) {
  if (!env.get) return std::nullopt;
  auto v = env.get(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

// ------------------------------------------------------------------ static
class static_provider final : public credentials_provider {
 public:
  explicit static_provider(credentials c) : creds_(std::move(c)) {}
  credentials get() override { return creds_; }

 private:
  const credentials creds_;
};

// ------------------------------------------------------------------ environment
class environment_provider final : public credentials_provider {
 public:
  environment_provider(environment env, clock_function clock) : env_(std::move(env)), clock_(std::move(clock)) {}

  credentials get() override {
    auto id = env_value(env_, "AWS_ACCESS_KEY_ID");
    if (!id) throw credentials_not_found("environment: AWS_ACCESS_KEY_ID is not set");
    credentials c;
    c.source = "environment";
    c.access_key_id = std::move(*id);
    {
      wiped_string secret;
      if (auto s = env_value(env_, "AWS_SECRET_ACCESS_KEY")) secret.value.swap(*s);
      if (secret.value.empty())
        throw error(MPADJUST_ECREDENTIALS, "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
      c.secret_access_key = secret_string(secret.value);
    }
    {
      wiped_string token;
      if (auto t = env_value(env_, "AWS_SESSION_TOKEN")) token.value.swap(*t);
      else if (auto t2 = env_value(env_, "AWS_SECURITY_TOKEN")) token.value.swap(*t2);
      c.session_token = secret_string(token.value);
    }
    if (auto e = env_value(env_, "AWS_CREDENTIAL_EXPIRATION")) {
      c.expiration = parse_rfc3339(*e);
      if (!c.expiration)
        throw error(MPADJUST_ECREDENTIALS, "environment: AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 time");
      if (*c.expiration <= now_of(clock_))
        throw error(MPADJUST_ECREDENTIALS, "environment: the credentials expired at " + format_utc(*c.expiration) +
                                               " (AWS_CREDENTIAL_EXPIRATION)");
    }
    return c;
  }

 private:
  const environment env_;
  const clock_function clock_;
};

// ------------------------------------------------------------------ caching
class caching_provider final : public credentials_provider {
 public:
  caching_provider(std::shared_ptr<credentials_provider> inner, refresh_policy p)
      : inner_(std::move(inner)), policy_(std::move(p)) {}

  credentials get() override {
    bool advisory = false;
    {
      std::lock_guard<std::mutex> lock(state_mu_);
      const auto now = now_of(policy_.clock);
      if (cached_ && remaining(now) > policy_.advisory) return *cached_;
      if (cached_ && remaining(now) > policy_.mandatory) {
        // Advisory window: one caller refreshes; everyone else keeps the cached credentials.
        if (!refresh_mu_.try_lock()) return *cached_;
        advisory = true;
      }
    }
    if (advisory) {
      std::lock_guard<std::mutex> refresh_lock(refresh_mu_, std::adopt_lock);
      try {
        refresh();
      } catch (const std::exception&) {
        // A failed advisory refresh is ignored: the cached credentials are still good enough.
      }
      std::lock_guard<std::mutex> lock(state_mu_);
      return *cached_;
    }
    // Mandatory (or first) refresh: every caller waits for it; its failure is theirs.
    std::lock_guard<std::mutex> refresh_lock(refresh_mu_);
    {
      std::lock_guard<std::mutex> lock(state_mu_);  // another caller may have refreshed meanwhile
      if (cached_ && remaining(now_of(policy_.clock)) > policy_.mandatory) return *cached_;
    }
    refresh();
    std::lock_guard<std::mutex> lock(state_mu_);
    return *cached_;
  }

 private:
  system_clock::duration remaining(system_clock::time_point now) const {
    if (!cached_->expiration) return system_clock::duration::max();
    return *cached_->expiration - now;
  }

  // Called with refresh_mu_ held.
  void refresh() {
    credentials fresh = inner_->get();
    if (fresh.expiration && *fresh.expiration <= now_of(policy_.clock))
      throw error(MPADJUST_ECREDENTIALS, (fresh.source.empty() ? std::string("provider") : fresh.source) +
                                             ": returned credentials that expired at " +
                                             format_utc(*fresh.expiration));
    std::lock_guard<std::mutex> lock(state_mu_);
    cached_ = std::move(fresh);
  }

  const std::shared_ptr<credentials_provider> inner_;
  const refresh_policy policy_;
  std::mutex refresh_mu_;  // held by the one caller running inner_->get()
  std::mutex state_mu_;    // guards cached_
  std::optional<credentials> cached_;
};

// ------------------------------------------------------------------ chain
class chain_provider final : public credentials_provider {
 public:
  explicit chain_provider(std::vector<std::shared_ptr<credentials_provider>> providers)
      : providers_(std::move(providers)) {}

  credentials get() override {
    std::shared_ptr<credentials_provider> chosen;
    {
      std::lock_guard<std::mutex> lock(mu_);
      chosen = chosen_;
    }
    if (chosen) return chosen->get();
    std::string reasons;
    for (const auto& p : providers_) {
      try {
        credentials c = p->get();
        std::lock_guard<std::mutex> lock(mu_);
        if (!chosen_) chosen_ = p;
        return c;
      } catch (const credentials_not_found& e) {
        reasons += reasons.empty() ? "" : "; ";
        reasons += e.what();
      }
    }
    throw error(MPADJUST_ECREDENTIALS, "no AWS credentials found: " + (reasons.empty() ? "no providers" : reasons));
  }

 private:
  const std::vector<std::shared_ptr<credentials_provider>> providers_;
  std::mutex mu_;
  std::shared_ptr<credentials_provider> chosen_;
};

// ------------------------------------------------------------------ profile
class profile_provider final : public credentials_provider {
 public:
  profile_provider(environment env, std::string profile, refresh_policy refresh)
      : env_(std::move(env)), explicit_(profile_is_explicit(env_, profile)),
        profile_(resolve_profile_name(env_, profile)), refresh_(std::move(refresh)) {}

  credentials get() override {
    std::shared_ptr<credentials_provider> delegate;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!delegate_) delegate_ = resolve();
      delegate = delegate_;
    }
    return delegate->get();
  }

 private:
  using file = shared_config::file;

  std::string where(const shared_config& cfg) const {
    return cfg.path(file::credentials) + " or " + cfg.path(file::config);
  }

  // Static keys of one file, or nullptr when the file has no aws_access_key_id for the profile.
  std::shared_ptr<credentials_provider> keys_from(const shared_config& cfg, file which) const {
    auto id = cfg.secret_value(which, profile_, "aws_access_key_id");
    if (!id) return nullptr;
    const std::string& path = cfg.path(which);
    const std::string label = "profile '" + profile_ + "' in " + path;
    if (id->empty()) throw error(MPADJUST_ECREDENTIALS, label + ": aws_access_key_id is empty");
    auto secret = cfg.secret_value(which, profile_, "aws_secret_access_key");
    if (!secret || secret->empty())
      throw error(MPADJUST_ECREDENTIALS, label + ": aws_access_key_id without aws_secret_access_key");
    auto token = cfg.secret_value(which, profile_, "aws_session_token");
    if (!token) token = cfg.secret_value(which, profile_, "aws_security_token");
    credentials c;
    c.access_key_id = std::string(id->reveal());
    c.secret_access_key = std::move(*secret);
    if (token) c.session_token = std::move(*token);
    c.source = label;
    return std::make_shared<static_provider>(std::move(c));
  }

  std::shared_ptr<credentials_provider> resolve() const {
    const shared_config cfg = shared_config::load(env_);
    if (!cfg.has_profile(profile_)) {
      const std::string msg = "profile '" + profile_ + "' not found in " + where(cfg);
      if (explicit_) throw error(MPADJUST_ECREDENTIALS, msg);
      throw credentials_not_found(msg);
    }
    for (const char* key : {"role_arn", "web_identity_token_file", "sso_start_url", "sso_session"}) {
      if (cfg.value(profile_, key))
        throw error(MPADJUST_ECREDENTIALS, "profile '" + profile_ + "' uses " + key +
                                               ", which mpadjust does not support yet (it needs STS/SSO)");
    }
    if (auto p = keys_from(cfg, file::credentials)) return p;
    if (auto cmd = cfg.value(profile_, "credential_process"); cmd && !cmd->empty()) {
      process_options o;
      o.command = *cmd;
      o.profile = profile_;
      o.refresh = refresh_;
      return make_process_credentials_provider(std::move(o));
    }
    if (auto p = keys_from(cfg, file::config)) return p;
    throw credentials_not_found("profile '" + profile_ + "' has no credentials (aws_access_key_id or "
                                "credential_process) in " + where(cfg));
  }

  const environment env_;
  const bool explicit_;
  const std::string profile_;
  const refresh_policy refresh_;
  std::mutex mu_;
  std::shared_ptr<credentials_provider> delegate_;
};

// The place of the web-identity provider in the chain, until STS exists: if its variables are
// set, the CLI would use it before the shared files, so say so instead of using other keys.
class web_identity_placeholder final : public credentials_provider {
 public:
  explicit web_identity_placeholder(environment env) : env_(std::move(env)) {}
  credentials get() override {
    if (env_value(env_, "AWS_WEB_IDENTITY_TOKEN_FILE") && env_value(env_, "AWS_ROLE_ARN"))
      throw error(MPADJUST_ECREDENTIALS,
                  "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are set: web identity credentials "
                  "(STS AssumeRoleWithWebIdentity) are not supported yet");
    throw credentials_not_found("web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set");
  }

 private:
  const environment env_;
};

}  // namespace

std::shared_ptr<credentials_provider> make_static_credentials_provider(std::string access_key_id,
                                                                       secret_string secret_access_key,
                                                                       secret_string session_token) {
  if (access_key_id.empty()) throw invalid_field("access_key_id", "must not be empty");
  if (secret_access_key.empty()) throw invalid_field("secret_access_key", "must not be empty");
  credentials c;
  c.access_key_id = std::move(access_key_id);
  c.secret_access_key = std::move(secret_access_key);
  c.session_token = std::move(session_token);
  c.source = "static";
  return std::make_shared<static_provider>(std::move(c));
}

std::shared_ptr<credentials_provider> make_environment_credentials_provider(environment env, clock_function clock) {
  return std::make_shared<environment_provider>(std::move(env), std::move(clock));
}

std::shared_ptr<credentials_provider> make_caching_credentials_provider(std::shared_ptr<credentials_provider> inner,
                                                                        refresh_policy policy) {
  if (!inner) throw invalid_field("inner", "must not be null");
  if (policy.mandatory.count() < 0 || policy.advisory < policy.mandatory)
    throw invalid_field("refresh_policy", "needs 0 <= mandatory <= advisory");
  return std::make_shared<caching_provider>(std::move(inner), std::move(policy));
}

std::shared_ptr<credentials_provider> make_chain_credentials_provider(
    std::vector<std::shared_ptr<credentials_provider>> providers) {
  for (const auto& p : providers)
    if (!p) throw invalid_field("providers", "must not contain null");
  return std::make_shared<chain_provider>(std::move(providers));
}

std::shared_ptr<credentials_provider> make_profile_credentials_provider(environment env, std::string profile,
                                                                        refresh_policy refresh) {
  return std::make_shared<profile_provider>(std::move(env), std::move(profile), std::move(refresh));
}

std::shared_ptr<credentials_provider> make_default_credentials_provider(environment env,
                                                                        default_chain_options options) {
  std::vector<std::shared_ptr<credentials_provider>> chain;
  if (options.profile.empty()) chain.push_back(make_environment_credentials_provider(env, options.refresh.clock));
  chain.push_back(std::make_shared<web_identity_placeholder>(env));
  chain.push_back(make_profile_credentials_provider(env, options.profile, options.refresh));
  container_options co;
  co.env = env;
  co.http = std::move(options.container_http);
  co.refresh = options.refresh;
  chain.push_back(make_container_credentials_provider(std::move(co)));
  imds_options io;
  io.env = env;
  io.http = std::move(options.imds_http);
  io.refresh = options.refresh;
  chain.push_back(make_imds_credentials_provider(std::move(io)));
  for (auto& p : options.after_profile) chain.push_back(std::move(p));
  return make_caching_credentials_provider(make_chain_credentials_provider(std::move(chain)), options.refresh);
}

std::shared_ptr<credentials_provider> make_default_credentials_provider(environment env, std::string profile) {
  default_chain_options o;
  o.profile = std::move(profile);
  return make_default_credentials_provider(std::move(env), std::move(o));
}

}  // namespace v1
}  // namespace mpadjust
