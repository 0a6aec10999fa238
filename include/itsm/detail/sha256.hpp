#pragma once
// SHA-256 through OpenSSL's libcrypto (Debian libssl-dev): the hash chain of exported histories.

#include <new>
#include <string>
#include <string_view>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "itsm/error.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

/// Lower-case hex SHA-256 of `data`.
inline std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    // SHA-256 of the default provider takes no parameters that could be wrong: what fails here is
    // the context or the algorithm fetch that EVP_Digest allocates, so this is out of memory.
    ERR_clear_error();
    throw std::bad_alloc();
  }
  if (size != 32) fail(errc::internal, "SHA-256: OpenSSL EVP_Digest gave " + std::to_string(size) + " bytes");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(64, '0');
  for (unsigned i = 0; i < 32; ++i) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 15];
  }
  return out;
}

}  // namespace detail
}  // namespace v1
}  // namespace itsm
