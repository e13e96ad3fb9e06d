// Loads a policy file with everything it pulls in: `import`ed files
// (relative to the importer, then -I directories), the stdlib prelude of
// syscall groups, and `extends std.X` policies from the stdlib directory.
// Each file is parsed once; policies and groups are indexed by name.
#pragma once

#include "compiler/Basic/Diagnostics.h"
#include "compiler/Parse/Ast.h"

#include "llvm/Support/MemoryBuffer.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kavach::sema {

struct LoadOptions {
  std::vector<std::string> includeDirs;   // -I
  std::string stdlibDir;                  // where std.* and groups.kv live
  std::map<std::string, std::string> defines; // -D name=value
};

class Program {
public:
  Program(DiagnosticEngine &Diags, LoadOptions Opts);

  // Loads the main file; false on I/O or syntax errors (already reported).
  bool loadMain(llvm::StringRef Path);
  // The same for text already in memory (fuzzers, tests): `Name` is what
  // diagnostics print and what relative imports are resolved against.
  bool loadMainBuffer(llvm::StringRef Name, llvm::StringRef Text);

  // The policy to compile: `Name` if given, else the only policy of the
  // main file. Reports and returns null when that is ambiguous or missing.
  const ast::Policy *selectPolicy(llvm::StringRef Name);

  // Resolves an `extends` target; loads std.* on demand. Reports errors.
  const ast::Policy *findPolicy(const ast::Name &Ref, bool FromStdlib);

  const ast::Group *findGroup(llvm::StringRef Name) const;
  std::vector<std::string> groupNames() const;
  // Groups defined outside the stdlib, in definition order: Sema checks
  // them even when no rule uses them (a typo in a group is an error now,
  // not when a policy first says @it).
  const std::vector<const ast::Group *> &userGroups() const { return UserGroups; }
  std::vector<std::string> policyNames() const;
  bool isStdlibPolicy(const ast::Policy *P) const;

  DiagnosticEngine &diags() { return Diags; }
  const LoadOptions &options() const { return Opts; }

private:
  // Reads `Path` unless `Buf` already holds its text.
  const ast::File *loadFile(const std::string &Path, llvm::SMRange From, bool Stdlib,
                            std::unique_ptr<llvm::MemoryBuffer> Buf = nullptr);
  void index(const ast::File &F, bool Stdlib);
  void loadPrelude();

  DiagnosticEngine &Diags;
  LoadOptions Opts;
  std::vector<std::unique_ptr<ast::File>> Files;
  std::map<std::string, const ast::File *> ByPath; // real path → file
  std::map<std::string, const ast::Policy *> Policies; // "name" or "std.name"
  std::map<std::string, const ast::Group *> Groups;
  std::vector<const ast::Group *> UserGroups;
  std::map<const ast::Policy *, bool> Stdlib;
  const ast::File *Main = nullptr;
  bool PreludeLoaded = false;
  unsigned Depth = 0;
  std::vector<std::string> Loading; // real paths of the files whose imports are being read
};

} // namespace kavach::sema
