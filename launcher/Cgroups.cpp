// The cgroup step. For each controller a limit needs (memory, pids) it
// finds this process's cgroup: on cgroup v2 when the controller is enabled
// for children of that cgroup (cgroup.subtree_control), else on the v1
// hierarchy that has it (hybrid hosts mount memory, pids and cpu there).
// Paths come from /proc/self/cgroup and /proc/self/mountinfo, so a
// container whose cgroup mount is rooted below the hierarchy's root works.
//
// The child cgroup is kavach-<pid> under this process's own. The limits are
// written before anyone joins: memory.max (v2) or memory.limit_in_bytes
// (v1, plus memory.memsw.limit_in_bytes when swap accounting exists, so the
// limit cannot be escaped into swap), pids.max, and the cpu quota: cpu.max
// "QUOTA 100000" (v2) or cpu.cfs_period_us then cpu.cfs_quota_us (v1), with
// QUOTA = millicores * 100 us per 100 ms period. An unprivileged caller
// without a delegated (writable) cgroup is refused at planning time, or the
// limit is dropped under best effort. Removal kills whatever is left (a
// command without a pid namespace may leave daemons behind) and rmdirs.
// Not handled: v2 delegation set-up (enabling controllers in
// subtree_control ourselves): a v2 controller must already be enabled for
// this process's cgroup's children, else the v1 hierarchy is used.
#include "launcher/Cgroups.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace kavach::launch {

namespace {

struct MountEntry {
  std::string root, point, fstype, options;
};

std::vector<MountEntry> cgroupMounts() {
  std::vector<MountEntry> out;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    size_t dash = line.find(" - ");
    if (dash == std::string::npos)
      continue;
    std::istringstream pre(line.substr(0, dash)), post(line.substr(dash + 3));
    std::string id, parent, dev, root, point, source;
    MountEntry e;
    pre >> id >> parent >> dev >> e.root >> e.point;
    post >> e.fstype >> source >> e.options;
    if (e.fstype == "cgroup" || e.fstype == "cgroup2")
      out.push_back(e);
  }
  return out;
}

bool hasWord(const std::string &list, const std::string &word, char sep) {
  std::istringstream in(list);
  std::string item;
  while (std::getline(in, item, sep))
    if (item == word)
      return true;
  return false;
}

std::string readFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The cgroup directory of `path` (from /proc/self/cgroup) under `m`.
std::string dirFor(const MountEntry &m, const std::string &path) {
  std::string rel = path;
  if (m.root != "/" && rel.compare(0, m.root.size(), m.root) == 0)
    rel = rel.substr(m.root.size());
  return m.point + (rel == "/" ? "" : rel);
}

bool writeFile(const std::string &path, const std::string &value) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  ssize_t n = write(fd, value.data(), value.size());
  int err = errno;
  close(fd);
  errno = err;
  return n == ssize_t(value.size());
}

} // namespace

bool findCgroup(const char *controller, CgroupTarget &out, std::string &why) {
  std::vector<MountEntry> mounts = cgroupMounts();
  std::ifstream in("/proc/self/cgroup");
  std::string line, v2Path, v1Path;
  bool haveV2 = false;
  while (std::getline(in, line)) {
    size_t a = line.find(':'), b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos)
      continue;
    std::string controllers = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
    if (line.compare(0, a, "0") == 0 && controllers.empty()) {
      v2Path = path;
      haveV2 = true;
    } else if (hasWord(controllers, controller, ',')) {
      v1Path = path;
    }
  }
  if (haveV2)
    for (const MountEntry &m : mounts)
      if (m.fstype == "cgroup2") {
        std::string dir = dirFor(m, v2Path);
        std::istringstream enabled(readFile(dir + "/cgroup.subtree_control"));
        std::string word;
        bool found = false;
        while (enabled >> word)
          found |= word == controller;
        if (found) {
          out = {controller, dir, true};
          break;
        }
      }
  if (out.parent.empty() && !v1Path.empty())
    for (const MountEntry &m : mounts)
      if (m.fstype == "cgroup" && hasWord(m.options, controller, ',')) {
        out = {controller, dirFor(m, v1Path), false};
        break;
      }
  if (out.parent.empty()) {
    why = strFormat("no cgroup hierarchy has the %s controller for this process", controller);
    return false;
  }
  if (access(out.parent.c_str(), W_OK) != 0) {
    why = strFormat("cannot create a cgroup under %s: %s (no delegated cgroup)",
                    out.parent.c_str(), std::strerror(errno));
    return false;
  }
  return true;
}

