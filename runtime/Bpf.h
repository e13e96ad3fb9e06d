// Classic-BPF helpers shared by the compiler, the launcher and the tests:
// the kernel's own checks on a seccomp program, and an interpreter that runs
// a program on a struct seccomp_data the way the kernel does.
#pragma once

#include "runtime/Policy.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kavach::runtime {

// struct seccomp_data, as the kernel hands it to the filter.
struct SeccompData {
  int32_t nr = 0;
  uint32_t arch = 0;
  uint64_t instructionPointer = 0;
  uint64_t args[6] = {0, 0, 0, 0, 0, 0};
};

// Checks what the kernel's seccomp_check_filter + bpf_check_classic would:
// 1..4096 instructions, only opcodes seccomp accepts, loads only aligned
// 32-bit words inside seccomp_data, jumps forward and in range, scratch
// memory written before read, and the last instruction a RET.
// Returns true when valid; otherwise false and a reason in `why`.
bool checkSeccompProgram(const std::vector<BpfInsn> &prog, std::string *why = nullptr);

struct BpfResult {
  uint32_t ret = 0;        // SECCOMP_RET_* | data
  uint32_t executed = 0;   // instructions executed, RET included
  // Bit i set: the 32-bit word at offset 4*i of seccomp_data was loaded
  // (bit 0 nr, bit 1 arch, bits 4.. the arguments). Lets tests check that a
  // decision did not depend on the arguments.
  uint16_t loadedWords = 0;
  bool ok = false;         // false: the program faulted (cannot happen on a checked program)
  // Set when ok is false: what went wrong and where.
  const char *fault = nullptr;
  uint32_t faultPc = 0;
};

// Runs a program (checked or not; faults are reported, never UB). As in the
// kernel, `div x` with X == 0 ends the program with return value 0
// (SECCOMP_RET_KILL_THREAD); that is not a fault.
BpfResult runBpf(const std::vector<BpfInsn> &prog, const SeccompData &d);

} // namespace kavach::runtime
