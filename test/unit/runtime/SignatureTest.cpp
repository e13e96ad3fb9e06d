// Signed policy.bin: the trailer the reader accepts and refuses, and the key
// file format (runtime/Signature.h, docs/hardening.md).
#include "PolicyTestUtil.h"

#include "runtime/Signature.h"

#include <gtest/gtest.h>

#include <cstring>

namespace kavach::runtime::test {
namespace {

KeyPair key(uint8_t n) { return keyPairFromSeed({n}); }

std::vector<uint8_t> signedImage(const KeyPair &k) {
  std::vector<uint8_t> bytes = writePolicy(samplePolicy());
  std::vector<uint8_t> t = makeSignatureTrailer(bytes.data(), bytes.size(), k.secretKey);
  bytes.insert(bytes.end(), t.begin(), t.end());
  return bytes;
}

ReadError read(const std::vector<uint8_t> &b, const PublicKey *required = nullptr,
               std::string *detail = nullptr) {
  Policy p;
  return readPolicy(b.data(), b.size(), p, detail, required);
}

TEST(Signature, SigningOnlyAppendsTheTrailer) {
  std::vector<uint8_t> plain = writePolicy(samplePolicy());
  std::vector<uint8_t> s = signedImage(key(1));
  ASSERT_EQ(s.size(), plain.size() + kSignatureTrailerSize);
  EXPECT_TRUE(std::equal(plain.begin(), plain.end(), s.begin()));
  EXPECT_EQ(0, memcmp(s.data() + plain.size(), "KVSIG001", 8));
}

TEST(Signature, AcceptsValidSignatureWithAndWithoutRequiredKey) {
  KeyPair k = key(1);
  std::vector<uint8_t> s = signedImage(k);
  EXPECT_EQ(read(s), ReadError::None);
  EXPECT_EQ(read(s, &k.publicKey), ReadError::None);
  Policy p;
  ASSERT_EQ(readPolicy(s.data(), s.size(), p), ReadError::None);
  EXPECT_EQ(p, samplePolicy());
}

TEST(Signature, RequiredKeyRefusesUnsignedAndOtherSigners) {
  KeyPair k = key(1), other = key(2);
  std::vector<uint8_t> plain = writePolicy(samplePolicy());
  EXPECT_EQ(read(plain, &k.publicKey), ReadError::NotSigned);
  EXPECT_EQ(read(signedImage(other), &k.publicKey), ReadError::UntrustedSigner);
}

TEST(Signature, EveryTrailerBitIsProtected) {
  KeyPair k = key(3);
  std::vector<uint8_t> s = signedImage(k);
  size_t start = s.size() - kSignatureTrailerSize;
  for (size_t i = start; i < s.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> t = s;
      t[i] ^= uint8_t(1 << bit);
      ASSERT_NE(read(t), ReadError::None) << "byte " << i << " bit " << bit;
      ASSERT_NE(read(t, &k.publicKey), ReadError::None) << "byte " << i << " bit " << bit;
    }
}

TEST(Signature, TamperedContentWithResealedDigestIsRefused) {
  KeyPair k = key(4);
  std::vector<uint8_t> s = signedImage(k);
  size_t image = s.size() - kSignatureTrailerSize;
  std::vector<uint8_t> unsignedPart(s.begin(), s.begin() + image);
  unsignedPart[40] ^= 1; // section table
  fixDigest(unsignedPart);
  std::copy(unsignedPart.begin(), unsignedPart.end(), s.begin());
  std::string detail;
  EXPECT_EQ(read(s, nullptr, &detail), ReadError::BadSignature);
  EXPECT_NE(detail.find("does not verify"), std::string::npos) << detail;
}

TEST(Signature, TrailingBytesMustBeExactlyOneTrailer) {
  std::vector<uint8_t> plain = writePolicy(samplePolicy());
  std::vector<uint8_t> junk = plain;
  junk.resize(plain.size() + kSignatureTrailerSize, 0);
  EXPECT_EQ(read(junk), ReadError::BadSignature);
  std::vector<uint8_t> s = signedImage(key(5));
  for (size_t extra : {size_t(1), size_t(8), kSignatureTrailerSize}) {
    std::vector<uint8_t> t = s;
    t.resize(s.size() + extra, 0);
    EXPECT_EQ(read(t), ReadError::SizeMismatch) << extra;
  }
  std::vector<uint8_t> shortTrailer(s.begin(), s.end() - 1);
  EXPECT_EQ(read(shortTrailer), ReadError::SizeMismatch);
}

TEST(Signature, KeyFilesRoundTripAndParseStrictly) {
  KeyPair k = key(6);
  PublicKey pub;
  SecretKey sec;
  std::string why;
  ASSERT_TRUE(parsePublicKey(formatPublicKey(k.publicKey), pub, &why)) << why;
  EXPECT_EQ(pub, k.publicKey);
  ASSERT_TRUE(parseSecretKey(formatSecretKey(k.secretKey), sec, &why)) << why;
  EXPECT_EQ(sec, k.secretKey);

  std::string text = formatPublicKey(k.publicKey);
  EXPECT_FALSE(parsePublicKey(formatSecretKey(k.secretKey), pub, &why));
  EXPECT_FALSE(parseSecretKey(text, sec, &why));
  EXPECT_FALSE(parsePublicKey(text.substr(0, text.size() - 2), pub, &why)); // short
  std::string upper = text;
  upper[upper.size() - 2] = 'A';
  EXPECT_FALSE(parsePublicKey(upper, pub, &why));
  EXPECT_FALSE(parsePublicKey(text + "\n", pub, &why)); // one final newline only
  // A secret key whose public half was edited is refused.
  std::string sk = formatSecretKey(k.secretKey);
  sk[sk.size() - 2] = sk[sk.size() - 2] == '0' ? '1' : '0';
  EXPECT_FALSE(parseSecretKey(sk, sec, &why));
  EXPECT_NE(why.find("does not match"), std::string::npos) << why;
}

} // namespace
} // namespace kavach::runtime::test
