#include "runtime/OciMounts.h"

#include <cstdio>

namespace kavach::runtime {

std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += char(c); // JSON allows UTF-8 unescaped
    }
  }
  return out + "\"";
}

namespace {

std::string mountObject(const std::string &destination, const char *type,
                        const std::string &source, const char *options) {
  return ",{\"destination\":" + jsonString(destination) + ",\"type\":\"" + type +
         "\",\"source\":" + jsonString(source) + ",\"options\":[" + options + "]}";
}

} // namespace

std::string ociPolicyMounts(const ProcessPolicy &policy, const MountPathResolver &resolve) {
  std::string out;
  for (const std::string &path : policy.tmpfs) {
    std::string target;
    if (resolve(path, MountPathRole::Tmpfs, target))
      out += mountObject(target, "tmpfs", "tmpfs", "\"nosuid\",\"nodev\",\"mode=755\"");
  }
  for (const BindMount &bind : policy.binds) {
    std::string source, target;
    if (resolve(bind.source, MountPathRole::BindSource, source) &&
        resolve(bind.target, MountPathRole::BindTarget, target))
      // rbind keeps the source's own flags, as kavach-launch's clone does.
      out += mountObject(target, "bind", source, bind.readOnly ? "\"rbind\",\"ro\"" : "\"rbind\"");
  }
  return out;
}

} // namespace kavach::runtime
