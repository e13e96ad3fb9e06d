// Docker/moby seccomp profile → .kv text. Rules of the import are in
// compiler/tools/kavachc/DockerMode.cpp's header.
#include "compiler/Backend/Docker/DockerImport.h"

#include "compiler/Sema/Arches.h"

#include "llvm/Support/JSON.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <vector>

using namespace llvm;

namespace kavach::docker {
namespace {

// Docker's default capability set (moby oci/caps/defaults.go).
const char *const kDefaultCaps[] = {
    "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
    "CAP_MKNOD",  "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
    "CAP_SETFCAP", "CAP_SETPCAP",     "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
    "CAP_KILL",   "CAP_AUDIT_WRITE"};

bool defaultCap(StringRef C) {
  return std::any_of(std::begin(kDefaultCaps), std::end(kDefaultCaps),
                     [&](const char *D) { return C == D; });
}

std::string errnoText(int64_t N) {
  const char *Name = strerrorname_np(int(N));
  return Name ? Name : std::to_string(N);
}

Expected<std::string> actionText(StringRef A, llvm::Optional<int64_t> Errno) {
  if (A == "SCMP_ACT_ALLOW") return std::string("allow");
  if (A == "SCMP_ACT_ERRNO") return "errno(" + errnoText(Errno.getValueOr(1)) + ")";
  if (A == "SCMP_ACT_KILL_PROCESS") return std::string("kill_process");
  if (A == "SCMP_ACT_KILL" || A == "SCMP_ACT_KILL_THREAD") return std::string("kill_thread");
  if (A == "SCMP_ACT_TRAP") return std::string("trap");
  if (A == "SCMP_ACT_LOG") return std::string("log");
  if (A == "SCMP_ACT_NOTIFY") return std::string("user_notif");
  return createStringError(inconvertibleErrorCode(),
                           "action '" + A + "' has no kavach equivalent");
}

std::string hex(uint64_t V) {
  char B[32];
  snprintf(B, sizeof B, V > 255 ? "0x%llx" : "%llu", (unsigned long long)V);
  return B;
}

Expected<std::string> condText(const json::Array &Args) {
  std::string Out;
  for (const json::Value &V : Args) {
    const json::Object *A = V.getAsObject();
    if (!A)
      return createStringError(inconvertibleErrorCode(), "an 'args' entry is not an object");
    auto Idx = A->getInteger("index");
    llvm::Optional<uint64_t> Val, Two = uint64_t(0);
    if (const json::Value *X = A->get("value"))
      Val = X->getAsUINT64();
    if (const json::Value *X = A->get("valueTwo"))
      Two = X->getAsUINT64();
    auto Op = A->getString("op");
    if (!Idx || *Idx < 0 || *Idx > 5 || !Val || !Op)
      return createStringError(inconvertibleErrorCode(), "malformed 'args' entry");
    std::string Arg = "arg" + std::to_string(*Idx);
    static const std::map<std::string, std::string> kOps = {
        {"SCMP_CMP_EQ", "=="}, {"SCMP_CMP_NE", "!="}, {"SCMP_CMP_LT", "<"},
        {"SCMP_CMP_LE", "<="}, {"SCMP_CMP_GT", ">"},  {"SCMP_CMP_GE", ">="}};
    std::string C;
    if (*Op == "SCMP_CMP_MASKED_EQ")
      C = "(" + Arg + " & " + hex(*Val) + ") == " + hex(Two.getValueOr(0));
    else if (auto It = kOps.find(Op->str()); It != kOps.end())
      C = Arg + " " + It->second + " " + hex(*Val);
    else
      return createStringError(inconvertibleErrorCode(), "unknown comparison '" + *Op + "'");
    Out += (Out.empty() ? "" : " && ") + C;
  }
  return Out;
}

bool appliesToAmd64(const json::Object &E, std::string &Why) {
  auto ArchList = [](const json::Object *O) {
    std::vector<std::string> L;
    if (O)
      if (const json::Array *A = O->getArray("arches"))
        for (const json::Value &V : *A)
          if (auto S = V.getAsString())
            L.push_back(S->str());
    return L;
  };
  auto CapList = [](const json::Object *O) {
    std::vector<std::string> L;
    if (O)
      if (const json::Array *A = O->getArray("caps"))
        for (const json::Value &V : *A)
          if (auto S = V.getAsString())
            L.push_back(S->str());
    return L;
  };
  const json::Object *Inc = E.getObject("includes"), *Exc = E.getObject("excludes");
  auto IA = ArchList(Inc), EA = ArchList(Exc);
  if (!IA.empty() && std::find(IA.begin(), IA.end(), "amd64") == IA.end()) {
    Why = "other arches";
    return false;
  }
  if (std::find(EA.begin(), EA.end(), "amd64") != EA.end()) {
    Why = "excludes amd64";
    return false;
  }
  for (const std::string &C : CapList(Inc))
    if (!defaultCap(C)) {
      Why = "needs " + C;
      return false;
    }
  for (const std::string &C : CapList(Exc))
    if (defaultCap(C)) {
      Why = "excluded with " + C;
      return false;
    }
  return true;
}

std::string wrap(const std::string &Head, const std::vector<std::string> &Names,
                 const std::string &Tail) {
  std::string Out, Line = "    " + Head + " ";
  for (size_t I = 0; I < Names.size(); ++I) {
    std::string W = Names[I] + (I + 1 < Names.size() ? "," : "");
    if (Line.size() + W.size() > 96) {
      while (!Line.empty() && Line.back() == ' ')
        Line.pop_back();
      Out += Line + "\n";
      Line = "      ";
    }
    Line += W + (I + 1 < Names.size() ? " " : "");
  }
  return Out + Line + Tail + ";\n";
}

} // namespace

Expected<std::string> importProfile(StringRef Text, StringRef Name) {
  Expected<json::Value> Doc = json::parse(Text);
  if (!Doc)
    return Doc.takeError();
  const json::Object *Root = Doc->getAsObject();
  if (!Root)
    return createStringError(inconvertibleErrorCode(), "not a JSON object");
  const json::Array *Sys = Root->getArray("syscalls");
  auto Default = Root->getString("defaultAction");
  if (!Default)
    return createStringError(inconvertibleErrorCode(), "no 'defaultAction'");
  Expected<std::string> Def = actionText(*Default, Root->getInteger("defaultErrnoRet"));
  if (!Def)
    return Def.takeError();

  const sema::SyscallTable &T = sema::SyscallTable::get(*sema::findArch("x86_64"));
  std::map<std::string, std::vector<std::string>> Uncond; // action → names
  std::vector<std::string> CondRules, Skipped;
  std::set<std::string> Unknown;
  if (Sys)
    for (const json::Value &V : *Sys) {
      const json::Object *E = V.getAsObject();
      if (!E)
        return createStringError(inconvertibleErrorCode(), "a 'syscalls' entry is not an object");
      std::vector<std::string> Names;
      if (const json::Array *N = E->getArray("names"))
        for (const json::Value &X : *N)
          if (auto S = X.getAsString())
            Names.push_back(S->str());
      if (auto S = E->getString("name"))
        Names.push_back(S->str());
      std::string Why;
      if (!appliesToAmd64(*E, Why)) {
        Skipped.push_back((Names.empty() ? std::string("?") : Names.front()) +
                          (Names.size() > 1 ? ",..." : "") + " (" + Why + ")");
        continue;
      }
      auto A = E->getString("action");
      if (!A)
        return createStringError(inconvertibleErrorCode(), "an entry has no 'action'");
      Expected<std::string> Act = actionText(*A, E->getInteger("errnoRet"));
      if (!Act)
        return Act.takeError();
      std::vector<std::string> Known;
      for (const std::string &N : Names) {
        (T.lookup(N) ? Known.push_back(N) : (void)Unknown.insert(N));
      }
      if (Known.empty())
        continue;
      const json::Array *Args = E->getArray("args");
      if (!Args || Args->empty()) {
        auto &L = Uncond[*Act];
        L.insert(L.end(), Known.begin(), Known.end());
        continue;
      }
      Expected<std::string> C = condText(*Args);
      if (!C)
        return C.takeError();
      for (const std::string &N : Known)
        CondRules.push_back(*Act == "allow" ? "    allow " + N + " if " + *C + ";\n"
                                            : "    deny " + N + " with " + *Act + " if " + *C +
                                                  ";\n");
    }

  std::string P;
  for (char C : Name)
    P += isalnum(static_cast<unsigned char>(C)) ? C : '_';
  P = "imported_" + P; // "default" is a keyword
  std::string Out = "// Imported by kavachc --import-docker from " + Name.str() +
                    ".json for an x86_64 container.\n"
                    "// Assumed as `docker run` does by default: Docker's default capability set,\n"
                    "// a kernel new enough for every minKernel entry.\n";
  if (!Skipped.empty()) {
    Out += "// Entries left out:";
    for (const std::string &S : Skipped)
      Out += "\n//   " + S;
    Out += "\n";
  }
  if (!Unknown.empty()) {
    Out += "// Names x86_64 does not have:";
    std::string Line;
    for (const std::string &U : Unknown)
      Line += " " + U;
    Out += Line + "\n";
  }
  Out += "policy " + P + " {\n  seccomp {\n    default " + *Def + ";\n    arch x86_64;\n";
  for (auto &[Act, Names] : Uncond) {
    std::sort(Names.begin(), Names.end());
    Names.erase(std::unique(Names.begin(), Names.end()), Names.end());
    if (Act == "allow")
      Out += wrap("allow", Names, "");
    else
      Out += wrap("deny", Names, " with " + Act);
  }
  for (const std::string &R : CondRules)
    Out += R;
  Out += "  }\n}\n";
  return Out;
}

} // namespace kavach::docker
