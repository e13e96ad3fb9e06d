// The seccomp section: actions, arches, @group expansion, argument
// conditions, and the precedence rules that turn many rules into one
// decision per syscall.
//
// Precedence (docs/language.md "Rule precedence"): every rule gets a level,
// 2·depth for names that came through a @group and 2·depth+1 for names
// written out, where depth is the policy's place in the extends chain
// (root 0). Levels are applied from low to high, so a child beats its
// parent and an explicit name beats a group. Within a level:
//   - an unconditional rule replaces what lower levels decided; its
//     conditional siblings become branches before it;
//   - `allow X if C` alone narrows: X is allowed only when C holds, else the
//     lower levels' deny (or the default);
//   - `deny X if C` alone carves out: C is checked first, then whatever the
//     lower levels decided.
// deny-conditions are tried before allow-conditions of the same level.
// Two unconditional rules with different actions in one level are an error.
//
// Checks after the decisions are made:
//   - shadowed rules (-Wshadowed-rule): a rule every one of whose syscalls is
//     decided by another rule of the same policy that takes precedence (an
//     explicit unconditional name over a @group; an unconditional rule over
//     a condition with the same action at its level);
//   - multiplexers: an argument rule on a syscall that an arch also reaches
//     through a multiplexer whose arguments seccomp cannot read (i386
//     `socketcall` for the socket calls, `ipc` for SysV IPC) is an error for
//     that arch unless the multiplexer is denied for that call; an
//     unconditional deny of such a call while the multiplexer may still run
//     it is -Wmultiplexer-bypass, an error by default (see
//     checkMultiplexerBypass; which calls and "may run" in Multiplexers.h);
//   - argument widths (-Warg-width, in SeccompConditions.cpp): a constant
//     wider than 32 bits compared with an argument when a 32-bit arch (i386,
//     arm) is targeted.
#include "compiler/Sema/Arches.h"
#include "compiler/Sema/Constants.h"
#include "compiler/Sema/Multiplexers.h"
#include "compiler/Sema/SemaContext.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

using namespace llvm;

namespace kavach::sema {
namespace {

using seccomp::Action;
using seccomp::ActionKind;
using seccomp::Cond;
using seccomp::CondRef;

struct RuleUse {
  const ast::Rule *rule;
  const ast::Policy *policy;
  unsigned level;
  bool allow;
  Action action;
  CondRef cond;
  SMRange nameRange;
  std::string group;
  std::string name; // the syscall
};

// The action as the policy spells it (`errno(EPERM)`, not `errno(1)`),
// for messages; a `deny` without `with` says what it falls back to.
std::string spelled(const RuleUse &U) {
  if (U.rule->action) {
    const ast::Action &A = *U.rule->action;
    return A.arg ? A.name.text + "(" + A.arg->text + ")" : A.name.text;
  }
  return U.allow ? std::string("allow") : U.action.str();
}

class SeccompPass {
public:
  SeccompPass(SemaContext &Ctx, ir::PolicyIR &IR) : Ctx(Ctx), D(Ctx.diags), IR(IR) {}

