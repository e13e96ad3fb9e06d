// runtime/Bpf.cpp: the seccomp program checker and the interpreter, on
// hand-written programs. (KernelTest.cpp compares the checker with the
// kernel itself on random programs.)
#include "SeccompTestUtil.h"

#include <gtest/gtest.h>

#include <linux/filter.h>

namespace kavach::seccomp::test {
namespace {

using runtime::BpfInsn;
using Prog = std::vector<BpfInsn>;

BpfInsn stmt(uint16_t code, uint32_t k) { return BpfInsn{code, 0, 0, k}; }
BpfInsn jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) { return BpfInsn{code, jt, jf, k}; }
BpfInsn ret(uint32_t k) { return stmt(BPF_RET | BPF_K, k); }

void expectValid(const Prog &p) {
  std::string why;
  EXPECT_TRUE(runtime::checkSeccompProgram(p, &why)) << why;
}

void expectInvalid(const Prog &p, const char *reason) {
  std::string why;
  EXPECT_FALSE(runtime::checkSeccompProgram(p, &why)) << "expected: " << reason;
  EXPECT_NE(why.find(reason), std::string::npos) << "got: " << why;
}

// ---------------------------------------------------------------- checker

TEST(BpfChecker, AcceptsTypicalFilter) {
  expectValid({ret(0x7fff0000)});
  expectValid({
      stmt(BPF_LD | BPF_W | BPF_ABS, 4),
      jump(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 0, 3),
      stmt(BPF_LD | BPF_W | BPF_ABS, 0),
      jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 1, 0),
      ret(0x7fff0000),
      ret(0x80000000),
  });
}

TEST(BpfChecker, AcceptsEveryAllowedOpcode) {
  Prog p = {
      stmt(BPF_LD | BPF_W | BPF_LEN, 0),
      stmt(BPF_LDX | BPF_W | BPF_LEN, 0),
      stmt(BPF_LD | BPF_IMM, 7),
      stmt(BPF_LDX | BPF_IMM, 3),
      stmt(BPF_ST, 0),
      stmt(BPF_STX, 15),
      stmt(BPF_LD | BPF_MEM, 0),
      stmt(BPF_LDX | BPF_MEM, 15),
  };
  for (uint16_t op : {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH}) {
    p.push_back(stmt(BPF_ALU | op | BPF_K, 1));
    p.push_back(stmt(BPF_ALU | op | BPF_X, 0));
  }
  p.push_back(stmt(BPF_ALU | BPF_NEG, 0));
  p.push_back(stmt(BPF_MISC | BPF_TAX, 0));
  p.push_back(stmt(BPF_MISC | BPF_TXA, 0));
  p.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, 60));
  for (uint16_t op : {BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET}) {
    p.push_back(jump(BPF_JMP | op | BPF_K, 1, 0, 0));
    p.push_back(jump(BPF_JMP | op | BPF_X, 0, 0, 0));
  }
  p.push_back(stmt(BPF_JMP | BPF_JA, 0));
  p.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1));
  p.push_back(stmt(BPF_RET | BPF_A, 0));
  p.push_back(ret(0));
  expectValid(p);
}

TEST(BpfChecker, SizeLimits) {
  expectInvalid({}, "empty");
  Prog big(4096, stmt(BPF_LD | BPF_IMM, 0));
  big.back() = ret(0);
  expectValid(big);
  big.insert(big.begin(), stmt(BPF_LD | BPF_IMM, 0));
  expectInvalid(big, "4096");
}

TEST(BpfChecker, RejectsOpcodesSeccompDoesNotAllow) {
  for (uint16_t code : {uint16_t(BPF_LD | BPF_H | BPF_ABS), uint16_t(BPF_LD | BPF_B | BPF_ABS),
                        uint16_t(BPF_LD | BPF_W | BPF_IND), uint16_t(BPF_LDX | BPF_B | BPF_MSH),
                        uint16_t(BPF_LDX | BPF_W | BPF_ABS), uint16_t(BPF_ALU | BPF_MOD | BPF_K),
                        uint16_t(BPF_ALU | BPF_MOD | BPF_X), uint16_t(BPF_RET | BPF_X),
                        uint16_t(BPF_LD | BPF_H | BPF_IMM), uint16_t(BPF_MISC | 0x40), uint16_t(0xff),
                        uint16_t(BPF_JMP | 0x50 | BPF_K)})
    expectInvalid({stmt(code, 0), ret(0)}, "opcode not allowed");
}