const runtime::Limit *cgroupLimit(const runtime::ProcessPolicy &policy,
                                  const std::string &controller) {
  for (const CgroupLimit &l : kCgroupLimits)
    if (controller == l.controller)
      return policy.limit(l.kind);
  return nullptr;
}

std::vector<CgroupWrite> cgroupWrites(runtime::LimitKind kind, uint64_t value, bool v2) {
  using K = runtime::LimitKind;
  std::string v = std::to_string(value);
  switch (kind) {
  case K::Memory:
    // Swap must not become a way around the memory limit.
    if (v2)
      return {{"memory.max", v}, {"memory.swap.max", "0", true}};
    return {{"memory.limit_in_bytes", v}, {"memory.memsw.limit_in_bytes", v, true}};
  case K::Pids:
    return {{"pids.max", v}};
  case K::Cpu: {
    std::string quota = std::to_string(value * kCpuPeriodUs / 1000);
    if (v2)
      return {{"cpu.max", quota + " " + std::to_string(kCpuPeriodUs)}};
    return {{"cpu.cfs_period_us", std::to_string(kCpuPeriodUs)}, {"cpu.cfs_quota_us", quota}};
  }
  default:
    return {};
  }
}

Cgroup createCgroup(const std::vector<CgroupTarget> &targets,
                    const runtime::ProcessPolicy &policy) {
  Cgroup cgroup;
  std::string name = strFormat("kavach-%d", int(getpid()));
  for (const CgroupTarget &t : targets) {
    std::string dir = t.parent + "/" + name;
    bool exists = false;
    for (const std::string &d : cgroup.dirs)
      exists |= d == dir;
    if (!exists) {
      if (mkdir(dir.c_str(), 0755) != 0) {
        int err = errno;
        removeCgroup(cgroup);
        die(kExitSetup, err, "cgroup limit '%s': cannot create %s", t.controller.c_str(),
            dir.c_str());
      }
      cgroup.dirs.push_back(dir);
    }
    const runtime::Limit *limit = cgroupLimit(policy, t.controller);
    if (!limit)
      continue;
    for (const CgroupWrite &w : cgroupWrites(limit->kind, limit->value, t.v2)) {
      std::string path = dir + "/" + w.file;
      if (w.ifExists && access(path.c_str(), F_OK) != 0)
        continue;
      if (!writeFile(path, w.value)) {
        int err = errno;
        removeCgroup(cgroup);
        die(kExitSetup, err, "cgroup limit '%s': cannot write '%s' to %s",
            t.controller.c_str(), w.value.c_str(), path.c_str());
      }
    }
  }
  return cgroup;
}

void joinCgroup(const Cgroup &cgroup) {
  std::string pid = std::to_string(getpid());
  for (const std::string &dir : cgroup.dirs)
    if (!writeFile(dir + "/cgroup.procs", pid))
      die(kExitSetup, errno, "cannot join the cgroup %s", dir.c_str());
}

void removeCgroup(const Cgroup &cgroup) {
  for (const std::string &dir : cgroup.dirs) {
    // Whatever the command left behind goes with its cgroup.
    for (int round = 0; round < 50; ++round) {
      std::istringstream procs(readFile(dir + "/cgroup.procs"));
      std::string pid;
      bool any = false;
      while (procs >> pid) {
        any = true;
        kill(pid_t(std::stol(pid)), SIGKILL);
      }
      if (rmdir(dir.c_str()) == 0 || errno == ENOENT)
        break;
      if (!any && errno != EBUSY) {
        warn("cannot remove the cgroup %s: %s", dir.c_str(), std::strerror(errno));
        break;
      }
      usleep(2000);
      if (round == 49)
        warn("cannot remove the cgroup %s: %s", dir.c_str(), std::strerror(errno));
    }
  }
}

} // namespace kavach::launch