  void run() {
    ir::SeccompIR &S = IR.seccomp;
    for (const ast::Policy *P : Ctx.chain)
      if (P->seccomp)
        S.present = true;
    // Every group of the user's files is checked, used or not (the stdlib's
    // groups are checked by test/unit/sema/GroupTableTest).
    for (const ast::Group *G : Ctx.prog.userGroups())
      expandGroup(G->name.text, G->name.range);
    if (!S.present)
      return;
    resolveSettings();
    const std::vector<std::string> Before = {};
    for (unsigned Depth = 0; Depth < Ctx.chain.size(); ++Depth) {
      const ast::Policy *P = Ctx.chain[Depth];
      if (!P->seccomp)
        continue;
      for (const ast::Rule &R : P->seccomp->rules)
        collect(R, P, Depth);
    }
    // Decide in source order of each syscall's last rule (where a conflict
    // or repetition is reported), so diagnostics come out in file order
    // rather than sorted by syscall name.
    std::vector<std::pair<std::pair<unsigned, const char *>, std::string>> Order;
    for (auto &[Name, List] : Uses) {
      SMLoc L = List.back().nameRange.Start;
      Order.push_back({{D.sourceMgr().FindBufferContainingLoc(L), L.getPointer()}, Name});
    }
    std::sort(Order.begin(), Order.end());
    for (auto &[Key, Name] : Order)
      decide(Name, Uses[Name]);
    checkLauncherExec();
    checkShadowed();
    checkMultiplexers();
    checkMultiplexerBypass();
  }

private:
  void resolveSettings() {
    ir::SeccompIR &S = IR.seccomp;
    bool HaveDefault = false, HaveArches = false, HaveUnknown = false;
    // Walk most-derived first: the first setting found wins.
    for (auto It = Ctx.chain.rbegin(); It != Ctx.chain.rend(); ++It) {
      const ast::Policy *P = *It;
      if (!P->seccomp)
        continue;
      const ast::Seccomp &Sc = *P->seccomp;
      if (!HaveDefault && Sc.defaultAction) {
        HaveDefault = true;
        if (auto A = convertAction(Ctx, *Sc.defaultAction)) {
          S.defaultAction = *A;
          S.defaultRange = Sc.defaultAction->range;
        }
      }
      if (!HaveUnknown && Sc.unknownAction) {
        HaveUnknown = true;
        if (auto A = convertAction(Ctx, *Sc.unknownAction))
          S.unknownAction = *A;
      }
      if (!HaveArches && !Sc.arches.empty()) {
        HaveArches = true;
        resolveArches(Sc);
      }
    }
    if (!HaveDefault) {
      const ast::Policy *P = Ctx.chain.back();
      SMRange R = P->seccomp ? P->seccomp->range : P->name.range;
      D.error(R, "the seccomp section of policy '" + P->name.text +
                     "' has no 'default' action (and no parent gives one)");
    }
    if (!HaveArches)
      S.arches = {"x86_64", "aarch64"};
    // on_unsupported: the policy-wide setting, then the section's own.
    for (const ast::Policy *P : Ctx.chain) {
      if (P->onUnsupported)
        if (auto B = convertOnUnsupported(Ctx, *P->onUnsupported))
          S.bestEffort = *B;
      if (P->seccomp && P->seccomp->onUnsupported)
        if (auto B = convertOnUnsupported(Ctx, *P->seccomp->onUnsupported))
          S.bestEffort = *B;
    }
  }

  void resolveArches(const ast::Seccomp &Sc) {
    std::vector<std::string> Names;
    for (const ArchInfo &A : allArches())
      Names.push_back(A.name);
    std::set<std::string> Listed;
    for (const ast::Name &N : Sc.arches) {
      const ArchInfo *A = findArch(N.text);
      if (!A) {
        D.error(N.range, "unknown architecture '" + N.text + "'");
        D.suggest(N.range, N.text, Names);
        continue;
      }
      if (!Listed.insert(N.text).second) {
        D.warning("redundant-rule", N.range, "architecture '" + N.text + "' listed twice");
        continue;
      }
      IR.seccomp.arches.push_back(N.text);
    }
    for (const std::string &N : IR.seccomp.arches) {
      const ArchInfo *A = findArch(N);
      if (A && !Listed.count(A->native)) {
        const ast::Name *Tok = nullptr;
        for (const ast::Name &X : Sc.arches)
          if (X.text == N)
            Tok = &X;
        D.error(Tok->range, "architecture '" + N + "' runs inside a " + A->native +
                                " process; list '" + A->native + "' too");
      }
    }
  }

  // ---- rules -------------------------------------------------------------

  Action denyAction() const {
    Action Def = IR.seccomp.defaultAction;
    return Def.kind == ActionKind::Allow || Def.kind == ActionKind::Log
               ? Action{ActionKind::Errno, 1 /*EPERM*/}
               : Def;
  }

