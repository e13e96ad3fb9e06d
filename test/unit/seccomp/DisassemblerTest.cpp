// The --emit=bpf-asm listing: format, field names, per-path arch tracking.
#include "SeccompTestUtil.h"

#include "compiler/Backend/Seccomp/Disassembler.h"

#include <gtest/gtest.h>

#include <linux/filter.h>

#include <set>
#include <sstream>

namespace kavach::seccomp::test {
namespace {

std::vector<std::string> lines(const std::string &s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);)
    out.push_back(l);
  return out;
}

bool hasLine(const std::vector<std::string> &ls, const std::string &a, const std::string &b) {
  for (const std::string &l : ls)
    if (l.find(a) != std::string::npos && l.find(b) != std::string::npos)
      return true;
  return false;
}

TEST(Disassembler, GeneratedFilter) {
  FilterSpec spec;
  spec.nativeAuditArch = kArchX86_64;
  spec.arches.push_back(archSpec("x86_64", kArchX86_64, 0, 400, allow()));
  spec.arches[0].entries = {
      entry(63, killProcess()),
      condEntry(100, {Branch{cmp(0, Cond::Op::Gt, 0x100000005ull), allow()}}, errnoAction(1)),
      entry(110, errnoAction(1)),
  };
  spec.arches.push_back(archSpec("i386", kArchI386, 0, 400, allow()));
  spec.arches[1].entries = {entry(64, errnoAction(1))};
  std::string error;
  std::vector<runtime::BpfInsn> prog = generateFilter(spec, &error);
  ASSERT_FALSE(prog.empty()) << error;

  std::set<std::pair<uint32_t, uint32_t>> asked;
  std::string text = disassemble(prog, [&](uint32_t arch, uint32_t nr) -> std::string {
    asked.insert({arch, nr});
    if (arch == kArchX86_64 && nr == 110)
      return "getppid";
    if (arch == kArchX86_64 && nr == 63)
      return "uname";
    if (arch == kArchI386 && nr == 64)
      return "getppid";
    return "";
  });
  std::vector<std::string> ls = lines(text);
  ASSERT_EQ(ls.size(), prog.size()) << text;
  EXPECT_EQ(ls[0], "0000: ld   [4]                      ; arch") << text;
  // The native arch is tested first.
  EXPECT_EQ(ls[1].rfind("0001: jeq  #0xc000003e, ", 0), 0u) << text;
  EXPECT_NE(ls[1].find("; x86_64"), std::string::npos) << text;
  EXPECT_TRUE(hasLine(ls, "ld   [0]", "; nr")) << text;
  EXPECT_TRUE(hasLine(ls, "jeq  #0x40000003", "; i386")) << text;
  EXPECT_TRUE(hasLine(ls, "ld   [20]", "; arg0 (high)")) << text;
  EXPECT_TRUE(hasLine(ls, "ld   [16]", "; arg0 (low)")) << text;
  EXPECT_TRUE(hasLine(ls, "ret  #0x7fff0000", "; allow")) << text;
  EXPECT_TRUE(hasLine(ls, "ret  #0x50001", "; errno(1)")) << text;
  EXPECT_TRUE(hasLine(ls, "ret  #0x80000000", "; kill_process")) << text;
  EXPECT_TRUE(hasLine(ls, "#0x40000000", "; x32")) << text;
  EXPECT_TRUE(hasLine(ls, "#0x6e", "; getppid")) << text;
  // Numbers were resolved in the arch of the path they are on.
  EXPECT_TRUE(asked.count({kArchI386, 64})) << text;
  EXPECT_FALSE(asked.count({kArchI386, 110})) << text;
  // Comparisons on arguments are not syscall numbers.
  EXPECT_FALSE(asked.count({kArchX86_64, 5})) << text;
}

TEST(Disassembler, EveryInstructionKind) {
  using runtime::BpfInsn;
  std::vector<BpfInsn> prog = {
      {BPF_LD | BPF_W | BPF_LEN, 0, 0, 0},   {BPF_LDX | BPF_W | BPF_LEN, 0, 0, 0},
      {BPF_LD | BPF_IMM, 0, 0, 7},           {BPF_LDX | BPF_IMM, 0, 0, 8},
      {BPF_ST, 0, 0, 1},                     {BPF_STX, 0, 0, 2},
      {BPF_LD | BPF_MEM, 0, 0, 1},           {BPF_LDX | BPF_MEM, 0, 0, 2},
      {BPF_ALU | BPF_ADD | BPF_K, 0, 0, 3},  {BPF_ALU | BPF_SUB | BPF_X, 0, 0, 0},
      {BPF_ALU | BPF_NEG, 0, 0, 0},          {BPF_MISC | BPF_TAX, 0, 0, 0},
      {BPF_MISC | BPF_TXA, 0, 0, 0},         {BPF_JMP | BPF_JA, 0, 0, 1},
      {BPF_JMP | BPF_JSET | BPF_X, 0, 1, 0}, {BPF_LD | BPF_W | BPF_ABS, 0, 0, 12},
      {BPF_RET | BPF_A, 0, 0, 0},            {BPF_RET | BPF_K, 0, 0, 0x30005},
      {BPF_RET | BPF_K, 0, 0, 0x7ffc0000},   {BPF_LD | BPF_B | BPF_ABS, 0, 0, 0},
  };
  std::vector<std::string> ls = lines(disassemble(prog, nullptr));
  const std::vector<std::string> want = {
      "0000: ld   len",
      "0001: ldx  len",
      "0002: ld   #0x7",
      "0003: ldx  #0x8",
      "0004: st   M[1]",
      "0005: stx  M[2]",
      "0006: ld   M[1]",
      "0007: ldx  M[2]",
      "0008: add  #0x3",
      "0009: sub  x",
      "0010: neg",
      "0011: tax",
      "0012: txa",
      "0013: ja   0015",
      "0014: jset x, 0015, 0016",
      "0015: ld   [12]                     ; ip (high)",
      "0016: ret  a",
      "0017: ret  #0x30005                 ; trap(5)",
      "0018: ret  #0x7ffc0000              ; log",
      "0019: .insn 0x30, 0x0",
  };
  EXPECT_EQ(ls, want);
}

} // namespace
} // namespace kavach::seccomp::test
