// Classic BPF as seccomp sees it: the checker and the interpreter.
//
// Design. The checker mirrors, rule for rule, what the kernel does when a
// filter is installed: seccomp_prepare_filter (1..BPF_MAXINSNS), then
// bpf_check_classic (opcode in the classic table, division by constant 0,
// shift by >= 32, scratch slot < 16, jumps in range, last insn a RET, and
// check_load_and_stores' scratch-memory dataflow) and seccomp_check_filter
// (the seccomp opcode allowlist, LD W ABS offsets aligned and inside
// seccomp_data). The aim is "accepted here <=> accepted by the kernel", so
// quirks are copied rather than improved on: e.g. the memory check carries
// the valid-slot set across a RET into the next instruction, exactly like
// check_load_and_stores. The kernel's first two passes accept a superset of
// what seccomp accepts, so a single allowlist of seccomp's opcodes suffices.
//
// The interpreter executes what the kernel executes after converting the
// classic program: 32-bit native-endian (little-endian here) loads from
// struct seccomp_data, LEN loads yielding sizeof(seccomp_data), unsigned
// 32-bit ALU, and `div x` by zero returning 0 from the whole filter.
// Anything the kernel would have refused at install time (bad opcode, load
// outside seccomp_data, jump past the end, read of an unwritten slot, falling
// off the end) is reported as a fault instead of being executed; since every
// jump goes forward, the interpreter always terminates within prog.size()
// steps. No exceptions and no allocation: this file links into the static
// launcher.
#include "runtime/Bpf.h"

#include <cstring>
#include <string>

