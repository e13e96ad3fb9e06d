/* launchbench N -- CMD1 ARGS :: CMD2 ARGS :: ...
 * Runs each command N times, interleaved round by round (the machine is
 * shared and noisy: see /work/shared/notes/performance.md), with fork +
 * execve + waitpid timed by CLOCK_MONOTONIC, stdout/stderr to /dev/null.
 * Prints one tab-separated line per command: index, min and median in
 * microseconds, both as ratios to the first command (the baseline, e.g.
 * bare /bin/true), and the command line (run.sh turns it into markdown). A
 * run that does not exit 0 is reported and makes the exit status 1. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 4 || strcmp(argv[2], "--") != 0) {
    fprintf(stderr, "usage: launchbench N -- CMD [ARGS] [:: CMD [ARGS]]...\n");
    return 2;
  }
  int n = atoi(argv[1]);
  char **cmds[64];
  int ncmd = 0;
  cmds[ncmd++] = argv + 3;
  for (int i = 3; i < argc; ++i)
    if (strcmp(argv[i], "::") == 0) {
      argv[i] = NULL;
      if (ncmd < 64)
        cmds[ncmd++] = argv + i + 1;
    }
  double *t = calloc((size_t)n * ncmd, sizeof *t);
  int devnull = open("/dev/null", O_WRONLY);
  int bad = 0;
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < ncmd; ++c) {
      double start = now_us();
      pid_t p = fork();
      if (p == 0) {
        dup2(devnull, 1);
        dup2(devnull, 2);
        execv(cmds[c][0], cmds[c]);
        _exit(127);
      }
      int status;
      waitpid(p, &status, 0);
      t[c * n + r] = now_us() - start;
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (!bad)
          fprintf(stderr, "launchbench: '%s' ended with status %d\n", cmds[c][0], status);
        bad = 1;
      }
    }
  double base_min = 0, base_med = 0;
  for (int c = 0; c < ncmd; ++c) {
    double *v = t + c * n;
    qsort(v, (size_t)n, sizeof *v, cmp);
    double mn = v[0], md = v[n / 2];
    if (c == 0)
      base_min = mn, base_med = md;
    printf("%d\t%.0f\t%.0f\t%.2f\t%.2f\t", c, mn, md, mn / base_min, md / base_med);
    for (char **a = cmds[c]; *a; ++a)
      printf(a == cmds[c] ? "%s" : " %s", *a);
    printf("\n");
  }
  return bad;
}
