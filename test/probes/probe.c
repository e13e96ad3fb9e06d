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
#include <grp.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/capability.h>

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
  case EAGAIN: return "EAGAIN";
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

/* Process-part modes (kavach-launch namespaces, ids, caps, limits). */
static int processMode(const char *m, int argc, char **argv) {
  if (!strcmp(m, "ids")) { /* ids: uid=R/E/S gid=R/E/S groups=G,... */
    uid_t r, e, s;
    gid_t gr, ge, gs, list[64];
    getresuid(&r, &e, &s);
    getresgid(&gr, &ge, &gs);
    int n = getgroups(64, list);
    printf("ids: uid=%u/%u/%u gid=%u/%u/%u groups=", r, e, s, gr, ge, gs);
    for (int i = 0; i < n; ++i)
      printf("%s%u", i ? "," : "", list[i]);
    printf("\n");
    return 0;
  }
  if (!strcmp(m, "caps")) { /* caps: eff prm inh bnd amb, as hex masks */
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) != 0)
      return report(m, -1);
    unsigned long long bnd = 0, amb = 0;
    for (int c = 0; c < 64; ++c) {
      if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
        bnd |= 1ull << c;
      if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1)
        amb |= 1ull << c;
    }
#define CAP64(f) ((unsigned long long)d[1].f << 32 | d[0].f)
    printf("caps: eff=%#llx prm=%#llx inh=%#llx bnd=%#llx amb=%#llx\n", CAP64(effective),
           CAP64(permitted), CAP64(inheritable), bnd, amb);
    return 0;
  }
  if (!strcmp(m, "rlimit") && argc == 3) { /* rlimit NAME: soft/hard */
    static const struct { const char *n; int r; } names[] = {
        {"as", RLIMIT_AS},       {"cpu", RLIMIT_CPU},     {"nproc", RLIMIT_NPROC},
        {"fsize", RLIMIT_FSIZE}, {"nofile", RLIMIT_NOFILE}, {"stack", RLIMIT_STACK},
        {"core", RLIMIT_CORE}};
    for (size_t i = 0; i < sizeof names / sizeof *names; ++i)
      if (!strcmp(argv[2], names[i].n)) {
        struct rlimit rl;
        getrlimit(names[i].r, &rl);
        printf("rlimit %s: %llu/%llu\n", argv[2], (unsigned long long)rl.rlim_cur,
               (unsigned long long)rl.rlim_max);
        return 0;
      }
    return 2;
  }
  if (!strcmp(m, "hostname")) {
    struct utsname u;
    uname(&u);
    printf("hostname: %s\n", u.nodename);
    return 0;
  }
  if (!strcmp(m, "pids")) { /* pids: pid=P ppid=Q */
    printf("pids: pid=%d ppid=%d\n", (int)getpid(), (int)getppid());
    return 0;
  }
  if (!strcmp(m, "netdevs")) { /* netdevs: name(up|down) ... */
    struct if_nameindex *ifs = if_nameindex();
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    printf("netdevs:");
    for (struct if_nameindex *i = ifs; i && i->if_index; ++i) {
      struct ifreq r;
      memset(&r, 0, sizeof r);
      strncpy(r.ifr_name, i->if_name, IFNAMSIZ - 1);
      ioctl(fd, SIOCGIFFLAGS, &r);
      printf(" %s(%s)", i->if_name, (r.ifr_flags & IFF_UP) ? "up" : "down");
    }
    printf("\n");
    return 0;
  }
  if (!strcmp(m, "nnp")) {
    printf("nnp: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    return 0;
  }
  if (!strcmp(m, "forkloop") && argc == 3) { /* forkloop N: N sleeping children */
    int n = atoi(argv[2]), made = 0, err = 0;
    pid_t kids[4096];
    for (; made < n && made < 4096; ++made) {
      pid_t p = fork();
      if (p == 0) {
        pause();
        _exit(0);
      }
      if (p < 0) {
        err = errno;
        break;
      }
      kids[made] = p;
    }
    for (int i = 0; i < made; ++i) {
      kill(kids[i], SIGKILL);
      waitpid(kids[i], NULL, 0);
    }
    if (err)
      printf("forkloop: %s after %d\n", errname(err), made);
    else
      printf("forkloop: ok\n");
    return 0;
  }
  if (!strcmp(m, "alloc") && argc == 3) { /* alloc MiB: allocate and touch */
    size_t mib = (size_t)atol(argv[2]);
    for (size_t i = 0; i < mib; ++i) {
      char *p = malloc(1 << 20);
      if (!p)
        return report(m, -1);
      memset(p, 1, 1 << 20);
    }
    return report(m, 0);
  }
  if (!strcmp(m, "sleep") && argc == 3) {
    sleep((unsigned)atoi(argv[2]));
    return report(m, 0);
  }
  return -1;
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
  if (!strcmp(m, "open_tree") && argc == 3) /* a detached bind mount (1 = OPEN_TREE_CLONE) */
    return report(m, syscall(SYS_open_tree, AT_FDCWD, argv[2], 1));
  int rc = processMode(m, argc, argv);
  if (rc >= 0)
    return rc;
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
