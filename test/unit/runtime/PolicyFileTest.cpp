// readPolicyFile: regular files only, bounded size, errors carry the path
// and strerror.
#include "PolicyTestUtil.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kavach::runtime::test {
namespace {

using ::testing::HasSubstr;

class PolicyFile : public ::testing::Test {
protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "kavach-policyio-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir = tmpl;
  }
  void TearDown() override {
    for (const char *name : {"policy.bin", "fifo", "big.bin", "empty.bin"})
      unlink((dir + "/" + name).c_str());
    rmdir(dir.c_str());
  }
  std::string write(const char *name, const std::vector<uint8_t> &bytes) {
    std::string path = dir + "/" + name;
    FILE *f = fopen(path.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    if (f) {
      if (!bytes.empty()) { // fwrite's buffer must not be null, even for 0 bytes
        EXPECT_EQ(fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
      }
      fclose(f);
    }
    return path;
  }
  std::string dir;
};

TEST_F(PolicyFile, ReadsWhatWasWritten) {
  std::string path = write("policy.bin", writePolicy(samplePolicy()));
  Policy out;
  std::string detail;
  ASSERT_EQ(readPolicyFile(path.c_str(), out, &detail), ReadError::None) << detail;
  EXPECT_EQ(out, samplePolicy());
}

TEST_F(PolicyFile, PassesReaderErrorsThrough) {
  std::vector<uint8_t> bytes = writePolicy(samplePolicy());
  bytes[100] ^= 1;
  std::string path = write("policy.bin", bytes);
  Policy out;
  EXPECT_EQ(readPolicyFile(path.c_str(), out), ReadError::BadDigest);
  path = write("empty.bin", {});
  EXPECT_EQ(readPolicyFile(path.c_str(), out), ReadError::TooSmall);
}

TEST_F(PolicyFile, RejectsDirectory) {
  Policy out;
  std::string detail;
  EXPECT_EQ(readPolicyFile(dir.c_str(), out, &detail), ReadError::Io);
  EXPECT_THAT(detail, HasSubstr("not a regular file"));
}

TEST_F(PolicyFile, RejectsMissingFile) {
  Policy out;
  std::string detail;
  std::string path = dir + "/nope.bin";
  EXPECT_EQ(readPolicyFile(path.c_str(), out, &detail), ReadError::Io);
  EXPECT_THAT(detail, HasSubstr(path));
  EXPECT_THAT(detail, HasSubstr("No such file or directory"));
  EXPECT_EQ(readPolicyFile(nullptr, out, &detail), ReadError::Io);
}

// Opening a FIFO with no writer must not block.
TEST_F(PolicyFile, RejectsFifoWithoutHanging) {
  std::string path = dir + "/fifo";
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  Policy out;
  std::string detail;
  EXPECT_EQ(readPolicyFile(path.c_str(), out, &detail), ReadError::Io);
  EXPECT_THAT(detail, HasSubstr("not a regular file"));
}

TEST_F(PolicyFile, RejectsCharacterDevice) {
  Policy out;
  std::string detail;
  EXPECT_EQ(readPolicyFile("/dev/null", out, &detail), ReadError::Io);
  EXPECT_THAT(detail, HasSubstr("not a regular file"));
}

TEST_F(PolicyFile, RejectsOversizedFileWithoutReadingIt) {
  std::string path = dir + "/big.bin";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, off_t(kMaxFileSize) + 1), 0); // sparse
  close(fd);
  Policy out;
  std::string detail;
  EXPECT_EQ(readPolicyFile(path.c_str(), out, &detail), ReadError::TooLarge);
  EXPECT_THAT(detail, HasSubstr("16777217 bytes"));
}

} // namespace
} // namespace kavach::runtime::test
