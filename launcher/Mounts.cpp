// Mounts inside the new mount namespace. The order matters: propagation is
// made private first (so nothing below leaks to the host), then each bind
// source is cloned (open_tree: before anything hides it, and the clone
// keeps its own flags), then the read-only remounts (so the fresh /proc,
// /dev and /tmp and the binds attached afterwards stay writable where they
// must), then /proc, /dev, /tmp, and last the binds (a target may lie in
// the new /tmp or /dev, where a missing one is created; never on the host).
//
// Read-only root: every mount in /proc/self/mountinfo is remounted with
// MS_REMOUNT|MS_BIND|MS_RDONLY, keeping the flags statvfs reports (nosuid,
// nodev, noexec, atime): in a user namespace those are locked and a remount
// that drops one fails with EPERM. A mount point that cannot be reached
// (hidden under a later mount: ENOENT) is skipped, because a hidden mount
// cannot be written through anyway; any other failure is fatal. No
// pivot_root: the view keeps the host's tree, only writes are cut.
//
// /dev: device nodes cannot be created in a user namespace, so the host's
// are bind-mounted, through O_PATH descriptors opened before the tmpfs
// hides them. /proc: only a pid namespace gets a fresh one (a proc mount is
// tied to the pid namespace of its mounter, and an unprivileged caller may
// not mount one for the host's); without it the host's /proc stays.
#include "launcher/Mounts.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/mount.h>
#include <fstream>
#include <sstream>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace kavach::launch {

namespace {

[[noreturn]] void dieMount(int err, const std::string &what) {
  die(kExitSetup, err, "mounts: %s", what.c_str());
}

// Octal escapes (\040 for a space) in mountinfo paths.
std::string unescape(const std::string &s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      int v = (s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0');
      out += char(v);
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

unsigned long lockedFlags(const char *path) {
  struct statvfs st;
  if (statvfs(path, &st) != 0)
    return 0;
  unsigned long flags = 0;
  if (st.f_flag & ST_NOSUID)
    flags |= MS_NOSUID;
  if (st.f_flag & ST_NODEV)
    flags |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC)
    flags |= MS_NOEXEC;
  if (st.f_flag & ST_NOATIME)
    flags |= MS_NOATIME;
  if (st.f_flag & ST_NODIRATIME)
    flags |= MS_NODIRATIME;
  if (st.f_flag & ST_RELATIME)
    flags |= MS_RELATIME;
  return flags;
}

void remountReadOnly() {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  std::vector<std::string> points;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point;
    fields >> id >> parent >> dev >> root >> point;
    points.push_back(unescape(point));
  }
  for (const std::string &point : points) {
    unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY | lockedFlags(point.c_str());
    if (mount(nullptr, point.c_str(), nullptr, flags, nullptr) != 0 && errno != ENOENT)
      dieMount(errno, "rootfs read_only: cannot remount '" + point + "' read-only");
  }
}

// A detached bind mount of `path` (open_tree, Linux 5.2), with the mounts
// below it when `recursive`, or -1 with errno.
int detachedBind(const char *path, bool recursive = false) {
  return int(syscall(SYS_open_tree, AT_FDCWD, path,
                     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0)));
}

