/* kavach-probe MODE [ARGS]: performs one operation and prints its outcome as
 * "MODE: ok" or "MODE: <ERRNO-NAME>" so tests can FileCheck it. Exit status 0
 * unless the arguments are wrong; a killed probe is seen by its status. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *errname(int e) {
  switch (e) {
  case EPERM: return "EPERM";
  case ENOENT: return "ENOENT";
  case EACCES: return "EACCES";
  case ENOSYS: return "ENOSYS";
  case EINVAL: return "EINVAL";
  case EAFNOSUPPORT: return "EAFNOSUPPORT";
  case EFAULT: return "EFAULT";
  case EROFS: return "EROFS";
  case EXDEV: return "EXDEV";
  default: return strerror(e);
  }
}

static int report(const char *mode, long rc) {
  if (rc < 0)
    printf("%s: %s\n", mode, errname(errno));
  else
    printf("%s: ok\n", mode);
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: kavach-probe MODE [ARGS]\n");
    return 2;
  }
  const char *m = argv[1];
  if (!strcmp(m, "write") && argc == 3) { /* create/append a file */
    int fd = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0 && write(fd, "x", 1) != 1)
      fd = -1;
    return report(m, fd);
  }
  if (!strcmp(m, "read") && argc == 3)
    return report(m, open(argv[2], O_RDONLY | O_CLOEXEC));
  if (!strcmp(m, "setuid")) /* succeeds bare for anyone: same uid */
    return report(m, setuid(getuid()));
  if (!strcmp(m, "ptrace"))
    return report(m, ptrace(PTRACE_TRACEME, 0, 0, 0));
  if (!strcmp(m, "socket-inet"))
    return report(m, socket(AF_INET, SOCK_STREAM, 0));
  if (!strcmp(m, "socket-unix"))
    return report(m, socket(AF_UNIX, SOCK_STREAM, 0));
  if (!strcmp(m, "getppid"))
    return report(m, syscall(SYS_getppid));
#if defined(__x86_64__)
  if (!strcmp(m, "x32")) { /* getpid with the x32 ABI bit */
    long rc = syscall(0x40000000L | SYS_getpid);
    return report(m, rc);
  }
  if (!strcmp(m, "int80")) { /* i386 getpid (20) through int 0x80 */
    long rc;
    __asm__ volatile("int $0x80" : "=a"(rc) : "a"(20L) : "memory");
    if (rc < 0 && rc > -4096) {
      errno = (int)-rc;
      rc = -1;
    }
    return report(m, rc);
  }
#endif
  fprintf(stderr, "kavach-probe: unknown mode '%s'\n", m);
  return 2;
}