TEST(BpfChecker, RejectsBadConstants) {
  expectInvalid({stmt(BPF_ALU | BPF_DIV | BPF_K, 0), ret(0)}, "division by constant zero");
  expectInvalid({stmt(BPF_ALU | BPF_LSH | BPF_K, 32), ret(0)}, "shift");
  expectInvalid({stmt(BPF_ALU | BPF_RSH | BPF_K, 99), ret(0)}, "shift");
  expectValid({stmt(BPF_ALU | BPF_RSH | BPF_K, 31), ret(0)});
  expectInvalid({stmt(BPF_ST, 16), ret(0)}, "slot out of range");
  expectInvalid({stmt(BPF_ST, 0), stmt(BPF_LDX | BPF_MEM, 16), ret(0)}, "slot out of range");
}

TEST(BpfChecker, RejectsBadLoads) {
  expectInvalid({stmt(BPF_LD | BPF_W | BPF_ABS, 64), ret(0)}, "seccomp_data");
  expectInvalid({stmt(BPF_LD | BPF_W | BPF_ABS, 2), ret(0)}, "seccomp_data");
  expectInvalid({stmt(BPF_LD | BPF_W | BPF_ABS, 0xfffff000), ret(0)}, "seccomp_data");
  expectValid({stmt(BPF_LD | BPF_W | BPF_ABS, 60), ret(0)});
}

TEST(BpfChecker, RejectsBadJumps) {
  expectInvalid({stmt(BPF_JMP | BPF_JA, 1), ret(0)}, "ja target");
  expectInvalid({stmt(BPF_JMP | BPF_JA, 0xffffffff), ret(0)}, "ja target");
  expectInvalid({ret(0), stmt(BPF_JMP | BPF_JA, 0)}, "ja target"); // last insn
  expectInvalid({jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), ret(0)}, "conditional jump");
  expectInvalid({jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), ret(0)}, "conditional jump");
  expectValid({jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), ret(1), ret(0)});
}

TEST(BpfChecker, LastInstructionMustReturn) {
  expectInvalid({stmt(BPF_LD | BPF_IMM, 0)}, "not a ret");
  expectInvalid({jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0), stmt(BPF_LD | BPF_IMM, 0), ret(0), stmt(BPF_MISC | BPF_TAX, 0)},
                "not a ret");
}

TEST(BpfChecker, ScratchMemoryMustBeWrittenOnEveryPath) {
  expectInvalid({stmt(BPF_LD | BPF_MEM, 3), ret(0)}, "scratch memory");
  expectInvalid({stmt(BPF_ST, 2), stmt(BPF_LD | BPF_MEM, 3), ret(0)}, "scratch memory");
  // Written on the taken path only.
  expectInvalid({jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), stmt(BPF_ST, 3), stmt(BPF_LDX | BPF_MEM, 3), ret(0)},
                "scratch memory");
  // Written on both paths before the join.
  expectValid({jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2), stmt(BPF_ST, 3), stmt(BPF_JMP | BPF_JA, 1),
               stmt(BPF_STX, 3), stmt(BPF_LD | BPF_MEM, 3), ret(0)});
}

// ------------------------------------------------------------ interpreter

runtime::SeccompData sampleData() {
  runtime::SeccompData d;
  d.nr = -1;
  d.arch = 0xc000003e;
  d.instructionPointer = 0x1122334455667788ull;
  for (int i = 0; i < 6; ++i)
    d.args[i] = 0x0102030405060708ull * (i + 1);
  return d;
}

uint32_t loadAndReturn(uint32_t offset) {
  runtime::BpfResult r = runtime::runBpf({stmt(BPF_LD | BPF_W | BPF_ABS, offset), stmt(BPF_RET | BPF_A, 0)},
                                         sampleData());
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.loadedWords, 1u << (offset / 4));
  return r.ret;
}

