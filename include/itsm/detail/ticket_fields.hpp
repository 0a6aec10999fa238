#pragma once
// Ticket field values: what counts as filled in, impact / urgency / priority levels, and the
// checks every operation (and restoring a snapshot) applies to the fields a caller passes.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "itsm/detail/civil.hpp"
#include "itsm/detail/json_util.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

/// A filled-in value: not absent, not null, not an empty string, array or object.
inline bool is_present(const json* v) {
  if (v == nullptr || v->is_null()) return false;
  if (v->is_string()) return !v->get_ref<const std::string&>().empty();
  if (v->is_array() || v->is_object()) return !v->empty();
  return true;
}

/// The value of `key` in `object`, or nullptr (also when `object` is not an object).
inline const json* find_field(const json& object, const std::string& key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

/// A field as it would be after a transition: the transition's own `set` wins over the
/// caller's values, which win over the ticket's (a null found on the way means removed).
struct fields_after {
  const json& set;
  const json& incoming;
  const json& current;
  const json* operator()(const std::string& key) const {
    if (const auto* v = find_field(set, key)) return v;
    if (const auto* v = find_field(incoming, key)) return v;
    return find_field(current, key);
  }
};

/// Impact, urgency or priority: an integer >= 1, or text starting with one ("2", "2 - High",
/// "P2"). Returns 0 when the value is none of these.
inline int parse_level(const json& v) {
  if (v.is_number_unsigned()) {
    const auto n = v.get<std::uint64_t>();
    return n >= 1 && n <= 99 ? static_cast<int>(n) : 0;
  }
  if (v.is_number_integer()) {
    const auto n = v.get<std::int64_t>();
    return n >= 1 && n <= 99 ? static_cast<int>(n) : 0;
  }
  if (!v.is_string()) return 0;
  const std::string& s = v.get_ref<const std::string&>();
  std::size_t i = (!s.empty() && (s[0] == 'P' || s[0] == 'p')) ? 1 : 0;
  int n = 0;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i]) && digits < 3) {
    n = n * 10 + (s[i] - '0');
    ++i;
    ++digits;
  }
  if (digits == 0 || n < 1 || n > 99) return 0;
  if (i < s.size() && s[i] != ' ' && s[i] != '-') return 0;
  return n;
}

/// Whether a field names `name`: as its text, or as one of the texts of an array (several owners).
inline bool names_actor(const json* v, const std::string& name) {
  if (v == nullptr) return false;
  if (v->is_string()) return v->get_ref<const std::string&>() == name;
  if (v->is_array()) {
    for (const auto& e : *v)
      if (e.is_string() && e.get_ref<const std::string&>() == name) return true;
  }
  return false;
}

/// `a, b, c`: the lists messages show.
inline std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// --- field checks shared by every operation ------------------------------------------------

/// Fills `out` (invalid_argument, naming `field`) and returns true when `text` is not UTF-8.
inline bool refuse_if_not_utf8(std::string_view text, const char* field, outcome& out) {
  const auto at = invalid_utf8_at(text);
  if (at == utf8_ok) return false;
  out.code = errc::invalid_argument;
  out.message = not_utf8_message(field, at);
  return true;
}

/// Refuses (limit_exceeded) a field value larger or deeper than the limits; scalars cost a
/// comparison, containers a walk.
inline bool field_value_within_limits(const std::string& key, const json& v, outcome& out) {
  const auto& lim = limits_now();
  const std::size_t max_bytes = lim.field_bytes.load(std::memory_order_relaxed);
  json_extent e;
  if (v.is_string()) {
    e.bytes = v.get_ref<const std::string&>().size();
    if (const auto at = invalid_utf8_at(v.get_ref<const std::string&>()); at != utf8_ok) {
      out.code = errc::invalid_argument;
      out.message = not_utf8_message("fields." + key, at);
      return false;
    }
  } else if (v.is_structured()) {
    e = measure_json(v);
    if (!utf8_walk::all_valid(v)) {
      out.code = errc::invalid_argument;
      out.message = utf8_walk::describe_first_invalid(v, "fields." + key);
      return false;
    }
  }
  if (e.bytes > max_bytes) {
    out.code = errc::limit_exceeded;
    out.message = limit_message("fields." + key + ": about " + std::to_string(e.bytes) + " bytes", "field_bytes", max_bytes);
    return false;
  }
  if (const std::size_t max_depth = lim.json_depth.load(std::memory_order_relaxed); e.depth > max_depth) {
    out.code = errc::limit_exceeded;
    out.message = limit_message("fields." + key + ": nested " + std::to_string(e.depth) + " deep", "json_depth", max_depth);
    return false;
  }
  return true;
}

