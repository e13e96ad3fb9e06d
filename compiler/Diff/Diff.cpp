// Semantic diff of two compiled policies.
//
// Seccomp is compared by running both filters in the BPF interpreter
// (runtime::runBpf, the bytes kavach-launch installs) for every syscall of
// every arch either policy has a filter for (compat arches included, plus the
// first number above the table), first with all arguments 0, then with
// argument values taken from the filters themselves: every constant a filter
// compares an argument half with (and its neighbours, and each bit of every
// mask), one argument at a time. A syscall whose zero-argument action
// changed is reported in one line per (arch, before, after); one whose
// action changed only for some arguments is reported on its own with an
// example call and, when the IR is there, both conditions as written.
// Actions are ordered allow < log < user_notif < errno/trap < kill_thread <
// kill_process; moving down is tighter, up is looser, errno(A) vs errno(B)
// is just "changed".
//
// Landlock is compared per right: a right newly granted on a path counts only
// if the old policy did not already grant it there or on an ancestor (and a
// removed one only if the new policy does not still grant it), so moving a
// grant to a parent directory shows as what it is. A right that is no longer
// handled is allowed everywhere: looser. Ports and scopes likewise.
//
// The process set-up (ProcessDiff.cpp) and the score per backend
// (ScoreDiff.cpp; a policy.bin brings its stored scores) follow.
//
// What it does not do: prove equivalence. Argument values outside the sampled
// set (e.g. combinations of two arguments both non-zero) are not tried, so an
// argument-only change can in principle go unseen; every constant the
// filters test is tried, which covers conditions on a single argument.
#include "compiler/Diff/Diff.h"
#include "compiler/Diff/DiffParts.h"

#include "compiler/Emit/Simulate.h"
#include "compiler/Sema/Arches.h"
#include "runtime/Bpf.h"
#include "runtime/LandlockAbi.h"

#include <map>
#include <set>

using namespace llvm;

