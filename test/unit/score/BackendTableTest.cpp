// Invariants of compiler/Score/Backends.def and Weights.def, and the
// availability probes against a fake host.
#include "compiler/Score/Score.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <set>
#include <sys/stat.h>

using namespace kavach::score;

TEST(BackendTable, TheIssueBackendsAreThereOnce) {
  std::set<std::string> Names;
  for (const BackendInfo &B : allBackends())
    EXPECT_TRUE(Names.insert(B.name).second) << B.name;
  for (const char *N : {"process", "oci", "gvisor", "firecracker", "wasm", "sgx", "sev", "tdx",
                        "syagnos", "noop"})
    EXPECT_TRUE(Names.count(N)) << N;
}

TEST(BackendTable, HonestRows) {
  // gVisor implements no Landlock; noop enforces nothing; the bare OCI
  // config has no Landlock field.
  for (const char *N : {"gvisor", "oci-bare"}) {
    const BackendInfo *B = findBackend(N);
    ASSERT_TRUE(B);
    EXPECT_FALSE(B->enforcesFeature(Feature::LandlockFs)) << N;
    EXPECT_FALSE(B->enforcesFeature(Feature::NetworkPorts)) << N;
    EXPECT_FALSE(B->enforcesFeature(Feature::LandlockScope)) << N;
  }
  EXPECT_EQ(findBackend("noop")->enforces, 0u);
  EXPECT_EQ(classPoints(findBackend("noop")->cls), 0u);
}

TEST(BackendTable, LabelsCoverTheRange) {
  EXPECT_STREQ(label(0), "minimal");
  EXPECT_STREQ(label(29), "minimal");
  EXPECT_STREQ(label(30), "basic");
  EXPECT_STREQ(label(49), "basic");
  EXPECT_STREQ(label(50), "standard");
  EXPECT_STREQ(label(69), "standard");
  EXPECT_STREQ(label(70), "hardened");
  EXPECT_STREQ(label(84), "hardened");
  EXPECT_STREQ(label(85), "fortress");
  EXPECT_STREQ(label(100), "fortress");
}

TEST(BackendTable, WeightsHaveRationales) {
  for (unsigned I = 0; I <= unsigned(Weight::Commands); ++I) {
    EXPECT_GT(weightPoints(Weight(I)), 0u) << weightName(Weight(I));
    EXPECT_GT(std::string(weightWhy(Weight(I))).size(), 20u) << weightName(Weight(I));
    EXPECT_FALSE(std::string(weightHow(Weight(I))).empty());
  }
}

namespace {
std::string makeFakeRoot() {
  llvm::SmallString<128> Dir;
  EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("kavach-probe-root", Dir));
  return std::string(Dir);
}
void touch(const std::string &Path, const char *Text = "", unsigned Mode = 0644) {
  llvm::sys::fs::create_directories(llvm::sys::path::parent_path(Path));
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC);
  OS << Text;
  OS.close();
  ::chmod(Path.c_str(), Mode);
}
} // namespace

TEST(BackendProbe, FakeHostWithKvmAndFirecracker) {
  std::string Root = makeFakeRoot();
  ProbeEnv E{Root, Root + "/bin"};
  const BackendInfo *F = findBackend("firecracker");
  EXPECT_FALSE(probe(*F, E).available);
  touch(Root + "/bin/firecracker", "#!/bin/sh\nexit 0\n", 0755);
  Availability A = probe(*F, E);
  EXPECT_FALSE(A.available);
  EXPECT_NE(A.detail.find("/dev/kvm"), std::string::npos) << A.detail;
  touch(Root + "/dev/kvm");
  EXPECT_TRUE(probe(*F, E).available);
}

TEST(BackendProbe, ABinaryThatCannotRunIsNotAvailable) {
  std::string Root = makeFakeRoot();
  ProbeEnv E{Root, Root + "/bin"};
  touch(Root + "/bin/runsc", "#!/bin/sh\nexit 3\n", 0755);
  Availability A = probe(*findBackend("gvisor"), E);
  EXPECT_FALSE(A.available);
  EXPECT_NE(A.detail.find("--version failed"), std::string::npos) << A.detail;
}

TEST(BackendProbe, DevicesAndOsRelease) {
  std::string Root = makeFakeRoot();
  ProbeEnv E{Root, Root + "/bin"};
  for (const char *N : {"sgx", "sev", "tdx", "syagnos"})
    EXPECT_FALSE(probe(*findBackend(N), E).available) << N;
  touch(Root + "/dev/sgx_enclave");
  touch(Root + "/dev/sev-guest");
  touch(Root + "/dev/tdx_guest");
  touch(Root + "/etc/os-release", "NAME=Syagnos\nID=syagnos\n");
  for (const char *N : {"sgx", "sev", "tdx", "syagnos"})
    EXPECT_TRUE(probe(*findBackend(N), E).available) << N;
  EXPECT_TRUE(probe(*findBackend("noop"), E).available);
}
