// Interpreter discovery for single-file execute grants. A policy that says
// `execute "/usr/bin/python3"` means "this program may run", but execve also
// opens the ELF interpreter (/lib64/ld-linux-x86-64.so.2) and, for a
// script, the `#!` interpreter, and Landlock checks those too. So for every
// granted regular file with the execute right, the Landlock step also grants
// execute|read_file on what this file finds.
//
// Parsing is bounded and defensive, since policy files name arbitrary paths:
// only the first 256 bytes (the kernel's BINPRM_BUF_SIZE) for `#!` and the
// ELF header, at most 64 KiB of program headers (binfmt_elf's own limit), an
// interpreter path of at most PATH_MAX bytes, and at most kMaxDepth levels
// of interpreter-of-interpreter. Only native-endian ELF (either class) is
// read. Deliberately skipped: shared libraries (DT_NEEDED; Landlock needs
// only read_file on them, which the policy grants on /lib and the like),
// binfmt_misc handlers, and relative `#!` interpreters, which depend on the
// working directory. The grant follows the file's contents at launch time.
#include "launcher/Interpreter.h"

#include <climits>
#include <cstdint>
#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace kavach::launch {

namespace {

constexpr int kMaxDepth = 4;                // the kernel nests binfmt handlers about as deep
constexpr size_t kHeadSize = 256;           // BINPRM_BUF_SIZE
constexpr size_t kMaxPhdrBytes = 64 * 1024; // binfmt_elf refuses more

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr unsigned char kNativeData = ELFDATA2LSB;
#else
constexpr unsigned char kNativeData = ELFDATA2MSB;
#endif

bool readAt(int fd, void *buf, size_t size, uint64_t offset) {
  if (offset > static_cast<uint64_t>(INT64_MAX) - size)
    return false;
  ssize_t n = pread(fd, buf, size, static_cast<off_t>(offset));
  return n >= 0 && static_cast<size_t>(n) == size;
}

// "#!" [ \t]* interpreter [ \t\n\0] ...: the same split binfmt_script makes.
std::optional<std::string> shebang(const char *head, size_t size) {
  if (size < 2 || head[0] != '#' || head[1] != '!')
    return std::nullopt;
  size_t i = 2;
  while (i < size && (head[i] == ' ' || head[i] == '\t'))
    ++i;
  size_t start = i;
  while (i < size && head[i] != ' ' && head[i] != '\t' && head[i] != '\n' && head[i] != '\0')
    ++i;
  if (i == start || i == size) // empty, or cut off by the 256-byte limit (the kernel says ENOEXEC)
    return std::nullopt;
  return std::string(head + start, i - start);
}

template <class Ehdr, class Phdr>
std::optional<std::string> elfInterp(int fd, const char *head, size_t size) {
  Ehdr eh;
  if (size < sizeof eh)
    return std::nullopt;
  std::memcpy(&eh, head, sizeof eh);
  if ((eh.e_type != ET_EXEC && eh.e_type != ET_DYN) || eh.e_phentsize != sizeof(Phdr) ||
      eh.e_phnum == 0 || eh.e_phnum > kMaxPhdrBytes / sizeof(Phdr))
    return std::nullopt;
  std::vector<Phdr> phdrs(eh.e_phnum);
  if (!readAt(fd, phdrs.data(), phdrs.size() * sizeof(Phdr), eh.e_phoff))
    return std::nullopt;
  for (const Phdr &ph : phdrs) {
    if (ph.p_type != PT_INTERP)
      continue;
    // NUL-terminated, as binfmt_elf requires.
    if (ph.p_filesz < 2 || ph.p_filesz > PATH_MAX)
      return std::nullopt;
    std::string interp(ph.p_filesz, '\0');
    if (!readAt(fd, interp.data(), interp.size(), ph.p_offset) || interp.back() != '\0')
      return std::nullopt;
    interp.pop_back();
    if (interp.find('\0') != std::string::npos)
      return std::nullopt;
    return interp;
  }
  return std::nullopt; // static binary
}

// The interpreter `path` names directly: true and `out` set, if any.
bool directInterpreter(const std::string &path, Interpreter &out) {
  // O_NONBLOCK: never hang on a FIFO swapped in after the caller's fstat.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return false;
  struct stat st;
  char head[kHeadSize];
  ssize_t size = -1;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
    size = pread(fd, head, sizeof head, 0);
  std::optional<std::string> interp;
  const char *kind = "#! interpreter";
  if (size > 0) {
    size_t n = static_cast<size_t>(size);
    interp = shebang(head, n);
    if (!interp && n >= EI_NIDENT && std::memcmp(head, ELFMAG, SELFMAG) == 0 &&
        head[EI_DATA] == kNativeData) {
      kind = "ELF interpreter";
      if (head[EI_CLASS] == ELFCLASS64)
        interp = elfInterp<Elf64_Ehdr, Elf64_Phdr>(fd, head, n);
      else if (head[EI_CLASS] == ELFCLASS32)
        interp = elfInterp<Elf32_Ehdr, Elf32_Phdr>(fd, head, n);
    }
  }
  close(fd);
  if (!interp || interp->front() != '/')
    return false;
  out = Interpreter{std::move(*interp), path, kind};
  return true;
}

} // namespace

std::vector<Interpreter> findInterpreters(const std::string &path) {
  std::vector<Interpreter> chain;
  std::string current = path;
  for (int depth = 0; depth < kMaxDepth; ++depth) {
    Interpreter next;
    if (!directInterpreter(current, next))
      break;
    current = next.path;
    chain.push_back(std::move(next));
  }
  return chain;
}

} // namespace kavach::launch