/// Refuses (limit_exceeded) a ticket whose fields after a change would be too many.
inline bool fields_within_limit(const json& after, outcome& out) {
  const std::size_t max = limits_now().fields.load(std::memory_order_relaxed);
  if (after.size() <= max) return true;
  out.code = errc::limit_exceeded;
  out.message = limit_message("fields: the change leaves " + std::to_string(after.size()) + " fields", "fields", max);
  return false;
}

/// Checks incoming fields against the workflow's declarations; fills `out` on a refusal.
inline bool validate_fields(const workflow& wf, const json& fields, outcome& out) {
  if (fields.is_null()) return true;
  if (!fields.is_object()) {
    out.code = errc::invalid_argument;
    out.message = "fields: expected an object of field values, got " + std::string(fields.type_name());
    return false;
  }
  const auto& lim = limits_now();
  if (const std::size_t max = lim.fields.load(std::memory_order_relaxed); fields.size() > max) {
    out.code = errc::limit_exceeded;
    out.message = limit_message("fields: " + std::to_string(fields.size()) + " fields", "fields", max);
    return false;
  }
  const auto& def = wf.definition();
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    if (const auto at = invalid_utf8_at(key); at != utf8_ok) {
      out.code = errc::invalid_argument;
      out.message = "fields: a field name is not valid UTF-8 (byte " + std::to_string(at) + ")";
      return false;
    }
    if (!field_value_within_limits(key, v, out)) return false;
    if (def.fields) {
      const field_def* f = wf.field(key);
      if (f == nullptr) {
        out.code = errc::invalid_argument;
        out.message = "fields." + key + ": not a field of workflow '" + wf.name() + "'";
        return false;
      }
      // A missing value (null, "", [], {}) is not a value outside the set: it clears the field.
      if (!f->values.empty() && is_present(&v)) {
        const bool ok = v.is_string() && std::find(f->values.begin(), f->values.end(),
                                                   v.get_ref<const std::string&>()) != f->values.end();
        if (!ok) {
          out.code = errc::invalid_argument;
          out.message = "fields." + key + ": " + quoted(v) + " is not one of " + join(f->values);
          return false;
        }
      }
    }
    if ((key == "impact" || key == "urgency" || key == "priority") && is_present(&v) && parse_level(v) == 0) {
      out.code = errc::invalid_argument;
      out.message = "fields." + key + ": " + quoted(v) + " is not a level (1, 2, ... or text such as \"2 - High\")";
      return false;
    }
  }
  return true;
}

/// The `priority` field when present, else the workflow's matrix over impact and urgency when
/// both are present; 0 when neither (a missing value such as "" counts as not set).
inline int compute_priority(const workflow& wf, const json& fields) {
  if (const json* p = find_field(fields, "priority"); is_present(p)) return parse_level(*p);
  const json* i = find_field(fields, "impact");
  const json* u = find_field(fields, "urgency");
  if (!is_present(i) || !is_present(u)) return 0;
  return wf.priority(parse_level(*i), parse_level(*u));
}

/// The details of a `role_denied` refusal: the actor's roles (as text that is UTF-8: roles are
/// only compared, so a C caller's are not checked) and the roles that would have let it.
inline void name_roles(outcome& out, const actor& who, std::vector<std::string> allowed) {
  out.actor_roles.clear();
  for (const auto& r : who.roles) out.actor_roles.push_back(utf8_or_replaced(r));
  out.allowed_roles = std::move(allowed);
}
}  // namespace detail
}  // namespace v1
}  // namespace itsm
