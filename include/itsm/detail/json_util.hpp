#pragma once
// Strict JSON reading shared by every JSON form itsm accepts (calendars, queries, SLA
// definitions, workflows, events, snapshots): each helper fails with a message that names the
// field path and shows the offending value.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <algorithm>

#include <nlohmann/json.hpp>

#include "itsm/error.hpp"
#include "itsm/limits.hpp"
#include "itsm/detail/json_release.hpp"
#include "itsm/detail/utf8.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

using json = nlohmann::json;

/// One shared empty object: the default for "no fields", which would otherwise allocate a map
/// on every call that passes none.
inline const json& empty_json_object() {
  static const json empty = json::object();
  return empty;
}

/// The deepest nesting of arrays and objects in JSON text, by a scan that skips strings. Run
/// before parsing: the parser and everything that later walks the value would otherwise recurse
/// as deep as the text goes. Malformed text is the parser's to report.
inline std::size_t json_text_depth(std::string_view text) noexcept {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

/// Fails with `limit_exceeded` when `text` is longer or nested deeper than the limits allow.
inline void check_json_text_limits(std::string_view text, const std::string& what) {
  const auto& lim = limits_now();
  const std::size_t max_bytes = lim.json_bytes.load(std::memory_order_relaxed);
  if (text.size() > max_bytes) {
    fail(errc::limit_exceeded,
         limit_message(what + ": " + std::to_string(text.size()) + " bytes of JSON", "json_bytes", max_bytes));
  }
  const std::size_t max_depth = lim.json_depth.load(std::memory_order_relaxed);
  if (const std::size_t d = json_text_depth(text); d > max_depth) {
    fail(errc::limit_exceeded, limit_message(what + ": JSON nested " + std::to_string(d) + " deep", "json_depth",
                                             max_depth));
  }
}

/// Parses JSON text within the limits; `what` names the document in the error (`calendar`,
/// `query`, ...). Every JSON text itsm accepts goes through here.
inline json parse_json_text(std::string_view text, const std::string& what) {
  check_json_text_limits(text, what);
  try {
    return parse_json_released(text, true);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number like 1e400
    fail(errc::parse_error, what + ": not valid JSON: " + e.what());
  }
}

/// `use(document)` on the JSON text parsed as parse_json_text does; the document is released
/// before it goes, on a return or an exception (detail/json_release.hpp).
template <class Use>
auto with_json_text(std::string_view text, const std::string& what, Use&& use) -> decltype(use(std::declval<const json&>())) {
  json doc = parse_json_text(text, what);
  json_release_guard guard(doc);
  return use(static_cast<const json&>(doc));
}

/// Fails with `limit_exceeded` when a list in the input holds more than the limit `name` allows.
inline void need_at_most(std::size_t count, const std::atomic<std::size_t>& limit, const char* name,
                         const std::string& field, const char* what) {
  if (const std::size_t max = limit.load(std::memory_order_relaxed); count > max) {
    fail(errc::limit_exceeded, limit_message(field + ": " + std::to_string(count) + " " + what, name, max));
  }
}

/// Size (about its JSON text length) and depth of a value built in memory (a C++ caller's
/// fields), walked without recursion.
struct json_extent {
  std::size_t bytes = 0;
  std::size_t depth = 0;
};
inline json_extent measure_json(const json& root) {
  json_extent out;
  std::vector<std::pair<const json*, std::size_t>> todo{{&root, 1}};
  while (!todo.empty()) {
    const auto [j, depth] = todo.back();
    todo.pop_back();
    if (j->is_object()) {
      out.depth = std::max(out.depth, depth);
      out.bytes += 2;
      for (auto it = j->begin(); it != j->end(); ++it) {
        out.bytes += it.key().size() + 4;
        todo.emplace_back(&it.value(), depth + 1);
      }
    } else if (j->is_array()) {
      out.depth = std::max(out.depth, depth);
      out.bytes += 2;
      for (const auto& v : *j) {
        out.bytes += 1;
        todo.emplace_back(&v, depth + 1);
      }
    } else if (j->is_string()) {
      out.bytes += j->get_ref<const std::string&>().size() + 2;
    } else {
      out.bytes += 8;
    }
  }
  return out;
}

inline const char* json_type_name(const json& j) { return j.type_name(); }

inline std::string quoted(const json& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

[[noreturn]] inline void wrong_type(const std::string& field, const char* expected, const json& j) {
  fail(errc::invalid_argument,
       field + ": expected " + expected + ", got " + json_type_name(j) + " " + quoted(j));
}

inline const std::string& need_string(const json& j, const std::string& field) {
  if (!j.is_string()) wrong_type(field, "a string", j);
  return j.get_ref<const std::string&>();
}

/// A JSON integer (not 1.0, not "1") within [lo, hi].
inline std::int64_t need_integer(const json& j, const std::string& field, std::int64_t lo,
                                 std::int64_t hi) {
  if (j.is_number_unsigned()) {
    const auto v = j.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(hi) || (lo > 0 && v < static_cast<std::uint64_t>(lo))) {
      fail(errc::invalid_argument, field + ": " + quoted(j) + " is out of range " +
                                       std::to_string(lo) + ".." + std::to_string(hi));
    }
    return static_cast<std::int64_t>(v);
  }
  if (!j.is_number_integer()) wrong_type(field, "an integer", j);
  const auto v = j.get<std::int64_t>();
  if (v < lo || v > hi) {
    fail(errc::invalid_argument, field + ": " + quoted(j) + " is out of range " + std::to_string(lo) +
                                     ".." + std::to_string(hi));
  }
  return v;
}

inline bool need_bool(const json& j, const std::string& field) {
  if (!j.is_boolean()) wrong_type(field, "true or false", j);
  return j.get<bool>();
}

inline void need_object(const json& j, const std::string& field) {
  if (!j.is_object()) wrong_type(field, "an object", j);
}

/// Fails on the first key of `j` that is not in `allowed`, listing the allowed ones.
inline void only_keys(const json& j, const std::string& field,
                      std::initializer_list<const char*> allowed) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : allowed) known = known || it.key() == k;
    if (!known) {
      std::string list;
      for (const char* k : allowed) list += (list.empty() ? "" : ", ") + std::string(k);
      fail(errc::invalid_argument,
           field + ": unknown key '" + it.key() + "' (allowed: " + list + ")");
    }
  }
}

}  // namespace detail
}  // namespace v1
}  // namespace itsm
