// Writing an OCI bundle from policy.bin's config.json template.
//
// The template (kavachc wrote it, the reader checked each placeholder
// occurs exactly as often as it should) is filled in textually: the command
// and environment become JSON string lists, the rootfs and bundle paths
// JSON-escaped string contents. Everything else in config.json was decided
// by kavachc. The inner launcher is a copy of /proc/self/exe (static, so it
// runs in any rootfs), mounted read-only at /.kavach by the template.
#include "launcher/OciBundle.h"

#include "launcher/Die.h"
#include "launcher/PathVars.h"
#include "runtime/OciMounts.h"
#include "runtime/OciTemplate.h"
#include "runtime/PolicyIO.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace kavach::launch {
namespace {

std::string jsonList(char **items) {
  std::string out;
  for (char **p = items; p && *p; ++p)
    out += (out.empty() ? "" : ", ") + runtime::jsonString(*p);
  return out;
}

void replaceOnce(std::string &text, const char *marker, const std::string &with) {
  size_t at = text.find(marker);
  if (at != std::string::npos) // the reader guaranteed presence; be total anyway
    text.replace(at, std::strlen(marker), with);
}

void writeFile(const std::string &path, const void *data, size_t size, mode_t mode) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    die(kExitSetup, errno, "cannot create %s", path.c_str());
  const char *p = static_cast<const char *>(data);
  while (size) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      die(kExitSetup, errno, "cannot write %s", path.c_str());
    p += n;
    size -= size_t(n);
  }
  if (fchmod(fd, mode) != 0 || close(fd) != 0)
    die(kExitSetup, errno, "cannot finish %s", path.c_str());
}

void copyFile(const char *from, const std::string &to, mode_t mode) {
  int fd = open(from, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    die(kExitSetup, errno, "cannot open %s", from);
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      die(kExitSetup, errno, "cannot read %s", from);
    if (n == 0)
      break;
    data.append(buf, size_t(n));
  }
  close(fd);
  writeFile(to, data.data(), data.size(), mode);
}

int removeEntry(const char *path, const struct stat *, int, struct FTW *) {
  remove(path);
  return 0;
}

// Whether the ELF file at `path` asks for a program interpreter (is
// dynamically linked): such a launcher cannot start inside an arbitrary
// rootfs. Unreadable or not ELF64: treated as dynamic (refuse).
bool needsInterpreter(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return true;
  Elf64_Ehdr eh;
  bool dynamic = true;
  if (pread(fd, &eh, sizeof eh, 0) == ssize_t(sizeof eh) &&
      std::memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 && eh.e_ident[EI_CLASS] == ELFCLASS64 &&
      eh.e_phentsize == sizeof(Elf64_Phdr)) {
    dynamic = false;
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
      Elf64_Phdr ph;
      if (pread(fd, &ph, sizeof ph, off_t(eh.e_phoff + i * sizeof ph)) != ssize_t(sizeof ph) ||
          ph.p_type == PT_INTERP) {
        dynamic = true;
        break;
      }
    }
  }
  close(fd);
  return dynamic;
}

// A launch that dies half way (die() exits through std::exit) leaves no
// bundle behind.
std::string gBundleDir;
void removeAtExit() {
  if (!gBundleDir.empty())
    nftw(gBundleDir.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS);
}

} // namespace

// The policy's tmpfs and bind mounts for the template's mounts placeholder,
// ${VARS} resolved now, as the process backend resolves them. A path that
// cannot be resolved, or a bind source that does not exist, stops the launch
// (the runtime would otherwise fail late, or mount less than the policy says).
static std::string policyMounts(const runtime::ProcessPolicy &policy) {
  return runtime::ociPolicyMounts(
      policy, [](const std::string &path, runtime::MountPathRole role, std::string &out) {
        using runtime::MountPathRole;
        const char *what = role == MountPathRole::Tmpfs        ? "tmpfs"
                           : role == MountPathRole::BindSource ? "bind source"
                                                               : "bind target";
        Problem problem;
        if (!expandPathVars(path, out, problem)) {
          problem.what = strFormat("%s '%s': %s", what, path.c_str(), problem.what.c_str());
          dieWith(problem);
        }
        struct stat st;
        if (role == MountPathRole::BindSource && stat(out.c_str(), &st) != 0) {
          int err = errno;
          dieWith({strFormat("bind source '%s' cannot be used", out.c_str()), err,
                   "a bind's source must exist on the host"});
        }
        return true;
      });
}

