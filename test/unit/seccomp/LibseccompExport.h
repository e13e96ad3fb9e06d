// The BPF program libseccomp generates for a filter context, for the tests
// that use libseccomp as an oracle (run by the in-repo interpreter).
#pragma once

#include "runtime/Bpf.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <seccomp.h>
#include <vector>

namespace kavach::seccomp::test {

inline std::vector<runtime::BpfInsn> exportLibseccompBpf(scmp_filter_ctx ctx) {
  std::vector<runtime::BpfInsn> prog;
  FILE *f = tmpfile();
  if (!f || seccomp_export_bpf(ctx, fileno(f)) != 0) {
    ADD_FAILURE() << "seccomp_export_bpf failed";
    if (f)
      fclose(f);
    return prog;
  }
  rewind(f);
  runtime::BpfInsn in;
  while (fread(&in, sizeof in, 1, f) == 1)
    prog.push_back(in);
  fclose(f);
  return prog;
}

} // namespace kavach::seccomp::test
