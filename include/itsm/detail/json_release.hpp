#pragma once
// Freeing and copying JSON values without allocating on the way out.
//
// nlohmann's basic_json destroys a non-empty array or object by first moving its children into a
// std::vector it allocates (json_value::destroy, "to avoid a stack overflow"), and ~basic_json is
// noexcept: when that one allocation fails, the process terminates. That is any destruction of a
// non-empty container, on a normal return as much as while unwinding after a std::bad_alloc.
// json_release empties a value bottom-up with clear(), which allocates nothing, so its later
// destruction allocates nothing either. Its recursion is as deep as the value: the JSON itsm reads
// is held within limits::json_depth, and what it builds is shallower.

#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace itsm {
inline namespace v1 {
namespace detail {

/// Empties `j`'s nested arrays and objects, children first, without allocating; scalars and
/// strings are left as they are (freeing them never allocates).
/// A container whose allocation failed is left typed but without storage (operator[] on a null
/// value sets the type before it allocates the map); nlohmann's destroy() accepts that, and so
/// does this.
inline void json_release(nlohmann::json& j) noexcept {
  if (j.is_array()) {
    auto* a = j.get_ptr<nlohmann::json::array_t*>();
    if (a == nullptr) return;
    for (auto& e : *a) json_release(e);
    a->clear();
  } else if (j.is_object()) {
    auto* o = j.get_ptr<nlohmann::json::object_t*>();
    if (o == nullptr) return;
    for (auto& kv : *o) json_release(kv.second);
    o->clear();
  }
}

/// Releases a JSON value when the scope ends (normally or by an exception), so that its
/// destruction, which follows, cannot allocate. Declare it right after the value.
class json_release_guard {
 public:
  explicit json_release_guard(nlohmann::json& j) noexcept : j_(&j) {}
  ~json_release_guard() {
    if (j_) json_release(*j_);
  }
  /// The value outlives the scope (it is returned or kept): leave it alone.
  void dismiss() noexcept { j_ = nullptr; }
  json_release_guard(const json_release_guard&) = delete;
  json_release_guard& operator=(const json_release_guard&) = delete;

 private:
  nlohmann::json* j_;
};

/// A deep copy of `src` that, when an allocation fails, releases what it built before the
/// exception leaves (basic_json's copy constructor would destroy half-built containers, which
/// allocates).
inline nlohmann::json json_copy(const nlohmann::json& src) {
  if (!src.is_array() && !src.is_object()) return src;
  nlohmann::json out(src.is_array() ? nlohmann::json::value_t::array : nlohmann::json::value_t::object);
  try {
    if (src.is_array()) {
      auto* a = out.get_ptr<nlohmann::json::array_t*>();
      a->reserve(src.size());  // the push_backs below then never reallocate
      for (const auto& e : src) a->push_back(json_copy(e));  // a copy's children are released if it fails
    } else {
      auto* o = out.get_ptr<nlohmann::json::object_t*>();
      for (auto it = src.begin(); it != src.end(); ++it) {
        nlohmann::json child = json_copy(it.value());
        try {
          o->emplace(it.key(), nlohmann::json());
        } catch (...) {
          json_release(child);
          throw;
        }
        (*o)[it.key()].swap(child);  // found, not inserted: no allocation
      }
    }
  } catch (...) {
    json_release(out);
    throw;
  }
  return out;
}

/// Sets `dst[key] = value` (a copy) so that a failed allocation leaves `dst` as it was and
/// destroys nothing that allocates.
inline void json_set_copy(nlohmann::json& dst, std::string_view key, const nlohmann::json& value) {
  nlohmann::json copy = json_copy(value);
  json_release_guard guard(copy);  // after the swap it holds dst's old value
  if (dst.is_null()) dst = nlohmann::json::object();  // made whole, then swapped in
  dst[key].swap(copy);
}

/// Sets `dst[key] = value` (taken) so that a failed allocation releases `value` and leaves `dst` as
/// it was. The key is a view: a key made into a std::string before the call could fail to
/// allocate after `value` was built, outside the guard.
inline void json_set(nlohmann::json& dst, std::string_view key, nlohmann::json value) {
  json_release_guard guard(value);  // after the swap it holds dst's old value
  if (dst.is_null()) dst = nlohmann::json::object();  // made whole, then swapped in
  dst[key].swap(value);
}

/// Appends `value` (taken) to the array `dst` so that a failed allocation releases `value` and
/// leaves `dst` as it was.
inline void json_push(nlohmann::json& dst, nlohmann::json value) {
  json_release_guard guard(value);  // moved from (null) once the push_back succeeds
  dst.push_back(std::move(value));
}

/// Parses JSON text as nlohmann::json::parse does (strict, no comments), except that a failure
/// releases the half-built value before it goes (nlohmann's own parse destroys it, which
/// allocates). With `allow_exceptions` false, text that is not JSON gives a discarded value.
inline nlohmann::json parse_json_released(std::string_view text, bool allow_exceptions) {
  nlohmann::json result;
  try {
    nlohmann::detail::json_sax_dom_parser<nlohmann::json> sax(result, allow_exceptions);
    const bool parsed = nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
    if (!parsed || sax.is_errored()) {
      json_release(result);
      result = nlohmann::json(nlohmann::json::value_t::discarded);
    }
  } catch (...) {
    json_release(result);
    throw;
  }
  return result;
}

}  // namespace detail
}  // namespace v1
}  // namespace itsm