  void collect(const ast::Rule &R, const ast::Policy *P, unsigned Depth) {
    Action A = R.allow ? Action{ActionKind::Allow, 0} : denyAction();
    if (R.action) {
      auto Conv = convertAction(Ctx, *R.action);
      if (!Conv)
        return;
      A = *Conv;
      // The fix-it rewrites the verb (a rule starts with it).
      const char *Verb = R.range.Start.getPointer();
      SMRange VerbRange(R.range.Start, SMLoc::getFromPointer(Verb + (R.allow ? 5 : 4)));
      if (R.allow && A.kind != ActionKind::Allow && A.kind != ActionKind::Log) {
        D.error(R.action->range,
                "'allow' rules take no deny action; write 'deny ... with " +
                    R.action->name.text + "'",
                SMFixIt(VerbRange, "deny"));
        return;
      }
      if (!R.allow && A.kind == ActionKind::Allow) {
        D.error(R.action->range, "'deny ... with allow' allows; write 'allow' instead",
                SMFixIt(VerbRange, "allow"));
        return;
      }
    }
    CondRef C;
    if (R.cond) {
      C = convertCondition(Ctx, IR.seccomp.arches, *R.cond);
      if (!C)
        return;
    }
    for (const ast::SyscallRef &Ref : R.syscalls) {
      if (Ref.isGroup) {
        const std::vector<std::string> *Members = expandGroup(Ref.name, Ref.range);
        if (!Members)
          continue;
        for (const std::string &M : *Members)
          Uses[M].push_back({&R, P, Depth * 2, R.allow, A, C, Ref.range, Ref.name, M});
        continue;
      }
      if (!checkSyscallName(Ref.name, Ref.range))
        continue;
      Uses[Ref.name].push_back({&R, P, Depth * 2 + 1, R.allow, A, C, Ref.range, "", Ref.name});
    }
  }

  bool checkSyscallName(const std::string &Name, SMRange R) {
    const auto &All = allSyscallNames();
    if (!std::binary_search(All.begin(), All.end(), Name)) {
      D.error(R, "unknown syscall '" + Name + "'");
      D.suggest(R, Name, targetedNames());
      return false;
    }
    std::vector<std::string> Missing;
    for (const std::string &AN : IR.seccomp.arches) {
      const ArchInfo *A = findArch(AN);
      if (A && !SyscallTable::get(*A).lookup(Name))
        Missing.push_back(AN);
    }
    if (!Missing.empty() && Missing.size() == IR.seccomp.arches.size()) {
      D.warning("inert-rule", R,
                "syscall '" + Name + "' exists on none of the targeted architectures (" +
                    join(Missing, ", ") + "); the rule has no effect");
      return true;
    }
    for (const std::string &AN : Missing)
      D.note(R, "syscall '" + Name + "' does not exist on " + AN +
                    "; the rule does not apply there");
    return true;
  }

  const std::vector<std::string> &targetedNames() {
    if (Targeted.empty()) {
      std::set<std::string> S;
      for (const std::string &AN : IR.seccomp.arches)
        if (const ArchInfo *A = findArch(AN))
          for (const std::string &N : SyscallTable::get(*A).names())
            S.insert(N);
      Targeted.assign(S.begin(), S.end());
    }
    return Targeted;
  }

  // Members of @Name, transitively, each syscall once (sorted).
  const std::vector<std::string> *expandGroup(const std::string &Name, SMRange R) {
    if (auto It = Expanded.find(Name); It != Expanded.end())
      return It->second ? &*It->second : nullptr;
    const ast::Group *G = Ctx.prog.findGroup(Name);
    if (!G) {
      D.error(R, "unknown syscall group '@" + Name + "'");
      D.suggest(R, Name, Ctx.prog.groupNames(), "@");
      Expanded[Name] = std::nullopt;
      return nullptr;
    }
    if (InProgress.count(Name)) {
      D.error(R, "syscall group '@" + Name + "' includes itself");
      return nullptr;
    }
    InProgress.insert(Name);
    std::set<std::string> Out;
    bool Ok = true;
    for (const ast::SyscallRef &M : G->members) {
      if (M.isGroup) {
        const auto *Sub = expandGroup(M.name, M.range);
        if (Sub)
          Out.insert(Sub->begin(), Sub->end());
        else
          Ok = false;
      } else if (std::binary_search(allSyscallNames().begin(), allSyscallNames().end(),
                                    M.name)) {
        Out.insert(M.name);
      } else {
        D.error(M.range, "unknown syscall '" + M.name + "' in group '@" + Name + "'");
        D.suggest(M.range, M.name, allSyscallNames());
        Ok = false;
      }
    }
    InProgress.erase(Name);
    if (!Ok) {
      Expanded[Name] = std::nullopt;
      return nullptr;
    }
    Expanded[Name] = std::vector<std::string>(Out.begin(), Out.end());
    return &*Expanded[Name];
  }