void mountDev() {
  static const char *const kNodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
  constexpr size_t kCount = sizeof kNodes / sizeof *kNodes;
  // Each node's bind is cloned now, before the tmpfs hides the host's, and
  // attached below with move_mount: about half the cost of six
  // mount(MS_BIND) through /proc/self/fd here. Where open_tree fails
  // (before 5.2: ENOSYS) the latter is used, through O_PATH descriptors.
  int trees[kCount], fds[kCount];
  for (size_t i = 0; i < kCount; ++i) {
    std::string path = std::string("/dev/") + kNodes[i];
    fds[i] = -1;
    trees[i] = detachedBind(path.c_str());
    if (trees[i] < 0 && errno != ENOENT) // ENOSYS, or a kernel that refuses it
      fds[i] = open(path.c_str(), O_PATH | O_CLOEXEC);
    if (trees[i] < 0 && fds[i] < 0 && errno != ENOENT && errno != ENXIO)
      dieMount(errno, "cannot open " + path);
  }
  // 64 MiB, Docker's default /dev/shm size: /dev/shm is a directory in
  // this tmpfs (as bubblewrap does it), not a mount of its own, which
  // saves a superblock per launch (bench/launch/README.md).
  if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64m") != 0)
    dieMount(errno, "cannot mount a tmpfs on /dev");
  int dev = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dev < 0)
    dieMount(errno, "cannot open the new /dev");
  for (size_t i = 0; i < kCount; ++i) {
    if (trees[i] < 0 && fds[i] < 0)
      continue; // not on the host either
    std::string path = std::string("/dev/") + kNodes[i];
    if (mknodat(dev, kNodes[i], S_IFREG | 0666, 0) != 0)
      dieMount(errno, "cannot create " + path);
    bool bound = trees[i] >= 0
                     ? syscall(SYS_move_mount, trees[i], "", dev, kNodes[i],
                               MOVE_MOUNT_F_EMPTY_PATH) == 0
                     : mount(strFormat("/proc/self/fd/%d", fds[i]).c_str(), path.c_str(), nullptr,
                             MS_BIND, nullptr) == 0;
    if (!bound)
      dieMount(errno, "cannot bind " + path);
    close(trees[i] >= 0 ? trees[i] : fds[i]);
  }
  static const char *const kLinks[][2] = {{"/proc/self/fd", "fd"},
                                          {"/proc/self/fd/0", "stdin"},
                                          {"/proc/self/fd/1", "stdout"},
                                          {"/proc/self/fd/2", "stderr"}};
  for (const auto &link : kLinks)
    if (symlinkat(link[0], dev, link[1]) != 0)
      dieMount(errno, std::string("cannot create /dev/") + link[1]);
  if (mkdirat(dev, "shm", 01777) != 0 || fchmodat(dev, "shm", 01777, 0) != 0)
    dieMount(errno, "cannot create /dev/shm");
  close(dev);
}

// A bind's source, cloned (recursively) before the sandbox's own mounts:
// a source under /tmp or /dev stays reachable after the fresh ones hide
// it, and the clone keeps its own flags when the root is remounted
// read-only. -1 where open_tree fails (then mount --bind by path later).
std::vector<int> cloneBindSources(const ProcessPlan &plan) {
  std::vector<int> trees;
  for (const runtime::BindMount &b : plan.binds) {
    int tree = detachedBind(b.source.c_str(), true);
    if (tree < 0 && errno == ENOENT)
      dieMount(errno, "bind source '" + b.source + "' is gone");
    trees.push_back(tree);
  }
  return trees;
}

// Creates `path` (a directory, or an empty file when `dir` is false) and
// its missing parents; only ever called inside the sandbox's own tmpfs.
void createTarget(const std::string &path, bool dir) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1))
    if (mkdir(path.substr(0, slash).c_str(), 0755) != 0 && errno != EEXIST)
      dieMount(errno, "cannot create the bind target's parent '" + path.substr(0, slash) + "'");
  int rc = dir ? mkdir(path.c_str(), 0755) : mknod(path.c_str(), S_IFREG | 0644, 0);
  if (rc != 0 && errno != EEXIST)
    dieMount(errno, "cannot create the bind target '" + path + "'");
}

