// The parts of kavachc --diff that live in their own files (Diff.cpp calls
// them in order): the process set-up and the score per backend.
#pragma once

#include "compiler/Diff/Diff.h"

namespace kavach::diff {

// Namespaces, capabilities, limits, identity, rootfs, hostname, env,
// commands, workdir and per-section on_unsupported (ProcessDiff.cpp).
void diffProcess(const Side &Old, const Side &New, std::vector<Change> &Out);

// Every backend's score before and after (ScoreDiff.cpp): from the IR of a
// .kv side, from the Backends section of a policy.bin. A drop is looser, a
// rise tighter; backends with the same (before, after) share one change.
void diffScores(const Side &Old, const Side &New, std::vector<Change> &Out);

// (backend, score) for every backend, in Backends.def order; nullopt when
// the side has neither IR nor stored scores.
std::optional<std::vector<std::pair<std::string, unsigned>>> scoresOf(const Side &S);

} // namespace kavach::diff
