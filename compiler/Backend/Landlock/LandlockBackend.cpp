// Landlock lowering. A filesystem section handles every filesystem right up
// to ABI 5, so anything not granted is denied — including refer (cross-
// directory rename/link, ABI 2), truncate (ABI 3) and device ioctls (ABI 5).
// On a kernel with an older ABI the launcher refuses, or degrades under
// best_effort; that decision is the launcher's, with the running kernel.
#include "compiler/Backend/Landlock/LandlockBackend.h"

#include "runtime/LandlockAbi.h"

#include <map>

namespace kavach::landlock {

namespace ll = runtime::landlock;

uint64_t accessFor(ir::FsVerb V) {
  constexpr uint64_t Read = ll::kFsReadFile | ll::kFsReadDir;
  switch (V) {
  case ir::FsVerb::Read:
    return Read;
  case ir::FsVerb::ReadWrite:
    return Read | ll::kFsWriteFile | ll::kFsRemoveDir | ll::kFsRemoveFile | ll::kFsMakeDir |
           ll::kFsMakeReg | ll::kFsMakeSock | ll::kFsMakeFifo | ll::kFsMakeSym | ll::kFsRefer |
           ll::kFsTruncate | ll::kFsIoctlDev;
  case ir::FsVerb::Execute:
    return ll::kFsExecute | ll::kFsReadFile;
  }
  return 0;
}

runtime::LandlockPolicy lowerLandlock(const ir::LandlockIR &L) {
  runtime::LandlockPolicy Out;
  Out.present = L.fsPresent || L.netPresent || L.scoped;
  if (!Out.present)
    return Out;
  Out.bestEffort = L.bestEffort;
  if (L.fsPresent)
    Out.handledFs = ll::rightsAt(ll::Kind::Fs, 5);
  if (L.netPresent)
    Out.handledNet = ll::kNetBindTcp | ll::kNetConnectTcp;
  Out.scoped = L.scoped;
  // One rule per path, rights OR-ed, in order of first appearance.
  std::map<std::string, size_t> Index;
  for (const ir::FsGrant &G : L.fs) {
    auto [It, New] = Index.emplace(G.path, Out.pathRules.size());
    if (New)
      Out.pathRules.push_back({0, G.path});
    Out.pathRules[It->second].access |= accessFor(G.verb);
  }
  std::map<uint16_t, size_t> Ports;
  for (const ir::NetGrant &N : L.net) {
    auto [It, New] = Ports.emplace(N.port, Out.netRules.size());
    if (New)
      Out.netRules.push_back({0, N.port});
    Out.netRules[It->second].access |= N.bind ? ll::kNetBindTcp : ll::kNetConnectTcp;
  }
  return Out;
}

} // namespace kavach::landlock
