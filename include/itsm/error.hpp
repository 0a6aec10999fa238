#pragma once
/// \file
/// Error codes and the `result<T>` value type returned by every fallible itsm call.
///
/// Errors a caller can expect (bad input, a refused transition) are values, never exceptions:
/// a `result<T>` holds either the answer or an `error` whose message names the field and the
/// value that were wrong. The numeric codes are the same as the C ABI's `ITSM_E*` constants.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace itsm {
inline namespace v1 {

/// Error categories. Values match the C ABI (`itsm.h`), so they never change once released; a
/// new code also gets its row in `errc_entries` and its `ITSM_E*` constant.
enum class errc : int {
  ok = 0,
  invalid_argument = -1,  ///< a value out of its domain (a time of 25:00, an unknown option)
  parse_error = -2,       ///< text that is not JSON, or not the expected shape
  out_of_range = -3,      ///< an instant outside the supported years
  no_working_time = -4,   ///< the calendar has no working time where the answer would have to be
  unknown_zone = -5,      ///< an IANA time-zone name the system database does not know
  nonexistent_time = -6,  ///< a wall time inside a daylight-saving gap
  null_pointer = -7,      ///< C ABI: a required pointer was NULL
  out_of_memory = -8,
  internal = -9,          ///< a bug in itsm: please report it with the input that caused it
  // Workflows. A refused transition is one of the codes -11..-19; the ticket is unchanged.
  invalid_definition = -10,      ///< a workflow definition failed its checks (each problem named)
  unknown_transition = -11,      ///< no transition of that id anywhere in the workflow
  not_allowed_from_state = -12,  ///< the transition exists, but not from the ticket's state
  role_denied = -13,             ///< the actor holds none of the roles the transition allows
  missing_fields = -14,          ///< required fields are absent, null or empty
  approvals_pending = -15,       ///< fewer distinct valid approvals than the rule needs
  guard_failed = -16,            ///< a host guard said no (or is not registered: fail closed)
  time_went_backwards = -17,     ///< the event is older than the ticket's last history record
  segregation_of_duties = -18,   ///< an approver who is the requester/implementer/owner, or twice
  ambiguous = -19,               ///< move_to: more than one transition leads to that state
  not_found = -20,               ///< an unknown name: workflow, state, ticket
  tampered = -21,                ///< a hash-chained history that does not verify
  limit_exceeded = -22,          ///< input beyond one of `itsm::limits` (the message names it)
  busy = -23,  ///< a ticket changed (or, in C, freed) from one of its own guards or actions: refused
};

/// One row of the code table: a code, its stable name and what it means in a few words.
struct errc_entry {
  errc code;
  const char* name;         ///< stable, for programs and logs: `"invalid_argument"`
  const char* description;  ///< for people: `"invalid argument"` (what the C ABI's `itsm_strerror` says)
};

/// Every code once, row i holding the code -i: `to_string`, `describe` and the C ABI's
/// `itsm_strerror` all take their words from here, so a new code is named in one place.
inline constexpr errc_entry errc_entries[] = {
    {errc::ok, "ok", "no error"},
    {errc::invalid_argument, "invalid_argument", "invalid argument"},
    {errc::parse_error, "parse_error", "parse error"},
    {errc::out_of_range, "out_of_range", "out of the supported range"},
    {errc::no_working_time, "no_working_time", "no working time"},
    {errc::unknown_zone, "unknown_zone", "unknown time zone"},
    {errc::nonexistent_time, "nonexistent_time", "nonexistent wall time"},
    {errc::null_pointer, "null_pointer", "NULL argument"},
    {errc::out_of_memory, "out_of_memory", "out of memory"},
    {errc::internal, "internal", "internal error"},
    {errc::invalid_definition, "invalid_definition", "invalid workflow definition"},
    {errc::unknown_transition, "unknown_transition", "unknown transition"},
    {errc::not_allowed_from_state, "not_allowed_from_state", "transition not allowed from the current state"},
    {errc::role_denied, "role_denied", "role denied"},
    {errc::missing_fields, "missing_fields", "missing required fields"},
    {errc::approvals_pending, "approvals_pending", "approvals pending"},
    {errc::guard_failed, "guard_failed", "guard failed"},
    {errc::time_went_backwards, "time_went_backwards", "time went backwards"},
    {errc::segregation_of_duties, "segregation_of_duties", "segregation of duties"},
    {errc::ambiguous, "ambiguous", "ambiguous"},
    {errc::not_found, "not_found", "not found"},
    {errc::tampered, "tampered", "tampered history"},
    {errc::limit_exceeded, "limit_exceeded", "limit exceeded"},
    {errc::busy, "busy", "ticket busy running its own guards or actions"},
};

namespace detail {
constexpr bool errc_entries_in_order() {
  for (std::size_t i = 0; i < std::size(errc_entries); ++i) {
    if (static_cast<int>(errc_entries[i].code) != -static_cast<int>(i)) return false;
  }
  return true;
}
static_assert(errc_entries_in_order(), "errc_entries: row i must hold the code -i");
}  // namespace detail

/// The table row of a code, or nullptr for a value that is no code (one from a newer version,
/// or any int a C caller passed).
constexpr const errc_entry* entry_of(errc code) noexcept {
  const int value = static_cast<int>(code);
  // Compared before negating: -INT_MIN would overflow.
  if (value > 0 || value <= -static_cast<int>(std::size(errc_entries))) return nullptr;
  return &errc_entries[static_cast<std::size_t>(-value)];
}

/// A short, stable English name of a code (`"invalid_argument"`, ...); `"unknown"` for a value
/// that is no code.
inline const char* to_string(errc code) noexcept {
  const errc_entry* e = entry_of(code);
  return e ? e->name : "unknown";
}

/// What a code means, in a few words for people (`"invalid argument"`); `"unknown error code"`
/// for a value that is no code.
inline const char* describe(errc code) noexcept {
  const errc_entry* e = entry_of(code);
  return e ? e->description : "unknown error code";
}

/// What went wrong: a code for programs and a message for people. The message names the field
/// (a JSON path such as `calendar.week.mon[0][1]`) and the offending value.
struct error {
  errc code = errc::ok;
  std::string message;
};

/// Thrown only by `result<T>::value()` on a result that holds an error (a programming error:
/// check the result first), never by the library for bad input.
class bad_result_access : public std::logic_error {
 public:
  explicit bad_result_access(const error& e) : std::logic_error(e.message), code_(e.code) {}
  errc code() const noexcept { return code_; }

 private:
  errc code_;
};

/// Either a `T` or an `error`, in the spirit of C++23 `std::expected`.
///
/// The C++ API's error contract: errors a caller can expect (bad input, a refused transition, a
/// limit) are values, a `result<T>` holding an `error` or an `outcome` with its code; nothing is
/// thrown for them. Running out of memory may surface either way: as `errc::out_of_memory` in a
/// result or outcome, or as `std::bad_alloc` thrown from the call. Either way the objects the call
/// was given stay valid and unchanged (a ticket operation builds its new state, record and fields
/// before a commit that cannot throw), and destroying or copying library objects never ends the
/// process for lack of memory. The C ABI answers both as `ITSM_ENOMEM` (docs/reliability.md).
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  result(error err) : state_(std::in_place_index<1>, std::move(err)) {}  // NOLINT: implicit by design

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  /// The value; throws `bad_result_access` when this holds an error.
  const T& value() const& {
    if (!has_value()) throw bad_result_access(std::get<1>(state_));
    return std::get<0>(state_);
  }
  T& value() & {
    if (!has_value()) throw bad_result_access(std::get<1>(state_));
    return std::get<0>(state_);
  }
  T&& value() && {
    if (!has_value()) throw bad_result_access(std::get<1>(state_));
    return std::get<0>(std::move(state_));
  }
  /// The value, or nullptr when this holds an error; never throws (for callers that must not).
  const T* if_value() const noexcept { return std::get_if<0>(&state_); }
  T* if_value() noexcept { return std::get_if<0>(&state_); }

  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  /// The error; only meaningful when `!has_value()`.
  const error& error_value() const {
    static const error none{};
    return has_value() ? none : std::get<1>(state_);
  }

 private:
  std::variant<T, error> state_;
};

namespace detail {
/// Internal carrier for an `error` while parsing deep structures; always caught at the public
/// API edge and turned into a `result`, so it never reaches a caller.
struct failure : std::runtime_error {
  failure(errc c, const std::string& message) : std::runtime_error(message), code(c) {}
  errc code;
};

[[noreturn]] inline void fail(errc code, const std::string& message) { throw failure(code, message); }

/// Runs `body`, turning internal failures and allocation failure into an `error` value.
template <class T, class F>
result<T> capture(F&& body) noexcept {
  try {
    return result<T>(body());
  } catch (const failure& f) {
    return result<T>(error{f.code, f.what()});
  } catch (const std::bad_alloc&) {
    return result<T>(error{errc::out_of_memory, "out of memory"});
  } catch (const std::exception& e) {
    return result<T>(error{errc::internal, std::string("internal error: ") + e.what()});
  } catch (...) {
    return result<T>(error{errc::internal, "internal error: unknown exception"});
  }
}
}  // namespace detail

}  // namespace v1
}  // namespace itsm
