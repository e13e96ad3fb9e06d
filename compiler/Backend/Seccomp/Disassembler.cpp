// Disassembler for seccomp programs (kavachc --emit=bpf-asm).
//
// Design. One line per instruction, "NNNN: mnemonic operands ; comment",
// jump targets as absolute instruction numbers. Comments come from a single
// forward dataflow pass (jumps only go forward, so index order is a
// topological order): for every instruction we know which seccomp_data word
// A holds, if any, and which arch the path dispatched to, taken from the
// last `jeq #arch` that was true on the way there (conflicting paths give no
// arch). With that, loads name their field ("arch", "nr", "arg2 (high)"),
// comparisons against the arch name the arch, comparisons against nr name
// the syscall via the caller's SyscallNamer, and RETs decode their action.
// Deliberately simple: no value tracking for arguments, and programs the
// generator never emits (X-register jumps, scratch memory) are listed
// faithfully but not annotated.
#include "compiler/Backend/Seccomp/Disassembler.h"

#include "compiler/Backend/Seccomp/Emitter.h"
#include "compiler/Backend/Seccomp/FilterSpec.h"

#include <cstdio>

namespace kavach::seccomp {

namespace {

constexpr uint32_t kAuditArchX86_64 = 0xc000003eu;
constexpr uint32_t kX32SyscallBit = 0x40000000u;

std::string archName(uint32_t a) {
  switch (a) {
  case 0xc000003eu: return "x86_64";
  case 0x40000003u: return "i386";
  case 0xc00000b7u: return "aarch64";
  case 0x40000028u: return "arm";
  case 0xc00000f3u: return "riscv64";
  case 0x80000016u: return "s390x";
  case 0x00000016u: return "s390";
  case 0xc0000015u: return "ppc64le";
  case 0x80000015u: return "ppc64";
  case 0x00000014u: return "ppc";
  case 0xc0000102u: return "loongarch64";
  case 0x80000008u: return "mips64";
  case 0xc0000008u: return "mipsel64";
  case 0xa0000008u: return "mips64n32";
  case 0xe0000008u: return "mipsel64n32";
  case 0x00000008u: return "mips";
  case 0x40000008u: return "mipsel";
  }
  return "";
}

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

std::string target(uint64_t t) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04llu", static_cast<unsigned long long>(t));
  return buf;
}

std::string fieldName(uint32_t off) {
  if (off == 0)
    return "nr";
  if (off == 4)
    return "arch";
  if (off == 8)
    return "ip (low)";
  if (off == 12)
    return "ip (high)";
  if (off >= 16 && off < 64 && off % 4 == 0)
    return "arg" + std::to_string((off - 16) / 8) + ((off % 8) ? " (high)" : " (low)");
  return "";
}

std::string decodeRet(uint32_t k) {
  const uint16_t data = static_cast<uint16_t>(k & 0xffff);
  switch (k & 0xffff0000u) {
  case 0x7fff0000u: return "allow";
  case 0x00050000u: return Action{ActionKind::Errno, data}.str();
  case 0x80000000u: return "kill_process";
  case 0x00000000u: return "kill_thread";
  case 0x00030000u: return Action{ActionKind::Trap, data}.str();
  case 0x7ffc0000u: return "log";
  case 0x7fc00000u: return "user_notif";
  case 0x7ff00000u: return "trace(" + std::to_string(data) + ")";
  }
  return "";
}

// Per-instruction state at entry, merged over all predecessors.
struct State {
  bool reached = false;
  int field = -1;      // word of seccomp_data in A, -1 unknown
  int64_t arch = -1;   // dispatched arch, -1 unknown/conflicting
};

void merge(State &into, const State &from) {
  if (!detail::joinReached(into, from))
    return;
  if (into.arch != from.arch)
    into.arch = -1;
}

const char *aluName(uint16_t op) {
  switch (op) {
  case 0x00: return "add";
  case 0x10: return "sub";
  case 0x20: return "mul";
  case 0x30: return "div";
  case 0x40: return "or";
  case 0x50: return "and";
  case 0x60: return "lsh";
  case 0x70: return "rsh";
  case 0x80: return "neg";
  case 0x90: return "mod";
  case 0xa0: return "xor";
  }
  return nullptr;
}

const char *jmpName(uint16_t op) {
  switch (op) {
  case 0x10: return "jeq";
  case 0x20: return "jgt";
  case 0x30: return "jge";
  case 0x40: return "jset";
  }
  return nullptr;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width)
    s.append(width - s.size(), ' ');
  return s;
}

} // namespace