TEST(BpfInterpreter, LoadsSeccompDataLittleEndian) {
  EXPECT_EQ(loadAndReturn(0), 0xffffffffu);
  EXPECT_EQ(loadAndReturn(4), 0xc000003eu);
  EXPECT_EQ(loadAndReturn(8), 0x55667788u);
  EXPECT_EQ(loadAndReturn(12), 0x11223344u);
  for (uint32_t i = 0; i < 6; ++i) {
    const uint64_t v = 0x0102030405060708ull * (i + 1);
    EXPECT_EQ(loadAndReturn(16 + 8 * i), static_cast<uint32_t>(v));
    EXPECT_EQ(loadAndReturn(20 + 8 * i), static_cast<uint32_t>(v >> 32));
  }
}

TEST(BpfInterpreter, Arithmetic) {
  // A = ((nr(=7) + 5) * 3 - 1) / 2 = 17; X = 4; A = ((A & 0xff | 0x100) ^ 3) << X >> 1; A = -A
  runtime::SeccompData d;
  d.nr = 7;
  Prog p = {
      stmt(BPF_LD | BPF_W | BPF_ABS, 0),
      stmt(BPF_ALU | BPF_ADD | BPF_K, 5),
      stmt(BPF_ALU | BPF_MUL | BPF_K, 3),
      stmt(BPF_ALU | BPF_SUB | BPF_K, 1),
      stmt(BPF_ALU | BPF_DIV | BPF_K, 2),
      stmt(BPF_LDX | BPF_IMM, 4),
      stmt(BPF_ALU | BPF_AND | BPF_K, 0xff),
      stmt(BPF_ALU | BPF_OR | BPF_K, 0x100),
      stmt(BPF_ALU | BPF_XOR | BPF_K, 3),
      stmt(BPF_ALU | BPF_LSH | BPF_X, 0),
      stmt(BPF_ALU | BPF_RSH | BPF_K, 1),
      stmt(BPF_ALU | BPF_NEG, 0),
      stmt(BPF_RET | BPF_A, 0),
  };
  expectValid(p);
  runtime::BpfResult r = runtime::runBpf(p, d);
  ASSERT_TRUE(r.ok);
  uint32_t a = ((7 + 5) * 3 - 1) / 2;
  a = (((a & 0xff) | 0x100) ^ 3) << 4 >> 1;
  EXPECT_EQ(r.ret, 0u - a);
  EXPECT_EQ(r.executed, p.size());

  // X variants, TAX/TXA, wrap-around and shift count modulo 32.
  Prog q = {
      stmt(BPF_LD | BPF_IMM, 0xfffffff0), stmt(BPF_MISC | BPF_TAX, 0), stmt(BPF_LD | BPF_IMM, 0x20),
      stmt(BPF_ALU | BPF_ADD | BPF_X, 0), // 0x10 (wraps)
      stmt(BPF_LDX | BPF_IMM, 33), stmt(BPF_ALU | BPF_LSH | BPF_X, 0), // << 1 => 0x20
      stmt(BPF_LDX | BPF_IMM, 3), stmt(BPF_ALU | BPF_DIV | BPF_X, 0), // 10
      stmt(BPF_ALU | BPF_SUB | BPF_X, 0), stmt(BPF_ALU | BPF_MUL | BPF_X, 0), // 7, 21
      stmt(BPF_ALU | BPF_OR | BPF_X, 0), stmt(BPF_ALU | BPF_AND | BPF_X, 0), // 23, 3
      stmt(BPF_ALU | BPF_XOR | BPF_X, 0), stmt(BPF_ALU | BPF_RSH | BPF_X, 0), // 0, 0
      stmt(BPF_ALU | BPF_ADD | BPF_K, 9), stmt(BPF_MISC | BPF_TAX, 0), stmt(BPF_LD | BPF_IMM, 0),
      stmt(BPF_MISC | BPF_TXA, 0), stmt(BPF_RET | BPF_A, 0)};
  expectValid(q);
  r = runtime::runBpf(q, d);
  ASSERT_TRUE(r.ok) << r.fault;
  EXPECT_EQ(r.ret, 9u);
}

TEST(BpfInterpreter, DivisionByZeroRegisterReturnsZero) {
  Prog p = {stmt(BPF_LDX | BPF_IMM, 0), stmt(BPF_LD | BPF_IMM, 5), stmt(BPF_ALU | BPF_DIV | BPF_X, 0), ret(0x7fff0000)};
  expectValid(p);
  runtime::BpfResult r = runtime::runBpf(p, {});
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.ret, 0u);
  EXPECT_EQ(r.executed, 3u);
}

