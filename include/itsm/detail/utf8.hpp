#pragma once
// UTF-8 checks for text that reaches itsm without passing a JSON parser: C++ callers' strings
// and JSON values built in memory. Everything itsm stores is later written out as JSON (snapshots,
// exports, the C ABI's details), and a byte that is not UTF-8 would make that fail long after
// the call that let it in; so it is refused where it enters, naming the field and the byte.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "itsm/error.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

/// The length of the well-formed UTF-8 sequence starting at `s[i]` (1..4), or 0 when the bytes
/// there are not one: overlongs, surrogates and values past U+10FFFF are refused, as RFC 3629 says.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 1, cp = c & 0x1Fu;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 2, cp = c & 0x0Fu;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 3, cp = c & 0x07u;
  } else {
    return 0;
  }
  if (s.size() - i <= n) return 0;
  for (std::size_t k = 1; k <= n; ++k) {
    const unsigned b = byte(i + k);
    if ((b & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n + 1;
}

inline constexpr std::size_t utf8_ok = std::string_view::npos;

/// The byte offset of the first byte of `s` that breaks UTF-8, or `utf8_ok`.
inline std::size_t invalid_utf8_at(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {  // ASCII, the common case, costs a compare
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return i;
    i += n;
  }
  return utf8_ok;
}

inline std::string not_utf8_message(const std::string& field, std::size_t at) {
  return field + ": not valid UTF-8 (byte " + std::to_string(at) + ")";
}

/// Fails with `invalid_argument` naming `field` when `s` is not UTF-8.
inline void need_utf8(std::string_view s, const std::string& field) {
  if (const auto at = invalid_utf8_at(s); at != utf8_ok) fail(errc::invalid_argument, not_utf8_message(field, at));
}

/// A copy of `s` with every byte that breaks UTF-8 replaced by U+FFFD: for diagnostics that come
/// from the host (a guard's reason, an action's exception) and are only ever shown, never stored.
inline std::string utf8_or_replaced(std::string_view s) {
  if (invalid_utf8_at(s) == utf8_ok) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  return out;
}

namespace utf8_walk {
using json = nlohmann::json;

/// Whether a string or object key anywhere in `root` breaks UTF-8; iterative, so a value built
/// deeper than the stack allows is still walked.
inline bool all_valid(const json& root) {
  std::vector<const json*> todo{&root};
  while (!todo.empty()) {
    const json* j = todo.back();
    todo.pop_back();
    if (j->is_string()) {
      if (invalid_utf8_at(j->get_ref<const std::string&>()) != utf8_ok) return false;
    } else if (j->is_object()) {
      for (auto it = j->begin(); it != j->end(); ++it) {
        if (invalid_utf8_at(it.key()) != utf8_ok) return false;
        todo.push_back(&it.value());
      }
    } else if (j->is_array()) {
      for (const auto& v : *j) todo.push_back(&v);
    }
  }
  return true;
}

/// The message for the first bad string or key in `root`, with its path below `what`; run only
/// once `all_valid` has said there is one, since it builds a path for every value it visits.
inline std::string describe_first_invalid(const json& root, const std::string& what) {
  std::vector<std::pair<const json*, std::string>> todo{{&root, what}};
  while (!todo.empty()) {
    auto [j, path] = std::move(todo.back());
    todo.pop_back();
    if (j->is_string()) {
      if (const auto at = invalid_utf8_at(j->get_ref<const std::string&>()); at != utf8_ok) {
        return not_utf8_message(path, at);
      }
    } else if (j->is_object()) {
      std::vector<std::pair<const json*, std::string>> children;
      for (auto it = j->begin(); it != j->end(); ++it) {
        if (const auto at = invalid_utf8_at(it.key()); at != utf8_ok) {
          return path + ": a key is not valid UTF-8 (byte " + std::to_string(at) + ")";
        }
        children.emplace_back(&it.value(), path + "." + it.key());
      }
      for (auto c = children.rbegin(); c != children.rend(); ++c) todo.push_back(std::move(*c));
    } else if (j->is_array()) {
      for (std::size_t i = j->size(); i-- > 0;) todo.emplace_back(&(*j)[i], path + "[" + std::to_string(i) + "]");
    }
  }
  return what + ": not valid UTF-8";
}
}  // namespace utf8_walk

/// Fails with `invalid_argument` naming the path (below `what`) of the first string or key in
/// `j` that is not UTF-8. For JSON values built in memory; parsed text is UTF-8 already.
inline void need_utf8_json(const nlohmann::json& j, const std::string& what) {
  if (!utf8_walk::all_valid(j)) fail(errc::invalid_argument, utf8_walk::describe_first_invalid(j, what));
}

}  // namespace detail
}  // namespace v1
}  // namespace itsm
