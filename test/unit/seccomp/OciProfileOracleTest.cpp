// The OCI/Docker seccomp profile (Backend/OCI/SeccompProfile.cpp) against
// libseccomp as oracle: for each policy shape, the profile lowerProfile()
// writes is loaded into libseccomp exactly as runc 1.1 does it
// (seccomp_init(defaultAction), the profile's arches, one
// seccomp_rule_add_array per rule and name, rules whose action is the
// default skipped, a rule comparing one argument twice split into one rule
// per comparison), exported with seccomp_export_bpf and run by the in-repo
// BPF interpreter; its decision must equal kavach's own filter (lowerSeccomp
// → generateFilter) on boundary argument values. libseccomp 2.5.4 drops a
// syscall's conditional rules when it also has an unconditional rule of
// another action, so a profile that writes `allow kill` as an unconditional
// rule next to a conditional deny fails here.
#include "LibseccompExport.h"
#include "SeccompTestUtil.h"

#include "compiler/Backend/OCI/SeccompProfile.h"
#include "compiler/Backend/Seccomp/Lowering.h"
#include "compiler/Sema/PolicyIR.h"

#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>
#include <seccomp.h>

#include <cstdio>
#include <cstring>
#include <set>
#include <string>

namespace kavach::seccomp::test {
namespace {

constexpr uint32_t kKillNr = 62; // x86_64

scmp_compare scmpOp(std::string_view op) {
  if (op == "SCMP_CMP_EQ") return SCMP_CMP_EQ;
  if (op == "SCMP_CMP_NE") return SCMP_CMP_NE;
  if (op == "SCMP_CMP_LT") return SCMP_CMP_LT;
  if (op == "SCMP_CMP_LE") return SCMP_CMP_LE;
  if (op == "SCMP_CMP_GT") return SCMP_CMP_GT;
  if (op == "SCMP_CMP_GE") return SCMP_CMP_GE;
  EXPECT_EQ(op, "SCMP_CMP_MASKED_EQ");
  return SCMP_CMP_MASKED_EQ;
}

uint32_t scmpArch(const std::string &a) {
  if (a == "SCMP_ARCH_X86_64") return SCMP_ARCH_X86_64;
  if (a == "SCMP_ARCH_X86") return SCMP_ARCH_X86;
  if (a == "SCMP_ARCH_X32") return SCMP_ARCH_X32;
  ADD_FAILURE() << "arch " << a;
  return SCMP_ARCH_X86_64;
}

// What runc 1.1's libcontainer/seccomp does with a profile.
std::vector<runtime::BpfInsn> runcFilter(const oci::Profile &p) {
  scmp_filter_ctx ctx = seccomp_init(p.defaultAction.toRet());
  for (const std::string &a : p.arches)
    if (scmpArch(a) != seccomp_arch_native()) {
      EXPECT_EQ(seccomp_arch_add(ctx, scmpArch(a)), 0) << a;
    }
  for (const oci::ProfileRule &r : p.rules) {
    if (r.action == p.defaultAction)
      continue; // runc: "ignore it, it's the default action"
    std::vector<scmp_arg_cmp> conds;
    unsigned perArg[6] = {};
    for (const oci::ArgCmp &a : r.args) {
      conds.push_back(scmp_arg_cmp{a.index, scmpOp(a.op), a.value, a.valueTwo});
      ++perArg[a.index];
    }
    const bool split = std::any_of(std::begin(perArg), std::end(perArg), [](unsigned n) { return n > 1; });
    for (const std::string &name : r.names) {
      const int nr = seccomp_syscall_resolve_name(name.c_str());
      EXPECT_GE(nr, 0) << name;
      if (split) {
        for (const scmp_arg_cmp &c : conds) {
          EXPECT_EQ(seccomp_rule_add_array(ctx, r.action.toRet(), nr, 1, &c), 0) << name;
        }
      } else {
        const int rc = seccomp_rule_add_array(ctx, r.action.toRet(), nr, conds.size(), conds.data());
        EXPECT_EQ(rc, 0) << name << ": " << strerror(-rc);
      }
    }
  }
  std::vector<runtime::BpfInsn> prog = exportLibseccompBpf(ctx);
  seccomp_release(ctx);
  return prog;
}

ir::SeccompIR policy(Action def, std::vector<ir::CondBranch> branches, Action fallback) {
  ir::SeccompIR s;
  s.present = true;
  s.defaultAction = def;
  s.unknownAction = def;
  s.arches = {"x86_64"};
  ir::SyscallDecision d;
  d.branches = std::move(branches);
  d.fallback = fallback;
  s.syscalls.emplace("kill", std::move(d));
  return s;
}

ir::CondBranch when(CondRef c, Action a) { return ir::CondBranch{std::move(c), a.kind == ActionKind::Allow, a, {}}; }

// Compares the two filters on kill(arg0, arg1) over boundary values of
// both arguments; returns the decisions seen (so a caller can check the
// points reached every region).
// `MayRefuse`: kavachc may refuse the policy (fail closed, naming the
// syscall) instead; then nothing is compared and {} is returned.
std::set<uint32_t> compare(const ir::SeccompIR &s, bool MayRefuse = false) {
  auto profile = oci::lowerProfile(s);
  if (!profile) {
    std::string e = llvm::toString(profile.takeError());
    if (!MayRefuse || e.find("syscall 'kill'") == std::string::npos)
      ADD_FAILURE() << e;
    return {};
  }
  const std::vector<runtime::BpfInsn> lib = runcFilter(*profile);
  const std::vector<FilterSpec> specs = lowerSeccomp(s);
  const FilterSpec *spec = findFilter(specs, kArchX86_64);
  EXPECT_NE(spec, nullptr);
  std::string error;
  const std::vector<runtime::BpfInsn> ours = generateFilter(*spec, &error);
  EXPECT_FALSE(ours.empty()) << error;
  std::set<uint64_t> values[6];
  for (uint64_t v : std::initializer_list<uint64_t>{0ull, 1ull, 2ull, 9ull, 0x7fffffffull, 0x80000000ull, 0xffffffffull, 0x100000000ull,
                     0x100000009ull, 0xffffffff00000009ull, ~0ull})
    for (auto &s : values)
      s.insert(v);
  for (const ir::CondBranch &b : s.syscalls.at("kill").branches)
    collectBoundaryValues(*b.cond, values, /*oneBitAway=*/true);
  std::set<uint32_t> seen;
  unsigned mismatches = 0;
  for (uint64_t a0 : values[0])
    for (uint64_t a1 : values[1]) {
      const uint64_t args[6] = {a0, a1, 0, 0, 0, 0};
      const runtime::BpfResult want = run(ours, kArchX86_64, kKillNr, args);
      const runtime::BpfResult got = run(lib, kArchX86_64, kKillNr, args);
      EXPECT_TRUE(want.ok && got.ok);
      seen.insert(want.ret);
      if (want.ret != got.ret && ++mismatches <= 5)
        ADD_FAILURE() << std::hex << "kill(" << a0 << ", " << a1 << "): kavach " << want.ret << ", runc/libseccomp "
                      << got.ret;
    }
  EXPECT_EQ(mismatches, 0u) << "profile: " << llvm::formatv("{0:2}", llvm::json::Value(oci::profileToJson(*profile))).str();
  return seen;
}

constexpr uint32_t kRetLog = 0x7ffc0000u;
uint32_t errnoRet(uint16_t e) { return 0x00050000u | e; }

const Action kDefaults[] = {logAction(), errnoAction(38), killProcess(), allow(), errnoAction(1)};

TEST(OciProfileOracle, AllowThenDenyIfArgEquals) {
  // allow kill; deny kill with errno(EPERM) if arg1 == SIGKILL;
  for (const Action &def : kDefaults) {
    SCOPED_TRACE(def.str());
    auto seen = compare(policy(def, {when(cmp(1, Cond::Op::Eq, 9), errnoAction(1))}, allow()));
    EXPECT_TRUE(seen.count(kRetAllow) && seen.count(errnoRet(1)));
  }
}

TEST(OciProfileOracle, DenyThenAllowIfArgEquals) {
  // deny kill with errno(EPERM); allow kill if arg1 == 0;
  for (const Action &def : kDefaults) {
    SCOPED_TRACE(def.str());
    auto seen = compare(policy(def, {when(cmp(1, Cond::Op::Eq, 0), allow())}, errnoAction(1)));
    EXPECT_TRUE(seen.count(kRetAllow) && seen.count(errnoRet(1)));
  }
}

TEST(OciProfileOracle, OrderedBranches) {
  // allow kill if arg1 == 0; deny errno(EPERM) if arg0 == 9; else
  // errno(EACCES) needs `arg1 != 0` in rules of two comparisons next to
  // `arg1 == 0`, which libseccomp 2.5.4 mis-compiles (measured here:
  // kill(0, 1) got the default): an error, not a profile.
  auto p = oci::lowerProfile(policy(logAction(),
                                    {when(cmp(1, Cond::Op::Eq, 0), allow()), when(cmp(0, Cond::Op::Eq, 9), errnoAction(1))},
                                    errnoAction(13)));
  ASSERT_FALSE(bool(p));
  EXPECT_NE(llvm::toString(p.takeError()).find("mis-compiles"), std::string::npos);
}

// Shapes whose fallback needs `arg0 != C` in rules of several comparisons
// next to `arg0 == C` (see OrderedBranches) are refused for defaults other
// than the fallback's action; with the default log they must compare.
TEST(OciProfileOracle, OrderedOverlapping) {
  for (const Action &def : kDefaults) {
    SCOPED_TRACE(def.str());
    const bool mayRefuse = !(def == logAction());
    // allow if arg1 == 0; deny errno(EPERM) if (arg1 & 0xf0) == 0; else errno(EACCES)
    auto seen = compare(policy(def, {when(cmp(1, Cond::Op::Eq, 0), allow()), when(masked(1, 0xf0, 0), errnoAction(1))},
                               errnoAction(13)));
    EXPECT_TRUE(seen.count(errnoRet(1)) && seen.count(errnoRet(13)));
    // deny errno(EPERM) if arg0 == 9 && arg1 == 9; allow if arg0 == 9; else log
    seen = compare(policy(def,
                          {when(andC({cmp(0, Cond::Op::Eq, 9), cmp(1, Cond::Op::Eq, 9)}), errnoAction(1)),
                           when(cmp(0, Cond::Op::Eq, 9), allow())},
                          logAction()),
                   mayRefuse);
    if (!mayRefuse) {
      EXPECT_TRUE(seen.count(kRetAllow) && seen.count(errnoRet(1)) && seen.count(kRetLog));
    }
    // deny errno(EPERM) if (arg1 & 0xf0) == 0x10 && arg0 == 1; allow if arg0 == 1; else log
    seen = compare(policy(def,
                          {when(andC({masked(1, 0xf0, 0x10), cmp(0, Cond::Op::Eq, 1)}), errnoAction(1)),
                           when(cmp(0, Cond::Op::Eq, 1), allow())},
                          logAction()),
                   mayRefuse);
    if (!mayRefuse) {
      EXPECT_TRUE(seen.count(kRetAllow) && seen.count(errnoRet(1)) && seen.count(kRetLog));
    }
  }
}

TEST(OciProfileOracle, RangeRules) {
  // docker_default's socket rule: allow if arg0 < 38 || arg0 == 39 || arg0 > 40
  for (const Action &def : kDefaults) {
    SCOPED_TRACE(def.str());
    if (def == allow())
      continue;
    auto seen = compare(policy(def,
                               {when(orC({cmp(0, Cond::Op::Lt, 38), cmp(0, Cond::Op::Eq, 39), cmp(0, Cond::Op::Gt, 40)}),
                                     allow())},
                               def));
    EXPECT_TRUE(seen.count(kRetAllow) && seen.size() == 2);
  }
}

TEST(OciProfileOracle, MultiBitMaskedDeny) {
  // allow kill; deny kill if (arg1 & 0x7c) == 0x14 (bits set and clear).
  for (const Action &def : kDefaults) {
    SCOPED_TRACE(def.str());
    auto seen = compare(policy(def, {when(masked(1, 0x7c, 0x14), errnoAction(1))}, allow()));
    EXPECT_TRUE(seen.count(kRetAllow) && seen.count(errnoRet(1)));
  }
}

TEST(OciProfileOracle, InSet) {
  // allow kill; deny kill errno(EPERM) if arg1 in {9, 15, 19};
  // and allow kill if arg0 in {1, 2}; else log.
  auto in = [](uint8_t a, std::vector<uint64_t> vs) {
    std::vector<CondRef> ch;
    for (uint64_t v : vs)
      ch.push_back(cmp(a, Cond::Op::Eq, v));
    return orC(ch);
  };
  for (const Action &def : kDefaults) {
    SCOPED_TRACE(def.str());
    // Unless allow is the default, the allow region arg1 ∉ {9, 15, 19}
    // needs 32³ single-bit rules: refused (more than 256).
    auto seen = compare(policy(def, {when(in(1, {9, 15, 19}), errnoAction(1))}, allow()), !(def == allow()));
    if (def == allow()) {
      EXPECT_TRUE(seen.count(kRetAllow) && seen.count(errnoRet(1)));
    }
    // one excluded value, any default
    seen = compare(policy(def, {when(in(1, {9}), errnoAction(1))}, allow()));
    EXPECT_TRUE(seen.count(kRetAllow) && seen.count(errnoRet(1)));
    // a0 ∉ {1, 2} (two `!=` of one argument) is refused unless the default decides it
    seen = compare(policy(def, {when(in(0, {1, 2}), allow())}, logAction()), !(def == logAction()));
    if (def == logAction()) {
      EXPECT_TRUE(seen.count(kRetAllow) && seen.count(kRetLog));
    }
  }
}

// What stays inexpressible is an error naming the syscall, never a
// profile with the condition dropped.
TEST(OciProfileOracle, InexpressibleFailsClosed) {
  // deny if arg1 in {9, 15, 19}; allow if arg0 in {1, 2}; else log: the
  // allow region arg0 ∈ {1,2} ∧ arg1 ∉ {9,15,19} is 2 × 32³ single-bit rules.
  {
    auto in = [](uint8_t a, std::vector<uint64_t> vs) {
      std::vector<CondRef> ch;
      for (uint64_t v : vs)
        ch.push_back(cmp(a, Cond::Op::Eq, v));
      return orC(ch);
    };
    auto p = oci::lowerProfile(
        policy(logAction(), {when(in(1, {9, 15, 19}), errnoAction(1)), when(in(0, {1, 2}), allow())}, logAction()));
    ASSERT_FALSE(bool(p));
    EXPECT_NE(llvm::toString(p.takeError()).find("syscall 'kill'"), std::string::npos);
  }
  // a 32-bit `<` (the deny widening of `arg1 < 5`) next to an allow.
  auto p = oci::lowerProfile(policy(errnoAction(38), {when(cmp(1, Cond::Op::Lt, 5), errnoAction(1))}, allow()));
  ASSERT_FALSE(bool(p));
  EXPECT_NE(llvm::toString(p.takeError()).find("syscall 'kill'"), std::string::npos);
}

} // namespace
} // namespace kavach::seccomp::test
