#!/usr/bin/env python3
"""Writes a copy of LLVM 14's llvm/Support/JSON.h that clang 14 accepts in
C++20 with libstdc++ 12 (see ClangCompat.cmake): json::Array's inline member
functions, which use std::vector<Value> while Value is still incomplete, are
moved below the definition of Value. Nothing else changes (same members,
same layout, same inline linkage). Fails loudly if the header is not the one
this was written for.

usage: patch-llvm-json.py SRC/JSON.h DST/JSON.h
"""
import re
import sys

src, dst = sys.argv[1], sys.argv[2]
text = open(src).read()

begin = text.index("class Array {\n")
end = text.index("\n};\n", begin) + len("\n};\n")
body = text[begin:end]
value_end = text.index("\n};\n", text.index("\nclass Value {\n")) + len("\n};\n")
if not begin < value_end:
    sys.exit("patch-llvm-json.py: unexpected JSON.h layout")

# One-line inline members: `<sig> { <body> }` (templates kept in the class).
pattern = re.compile(r"^  ((?!template|friend|explicit)[^\n{;]*?\b(operator\[\]|\w+)\(([^)]*)\)( const)?) \{ (.*) \}$",
                     re.M)
decls, defs = [], []

def move(m):
    sig, name, params, const, inner = m.group(1), m.group(2), m.group(3), m.group(4) or "", m.group(5)
    if "V" not in inner:
        return m.group(0)
    ret = sig[: sig.rindex(name)].strip()
    qualified_ret = re.sub(r"\b(iterator|const_iterator)\b", r"Array::\1", ret)
    defs.append("inline %s Array::%s(%s)%s { %s }" % (qualified_ret, name, params, const, inner))
    return "  %s;" % sig

new_body = pattern.sub(move, body)
# The two-line insert(iterator, Value &&).
two_line = "  iterator insert(iterator P, Value &&E) {\n    return V.insert(P, std::move(E));\n  }"
if two_line not in new_body:
    sys.exit("patch-llvm-json.py: unexpected json::Array::insert")
new_body = new_body.replace(two_line, "  iterator insert(iterator P, Value &&E);")
defs.append("inline Array::iterator Array::insert(iterator P, Value &&E) {\n"
            "  return V.insert(P, std::move(E));\n}")
friend = "  friend bool operator==(const Array &L, const Array &R) { return L.V == R.V; }"
if friend not in new_body:
    sys.exit("patch-llvm-json.py: unexpected json::Array operator==")
new_body = new_body.replace(friend, "  friend bool operator==(const Array &L, const Array &R);")
defs.append("inline bool operator==(const Array &L, const Array &R) { return L.V == R.V; }")
if len(defs) < 20:
    sys.exit("patch-llvm-json.py: moved only %d members; unexpected JSON.h" % len(defs))

out = (text[:begin] + new_body + text[end:value_end] +
       "\n// Moved out of class Array by kavach's test/fuzz/patch-llvm-json.py.\n" +
       "\n".join(defs) + "\n" + text[value_end:])
with open(dst, "w") as f:
    f.write(out)
