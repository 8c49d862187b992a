// SHA-256 (FIPS 180-4) for content hashes of rule sets and reference data.
#ifndef CORDON_BASE_SHA256_H_
#define CORDON_BASE_SHA256_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace cordon {

class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  std::string HexDigest();  // finishes the hash

 private:
  void Block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

}  // namespace cordon

#endif  // CORDON_BASE_SHA256_H_
