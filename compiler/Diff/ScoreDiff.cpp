// Score change per backend for kavachc --diff: each backend of
// compiler/Score/Backends.def scores both policies (the numbers of
// `kavachc --score`). A .kv side is scored from its IR; a policy.bin side
// uses the scores kavachc stored in its Backends section (the same numbers,
// made when it was compiled). A side with neither (a policy.bin from before
// that section) is not compared, and the text output says so (printText).
// Backends whose (before, after) pair is the same share one change, so a
// policy change that moves several backends alike is one line.
#include "compiler/Diff/DiffParts.h"

#include "compiler/Score/Score.h"

#include <map>

namespace kavach::diff {

std::optional<std::vector<std::pair<std::string, unsigned>>> scoresOf(const Side &S) {
  std::vector<std::pair<std::string, unsigned>> Out;
  if (S.ir) {
    for (const score::BackendScore &B : score::scoreAll(*S.ir))
      Out.push_back({B.backend->name, B.score});
    return Out;
  }
  if (!S.policy.backends.present)
    return std::nullopt;
  for (const runtime::BackendScoreEntry &E : S.policy.backends.scores)
    Out.push_back({E.backend, E.value});
  return Out;
}

void diffScores(const Side &Old, const Side &New, std::vector<Change> &Out) {
  auto B = scoresOf(Old), A = scoresOf(New);
  if (!B || !A)
    return;
  std::map<std::string, unsigned> After(A->begin(), A->end());
  std::map<std::pair<unsigned, unsigned>, std::vector<std::string>> Moved;
  for (auto &[Name, Before] : *B) {
    auto It = After.find(Name);
    if (It != After.end() && It->second != Before)
      Moved[{Before, It->second}].push_back(Name);
  }
  auto Text = [](unsigned S) { return std::to_string(S) + " (" + score::label(S) + ")"; };
  for (auto &[Key, Names] : Moved)
    Out.push_back({Key.second < Key.first ? Direction::Looser : Direction::Tighter, "score", "",
                   Names, Text(Key.first), Text(Key.second), ""});
}

} // namespace kavach::diff
