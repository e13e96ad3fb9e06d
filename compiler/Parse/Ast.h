// The syntax tree of a .kv file. Every node keeps the source range it came
// from, so Sema can point at the exact token. Nodes hold strings as written;
// Sema resolves names (syscalls, groups, constants, arches) and reports.
#pragma once

#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kavach::ast {

struct Name {
  std::string text;
  llvm::SMRange range;
};

// An integer literal or a symbolic constant (`EPERM`, `AF_UNIX`, `arg0`).
struct Atom {
  enum class Kind { Int, Ident } kind = Kind::Int;
  std::string text;  // as written
  uint64_t value = 0; // Int: value without unit
  std::string unit;   // Int: suffix such as "MiB", "s" ("" if none)
  bool overflow = false;
  llvm::SMRange range;
  // `A | B | ...` in a test expectation's argument: the value is the OR of
  // these (Sema's convertConstant); `text` is the whole expression.
  std::vector<Atom> orParts;
};

struct Action {
  Name name;               // allow, errno, kill_process, ...
  std::optional<Atom> arg; // errno(EPERM)
  llvm::SMRange range;
};

// Conditions and the values inside them share one node type; Sema checks
// which is which (a bare value in condition position means `!= 0`).
struct Expr {
  enum class Kind { Atom, And, Or, Not, Cmp, In, BitAnd, BitOr } kind = Kind::Atom;
  enum class CmpOp { Eq, Ne, Lt, Le, Gt, Ge } op = CmpOp::Eq;
  Atom atom;                               // Kind::Atom
  std::vector<std::unique_ptr<Expr>> kids; // operands; In: kids[0] in {kids[1..]}
  llvm::SMRange range;
  bool parenthesized = false;
};
using ExprPtr = std::unique_ptr<Expr>;

struct SyscallRef {
  std::string name; // without '@' for groups
  bool isGroup = false;
  llvm::SMRange range;
};

struct Rule {
  bool allow = true;
  std::vector<SyscallRef> syscalls;
  std::optional<Action> action; // `with ACTION`
  ExprPtr cond;                 // `if COND`
  llvm::SMRange range;
};

struct OnUnsupported {
  Name how; // fail | best_effort
  llvm::SMRange range;
};

struct Seccomp {
  std::optional<Action> defaultAction;
  std::optional<Action> unknownAction;
  std::vector<Name> arches;
  llvm::SMRange archRange;
  std::vector<Rule> rules;
  std::optional<OnUnsupported> onUnsupported;
  llvm::SMRange range;
};

// A generic statement: words separated by blanks or commas, up to ';'.
struct Word {
  enum class Kind { Ident, String, Int, Punct } kind = Kind::Ident;
  std::string text;   // identifier, string contents (unescaped), punctuation
  Atom atom;          // Int
  llvm::SMRange range;
};

struct Stmt {
  std::vector<Word> words;
  llvm::SMRange range;
};

struct Section {
  Name name; // filesystem, network, namespaces, ...
  std::vector<Stmt> stmts;
  llvm::SMRange range;
};

// `expect openat(...) -> allow [on ARCH];`, or a bound on a call's value
// such as `expect score(process) >= 70;` (then `action` is empty and
// `cmp`/`bound` hold the comparison).
struct Expect {
  Name syscall;
  std::vector<Atom> args;
  Action action;
  std::optional<Name> arch;
  std::optional<Name> cmp; // ">=", ">", "<=", "<", "=="
  Atom bound;
  llvm::SMRange range;
};

struct Policy {
  Name name;
  std::optional<Name> parent; // dotted, e.g. "std.strict"
  std::optional<OnUnsupported> onUnsupported;
  std::optional<Seccomp> seccomp;
  std::vector<Section> sections;
  std::vector<Stmt> stmts; // statements directly in the policy body
  std::vector<Expect> expects;
  llvm::SMRange range;
  unsigned bufferId = 0;
};

struct Group {
  Name name;
  std::vector<SyscallRef> members;
  llvm::SMRange range;
};

struct Import {
  std::string path;
  llvm::SMRange range;
};

struct File {
  std::string path;
  unsigned bufferId = 0;
  std::vector<Import> imports;
  std::vector<Policy> policies;
  std::vector<Group> groups;
};

} // namespace kavach::ast