  static ir::RuleOrigin origin(const RuleUse &U) {
    return {U.rule->range, U.nameRange, U.group, U.policy->name.text};
  }

  void decide(const std::string &Name, std::vector<RuleUse> &List) {
    std::map<unsigned, std::vector<const RuleUse *>> ByLevel;
    for (const RuleUse &U : List)
      ByLevel[U.level].push_back(&U);
    ir::SyscallDecision Cur;
    Cur.fallback = IR.seccomp.defaultAction;
    Cur.fallbackIsDefault = true;
    for (auto &[Level, Uses] : ByLevel) {
      const RuleUse *Uncond = nullptr;
      std::vector<ir::CondBranch> Deny, Allow;
      for (const RuleUse *U : Uses) {
        if (U->cond) {
          (U->allow ? Allow : Deny).push_back({U->cond, U->allow, U->action, origin(*U)});
          continue;
        }
        if (!Uncond) {
          Uncond = U;
          continue;
        }
        if (Uncond->action != U->action) {
          D.error(U->nameRange, "syscall '" + Name + "' has conflicting actions: " +
                                    spelled(*Uncond) + " and " + spelled(*U) +
                                    (U->group.empty() ? "" : " (through @" + U->group + ")"));
          D.note(Uncond->nameRange, "previous rule for '" + Name + "' is here" +
                                        (Uncond->group.empty() ? ""
                                                               : " (through @" + Uncond->group + ")"));
        } else if (Level % 2 == 1 && U->group.empty()) {
          D.warning("redundant-rule", U->nameRange,
                    "rule for '" + Name + "' repeats an earlier rule");
          D.note(Uncond->nameRange, "previous rule for '" + Name + "' is here");
        }
      }
      std::vector<ir::CondBranch> Branches = Deny;
      Branches.insert(Branches.end(), Allow.begin(), Allow.end());
      if (Uncond) {
        Cur = ir::SyscallDecision{Branches, Uncond->action, false, origin(*Uncond)};
      } else if (!Allow.empty()) {
        bool LowerAllows = Cur.fallback.kind == ActionKind::Allow;
        ir::SyscallDecision Next{Branches, LowerAllows ? IR.seccomp.defaultAction : Cur.fallback,
                                 LowerAllows ? true : Cur.fallbackIsDefault, Cur.origin};
        if (Next.fallback.kind == ActionKind::Allow)
          D.warning("inert-rule", Allow.front().origin.range,
                    "conditional allow of '" + Name +
                        "' has no effect: it is allowed anyway (default allow); "
                        "use 'deny " + Name + " if ...' to restrict it");
        Cur = std::move(Next);
      } else {
        Branches.insert(Branches.end(), Cur.branches.begin(), Cur.branches.end());
        Cur.branches = std::move(Branches);
      }
    }
    IR.seccomp.syscalls[Name] = std::move(Cur);
  }

  // The launcher's own last call is execve under the installed filter.
  void checkLauncherExec() {
    const ir::SeccompIR &S = IR.seccomp;
    auto It = S.syscalls.find("execve");
    bool Allowed = It == S.syscalls.end()
                       ? S.defaultAction.kind == ActionKind::Allow
                       : It->second.branches.empty() && It->second.fallback.kind == ActionKind::Allow;
    if (Allowed)
      return;
    SMRange R = S.defaultRange;
    if (It != S.syscalls.end()) {
      if (!It->second.branches.empty())
        R = It->second.branches.front().origin.nameRange;
      else if (!It->second.fallbackIsDefault)
        R = It->second.origin.nameRange;
    }
    D.error(R, "this policy blocks 'execve', which kavach-launch makes last to start the "
               "command; allow execve unconditionally (and restrict what runs with "
               "filesystem 'execute' grants)");
  }

