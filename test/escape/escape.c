/* kavach-escape MODE [ARGS]: one sandbox-escape attempt per mode. Prints
 * "MODE: escaped" when the attempt worked and "MODE: blocked (ERRNO)" when
 * the kernel refused it; a probe killed by the seccomp filter prints nothing
 * and its status says so (159). Every mode is shown to escape bare (as
 * root: this host's sysctls stop some of them for other users) in the
 * test/escape/ lit tests, so a "blocked" under the sandbox means the
 * sandbox blocked it. Static, like kavach-probe. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int result(const char *mode, long rc) {
  if (rc < 0)
    printf("%s: blocked (%s)\n", mode, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
  else
    printf("%s: escaped\n", mode);
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: kavach-escape MODE [ARGS]\n");
    return 2;
  }
  const char *m = argv[1];
  setvbuf(stdout, NULL, _IONBF, 0);
  if (!strcmp(m, "ptrace")) { /* attach to our own child */
    pid_t child = fork();
    if (child == 0) {
      /* Gone with us if the filter kills us: no orphan holding stdout. */
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      alarm(10);
      pause();
      _exit(0);
    }
    long rc = ptrace(PTRACE_ATTACH, child, 0, 0);
    int err = errno;
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    errno = err;
    return result(m, rc);
  }
  if (!strcmp(m, "tiocsti")) /* inject a newline into the terminal on fd 0 */
    return result(m, ioctl(0, TIOCSTI, "\n"));
  if (!strcmp(m, "io_uring"))
    return result(m, syscall(SYS_io_uring_setup, 4, calloc(1, 120)));
  if (!strcmp(m, "bpf")) { /* BPF_PROG_LOAD of "r0 = 0; exit" as a socket filter */
    unsigned long long insns[2] = {0xb7, 0x95};
    union {
      struct {
        unsigned type, insn_cnt;
        unsigned long long insns, license;
      } a;
      char pad[128];
    } attr;
    memset(&attr, 0, sizeof attr);
    attr.a.type = 1;
    attr.a.insn_cnt = 2;
    attr.a.insns = (unsigned long long)insns;
    attr.a.license = (unsigned long long)"GPL";
    return result(m, syscall(SYS_bpf, 5, &attr, sizeof attr));
  }
  if (!strcmp(m, "perf_event_open")) { /* a software clock counter on ourselves */
    unsigned attr[32];
    memset(attr, 0, sizeof attr);
    attr[0] = 1;  /* PERF_TYPE_SOFTWARE */
    attr[1] = 128; /* size */
    return result(m, syscall(SYS_perf_event_open, attr, 0, -1, -1, 0));
  }
  if (!strcmp(m, "userfaultfd"))
    return result(m, syscall(SYS_userfaultfd, O_CLOEXEC));
  if (!strcmp(m, "keyctl")) /* the session keyring */
    return result(m, syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1));
  if (!strcmp(m, "mount")) { /* a tmpfs over a private mount namespace's /mnt */
    if (unshare(CLONE_NEWNS) != 0)
      return result(m, -1);
    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    return result(m, mount("tmpfs", "/mnt", "tmpfs", 0, NULL));
  }
  if (!strcmp(m, "unshare"))
    return result(m, unshare(CLONE_NEWUSER));
  if (!strcmp(m, "setns") && argc == 3) { /* join another process's mount namespace */
    int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return result(m, -1);
    return result(m, setns(fd, 0));
  }
  if (!strcmp(m, "pivot_root")) { /* needs a private mount namespace first */
    if (unshare(CLONE_NEWNS) != 0)
      return result(m, -1);
    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    if (mount("tmpfs", "/mnt", "tmpfs", 0, NULL) != 0 || mkdir("/mnt/old", 0700) != 0)
      return result(m, -1);
    return result(m, syscall(SYS_pivot_root, "/mnt", "/mnt/old"));
  }
  if (!strcmp(m, "open_by_handle_at") && argc == 3) { /* reopen a file by its handle */
    struct {
      struct file_handle h;
      unsigned char bytes[128];
    } fh;
    int mnt;
    fh.h.handle_bytes = 128;
    if (name_to_handle_at(AT_FDCWD, argv[2], &fh.h, &mnt, 0) != 0)
      return result(m, -1);
    int mfd = open("/", O_RDONLY | O_DIRECTORY);
    return result(m, open_by_handle_at(mfd < 0 ? AT_FDCWD : mfd, &fh.h, O_RDONLY));
  }
  if (!strcmp(m, "read") && argc == 3) /* read a file (a symlink or hard link to it) */
    return result(m, open(argv[2], O_RDONLY | O_CLOEXEC));
  if (!strcmp(m, "symlink") && argc == 4) { /* symlink TARGET LINK, then read through it */
    if (symlink(argv[2], argv[3]) != 0)
      return result(m, -1);
    return result(m, open(argv[3], O_RDONLY | O_CLOEXEC));
  }
  if (!strcmp(m, "hardlink") && argc == 4) { /* link TARGET LINK, then read through it */
    if (link(argv[2], argv[3]) != 0)
      return result(m, -1);
    return result(m, open(argv[3], O_RDONLY | O_CLOEXEC));
  }
  if (!strcmp(m, "proc-sys")) { /* write kernel.hostname back unchanged */
    char name[256] = {0};
    gethostname(name, sizeof name - 1);
    int fd = open("/proc/sys/kernel/hostname", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
      return result(m, -1);
    return result(m, write(fd, name, strlen(name)));
  }
  if (!strcmp(m, "kill") && argc == 3) /* SIGTERM to a process outside */
    return result(m, kill((pid_t)atoi(argv[2]), SIGTERM));
  if (!strcmp(m, "forkbomb")) { /* bounded: 2000 children, all killed and reaped */
    static pid_t kids[2000];
    int n = 0, err = 0;
    for (; n < 2000; ++n) {
      pid_t p = fork();
      if (p == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        alarm(10);
        pause();
        _exit(0);
      }
      if (p < 0) {
        err = errno;
        break;
      }
      kids[n] = p;
    }
    for (int i = 0; i < n; ++i)
      kill(kids[i], SIGKILL);
    for (int i = 0; i < n; ++i)
      waitpid(kids[i], NULL, 0);
    errno = err;
    return result(m, err ? -1 : 0);
  }
  if (!strcmp(m, "memorybomb")) { /* bounded: 1 GiB, touched */
    for (int i = 0; i < 1024; ++i) {
      char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED)
        return result(m, -1);
      memset(p, 1, 1 << 20);
    }
    return result(m, 0);
  }
  if (!strcmp(m, "euid")) { /* run as a setuid-root copy: did the bit work? */
    if (geteuid() != 0) {
      errno = EPERM;
      return result(m, -1);
    }
    return result(m, 0);
  }
