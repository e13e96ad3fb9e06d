# What it takes to build kavach with Debian 12's clang 14 (the fuzz build;
# the product builds with GCC). Two header problems, neither in kavach:
#
# 1. libstdc++ 12 makes std::vector constexpr in C++20, and clang 14 then
#    instantiates vector<T> members as soon as an inline function names
#    them, even while T is incomplete. That breaks llvm/Support/JSON.h,
#    whose json::Array uses vector<json::Value> inline before Value is
#    defined. The fuzz build puts a copy of JSON.h first on the include path
#    with those members moved below Value (patch-llvm-json.py).
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(_kavach_llvm_overlay ${CMAKE_BINARY_DIR}/llvm-clang-compat)
file(MAKE_DIRECTORY ${_kavach_llvm_overlay}/llvm/Support)
execute_process(
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/patch-llvm-json.py
          ${LLVM_ROOT}/include/llvm/Support/JSON.h ${_kavach_llvm_overlay}/llvm/Support/JSON.h
  RESULT_VARIABLE _kavach_rc)
if(NOT _kavach_rc EQUAL 0)
  message(FATAL_ERROR "cannot make a clang-compatible llvm/Support/JSON.h")
endif()
include_directories(BEFORE SYSTEM ${_kavach_llvm_overlay})
#
# 2. ANTLR 4.9's headers:
#    they do not compile with clang in C++20:
#    misc/InterpreterDataReader.h has an inline `InterpreterData() {}` whose
#    member dfa::Vocabulary has an implicitly deleted default constructor (a
#    const std::vector member), which GCC accepts and clang rejects. kavach never
#    uses InterpreterData, so the fuzz build compiles against a copy of the
#    headers with that one constructor removed. The runtime library itself
#    (libantlr4-runtime.a, built by GCC) is linked unchanged; the struct's
#    layout does not change.
set(_kavach_antlr_overlay ${CMAKE_BINARY_DIR}/antlr4-runtime-clang)
file(COPY ${ANTLR4_INCLUDE_DIR}/ DESTINATION ${_kavach_antlr_overlay})
file(READ ${_kavach_antlr_overlay}/misc/InterpreterDataReader.h _kavach_header)
string(REPLACE "InterpreterData() {};" "" _kavach_header "${_kavach_header}")
file(WRITE ${_kavach_antlr_overlay}/misc/InterpreterDataReader.h "${_kavach_header}")
set(ANTLR4_INCLUDE_DIR ${_kavach_antlr_overlay})