TEST(BpfInterpreter, MemoryAndLen) {
  Prog p = {stmt(BPF_LD | BPF_W | BPF_LEN, 0), stmt(BPF_ST, 5), stmt(BPF_LDX | BPF_W | BPF_LEN, 0),
            stmt(BPF_ALU | BPF_ADD | BPF_X, 0), stmt(BPF_STX, 6), stmt(BPF_LDX | BPF_MEM, 5),
            stmt(BPF_LD | BPF_MEM, 6), stmt(BPF_ALU | BPF_ADD | BPF_X, 0), stmt(BPF_RET | BPF_A, 0)};
  expectValid(p);
  runtime::BpfResult r = runtime::runBpf(p, {});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.ret, 128u);
}

TEST(BpfInterpreter, JumpsAndCounting) {
  // nr == 5 ? (nr > 4 ? (nr >= 6 ? 1 : (nr & 4 ? 2 : 3)) : 4) : <X forms with X = 9>.
  Prog p = {
      stmt(BPF_LD | BPF_W | BPF_ABS, 0),
      jump(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 8),
      jump(BPF_JMP | BPF_JGT | BPF_K, 4, 0, 6),
      jump(BPF_JMP | BPF_JGE | BPF_K, 6, 3, 0),
      jump(BPF_JMP | BPF_JSET | BPF_K, 4, 0, 1),
      stmt(BPF_JMP | BPF_JA, 2),
      ret(3),
      ret(1),
      ret(2),
      ret(4),
      stmt(BPF_LDX | BPF_IMM, 9),
      jump(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 1),
      ret(6),
      jump(BPF_JMP | BPF_JEQ | BPF_X, 0, 1, 0),
      jump(BPF_JMP | BPF_JSET | BPF_X, 0, 1, 2),
      ret(7),
      ret(8),
      jump(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 1),
      ret(9),
      ret(10),
  };
  expectValid(p);
  auto runNr = [&](int32_t nr) {
    runtime::SeccompData d;
    d.nr = nr;
    return runtime::runBpf(p, d);
  };
  runtime::BpfResult r = runNr(5);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.ret, 2u); // 5 & 4
  EXPECT_EQ(r.executed, 7u);
  EXPECT_EQ(runNr(10).ret, 6u);  // 10 > 9
  EXPECT_EQ(runNr(9).ret, 7u);   // == 9
  EXPECT_EQ(runNr(1).ret, 8u);   // 1 & 9
  EXPECT_EQ(runNr(6).ret, 10u);  // 6 & 9 == 0, 6 < 9
  EXPECT_EQ(runNr(6).executed, 8u);
  EXPECT_EQ(runNr(-1).ret, 6u);  // unsigned
  EXPECT_EQ(runtime::runBpf({ret(42)}, {}).executed, 1u);
}

TEST(BpfInterpreter, ReportsFaults) {
  auto fault = [](const Prog &p) {
    runtime::BpfResult r = runtime::runBpf(p, {});
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.fault, nullptr);
    return r;
  };
  fault({});
  EXPECT_EQ(fault({stmt(BPF_LD | BPF_IMM, 0)}).faultPc, 0u);                 // falls off the end
  fault({jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 5), ret(0)});                  // past the end
  fault({stmt(BPF_JMP | BPF_JA, 0xffffffff), ret(0)});                        // no wrap-around
  fault({stmt(BPF_LD | BPF_W | BPF_ABS, 64), ret(0)});
  fault({stmt(BPF_LD | BPF_W | BPF_ABS, 3), ret(0)});
  fault({stmt(BPF_LD | BPF_H | BPF_ABS, 0), ret(0)});
  fault({stmt(BPF_LD | BPF_MEM, 0), ret(0)});                                 // unwritten slot
  fault({stmt(BPF_ST, 16), ret(0)});
  fault({stmt(BPF_ALU | BPF_DIV | BPF_K, 0), ret(0)});
  fault({stmt(BPF_ALU | BPF_LSH | BPF_K, 32), ret(0)});
  fault({stmt(BPF_RET | BPF_X, 0), ret(0)});
  runtime::BpfResult r = fault({stmt(BPF_LD | BPF_IMM, 0), stmt(BPF_LD | BPF_IMM, 0), stmt(0xff, 0)});
  EXPECT_EQ(r.faultPc, 2u);
  EXPECT_EQ(r.executed, 3u);
}

} // namespace
} // namespace kavach::seccomp::test
