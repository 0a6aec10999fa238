#pragma once
/// \file
/// Text in: the one JSON reader every JSON document the library accepts goes through, with the
/// limits of `itsm/limits.hpp` (size and nesting depth) applied before parsing. Hosts and
/// bindings that take JSON text from their callers read it here, so it is held to the same
/// limits and answered with the same errors; and the UTF-8 check all stored text passes.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "itsm/detail/json_release.hpp"
#include "itsm/detail/json_util.hpp"
#include "itsm/detail/utf8.hpp"
#include "itsm/error.hpp"

namespace itsm {
inline namespace v1 {

/// Parses `text` as one JSON document. `what` names it in errors (`"fields"`, `"policy"`):
/// `limit_exceeded` beyond `limits::json_bytes` or `limits::json_depth`, `parse_error` when it
/// is not JSON.
inline result<nlohmann::json> parse_json(std::string_view text, const std::string& what = "json") {
  return detail::capture<nlohmann::json>([&] { return detail::parse_json_text(text, what); });
}

/// The offset of the first byte of `text` that is not valid UTF-8 (RFC 3629: overlong forms,
/// surrogates and code points past U+10FFFF refused), or none when all of it is. Every text the
/// library stores must be UTF-8; a host reading files checks them here to name the bad byte.
inline std::optional<std::size_t> invalid_utf8_offset(std::string_view text) noexcept {
  const std::size_t at = detail::invalid_utf8_at(text);
  if (at == detail::utf8_ok) return std::nullopt;
  return at;
}

/// Empties a JSON value's nested arrays and objects without allocating, so that destroying it
/// afterwards allocates nothing. nlohmann's destructor allocates to free a non-empty container and
/// terminates the process when that allocation fails; a host that must survive running out of
/// memory (docs/reliability.md, "Running out of memory") releases the values it holds on the way
/// out, or declares a `json_release_guard` right after one to release it when the scope ends.
using detail::json_release;
using detail::json_release_guard;

}  // namespace v1
}  // namespace itsm