namespace kavach::diff {
namespace {

int rank(uint32_t Ret) {
  switch (Ret & 0xffff0000u) {
  case 0x7fff0000u: return 0; // allow
  case 0x7ffc0000u: return 1; // log
  case 0x7fc00000u: return 2; // user_notif
  case 0x00050000u:           // errno
  case 0x00030000u: return 3; // trap
  case 0x00000000u: return 4; // kill_thread
  default: return 5;          // kill_process
  }
}

Direction directionOf(uint32_t Before, uint32_t After) {
  int B = rank(Before), A = rank(After);
  return A < B ? Direction::Looser : A > B ? Direction::Tighter : Direction::Changed;
}

const runtime::SeccompProgram *programFor(const runtime::Policy &P, uint32_t Audit) {
  for (const runtime::SeccompProgram &S : P.seccomp)
    if (S.auditArch == Audit)
      return &S;
  return nullptr;
}

// Argument values worth trying, per argument, from the constants the filters
// compare argument halves with.
using Samples = std::array<std::set<uint64_t>, 6>;

void collectSamples(const runtime::SeccompProgram *P, Samples &S) {
  if (!P)
    return;
  int Arg = -1;
  bool High = false;
  for (const runtime::BpfInsn &I : P->insns) {
    unsigned Class = I.code & 0x07;
    if (Class == 0x00 /*BPF_LD*/) {
      Arg = (I.code & 0xe0) == 0x20 /*BPF_ABS*/ && I.k >= 16 && I.k < 64 ? int((I.k - 16) / 8) : -1;
      High = Arg >= 0 && (I.k - 16) % 8 == 4;
      continue;
    }
    bool Jmp = Class == 0x05, Alu = Class == 0x04;
    if (Arg < 0 || !(Jmp || Alu) || (I.code & 0x08) /*BPF_X*/)
      continue;
    uint64_t K = I.k;
    std::set<uint64_t> &Out = S[Arg];
    auto Add = [&](uint64_t V) { Out.insert(High ? V << 32 : V); };
    Add(K);
    Add(uint32_t(K + 1));
    Add(uint32_t(K - 1));
    for (int B = 0; B < 32; ++B)
      if (K & (1ull << B))
        Add(1ull << B);
  }
}

struct Prepared {
  const sema::ArchInfo *arch;
  const runtime::SeccompProgram *oldProg, *newProg;
};

uint32_t run(const runtime::SeccompProgram *P, const sema::ArchInfo &A, uint32_t Nr,
             const uint64_t Args[6]) {
  if (!P)
    return 0x7fff0000u; // no filter: everything runs
  runtime::SeccompData D;
  D.nr = int32_t(Nr);
  D.arch = A.auditArch;
  for (int I = 0; I < 6; ++I)
    D.args[I] = Args[I];
  return runtime::runBpf(P->insns, D).ret;
}

std::string hex(uint64_t V) {
  char B[32];
  snprintf(B, sizeof B, V < 10 ? "%llu" : "0x%llx", (unsigned long long)V);
  return B;
}

std::string callText(const std::string &Name, const uint64_t Args[6]) {
  int Last = 5;
  while (Last >= 0 && Args[Last] == 0)
    --Last;
  std::string S = Name + "(";
  for (int I = 0; I <= Last; ++I)
    S += (I ? ", " : "") + hex(Args[I]);
  return S + ")";
}

std::string condText(const seccomp::Cond &C) {
  using K = seccomp::Cond::Kind;
  using Op = seccomp::Cond::Op;
  switch (C.kind) {
  case K::Not:
    return "!(" + condText(*C.children[0]) + ")";
  case K::And:
  case K::Or: {
    std::string S;
    for (const auto &Ch : C.children)
      S += (S.empty() ? "" : C.kind == K::And ? " && " : " || ") + std::string("(") +
           condText(*Ch) + ")";
    return S;
  }
  case K::Cmp:
    break;
  }
  std::string Arg = "arg" + std::to_string(C.argIndex);
  static const char *Ops[] = {"==", "!=", "<", "<=", ">", ">=", "=="};
  if (C.op == Op::MaskedEq)
    Arg = "(" + Arg + " & " + hex(C.mask) + ")";
  return Arg + " " + Ops[unsigned(C.op)] + " " + hex(C.value);
}

std::string decisionText(const ir::SeccompIR &S, const std::string &Name) {
  auto It = S.syscalls.find(Name);
  if (It == S.syscalls.end())
    return "default " + emit::describeRet(S.defaultAction.toRet());
  std::string T;
  for (const ir::CondBranch &B : It->second.branches)
    T += emit::describeRet(B.action.toRet()) + " if " + condText(*B.cond) + "; ";
  return T + (T.empty() ? "" : "else ") + emit::describeRet(It->second.fallback.toRet());
}

void diffSeccomp(const Side &Old, const Side &New, std::vector<Change> &Out) {
  std::set<uint32_t> Natives;
  for (const auto *P : {&Old.policy, &New.policy})
    for (const runtime::SeccompProgram &S : P->seccomp)
      Natives.insert(S.auditArch);
  for (uint32_t Audit : Natives) {
    const runtime::SeccompProgram *OP = programFor(Old.policy, Audit);
    const runtime::SeccompProgram *NP = programFor(New.policy, Audit);
    const sema::ArchInfo *NA = sema::findArchByAudit(Audit);
    std::string NativeName = NA ? NA->name : hex(Audit);
    if (!OP || !NP)
      Out.push_back({OP ? Direction::Looser : Direction::Tighter, "seccomp", NativeName,
                     {"filter"}, OP ? "present" : "absent", OP ? "absent" : "present", ""});
    Samples S;
    collectSamples(OP, S);
    collectSamples(NP, S);
    for (const sema::ArchInfo &A : sema::allArches()) {
      if (StringRef(A.native) != NativeName)
        continue;
      // (before, after) → syscalls whose zero-argument action changed.
      std::map<std::pair<uint32_t, uint32_t>, std::vector<std::string>> Moved;
      const sema::SyscallTable &T = sema::SyscallTable::get(A);
      std::vector<std::pair<std::string, uint32_t>> Calls;
      for (const std::string &Name : T.names())
        Calls.push_back({Name, *T.lookup(Name)});
      Calls.push_back({"(numbers above the table)", T.maxNr() + 1});
      for (auto &[Name, Nr] : Calls) {
        uint64_t Zero[6] = {0, 0, 0, 0, 0, 0};
        uint32_t O0 = run(OP, A, Nr, Zero), N0 = run(NP, A, Nr, Zero);
        if (O0 != N0) {
          Moved[{O0, N0}].push_back(Name);
          continue;
        }
        // Same with zero arguments: try the sampled values.
        std::optional<Change> Looser, Other;
        for (int I = 0; I < 6 && !Looser; ++I)
          for (uint64_t V : S[I]) {
            uint64_t Args[6] = {0, 0, 0, 0, 0, 0};
            Args[I] = V;
            uint32_t O = run(OP, A, Nr, Args), N = run(NP, A, Nr, Args);
            if (O == N)
              continue;
            Change C{directionOf(O, N), "seccomp", A.name, {Name}, emit::describeRet(O),
                     emit::describeRet(N), "e.g. " + callText(Name, Args)};
            if (C.dir == Direction::Looser) {
              Looser = C;
              break;
            }
            if (!Other)
              Other = C;
          }
        std::optional<Change> C = Looser ? Looser : Other;
        if (!C)
          continue;
        if (Old.ir && New.ir)
          C->detail += "; was: " + decisionText(Old.ir->seccomp, Name) +
                       "; now: " + decisionText(New.ir->seccomp, Name);
        Out.push_back(*C);
      }
      for (auto &[Key, Names] : Moved)
        Out.push_back({directionOf(Key.first, Key.second), "seccomp", A.name, Names,
                       emit::describeRet(Key.first), emit::describeRet(Key.second), ""});
    }
  }
}

std::string rightsText(uint64_t Mask, runtime::landlock::Kind K) {
  std::string S;
  for (const runtime::landlock::Right &R : runtime::landlock::kRights)
    if (R.kind == K && (Mask & R.bit))
      S += (S.empty() ? "" : ", ") + std::string(R.name);
  return S.empty() ? "none" : S;
}

bool beneath(StringRef Path, StringRef Dir) {
  if (Dir == "/" || Path == Dir)
    return true;
  return Path.startswith(Dir) && Path.size() > Dir.size() && Path[Dir.size()] == '/';
}

// Rights `Rules` grant on `Path` (by a rule on it or on an ancestor).
uint64_t grantedOn(const std::vector<runtime::LandlockPathRule> &Rules, StringRef Path) {
  uint64_t M = 0;
  for (const runtime::LandlockPathRule &R : Rules)
    if (beneath(Path, R.path))
      M |= R.access;
  return M;
}

void diffLandlock(const Side &Old, const Side &New, std::vector<Change> &Out) {
  using runtime::landlock::Kind;
  const runtime::LandlockPolicy &O = Old.policy.landlock, &N = New.policy.landlock;
  uint64_t OHandledFs = O.present ? O.handledFs : 0, NHandledFs = N.present ? N.handledFs : 0;
  uint64_t OHandledNet = O.present ? O.handledNet : 0, NHandledNet = N.present ? N.handledNet : 0;
  auto Handled = [&](const char *Area, uint64_t Before, uint64_t After, Kind K) {
    if (uint64_t Lost = Before & ~After)
      Out.push_back({Direction::Looser, Area, "", {"handled rights"}, "", "",
                     "no longer restricted: " + rightsText(Lost, K)});
    if (uint64_t Gained = After & ~Before)
      Out.push_back({Direction::Tighter, Area, "", {"handled rights"}, "", "",
                     "now restricted: " + rightsText(Gained, K)});
  };
  Handled("landlock-fs", OHandledFs, NHandledFs, Kind::Fs);
  Handled("landlock-net", OHandledNet, NHandledNet, Kind::Net);

  // Filesystem: per path named by either policy, the effective rights there.
  std::set<std::string> Paths;
  for (const auto *P : {&O, &N})
    for (const runtime::LandlockPathRule &R : P->pathRules)
      Paths.insert(R.path);
  for (const std::string &Path : Paths) {
    // A right not handled is allowed everywhere.
    uint64_t Before = (grantedOn(O.pathRules, Path) & OHandledFs) | ~OHandledFs;
    uint64_t After = (grantedOn(N.pathRules, Path) & NHandledFs) | ~NHandledFs;
    uint64_t All = runtime::landlock::rightsAt(Kind::Fs, runtime::landlock::kNewestAbi);
    Before &= All;
    After &= All;
    if (After & ~Before)
      Out.push_back({Direction::Looser, "landlock-fs", "", {Path}, rightsText(Before, Kind::Fs),
                     rightsText(After, Kind::Fs), ""});
    else if (Before & ~After)
      Out.push_back({Direction::Tighter, "landlock-fs", "", {Path}, rightsText(Before, Kind::Fs),
                     rightsText(After, Kind::Fs), ""});
  }

  // TCP ports.
  std::map<uint64_t, std::pair<uint64_t, uint64_t>> Ports;
  for (const runtime::LandlockNetRule &R : O.netRules)
    Ports[R.port].first |= R.access;
  for (const runtime::LandlockNetRule &R : N.netRules)
    Ports[R.port].second |= R.access;
  for (auto &[Port, Masks] : Ports) {
    uint64_t Before = (Masks.first & OHandledNet) | (~OHandledNet & 3);
    uint64_t After = (Masks.second & NHandledNet) | (~NHandledNet & 3);
    std::string Subject = "tcp " + std::to_string(Port);
    if (After & ~Before)
      Out.push_back({Direction::Looser, "landlock-net", "", {Subject}, rightsText(Before, Kind::Net),
                     rightsText(After, Kind::Net), ""});
    else if (Before & ~After)
      Out.push_back({Direction::Tighter, "landlock-net", "", {Subject},
                     rightsText(Before, Kind::Net), rightsText(After, Kind::Net), ""});
  }

  uint64_t OScope = O.present ? O.scoped : 0, NScope = N.present ? N.scoped : 0;
  if (uint64_t Lost = OScope & ~NScope)
    Out.push_back({Direction::Looser, "landlock-scope", "", {"scope"}, "", "",
                   "no longer scoped: " + rightsText(Lost, Kind::Scope)});
  if (uint64_t Gained = NScope & ~OScope)
    Out.push_back({Direction::Tighter, "landlock-scope", "", {"scope"}, "", "",
                   "now scoped: " + rightsText(Gained, Kind::Scope)});
}

void diffSettings(const Side &Old, const Side &New, std::vector<Change> &Out) {
  auto Flag = [&](const char *What, bool Before, bool After) {
    if (Before != After)
      Out.push_back({After ? Direction::Looser : Direction::Tighter, "policy", "", {What},
                     Before ? "best_effort" : "fail", After ? "best_effort" : "fail", ""});
  };
  Flag("seccomp on_unsupported", Old.policy.seccompBestEffort, New.policy.seccompBestEffort);
  Flag("landlock on_unsupported", Old.policy.landlock.bestEffort,
       New.policy.landlock.bestEffort);
}

const char *dirName(Direction D) {
  return D == Direction::Looser ? "looser" : D == Direction::Tighter ? "tighter" : "changed";
}

std::string subjectsText(const std::vector<std::string> &V, size_t Max) {
  std::string S;
  for (size_t I = 0; I < V.size() && I < Max; ++I)
    S += (I ? ", " : "") + V[I];
  if (V.size() > Max)
    S += " and " + std::to_string(V.size() - Max) + " more";
  return S;
}

} // namespace

std::vector<Change> diffPolicies(const Side &Old, const Side &New) {
  std::vector<Change> Out;
  diffSeccomp(Old, New, Out);
  diffLandlock(Old, New, Out);
  diffProcess(Old, New, Out);
  diffSettings(Old, New, Out);
  diffScores(Old, New, Out);
  return Out;
}

bool anyLooser(const std::vector<Change> &Changes) {
  return llvm::any_of(Changes, [](const Change &C) { return C.dir == Direction::Looser; });
}

void printText(raw_ostream &OS, const Side &Old, const Side &New,
               const std::vector<Change> &Changes) {
  OS << "--- " << Old.label << " (policy " << Old.policy.name << ")\n";
  OS << "+++ " << New.label << " (policy " << New.policy.name << ")\n";
  if (Changes.empty()) {
    OS << "no changes in effect\n";
    return;
  }
  unsigned Counts[3] = {0, 0, 0};
  for (const Change &C : Changes) {
    ++Counts[unsigned(C.dir)];
    OS << dirName(C.dir) << ": " << C.area;
    if (!C.arch.empty())
      OS << " [" << C.arch << "]";
    OS << " " << subjectsText(C.subjects, 12);
    if (!C.before.empty() || !C.after.empty())
      OS << ": " << C.before << " -> " << C.after;
    if (!C.detail.empty())
      OS << " (" << C.detail << ")";
    OS << "\n";
  }
  if (!scoresOf(Old) || !scoresOf(New))
    OS << "score: not compared (a policy.bin without scores; diff the .kv files)\n";
  OS << Counts[0] << " looser, " << Counts[1] << " tighter, " << Counts[2] << " changed\n";
}

json::Value toJson(const Side &Old, const Side &New, const std::vector<Change> &Changes) {
  json::Array A;
  unsigned Counts[3] = {0, 0, 0};
  for (const Change &C : Changes) {
    ++Counts[unsigned(C.dir)];
    json::Object O{{"direction", dirName(C.dir)}, {"area", C.area}};
    if (!C.arch.empty())
      O["arch"] = C.arch;
    json::Array Subjects;
    for (const std::string &X : C.subjects)
      Subjects.push_back(X);
    O["subjects"] = std::move(Subjects);
    O["before"] = C.before;
    O["after"] = C.after;
    if (!C.detail.empty())
      O["detail"] = C.detail;
    A.push_back(std::move(O));
  }
  // Every backend's score on both sides (null when a side has none).
  json::Value Scores = nullptr;
  auto B = scoresOf(Old), N = scoresOf(New);
  if (B && N) {
    std::map<std::string, unsigned> After(N->begin(), N->end());
    json::Array S;
    for (auto &[Name, Before] : *B)
      if (After.count(Name))
        S.push_back(json::Object{{"backend", Name}, {"before", Before}, {"after", After[Name]}});
    Scores = std::move(S);
  }
  return json::Object{{"old", json::Object{{"file", Old.label}, {"policy", Old.policy.name}}},
                      {"new", json::Object{{"file", New.label}, {"policy", New.policy.name}}},
                      {"changes", std::move(A)},
                      {"scores", std::move(Scores)},
                      {"looser", Counts[0]},
                      {"tighter", Counts[1]},
                      {"changed", Counts[2]}};
}

} // namespace kavach::diff
