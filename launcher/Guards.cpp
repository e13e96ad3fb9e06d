// The argv guards. kavachc wrote the lists into policy.bin (its Guards.def
// has the built-in ones), so this file only matches:
//   - block: the command's basename, both as typed (argv[0]) and as it
//     resolves (realpath: /bin/sh -> dash), against fnmatch globs; either
//     name being in the allow list exempts the command, since `allow "sh"`
//     must not be defeated by sh being a symlink to dash;
//   - paths: every argument (argv[1..]) is searched for each sensitive path
//     as a substring; ${HOME}/X also matches as ~/X. ${HOME} is resolved the
//     way Landlock rules resolve it (passwd entry of the real uid); when it
//     cannot be, only the ~/X form is matched;
//   - shell injection: when the command (typed or resolved name) is a shell,
//     the string after its first `-c` option is searched for the patterns:
//     a space in a pattern matches any run of blanks or none, and a pattern
//     ending in a letter or digit must end a word there.
// Not handled, on purpose: quoting, globbing, variables, paths spelled
// differently (/etc//shadow). These are early errors with a clear report,
// easy to evade; enforcement is seccomp, Landlock and `commands`.
#include "launcher/Guards.h"

#include "launcher/Die.h"
#include "launcher/PathVars.h"

#include <cctype>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fnmatch.h>

namespace kavach::launch {

namespace {

std::string baseName(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool inList(const std::vector<std::string> &list, const std::string &name) {
  for (const std::string &s : list)
    if (s == name)
      return true;
  return false;
}

const std::string *matchGlob(const std::vector<std::string> &globs, const std::string &name) {
  for (const std::string &g : globs)
    if (fnmatch(g.c_str(), name.c_str(), 0) == 0)
      return &g;
  return nullptr;
}

bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Whether `pattern` occurs in `text` at `at` (see the file comment).
bool matchesAt(const std::string &text, size_t at, const std::string &pattern) {
  size_t i = at;
  for (char p : pattern) {
    if (p == ' ') {
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
        ++i;
      continue;
    }
    if (i >= text.size() || text[i] != p)
      return false;
    ++i;
  }
  return !isWordChar(pattern.back()) || i >= text.size() || !isWordChar(text[i]);
}

bool containsPattern(const std::string &text, const std::string &pattern) {
  for (size_t at = 0; at < text.size(); ++at)
    if (matchesAt(text, at, pattern))
      return true;
  return false;
}

// The string a shell runs with -c: the argument after the first option
// word that contains 'c' (sh -c, sh -ec, bash -xc), among the options
// before the first operand or "--". `-o NAME`/`+o NAME` take an argument;
// long options (bash --norc) are skipped.
const char *shellCommandString(char **argv) {
  for (int i = 1; argv[i]; ++i) {
    const char *a = argv[i];
    if ((a[0] != '-' && a[0] != '+') || !strcmp(a, "--") || !strcmp(a, "-"))
      return nullptr;
    if (a[0] == '-' && a[1] != '-' && strchr(a + 1, 'c'))
      return argv[i + 1];
    if (!strcmp(a + 1, "o") && argv[i + 1])
      ++i;
  }
  return nullptr;
}

} // namespace

void checkGuards(const runtime::ProcessPolicy &policy, const Command &command) {
  if (!policy.hasGuards() || command.path.empty())
    return;
  std::vector<std::string> violations;
  std::string typed = baseName(command.argv[0]), resolved = typed;
  char real[PATH_MAX];
  if (realpath(command.path.c_str(), real))
    resolved = baseName(real);

  bool allowed = inList(policy.guardAllow, typed) || inList(policy.guardAllow, resolved);
  if (!allowed)
    for (const std::string *name : {&typed, &resolved})
      if (const std::string *g = matchGlob(policy.guardBlock, *name)) {
        violations.push_back(strFormat(
            "blocked command '%s' (matches '%s': shells, interpreters and compilers); "
            "allow it with guards { allow \"%s\"; }",
            name->c_str(), g->c_str(), name->c_str()));
        break;
      }

  for (const std::string &path : policy.guardPaths) {
    std::vector<std::string> forms;
    if (path.compare(0, 8, "${HOME}/") == 0) {
      forms.push_back("~/" + path.substr(8));
      std::string expanded;
      Problem ignored;
      if (expandPathVars(path, expanded, ignored))
        forms.push_back(expanded);
    } else {
      forms.push_back(path);
    }
    for (int i = 1; command.argv[i]; ++i) {
      bool hit = false;
      for (const std::string &f : forms)
        hit |= strstr(command.argv[i], f.c_str()) != nullptr;
      if (hit) {
        violations.push_back(strFormat("argument %d names the sensitive path '%s'", i,
                                       path.c_str()));
        break;
      }
    }
  }

  if (inList(policy.guardShells, typed) || inList(policy.guardShells, resolved))
    if (const char *script = shellCommandString(command.argv))
      for (const std::string &pattern : policy.guardPatterns)
        if (containsPattern(script, pattern))
          violations.push_back(
              strFormat("shell injection pattern '%s' in the -c string", pattern.c_str()));

  if (violations.empty())
    return;
  fprintf(stderr, "kavach-launch: guard violation: '%s' was not run\n", command.path.c_str());
  for (const std::string &v : violations)
    fprintf(stderr, "  - %s\n", v.c_str());
  fprintf(stderr, "kavach-launch: note: guards are early checks of the command line; the "
                  "sandbox (seccomp, Landlock, commands) is what enforces the policy\n");
  exit(kExitSetup);
}

} // namespace kavach::launch
