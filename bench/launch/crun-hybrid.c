// crun-hybrid PROGRAM ARGS...: runs PROGRAM (crun) in a private mount
// namespace without the cgroup v2 mount at /sys/fs/cgroup/unified. crun
// 1.8.1 refuses hybrid cgroup hosts ("cgroups in hybrid mode not
// supported", also with --cgroup-manager=disabled; see
// /work/shared/notes/runtimes.md); hiding the empty v2 hierarchy makes it
// use v1. Static and minimal so it adds about what exec-only.c costs.
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
    perror("crun-hybrid: private mount namespace");
    return 125;
  }
  umount2("/sys/fs/cgroup/unified", MNT_DETACH); // absent on a pure v1 or v2 host: fine
  execv(argv[1], argv + 1);
  perror("crun-hybrid: execv");
  return 127;
}