  // ---- checks over all rules ---------------------------------------------

  // A use is shadowed when another rule of the same policy decides its
  // syscall regardless of it (see the comment at the top of the file).
  const RuleUse *shadowedBy(const RuleUse &U) const {
    for (const RuleUse &O : Uses.at(U.name))
      if (&O != &U && O.policy == U.policy && !O.cond &&
          (O.level > U.level || (U.cond && O.level == U.level && O.action == U.action)))
        return &O;
    return nullptr;
  }

  void checkShadowed() {
    std::map<const ast::Rule *, std::vector<const RuleUse *>> ByRule;
    std::vector<const ast::Rule *> Order;
    for (auto &[Name, List] : Uses)
      for (const RuleUse &U : List) {
        if (!ByRule.count(U.rule))
          Order.push_back(U.rule);
        ByRule[U.rule].push_back(&U);
      }
    std::sort(Order.begin(), Order.end(), [](const ast::Rule *A, const ast::Rule *B) {
      return A->range.Start.getPointer() < B->range.Start.getPointer();
    });
    for (const ast::Rule *R : Order) {
      const RuleUse *First = nullptr;
      bool All = true;
      for (const RuleUse *U : ByRule[R]) {
        const RuleUse *By = shadowedBy(*U);
        if (!By) {
          All = false;
          break;
        }
        if (!First)
          First = By;
      }
      if (!All || !First)
        continue;
      D.warning("shadowed-rule", R->range,
                "rule has no effect: every syscall it names is decided by another rule of "
                "policy '" + ByRule[R].front()->policy->name.text + "'");
      D.note(First->nameRange, "for example '" + ByRule[R].front()->name +
                                   "' is decided by this rule");
    }
  }

  // ---- multiplexers (Multiplexers.h) -------------------------------------

  static bool permits(const Action &A) {
    return A.kind == ActionKind::Allow || A.kind == ActionKind::Log;
  }

  // Whether the arch's multiplexer may run `Call` under this policy.
  bool muxMayRun(const MultiplexedCall &Call) const {
    const ir::SeccompIR &S = IR.seccomp;
    auto It = S.syscalls.find(Call.mux);
    return multiplexerMayRun(It == S.syscalls.end() ? nullptr : &It->second, S.defaultAction,
                             Call);
  }

  void checkMultiplexers() {
    for (const std::string &AN : IR.seccomp.arches) {
      const ArchInfo *A = findArch(AN);
      if (!A)
        continue;
      for (auto &[Name, Dn] : IR.seccomp.syscalls) {
        const MultiplexedCall *Call = multiplexedCall(Name);
        if (!Call || Dn.branches.empty() || !SyscallTable::get(*A).lookup(Call->mux) ||
            !muxMayRun(*Call))
          continue;
        StringRef Mux = Call->mux;
        SMRange R = Dn.branches.front().origin.nameRange;
        D.error(R, "argument rule on '" + Name + "' cannot be enforced on " + AN +
                       ": programs there may call it through '" + Mux +
                       "', whose arguments seccomp cannot read; deny '" + Mux +
                       "' or remove " + AN + " from 'arch'");
      }
    }
  }

