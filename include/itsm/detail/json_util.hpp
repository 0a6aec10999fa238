#pragma once
// Strict JSON reading shared by every JSON form itsm accepts (calendars, queries, SLA
// definitions, workflows, events, snapshots): each helper fails with a message that names the
// field path and shows the offending value.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "itsm/error.hpp"

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

/// Parses JSON text; `what` names the document in the error (`calendar`, `query`, ...).
inline json parse_json_text(std::string_view text, const std::string& what) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    fail(errc::parse_error, what + ": not valid JSON: " + e.what());
  }
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
