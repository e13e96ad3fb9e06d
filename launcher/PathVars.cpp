// Path variables. Policies are compiled once and run by many users, so a
// rule like `read_write "${HOME}/.cache"` is resolved here, from sources
// the launcher trusts: ${HOME} comes from the passwd database for the real
// uid (not $HOME, which the caller may point anywhere), ${PWD} from getcwd
// (not $PWD), ${UID} from getuid. ${TMPDIR} is the one taken from the
// environment, because that is where programs will put their files; it
// defaults to /tmp.
//
// A directory value that is '/' (after lexical normalisation, so
// "/tmp/.." counts) or is not absolute is refused: it would silently turn
// "my home directory" into "the whole file system". An unknown or
// unterminated ${...} is refused too; a '$' not followed by '{' is kept
// as is. Values are looked up lazily (getpwuid only when ${HOME} is used:
// in a static binary it reads nsswitch.conf and may load NSS modules).
#include "launcher/PathVars.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <optional>
#include <pwd.h>
#include <unistd.h>

namespace kavach::launch {

namespace {

// Collapses "", "." and ".." components; "" means the root directory.
std::string normalise(const std::string &path) {
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    size_t end = path.find('/', i);
    if (end == std::string::npos)
      end = path.size();
    std::string part = path.substr(i, end - i);
    if (part == "..") {
      size_t slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (!part.empty() && part != ".") {
      out += "/" + part;
    }
    i = end + 1;
  }
  return out;
}

bool checkDirValue(const char *name, const std::string &value, Problem &problem) {
  if (value.empty() || value[0] != '/') {
    problem.what = strFormat("${%s} is '%s', which is not an absolute path", name, value.c_str());
    problem.hint = "refusing to guess what a landlock rule using it should grant";
    return false;
  }
  if (normalise(value).empty()) {
    problem.what = strFormat("${%s} is '%s', which is the root directory", name, value.c_str());
    problem.hint = "a landlock rule using it would grant the whole file system";
    return false;
  }
  return true;
}

struct Cache {
  std::optional<std::string> home, pwd, tmpdir, uid;
};

bool lookup(const std::string &name, Cache &cache, std::string &value, Problem &problem) {
  if (name == "UID") {
    if (!cache.uid)
      cache.uid = std::to_string(getuid());
    value = *cache.uid;
    return true;
  }
  if (name == "HOME") {
    if (!cache.home) {
      errno = 0;
      struct passwd *pw = getpwuid(getuid());
      int err = errno; // 0 when there is simply no entry
      if (!pw || !pw->pw_dir) {
        problem.err = err;
        problem.what = strFormat("cannot resolve ${HOME}: no passwd entry for uid %u",
                                 static_cast<unsigned>(getuid()));
        return false;
      }
      cache.home = std::string(pw->pw_dir);
    }
    value = *cache.home;
    return checkDirValue("HOME", value, problem);
  }
  if (name == "PWD") {
    if (!cache.pwd) {
      char buf[PATH_MAX];
      if (!getcwd(buf, sizeof buf)) {
        problem.err = errno;
        problem.what = "cannot resolve ${PWD}";
        return false;
      }
      cache.pwd = std::string(buf);
    }
    value = *cache.pwd;
    return checkDirValue("PWD", value, problem);
  }
  if (name == "TMPDIR") {
    if (!cache.tmpdir) {
      const char *env = std::getenv("TMPDIR");
      cache.tmpdir = std::string(env ? env : "/tmp");
    }
    value = *cache.tmpdir;
    return checkDirValue("TMPDIR", value, problem);
  }
  problem.what = strFormat("unknown variable '${%s}'", name.c_str());
  problem.hint = "known variables: ${HOME}, ${PWD}, ${TMPDIR}, ${UID}";
  return false;
}

Cache &cache() {
  static Cache instance;
  return instance;
}

} // namespace

bool hasPathVars(const std::string &path) { return path.find("${") != std::string::npos; }

bool expandPathVars(const std::string &in, std::string &out, Problem &problem) {
  out.clear();
  size_t i = 0;
  while (i < in.size()) {
    size_t dollar = in.find("${", i);
    if (dollar == std::string::npos) {
      out.append(in, i, std::string::npos);
      break;
    }
    out.append(in, i, dollar - i);
    size_t close = in.find('}', dollar + 2);
    if (close == std::string::npos) {
      problem.what = "unterminated '${'";
      return false;
    }
    std::string value;
    if (!lookup(in.substr(dollar + 2, close - dollar - 2), cache(), value, problem))
      return false;
    out += value;
    i = close + 1;
  }
  if (out.empty() || out[0] != '/') {
    problem.what = strFormat("resolves to '%s', which is not absolute", out.c_str());
    return false;
  }
  return true;
}

} // namespace kavach::launch