// rootfs { tmpfs "PATH"; }: an empty tmpfs over each path, in order.
void mountTmpfs(const ProcessPlan &plan) {
  for (size_t i = 0; i < plan.tmpfs.size(); ++i) {
    const std::string &path = plan.tmpfs[i];
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
      // Only inside the sandbox's own file systems (an earlier tmpfs too).
      if (errno != ENOENT || !inSandboxFs(*plan.policy, plan.tmpfs, i, path))
        dieMount(errno, "tmpfs target '" + path + "' does not exist in the sandbox");
      createTarget(path, true);
    }
    if (mount("tmpfs", path.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
      dieMount(errno, "cannot mount a tmpfs on '" + path + "'");
  }
}

void attachBinds(const ProcessPlan &plan, const std::vector<int> &trees) {
  for (size_t i = 0; i < plan.binds.size(); ++i) {
    const runtime::BindMount &b = plan.binds[i];
    struct stat source, target;
    bool haveSource = trees[i] >= 0 ? fstat(trees[i], &source) == 0
                                    : stat(b.source.c_str(), &source) == 0;
    if (!haveSource)
      dieMount(errno, "bind source '" + b.source + "' cannot be used");
    if (stat(b.target.c_str(), &target) != 0) {
      // Never on the host: the launcher does not create files there.
      if (errno != ENOENT || !inSandboxFs(*plan.policy, plan.tmpfs, plan.tmpfs.size(), b.target))
        dieMount(errno, "bind target '" + b.target +
                            "' does not exist in the sandbox (kavach-launch creates targets "
                            "only under its own /tmp and /dev)");
      createTarget(b.target, S_ISDIR(source.st_mode));
    }
    bool readOnlyDone = false;
    if (trees[i] >= 0 && b.readOnly) {
      struct mount_attr attr = {};
      attr.attr_set = MOUNT_ATTR_RDONLY;
      readOnlyDone = syscall(SYS_mount_setattr, trees[i], "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
                             sizeof attr) == 0;
    }
    bool bound = trees[i] >= 0 ? syscall(SYS_move_mount, trees[i], "", AT_FDCWD,
                                         b.target.c_str(), MOVE_MOUNT_F_EMPTY_PATH) == 0
                               : mount(b.source.c_str(), b.target.c_str(), nullptr,
                                       MS_BIND | MS_REC, nullptr) == 0;
    if (!bound)
      dieMount(errno, "cannot bind '" + b.source + "' to '" + b.target + "'");
    if (trees[i] >= 0)
      close(trees[i]);
    // Without mount_setattr (before 5.12): the top mount only, keeping the
    // flags a user namespace locks.
    if (b.readOnly && !readOnlyDone &&
        mount(nullptr, b.target.c_str(), nullptr,
              MS_REMOUNT | MS_BIND | MS_RDONLY | lockedFlags(b.target.c_str()), nullptr) != 0)
      dieMount(errno, "cannot make the bind '" + b.target + "' read-only");
  }
}

} // namespace

bool inSandboxFs(const runtime::ProcessPolicy &policy, const std::vector<std::string> &tmpfs,
                 size_t tmpfsCount, const std::string &path) {
  if ((!policy.hostTmp && path.rfind("/tmp/", 0) == 0) ||
      (!policy.hostDev && path.rfind("/dev/", 0) == 0))
    return true;
  for (size_t i = 0; i < tmpfsCount && i < tmpfs.size(); ++i) {
    const std::string &t = tmpfs[i];
    if (path.size() > t.size() && path.compare(0, t.size(), t) == 0 && path[t.size()] == '/')
      return true;
  }
  return false;
}

void setupMounts(const ProcessPlan &plan) {
  if (!(plan.namespaces & runtime::kNsMount))
    return;
  // Private first: nothing mounted below may propagate to the host.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    dieMount(errno, "cannot make the mounts private");
  std::vector<int> bindTrees = cloneBindSources(plan);
  if (plan.policy->rootfsReadOnly)
    remountReadOnly();
  if ((plan.namespaces & runtime::kNsPid) &&
      mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
    dieMount(errno, "cannot mount a fresh /proc");
  if (!plan.policy->hostDev)
    mountDev();
  if (!plan.policy->hostTmp &&
      mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0)
    dieMount(errno, "cannot mount a tmpfs on /tmp");
  mountTmpfs(plan);
  attachBinds(plan, bindTrees);
}

} // namespace kavach::launch
