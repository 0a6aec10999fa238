// Shared by the fuzz harnesses: the libFuzzer entry point's declaration, a check that aborts
// (so that libFuzzer, or the regression runner under ASan, reports the input), and a reader
// that turns the input's bytes into choices.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

#define FUZZ_CHECK(cond)                                                                    \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond);   \
      std::abort();                                                                         \
    }                                                                                       \
  } while (0)

namespace fuzz {

/// Consumes the input front to back: small numbers for choices, then text.
class reader {
 public:
  reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  /// 0 .. n-1 (n > 0).
  std::size_t pick(std::size_t n) { return n <= 256 ? byte() % n : (std::size_t{byte()} << 8 | byte()) % n; }
  std::int64_t number(std::int64_t lo, std::int64_t hi) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | byte();
    return lo + static_cast<std::int64_t>(v % static_cast<std::uint64_t>(hi - lo + 1));
  }
  /// Text up to the next 0 byte (or the end), at most `max` bytes.
  std::string text(std::size_t max = 256) {
    std::string out;
    while (pos_ < size_ && data_[pos_] != 0 && out.size() < max) out.push_back(static_cast<char>(data_[pos_++]));
    if (pos_ < size_ && data_[pos_] == 0) ++pos_;
    return out;
  }
  std::string_view rest() {
    std::string_view r(reinterpret_cast<const char*>(data_) + pos_, size_ - pos_);
    pos_ = size_;
    return r;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace fuzz