#if defined(__x86_64__)
  if (!strcmp(m, "i386")) { /* getpid through int 0x80 */
    long rc;
    __asm__ volatile("int $0x80" : "=a"(rc) : "a"(20L) : "memory");
    return result(m, rc < 0 && rc > -4096 ? (errno = (int)-rc, -1) : rc);
  }
  if (!strcmp(m, "x32"))
    return result(m, syscall(0x40000000L | SYS_getpid));
  /* An AF_UNIX socket from i386 code, directly (socket = 359) or through
   * socketcall (102) with SYS_SOCKET (1): the i386 ABI passes socketcall's
   * arguments as a pointer to 32-bit words, so they live below 4 GiB. */
  if (!strcmp(m, "i386-socket") || !strcmp(m, "i386-socketcall")) {
    unsigned *args = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (args == MAP_FAILED)
      return 2;
    args[0] = 1 /* AF_UNIX */, args[1] = 1 /* SOCK_STREAM */, args[2] = 0;
    long rc;
    if (!strcmp(m, "i386-socket"))
      __asm__ volatile("int $0x80" : "=a"(rc) : "a"(359L), "b"(1L), "c"(1L), "d"(0L) : "memory");
    else
      __asm__ volatile("int $0x80" : "=a"(rc) : "a"(102L), "b"(1L), "c"((long)(unsigned long)args)
                       : "memory");
    return result(m, rc < 0 && rc > -4096 ? (errno = (int)-rc, -1) : rc);
  }
  /* i386 shmget through ipc (117) with SHMGET (23) and an "ABI version" in
   * arg0's upper 16 bits (argv[2], default 0), which the kernel ignores for
   * shmget: a filter matching arg0 == 23 misses version 1. The segment is
   * removed again. */
  if (!strcmp(m, "i386-ipc-shmget")) {
    long call = 23 | (argc > 2 ? strtol(argv[2], NULL, 0) : 0) << 16, rc;
    __asm__ volatile("int $0x80" : "=a"(rc) : "a"(117L), "b"(call), "c"(0L /* IPC_PRIVATE */),
                     "d"(4096L), "S"(01600L /* IPC_CREAT | 0600 */) : "memory");
    if (rc >= 0)
      syscall(SYS_shmctl, rc, 0 /* IPC_RMID */, NULL);
    return result(m, rc < 0 && rc > -4096 ? (errno = (int)-rc, -1) : rc);
  }
#endif
  fprintf(stderr, "kavach-escape: unknown mode '%s'\n", m);
  return 2;
}
