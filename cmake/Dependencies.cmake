# Third-party libraries, all from Debian's apt (scripts/bootstrap installs them).

# --- LLVM Support (static), for cl::opt, SourceMgr, json, edit_distance.
set(LLVM_ROOT /usr/lib/llvm-14 CACHE PATH "LLVM 14 prefix")
find_library(LLVM_SUPPORT_LIB NAMES libLLVMSupport.a PATHS ${LLVM_ROOT}/lib NO_DEFAULT_PATH REQUIRED)
find_library(LLVM_DEMANGLE_LIB NAMES libLLVMDemangle.a PATHS ${LLVM_ROOT}/lib NO_DEFAULT_PATH REQUIRED)
find_library(TINFO_LIB NAMES tinfo REQUIRED)
find_library(Z_LIB NAMES z REQUIRED)
find_package(Threads REQUIRED)
add_library(kavach_llvm INTERFACE)
target_include_directories(kavach_llvm SYSTEM INTERFACE ${LLVM_ROOT}/include)
target_compile_definitions(kavach_llvm INTERFACE __STDC_CONSTANT_MACROS __STDC_FORMAT_MACROS __STDC_LIMIT_MACROS)
target_link_libraries(kavach_llvm INTERFACE ${LLVM_SUPPORT_LIB} ${LLVM_DEMANGLE_LIB}
  ${Z_LIB} ${TINFO_LIB} Threads::Threads ${CMAKE_DL_LIBS} rt m)

set(KAVACH_LLVM_TOOLS_DIR ${LLVM_ROOT}/bin CACHE PATH "FileCheck, not, count, split-file")
set(KAVACH_LIT ${LLVM_ROOT}/build/utils/lit/lit.py CACHE FILEPATH "lit.py")

# --- ANTLR4: the tool (Java) generates the parser at build time; the runtime links statically.
find_program(ANTLR4_TOOL antlr4 REQUIRED)
find_path(ANTLR4_INCLUDE_DIR antlr4-runtime.h PATHS /usr/include/antlr4-runtime REQUIRED)
find_library(ANTLR4_RUNTIME_LIB NAMES libantlr4-runtime.a antlr4-runtime REQUIRED)

# --- libseccomp: syscall tables per arch (compiler only) and a test oracle.
find_library(SECCOMP_LIB NAMES libseccomp.a seccomp REQUIRED)
find_path(SECCOMP_INCLUDE_DIR seccomp.h REQUIRED)

# --- fmt (compiler only).
find_package(fmt REQUIRED)

# --- libsodium (static): SHA-256 / Ed25519 for policy.bin, in runtime/.
find_library(SODIUM_STATIC_LIB NAMES libsodium.a REQUIRED)
find_path(SODIUM_INCLUDE_DIR sodium.h REQUIRED)

# --- libcap (launcher).
find_library(CAP_STATIC_LIB NAMES libcap.a REQUIRED)
find_library(CAP_LIB NAMES cap REQUIRED)

# --- GoogleTest.
find_package(GTest REQUIRED)