std::string fillTemplate(const std::string &tmpl, char **args, char **envp,
                         const std::string &rootfs, const std::string &bundle,
                         const std::string &mounts) {
  auto inner = [](const std::string &path) {
    std::string q = runtime::jsonString(path);
    return q.substr(1, q.size() - 2);
  };
  std::string out = tmpl;
  replaceOnce(out, runtime::kOciArgsMarker, jsonList(args));
  replaceOnce(out, runtime::kOciEnvMarker, jsonList(envp));
  replaceOnce(out, runtime::kOciRootfsMarker, inner(rootfs));
  replaceOnce(out, runtime::kOciBundleMarker, inner(bundle));
  replaceOnce(out, runtime::kOciMountsMarker, mounts); // at most once (reader)
  return out;
}

Bundle createBundle(const std::string &tmpl, bool inner, bool bestEffort,
                    const runtime::Policy &policy, char **args, char **envp,
                    const std::string &rootfs) {
  if (inner && needsInterpreter("/proc/self/exe"))
    die(kExitSetup, 0, "--backend oci needs a statically linked kavach-launch to run inside the "
                       "container; this one is dynamically linked (a sanitizer build?)");
  const char *tmp = getenv("TMPDIR");
  std::string model = std::string(tmp && *tmp == '/' ? tmp : "/tmp") + "/kavach-bundle-XXXXXX";
  if (!mkdtemp(model.data()))
    die(kExitSetup, errno, "cannot create a bundle directory %s", model.c_str());
  Bundle b{model, model + "/state"};
  gBundleDir = b.dir;
  std::atexit(removeAtExit);
  if (mkdir(b.state.c_str(), 0700) != 0)
    die(kExitSetup, errno, "cannot create %s", b.state.c_str());
  if (inner) {
    // Readable by any uid the policy runs the command as inside.
    std::string dir = b.dir + "/kavach";
    if (mkdir(dir.c_str(), 0755) != 0 || chmod(dir.c_str(), 0755) != 0)
      die(kExitSetup, errno, "cannot create %s", dir.c_str());
    copyFile("/proc/self/exe", dir + "/kavach-launch", 0755);
    // The bytes of the policy that was verified, not the file again (it
    // could have been replaced since): the reader's canonical form writes
    // back byte for byte (a signature trailer is left off; the outer
    // launcher checked it).
    std::vector<uint8_t> bytes = runtime::writePolicy(policy);
    writeFile(dir + "/policy.bin", bytes.data(), bytes.size(), 0644);
  }
  // The inner launcher's argv tail: [--best-effort] policy -- command.
  std::vector<char *> tail;
  static char kBestEffort[] = "--best-effort", kPolicy[] = "/.kavach/policy.bin",
              kDashes[] = "--";
  if (inner) {
    if (bestEffort)
      tail.push_back(kBestEffort);
    tail.push_back(kPolicy);
    tail.push_back(kDashes);
  }
  for (char **p = args; *p; ++p)
    tail.push_back(*p);
  tail.push_back(nullptr);
  std::string config =
      fillTemplate(tmpl, tail.data(), envp, rootfs, b.dir, policyMounts(policy.process));
  writeFile(b.dir + "/config.json", config.data(), config.size(), 0600);
  return b;
}

void removeBundle(const Bundle &bundle) {
  nftw(bundle.dir.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS);
}

} // namespace kavach::launch
