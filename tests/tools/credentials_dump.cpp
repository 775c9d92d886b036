// credentials_dump CONFIG CREDENTIALS: prints the merged profiles of the two shared files as
// JSON ({"profiles": {name: {key: value | {sub: value}}}}), the shape botocore's
// session.full_config has, for tests/credentials/botocore_crosscheck.py. Exit 2 on a parse error.
#include <cstdio>
#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <mpadjust/credentials.hpp>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: credentials_dump CONFIG CREDENTIALS\n");
    return 64;
  }
  mpadjust::environment env;
  const std::string config = argv[1], creds = argv[2];
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
    return 0;
  } catch (const mpadjust::error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return e.status() == MPADJUST_EPARSE ? 2 : 1;
  }
}
