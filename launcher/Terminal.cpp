// Why TIOCNOTTY and not setsid() (bubblewrap's --new-session, nsjail's
// default): setsid() fails in a process-group leader, which kavach-launch
// is when a shell starts it as a job, and it takes the command out of the
// terminal's foreground process group (no Ctrl-C). Giving up the controlling
// terminal is enough against TIOCSTI (CVE-2017-5226): the kernel refuses it
// on a terminal that is not the caller's controlling one, and a process that
// is not a session leader cannot get one back while the caller's session
// holds it.
#include "launcher/Terminal.h"

#include "launcher/Die.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace kavach::launch {

int openControllingTerminal(int &err) {
  err = 0;
  int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 && errno != ENXIO) // ENXIO: no controlling terminal
    err = errno;
  return fd;
}

void detachTerminal(const ProcessPlan &plan) {
  if (plan.ttyFd < 0)
    return;
  if (getsid(0) == getpid())
    die(kExitSetup, 0, "terminal: this process leads its session; giving up the terminal "
                       "would hang it up");
  if (ioctl(plan.ttyFd, TIOCNOTTY) != 0)
    die(kExitSetup, errno, "terminal: cannot give up the controlling terminal");
  close(plan.ttyFd);
}

} // namespace kavach::launch