std::string disassemble(const std::vector<runtime::BpfInsn> &prog, const SyscallNamer &namer) {
  const size_t n = prog.size();
  std::vector<State> states(n + 1);
  if (n)
    states[0].reached = true;
  std::string out;

  for (size_t pc = 0; pc < n; ++pc) {
    const runtime::BpfInsn &in = prog[pc];
    State st = states[pc];
    const uint16_t cls = in.code & 0x07, op = in.code & 0xf0;
    std::string text, comment;
    auto flow = [&](uint64_t t, const State &s) {
      if (t < n)
        merge(states[t], s);
    };
    auto mn = [](const char *m) { return pad(m, 4) + " "; };

    switch (cls) {
    case 0x00: // LD
    case 0x01: { // LDX
      const char *m = cls == 0 ? "ld" : "ldx";
      const uint16_t mode = in.code & 0xe0, size = in.code & 0x18;
      if (mode == 0x20 && size == 0x00) {
        text = mn(m) + "[" + std::to_string(in.k) + "]";
        comment = fieldName(in.k);
        if (cls == 0)
          st.field = static_cast<int>(in.k);
      } else if (mode == 0x80 && size == 0x00) {
        text = mn(m) + "len";
        if (cls == 0)
          st.field = -1;
      } else if (mode == 0x00 && size == 0x00) {
        text = mn(m) + "#" + hex(in.k);
        if (cls == 0)
          st.field = -1;
      } else if (mode == 0x60 && size == 0x00) {
        text = mn(m) + "M[" + std::to_string(in.k) + "]";
        if (cls == 0)
          st.field = -1;
      } else {
        text = mn(".insn") + hex(in.code) + ", " + hex(in.k);
        st.field = -1;
      }
      flow(pc + 1, st);
      break;
    }
    case 0x02:
    case 0x03:
      text = mn(cls == 2 ? "st" : "stx") + "M[" + std::to_string(in.k) + "]";
      flow(pc + 1, st);
      break;
    case 0x04: { // ALU
      const char *m = aluName(op);
      const bool x = in.code & 0x08;
      if (!m)
        text = mn(".insn") + hex(in.code) + ", " + hex(in.k);
      else if (op == 0x80)
        text = "neg";
      else
        text = mn(m) + (x ? std::string("x") : "#" + hex(in.k));
      st.field = -1;
      flow(pc + 1, st);
      break;
    }
    case 0x05: { // JMP
      if (op == 0x00) {
        const uint64_t t = pc + 1 + static_cast<uint64_t>(in.k);
        text = mn("ja") + target(t);
        flow(t, st);
        break;
      }
      const char *m = jmpName(op);
      if (!m) {
        text = mn(".insn") + hex(in.code) + ", " + hex(in.k);
        break;
      }
      const bool x = in.code & 0x08;
      const uint64_t jt = pc + 1 + in.jt, jf = pc + 1 + in.jf;
      text = mn(m) + (x ? std::string("x") : "#" + hex(in.k)) + ", " + target(jt) + ", " + target(jf);
      State taken = st, notTaken = st;
      if (!x && st.field == 4) {
        comment = archName(in.k);
        if (op == 0x10)
          taken.arch = in.k;
      } else if (!x && st.field == 0 && st.arch >= 0 && namer) {
        const uint32_t arch = static_cast<uint32_t>(st.arch);
        if (arch == kAuditArchX86_64 && in.k == kX32SyscallBit && op == 0x30)
          comment = "x32";
        else
          comment = namer(arch, in.k);
      }
      flow(jt, taken);
      flow(jf, notTaken);
      break;
    }
    case 0x06: // RET
      if ((in.code & 0x18) == 0x10) {
        text = "ret  a";
      } else if ((in.code & 0x18) == 0x00) {
        text = mn("ret") + "#" + hex(in.k);
        comment = decodeRet(in.k);
      } else {
        text = mn(".insn") + hex(in.code) + ", " + hex(in.k);
      }
      break;
    case 0x07: // MISC
      text = (in.code & 0xf8) == 0x80 ? "txa" : (in.code & 0xf8) == 0x00 ? "tax" : mn(".insn") + hex(in.code);
      if (text == "txa")
        st.field = -1;
      flow(pc + 1, st);
      break;
    }

    std::string line = target(pc) + ": ";
    if (comment.empty()) {
      line += text;
    } else {
      // Comments start in column 36 (30 after the "NNNN: " prefix).
      line += (text.size() < 30 ? pad(text, 30) : text + ' ') + "; " + comment;
    }
    out += line;
    out += '\n';
  }
  return out;
}

} // namespace kavach::seccomp
