// The Process section of policy.bin (PolicyFormat.h, docs/policy-bin.md):
// the strict decoding, kept apart from the generic reader (PolicyReader.cpp
// checks the file and the section table, then hands the payload here).
#include "runtime/ProcessSection.h"

#include "runtime/ByteCursor.h"
#include "runtime/PolicyFormat.h"

#include <algorithm>
#include <cstring>

namespace kavach::runtime {
namespace {

using namespace bytes;

__attribute__((format(printf, 1, 2))) std::string format(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string s = vformat(fmt, ap);
  va_end(ap);
  return s;
}

// A bind or tmpfs path: absolute, or starting with a launch-time ${VAR}
// (nonempty: the caller checked the record's length).
bool mountPath(const std::string &s) { return s[0] == '/' || s.compare(0, 2, "${") == 0; }

} // namespace

// The process section: a fixed header, then typed records in ascending kind
// order (see PolicyFormat.h). Each field has exactly one encoding: a flag
// bit says whether uid/gid/groups/caps are set and the value is 0 when not,
// limits are strictly ascending, hostname and workdir appear at most once.
bool decodeProcess(const uint8_t *data, uint64_t size, ProcessPolicy &out, std::string &why) {
  using K = ProcessRecordKind;
  Cursor c(data, size);
  auto fail = [&why](const char *fmt, auto... args) {
    why = format(fmt, args...);
    return false;
  };
  ProcessPolicy pr;
  pr.present = true;
  uint32_t flags = c.u32(), bestEffort = c.u32(), ns = c.u32(), count = c.u32();
  uint64_t caps = c.u64();
  uint32_t uid = c.u32(), gid = c.u32();
  if (flags & ~kProcFlagsKnown)
    return fail("process flags 0x%x include unknown bits", flags);
  if (bestEffort & ~kProcAll)
    return fail("process best-effort bits 0x%x include unknown bits",
                bestEffort);
  if (ns & ~kNsAll)
    return fail("process namespaces 0x%x include unknown bits", ns);
  if (count > kMaxProcessRecords)
    return fail("process record count %u exceeds the limit of %u", count,
                kMaxProcessRecords);
  pr.rootfsReadOnly = flags & kProcRootfsReadOnly;
  pr.capsPresent = flags & kProcCapsPresent;
  pr.hasUid = flags & kProcHasUid;
  pr.hasGid = flags & kProcHasGid;
  pr.hasGroups = flags & kProcHasGroups;
  pr.envClear = flags & kProcEnvClear;
  pr.hostDev = flags & kProcHostDev;
  pr.hostTmp = flags & kProcHostTmp;
  pr.detachTerminal = flags & kProcDetachTerminal;
  pr.bestEffort = bestEffort;
  pr.namespaces = ns;
  if (caps >> (kMaxCapability + 1))
    return fail("process capabilities 0x%llx include numbers above %u (CAP_LAST_CAP)", ULL(caps),
                kMaxCapability);
  if ((caps && !pr.capsPresent) || (uid && !pr.hasUid) || (gid && !pr.hasGid))
    return fail("process %s is set but its flag is not (flags 0x%x)",
                caps && !pr.capsPresent ? "capability mask" : uid && !pr.hasUid ? "uid" : "gid",
                flags);
  if (pr.rootfsReadOnly && !(ns & kNsMount))
    return fail("read-only rootfs without a mount namespace");
  if ((pr.hostDev || pr.hostTmp) && !(ns & kNsMount))
    return fail("host /dev or /tmp flag without a mount namespace");
  pr.capsKeep = caps;
  pr.uid = uid;
  pr.gid = gid;
  uint16_t lastKind = 0, lastLimit = 0;
  for (uint32_t r = 0; r < count; ++r) {
    if (!c.has(sizeof(ProcessRecordHeader)))
      return fail("process record %u of %u extends past the end of the section", r, count);
    const uint8_t *h = c.take(sizeof(ProcessRecordHeader));
    auto [kind, sub, len, value] = loadRecordHeader(h);
    if (kind < uint16_t(K::Hostname) || kind > uint16_t(K::HostIds))
      return fail("process record %u has unknown kind %u", r, kind);
    if (kind < lastKind)
      return fail("process record %u (kind %u) is out of order after kind %u",
                  r, kind, lastKind);
    bool once = kind == uint16_t(K::Hostname) || kind == uint16_t(K::Workdir) ||
                kind == uint16_t(K::HostIds);
    if (once && kind == lastKind)
      return fail("process record %u: kind %u may appear only once", r,
                  kind);
    lastKind = kind;
    bool valued = kind == uint16_t(K::Group) || kind == uint16_t(K::Limit) ||
                  kind == uint16_t(K::HostIds);
    bool bind = kind == uint16_t(K::Bind); // a string whose value splits it
    if (len > kMaxPathLen || (valued && len != 0) || (!valued && len == 0) ||
        (!valued && !bind && value != 0) || (bind && (value == 0 || value >= len)))
      return fail("process record %u (kind %u) has length %u and value %llu, which its kind "
                  "does not allow",
                  r, kind, len, ULL(value));
    if (kind != uint16_t(K::Limit) && sub != 0 && !(bind && sub == kBindReadOnly))
      return fail("process record %u has nonzero sub-kind %u", r, sub);
    if (!c.has(alignToSection(len)))
      return fail("process record %u (length %u) extends past the end of the section", r, len);
    const uint8_t *bytes = c.take(alignToSection(len));
    if (memchr(bytes, 0, len))
      return fail("process record %u has a NUL byte in its text", r);
    if (!isAllZero(bytes + len, alignToSection(len) - len))
      return fail("process record %u has nonzero padding", r);
    std::string text(reinterpret_cast<const char *>(bytes), len);
    switch (K(kind)) {
    case K::Hostname:
      if (len > kMaxHostnameLen || !(ns & kNsUts))
        return fail("process hostname of %u bytes: it needs 1..%u bytes and a uts namespace", len,
                    kMaxHostnameLen);
      pr.hostname = std::move(text);
      break;
    case K::Group:
      if (!pr.hasGroups || value > 0xffffffffu)
        return fail("process group record %u (gid %llu) is not valid", r,
                    ULL(value));
      pr.groups.push_back(uint32_t(value));
      break;
    case K::Limit:
      if (sub == 0 || sub > kLimitKindMax || sub <= lastLimit)
        return fail("process limit record %u has kind %u; kinds are 1..%u, strictly ascending", r,
                    sub, kLimitKindMax);
      lastLimit = sub;
      pr.limits.push_back({LimitKind(sub), value});
      break;
    case K::EnvPass:
    case K::EnvSet: {
      size_t eq = text.find('=');
      bool set = kind == uint16_t(K::EnvSet);
      if (set ? (eq == 0 || eq == std::string::npos) : eq != std::string::npos)
        return fail("process environment record %u is not valid", r);
      if (set)
        pr.envSet.push_back({text.substr(0, eq), text.substr(eq + 1)});
      else
        pr.envPass.push_back(std::move(text));
      break;
    }
    case K::Command:
    case K::Workdir:
      if (text[0] != '/')
        return fail("process record %u: path is not absolute", r);
      if (kind == uint16_t(K::Command))
        pr.commands.push_back(std::move(text));
      else
        pr.workdir = std::move(text);
      break;
    case K::GuardBlock:
    case K::GuardAllow:
    case K::GuardShell:
      if (text.find('/') != std::string::npos)
        return fail("process guard record %u: a command name has a '/'", r);
      (kind == uint16_t(K::GuardBlock)   ? pr.guardBlock
       : kind == uint16_t(K::GuardAllow) ? pr.guardAllow
                                         : pr.guardShells)
          .push_back(std::move(text));
      break;
    case K::GuardPath:
      if (text[0] != '/' && text.compare(0, 8, "${HOME}/") != 0)
        return fail("process guard record %u: a sensitive path is neither absolute nor "
                    "under ${HOME}/",
                    r);
      pr.guardPaths.push_back(std::move(text));
      break;
    case K::GuardPattern:
      pr.guardPatterns.push_back(std::move(text));
      break;
    case K::Bind: {
      BindMount b{text.substr(0, size_t(value)), text.substr(size_t(value)), sub == kBindReadOnly};
      if (!(ns & kNsMount) || !mountPath(b.source) || !mountPath(b.target))
        return fail("process bind record %u: a path is not absolute, or there is no mount "
                    "namespace",
                    r);
      for (const BindMount &other : pr.binds)
        if (other.target == b.target)
          return fail("process bind record %u: target '%s' is bound twice",
                      r, b.target.c_str());
      pr.binds.push_back(std::move(b));
      break;
    }
    case K::Tmpfs:
      if (!(ns & kNsMount) || !mountPath(text))
        return fail("process tmpfs record %u: the path is not absolute, or there is no mount "
                    "namespace",
                    r);
      for (const std::string &other : pr.tmpfs)
        if (other == text)
          return fail("process tmpfs record %u: '%s' appears twice", r,
                      text.c_str());
      pr.tmpfs.push_back(std::move(text));
      break;
    case K::HostIds: {
      uint64_t base = value & 0xffffffffu, n = value >> 32;
      uint32_t highest = std::max(pr.uid, pr.gid);
      for (uint32_t g : pr.groups)
        highest = std::max(highest, g);
      if (!(ns & kNsUser) || base == 0 || n == 0 || base + n > 0xffffffffu || highest >= n)
        return fail("process host ids record %u (base %llu, count %llu) is not valid: it needs "
                    "a user namespace, base >= 1, base + count <= 4294967295 and the uid, gid "
                    "and groups below the count",
                    r, ULL(base), ULL(n));
      pr.hostIdBase = uint32_t(base);
      pr.hostIdCount = uint32_t(n);
      break;
    }
    }
  }
  if (c.remaining() != 0)
    return fail("%llu bytes follow the last process record",
                ULL(c.remaining()));
  out = std::move(pr);
  return true;
}

} // namespace kavach::runtime
