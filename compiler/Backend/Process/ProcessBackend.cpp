// Lowering of the process sections. Sema already merged the extends chain
// and checked every value, so this is a field-by-field copy plus the
// implied namespaces, and the guards' built-in lists (Guards.def) written
// out in full. The result is what kavach-launch applies; the launcher
// decides nothing beyond what the running kernel and the caller's
// privileges allow.
#include "compiler/Backend/Process/ProcessBackend.h"

#include "runtime/LandlockAbi.h"

#include <algorithm>

namespace kavach::process {

runtime::ProcessPolicy lowerProcess(const ir::PolicyIR &IR) {
  const ir::ProcessIR &P = IR.process;
  runtime::ProcessPolicy Out;
  bool NetNone = IR.landlock.netPresent && IR.landlock.networkNone;
  Out.present = P.present || NetNone;
  if (!Out.present)
    return Out;
  Out.bestEffort = P.bestEffort;
  Out.namespaces = P.namespaces;
  if (NetNone)
    Out.namespaces |= runtime::kNsNet;
  if (!P.hostname.empty())
    Out.namespaces |= runtime::kNsUts;
  if (P.hostIds) {
    Out.namespaces |= runtime::kNsUser;
    Out.hostIdBase = P.hostIds->base;
    Out.hostIdCount = P.hostIds->count;
  }
  if (P.rootfsReadOnly || !P.binds.empty() || !P.tmpfs.empty())
    Out.namespaces |= runtime::kNsMount;
  Out.hostname = P.hostname;
  Out.rootfsReadOnly = P.rootfsReadOnly;
  // Only meaningful (and only stored) with a mount namespace: without one
  // the host's /dev and /tmp are what the command sees anyway.
  bool Mount = Out.namespaces & runtime::kNsMount;
  Out.hostDev = Mount && P.hostDev;
  Out.hostTmp = Mount && P.hostTmp;
  Out.detachTerminal = P.detachTerminal;
  for (const ir::ProcessIR::Bind &B : P.binds)
    Out.binds.push_back({B.source, B.target, B.readOnly});
  Out.tmpfs = P.tmpfs;
  Out.capsPresent = P.capsPresent;
  Out.capsKeep = P.capsPresent ? P.capsKeep : 0;
  Out.hasUid = P.uid.has_value();
  Out.uid = P.uid.value_or(0);
  Out.hasGid = P.gid.has_value();
  Out.gid = P.gid.value_or(0);
  Out.hasGroups = P.groups.has_value();
  if (P.groups)
    Out.groups = *P.groups;
  for (const ir::ProcessLimit &L : P.limits)
    Out.limits.push_back({L.kind, L.value});
  Out.envClear = P.envClear;
  for (const auto &[Name, Value] : P.envSet)
    Out.envSet.push_back({Name, Value});
  Out.envPass = P.envPass;
  Out.commands = P.commands;
  Out.workdir = P.workdir;
  if (P.guardBlockCommands) {
#define GUARD_COMMAND(G) Out.guardBlock.push_back(G);
#include "compiler/Backend/Process/Guards.def"
    Out.guardAllow = P.guardAllow;
  }
  if (P.guardSensitivePaths) {
#define GUARD_PATH(G) Out.guardPaths.push_back(G);
#include "compiler/Backend/Process/Guards.def"
  }
  for (const std::string &X : P.guardExtraPaths)
    if (std::find(Out.guardPaths.begin(), Out.guardPaths.end(), X) == Out.guardPaths.end())
      Out.guardPaths.push_back(X);
  if (P.guardShellInjection) {
#define GUARD_SHELL(G) Out.guardShells.push_back(G);
#include "compiler/Backend/Process/Guards.def"
#define GUARD_PATTERN(G) Out.guardPatterns.push_back(G);
#include "compiler/Backend/Process/Guards.def"
  }
  return Out;
}

void restrictExecute(runtime::LandlockPolicy &LL, const runtime::ProcessPolicy &P) {
  namespace ll = runtime::landlock;
  if (P.commands.empty())
    return;
  LL.present = true;
  LL.handledFs |= ll::kFsExecute;
  std::vector<runtime::LandlockPathRule> Rules;
  for (runtime::LandlockPathRule R : LL.pathRules) {
    R.access &= ~ll::kFsExecute;
    if (R.access)
      Rules.push_back(std::move(R));
  }
  for (const std::string &C : P.commands)
    Rules.push_back({(ll::kFsExecute | ll::kFsReadFile) & LL.handledFs, C});
  LL.pathRules = std::move(Rules);
}

} // namespace kavach::process
