// ir::LandlockIR → the Landlock part of policy.bin: handled access masks and
// one rule per path or port.
#pragma once

#include "compiler/Sema/PolicyIR.h"
#include "runtime/Policy.h"

namespace kavach::landlock {

// The Landlock filesystem rights each policy verb grants (docs/language.md):
//   read        read_file, read_dir
//   read_write  read + write_file, remove_*, make_{dir,reg,sock,fifo,sym},
//               refer, truncate, ioctl_dev   (never make_char/make_block)
//   execute     execute, read_file           (a loader must read what it maps)
uint64_t accessFor(ir::FsVerb V);

runtime::LandlockPolicy lowerLandlock(const ir::LandlockIR &L);

} // namespace kavach::landlock