  // An unconditional deny of a multiplexed call (`deny socket;`, also
  // through a @group or under `default allow`) while the arch's multiplexer
  // may run it: the program makes the call as socketcall(SYS_SOCKET, ...)
  // instead, so the deny does not hold there. It is a default-error
  // warning rather than a plain error like the argument-rule case above:
  // the hole is the same (fail closed, so it stops the compile), but the
  // filter does do what the rule says for the direct syscall, and a policy
  // author who has decided otherwise (-Wno-error=multiplexer-bypass, or a
  // `kavach-lint: allow` with a reason under --lint) can say so.
  // Not reported: the multiplexer is denied for that call with any
  // non-allowing action (errno where the call has kill_process still keeps
  // the call from running); a call denied only by the default action (the
  // policy names neither it nor a group with it).
  void checkMultiplexerBypass() {
    const ir::SeccompIR &S = IR.seccomp;
    // One diagnostic per rule token (`socket`, `@network-io`), arch and
    // multiplexer, naming the calls of that token that are affected.
    struct Hole {
      const ir::RuleOrigin *origin;
      std::string arch;
      std::vector<const MultiplexedCall *> calls;
    };
    std::map<std::tuple<const char *, std::string, std::string>, Hole> Holes;
    for (const std::string &AN : S.arches) {
      const ArchInfo *A = findArch(AN);
      if (!A)
        continue;
      const SyscallTable &T = SyscallTable::get(*A);
      for (auto &[Name, Dn] : S.syscalls) {
        const MultiplexedCall *Call = multiplexedCall(Name);
        if (!Call || !Dn.branches.empty() || Dn.fallbackIsDefault || permits(Dn.fallback) ||
            !T.lookup(Call->mux) || !muxMayRun(*Call))
          continue;
        Hole &H = Holes[{Dn.origin.nameRange.Start.getPointer(), AN, Call->mux}];
        H.origin = &Dn.origin;
        H.arch = AN;
        H.calls.push_back(Call);
      }
    }
    for (auto &[Key, H] : Holes) {
      // A group names up to 20 of them: three say enough.
      std::vector<std::string> Quoted;
      for (const MultiplexedCall *C : H.calls)
        if (Quoted.size() < 3 || H.calls.size() == 4)
          Quoted.push_back("'" + std::string(C->name) + "'");
      std::string What = join(Quoted, ", ");
      if (Quoted.size() < H.calls.size())
        What += " and " + std::to_string(H.calls.size() - Quoted.size()) + " more";
      if (!H.origin->group.empty())
        What += " (through @" + H.origin->group + ")";
      bool One = H.calls.size() == 1;
      std::string Mux = H.calls.front()->mux;
      D.defaultErrorWarning("multiplexer-bypass", H.origin->nameRange,
                            What + (One ? " is" : " are") + " denied, but programs on " +
                                H.arch + " can still make " +
                                (One ? "the call" : "these calls") + " through '" + Mux +
                                "', which this policy allows; add 'deny " + Mux +
                                ";' or remove " + H.arch + " from 'arch'");
      noteMultiplexerAllowed(*H.calls.front());
    }
  }

  // Where the multiplexer is allowed: its rule, or the default action.
  void noteMultiplexerAllowed(const MultiplexedCall &Call) {
    const ir::SeccompIR &S = IR.seccomp;
    std::string Mux = Call.mux;
    auto It = S.syscalls.find(Mux);
    if (It != S.syscalls.end()) {
      if (const ir::CondBranch *B = multiplexerAllowingBranch(It->second, Call)) {
        D.note(B->origin.nameRange, "'" + Mux + "' is allowed under a condition here");
        return;
      }
      if (!It->second.fallbackIsDefault) {
        const ir::RuleOrigin &O = It->second.origin;
        D.note(O.nameRange, "'" + Mux + "' is allowed here" +
                                (O.group.empty() ? std::string() : " (through @" + O.group + ")"));
        return;
      }
    }
    D.note(S.defaultRange, "'" + Mux + "' is allowed by the default action");
  }

  SemaContext &Ctx;
  DiagnosticEngine &D;
  ir::PolicyIR &IR;
  std::map<std::string, std::vector<RuleUse>> Uses;
  std::map<std::string, std::optional<std::vector<std::string>>> Expanded;
  std::set<std::string> InProgress;
  std::vector<std::string> Targeted;
};

} // namespace

void analyzeSeccomp(SemaContext &Ctx, ir::PolicyIR &IR) { SeccompPass(Ctx, IR).run(); }

} // namespace kavach::sema
