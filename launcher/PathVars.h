// ${VAR} expansion in Landlock path rules.
#pragma once

#include "launcher/Die.h"

#include <string>

namespace kavach::launch {

// Expands ${HOME} (the passwd entry of the real uid), ${PWD} (getcwd),
// ${TMPDIR} (environment, default /tmp) and ${UID} in `in`. The result must
// be absolute, and a directory variable may not stand for '/'. On failure
// returns false and fills `problem` (its `what` does not repeat the path;
// the caller says which rule it was); nothing is ever guessed.
bool expandPathVars(const std::string &in, std::string &out, Problem &problem);

// Whether `path` uses any ${...} variable (such rules get an extra check
// that they do not resolve to the root directory through a symlink).
bool hasPathVars(const std::string &path);

} // namespace kavach::launch