namespace kavach::runtime {

namespace {

// Classic BPF encoding (linux/bpf_common.h, linux/filter.h). Spelled out here
// so the values the checker compares against are visible in one place.
constexpr uint16_t kLd = 0x00, kLdx = 0x01, kSt = 0x02, kStx = 0x03, kAlu = 0x04,
                   kJmp = 0x05, kRet = 0x06, kMisc = 0x07;
constexpr uint16_t kW = 0x00;
constexpr uint16_t kImm = 0x00, kAbs = 0x20, kMem = 0x60, kLen = 0x80;
constexpr uint16_t kAdd = 0x00, kSub = 0x10, kMul = 0x20, kDiv = 0x30, kOr = 0x40,
                   kAnd = 0x50, kLsh = 0x60, kRsh = 0x70, kNeg = 0x80, kXor = 0xa0;
constexpr uint16_t kJa = 0x00, kJeq = 0x10, kJgt = 0x20, kJge = 0x30, kJset = 0x40;
constexpr uint16_t kK = 0x00, kX = 0x08;
constexpr uint16_t kRetA = 0x10;
constexpr uint16_t kTax = 0x00, kTxa = 0x80;

constexpr uint32_t kMaxInsns = 4096;     // BPF_MAXINSNS
constexpr uint32_t kMemWords = 16;       // BPF_MEMWORDS
constexpr uint32_t kSeccompDataSize = 64; // sizeof(struct seccomp_data)

bool isCondJump(uint16_t code) {
  switch (code) {
  case kJmp | kJeq | kK: case kJmp | kJeq | kX:
  case kJmp | kJgt | kK: case kJmp | kJgt | kX:
  case kJmp | kJge | kK: case kJmp | kJge | kX:
  case kJmp | kJset | kK: case kJmp | kJset | kX:
    return true;
  default:
    return false;
  }
}

// seccomp_check_filter's allowlist (which is a subset of bpf_check_classic's
// table, so it is the whole story for seccomp).
bool isSeccompOpcode(uint16_t code) {
  switch (code) {
  case kLd | kW | kAbs:
  case kLd | kW | kLen:
  case kLdx | kW | kLen:
  case kRet | kK:
  case kRet | kRetA:
  case kAlu | kAdd | kK: case kAlu | kAdd | kX:
  case kAlu | kSub | kK: case kAlu | kSub | kX:
  case kAlu | kMul | kK: case kAlu | kMul | kX:
  case kAlu | kDiv | kK: case kAlu | kDiv | kX:
  case kAlu | kAnd | kK: case kAlu | kAnd | kX:
  case kAlu | kOr | kK: case kAlu | kOr | kX:
  case kAlu | kXor | kK: case kAlu | kXor | kX:
  case kAlu | kLsh | kK: case kAlu | kLsh | kX:
  case kAlu | kRsh | kK: case kAlu | kRsh | kX:
  case kAlu | kNeg:
  case kLd | kImm:
  case kLdx | kImm:
  case kMisc | kTax:
  case kMisc | kTxa:
  case kLd | kMem:
  case kLdx | kMem:
  case kSt:
  case kStx:
  case kJmp | kJa:
    return true;
  default:
    return isCondJump(code);
  }
}

bool fail(std::string *why, uint32_t pc, const char *what) {
  if (why) {
    *why = "insn ";
    *why += std::to_string(pc);
    *why += ": ";
    *why += what;
  }
  return false;
}

// check_load_and_stores: a forward dataflow over the (forward-only) jumps.
// masks[pc] is the set of slots valid on every jump into pc; the fall-through
// state is intersected with it.
bool checkMemory(const std::vector<BpfInsn> &prog, std::string *why) {
  const uint32_t n = static_cast<uint32_t>(prog.size());
  uint16_t masksBuf[kMaxInsns];
  for (uint32_t i = 0; i < n; ++i)
    masksBuf[i] = 0xffff;
  uint16_t valid = 0;
  for (uint32_t pc = 0; pc < n; ++pc) {
    const BpfInsn &in = prog[pc];
    valid &= masksBuf[pc];
    switch (in.code) {
    case kSt:
    case kStx:
      valid |= static_cast<uint16_t>(1u << in.k);
      break;
    case kLd | kMem:
    case kLdx | kMem:
      if (!(valid & (1u << in.k)))
        return fail(why, pc, "scratch memory slot read before it is written on some path");
      break;
    case kJmp | kJa:
      masksBuf[pc + 1 + in.k] &= valid;
      valid = 0xffff;
      break;
    default:
      if (isCondJump(in.code)) {
        masksBuf[pc + 1 + in.jt] &= valid;
        masksBuf[pc + 1 + in.jf] &= valid;
        valid = 0xffff;
      }
      break;
    }
  }
  return true;
}

} // namespace

bool checkSeccompProgram(const std::vector<BpfInsn> &prog, std::string *why) {
  const size_t n = prog.size();
  if (n == 0) {
    if (why)
      *why = "empty program";
    return false;
  }
  if (n > kMaxInsns) {
    if (why)
      *why = "program has " + std::to_string(n) + " instructions, more than the kernel's limit of 4096";
    return false;
  }
  for (uint32_t pc = 0; pc < n; ++pc) {
    const BpfInsn &in = prog[pc];
    if (!isSeccompOpcode(in.code))
      return fail(why, pc, "opcode not allowed in a seccomp filter");
    switch (in.code) {
    case kAlu | kDiv | kK:
      if (in.k == 0)
        return fail(why, pc, "division by constant zero");
      break;
    case kAlu | kLsh | kK:
    case kAlu | kRsh | kK:
      if (in.k >= 32)
        return fail(why, pc, "shift by 32 or more");
      break;
    case kLd | kMem:
    case kLdx | kMem:
    case kSt:
    case kStx:
      if (in.k >= kMemWords)
        return fail(why, pc, "scratch memory slot out of range (>= 16)");
      break;
    case kJmp | kJa:
      // Offset counted from the next instruction; must land before the end.
      if (in.k >= n - pc - 1)
        return fail(why, pc, "ja target out of range");
      break;
    case kLd | kW | kAbs:
      if (in.k >= kSeccompDataSize || (in.k & 3))
        return fail(why, pc, "load offset not an aligned word inside seccomp_data");
      break;
    default:
      if (isCondJump(in.code) && (pc + in.jt + 1 >= n || pc + in.jf + 1 >= n))
        return fail(why, pc, "conditional jump target out of range");
      break;
    }
  }
  const uint16_t last = prog[n - 1].code;
  if (last != (kRet | kK) && last != (kRet | kRetA))
    return fail(why, static_cast<uint32_t>(n - 1), "last instruction is not a ret");
  return checkMemory(prog, why);
}

namespace {

uint32_t loadWord(const SeccompData &d, uint32_t off) {
  // The kernel reads the struct as laid out in memory; build that layout
  // explicitly (nr, arch, ip, args) instead of relying on SeccompData's.
  unsigned char raw[kSeccompDataSize];
  uint32_t nr = static_cast<uint32_t>(d.nr);
  std::memcpy(raw + 0, &nr, 4);
  std::memcpy(raw + 4, &d.arch, 4);
  std::memcpy(raw + 8, &d.instructionPointer, 8);
  std::memcpy(raw + 16, d.args, 48);
  uint32_t w;
  std::memcpy(&w, raw + off, 4);
  return w;
}

BpfResult fault(BpfResult r, uint32_t pc, const char *what) {
  r.ok = false;
  r.fault = what;
  r.faultPc = pc;
  return r;
}

} // namespace

BpfResult runBpf(const std::vector<BpfInsn> &prog, const SeccompData &d) {
  BpfResult r;
  const uint64_t n = prog.size();
  uint32_t a = 0, x = 0;
  uint32_t mem[kMemWords] = {};
  uint16_t written = 0;
  uint64_t pc = 0;
  while (pc < n) {
    const BpfInsn &in = prog[pc];
    const uint32_t p32 = static_cast<uint32_t>(pc);
    ++r.executed;
    uint64_t next = pc + 1;
    switch (in.code) {
    case kLd | kW | kAbs:
      if (in.k >= kSeccompDataSize || (in.k & 3))
        return fault(r, p32, "load outside seccomp_data or unaligned");
      a = loadWord(d, in.k);
      r.loadedWords |= static_cast<uint16_t>(1u << (in.k / 4));
      break;
    case kLd | kW | kLen:
      a = kSeccompDataSize;
      break;
    case kLdx | kW | kLen:
      x = kSeccompDataSize;
      break;
    case kLd | kImm:
      a = in.k;
      break;
    case kLdx | kImm:
      x = in.k;
      break;
    case kLd | kMem:
    case kLdx | kMem:
      if (in.k >= kMemWords)
        return fault(r, p32, "scratch slot out of range");
      if (!(written & (1u << in.k)))
        return fault(r, p32, "scratch slot read before written");
      (in.code == (kLd | kMem) ? a : x) = mem[in.k];
      break;
    case kSt:
    case kStx:
      if (in.k >= kMemWords)
        return fault(r, p32, "scratch slot out of range");
      mem[in.k] = in.code == kSt ? a : x;
      written |= static_cast<uint16_t>(1u << in.k);
      break;
    case kAlu | kAdd | kK: a += in.k; break;
    case kAlu | kAdd | kX: a += x; break;
    case kAlu | kSub | kK: a -= in.k; break;
    case kAlu | kSub | kX: a -= x; break;
    case kAlu | kMul | kK: a *= in.k; break;
    case kAlu | kMul | kX: a *= x; break;
    case kAlu | kDiv | kK:
      if (in.k == 0)
        return fault(r, p32, "division by constant zero");
      a /= in.k;
      break;
    case kAlu | kDiv | kX:
      if (x == 0) {
        // The kernel's classic-to-eBPF conversion guards `div x` with
        // "if X == 0 return 0".
        r.ret = 0;
        r.ok = true;
        return r;
      }
      a /= x;
      break;
    case kAlu | kAnd | kK: a &= in.k; break;
    case kAlu | kAnd | kX: a &= x; break;
    case kAlu | kOr | kK: a |= in.k; break;
    case kAlu | kOr | kX: a |= x; break;
    case kAlu | kXor | kK: a ^= in.k; break;
    case kAlu | kXor | kX: a ^= x; break;
    case kAlu | kLsh | kK:
      if (in.k >= 32)
        return fault(r, p32, "shift by 32 or more");
      a <<= in.k;
      break;
    case kAlu | kRsh | kK:
      if (in.k >= 32)
        return fault(r, p32, "shift by 32 or more");
      a >>= in.k;
      break;
    // Shift by register: x86 (JIT and interpreter alike) uses the count
    // modulo 32; mirror that instead of C's undefined behaviour.
    case kAlu | kLsh | kX: a <<= (x & 31); break;
    case kAlu | kRsh | kX: a >>= (x & 31); break;
    case kAlu | kNeg: a = 0u - a; break;
    case kMisc | kTax: x = a; break;
    case kMisc | kTxa: a = x; break;
    case kJmp | kJa:
      next = pc + 1 + static_cast<uint64_t>(in.k);
      break;
    case kRet | kK:
      r.ret = in.k;
      r.ok = true;
      return r;
    case kRet | kRetA:
      r.ret = a;
      r.ok = true;
      return r;
    default: {
      if (!isCondJump(in.code))
        return fault(r, p32, "opcode not allowed in a seccomp filter");
      const uint32_t rhs = (in.code & kX) ? x : in.k;
      bool taken = false;
      switch (in.code & 0xf0) {
      case kJeq: taken = a == rhs; break;
      case kJgt: taken = a > rhs; break;
      case kJge: taken = a >= rhs; break;
      case kJset: taken = (a & rhs) != 0; break;
      }
      next = pc + 1 + (taken ? in.jt : in.jf);
      break;
    }
    }
    if (next >= n)
      return fault(r, p32, next == n && in.code != (kJmp | kJa) && !isCondJump(in.code)
                               ? "fell off the end of the program"
                               : "jump past the end of the program");
    pc = next;
  }
  return fault(r, 0, "empty program");
}

} // namespace kavach::runtime
