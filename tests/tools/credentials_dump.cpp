// credentials_dump CONFIG CREDENTIALS [CONFIG CREDENTIALS ...]: for each pair, one line with the
// merged profiles of the two shared files as JSON ({"profiles": {name: {key: value | {sub: value}}}},
// the shape of botocore's session.full_config), or "parse error" / "error: ..." for
// tests/credentials/botocore_crosscheck.py.
#include <cstdio>
#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <mpadjust/credentials.hpp>

static void dump(const std::string& config, const std::string& creds) {
  mpadjust::environment env;
  env.get = [&](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_CONFIG_FILE") return config;
    if (name == "AWS_SHARED_CREDENTIALS_FILE") return creds;
    return std::nullopt;
  };
  try {
    const auto cfg = mpadjust::shared_config::load(env);
    rapidjson::StringBuffer out;
    rapidjson::Writer<rapidjson::StringBuffer> w(out);
    w.StartObject();
    w.Key("profiles");
    w.StartObject();
    for (const auto& p : cfg.profile_names()) {
      w.Key(p.c_str(), static_cast<rapidjson::SizeType>(p.size()));
      w.StartObject();
      for (const auto& k : cfg.keys(p)) {
        w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
        const auto sub = cfg.sub_values(p, k);
        if (sub.empty()) {
          const auto v = cfg.secret_value(p, k);
          w.String(v->reveal().data(), static_cast<rapidjson::SizeType>(v->size()));
        } else {
          w.StartObject();
          for (const auto& kv : sub) {
            w.Key(kv.first.c_str(), static_cast<rapidjson::SizeType>(kv.first.size()));
            w.String(kv.second.c_str(), static_cast<rapidjson::SizeType>(kv.second.size()));
          }
          w.EndObject();
        }
      }
      w.EndObject();
    }
    w.EndObject();
    w.EndObject();
    std::printf("%s\n", out.GetString());
  } catch (const mpadjust::error& e) {
    if (e.status() == MPADJUST_EPARSE) std::printf("parse error\n");
    else std::printf("error: %s\n", e.what());
  }
}

int main(int argc, char** argv) {
  if (argc < 3 || argc % 2 != 1) {
    std::fprintf(stderr, "usage: credentials_dump CONFIG CREDENTIALS [CONFIG CREDENTIALS ...]\n");
    return 64;
  }
  for (int i = 1; i + 1 < argc; i += 2) dump(argv[i], argv[i + 1]);
  return 0;
}
