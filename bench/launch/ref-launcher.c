/* ref-launcher FILTER.bpf PATH... -- CMD [ARGS]: the minimal reference
 * launcher of issue 6's benchmark, doing the same work as kavach-launch's
 * direct mode with none of its checks: read a precompiled seccomp filter
 * (kavachc --emit=bpf), build a Landlock ruleset (ABI 5 filesystem rights
 * handled, each PATH granted read+execute, or only the file rights on a
 * file), no_new_privs, restrict, install the filter, execve. Static. Any
 * failure exits 125. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void fail(const char *what) {
  perror(what);
  exit(125);
}

int main(int argc, char **argv) {
  int dash = 2;
  while (dash < argc && strcmp(argv[dash], "--") != 0)
    ++dash;
  if (argc < 4 || dash >= argc - 1) {
    fprintf(stderr, "usage: ref-launcher FILTER.bpf PATH... -- CMD [ARGS]\n");
    return 125;
  }
  static struct sock_filter insns[4096];
  int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, insns, sizeof insns);
  if (n <= 0 || n % 8)
    fail("filter");
  close(fd);
  struct sock_fprog prog = {(unsigned short)(n / 8), insns};

  const __u64 file = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                     LANDLOCK_ACCESS_FS_READ_FILE | (1ull << 14) /* truncate */ |
                     (1ull << 15) /* ioctl_dev */;
  struct landlock_ruleset_attr attr = {.handled_access_fs = (1ull << 16) - 1};
  int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr.handled_access_fs, 0);
  if (rs < 0)
    fail("landlock_create_ruleset");
  for (int i = 2; i < dash; ++i) {
    int pfd = open(argv[i], O_PATH | O_CLOEXEC);
    if (pfd < 0)
      continue;
    struct stat st;
    fstat(pfd, &st);
    struct landlock_path_beneath_attr pb = {
        .allowed_access = (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |
                           LANDLOCK_ACCESS_FS_READ_DIR) &
                          (S_ISDIR(st.st_mode) ? ~0ull : file),
        .parent_fd = pfd};
    if (syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0)
      fail("landlock_add_rule");
    close(pfd);
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    fail("no_new_privs");
  if (syscall(SYS_landlock_restrict_self, rs, 0) != 0)
    fail("landlock_restrict_self");
  close(rs);
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
    fail("seccomp");
  execv(argv[dash + 1], argv + dash + 1);
  fail("execv");
}
