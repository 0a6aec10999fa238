#pragma once
/// \file
/// Error codes and the `result<T>` value type returned by every fallible itsm call.
///
/// Errors a caller can expect (bad input, a refused transition) are values, never exceptions:
/// a `result<T>` holds either the answer or an `error` whose message names the field and the
/// value that were wrong. The numeric codes are the same as the C ABI's `ITSM_E*` constants.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace itsm {
inline namespace v1 {

/// Error categories. Values match the C ABI (`itsm.h`), so they never change once released.
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
};

/// A short, stable English name of a code (`"invalid_argument"`, ...).
inline const char* to_string(errc code) noexcept {
  switch (code) {
    case errc::ok: return "ok";
    case errc::invalid_argument: return "invalid_argument";
    case errc::parse_error: return "parse_error";
    case errc::out_of_range: return "out_of_range";
    case errc::no_working_time: return "no_working_time";
    case errc::unknown_zone: return "unknown_zone";
    case errc::nonexistent_time: return "nonexistent_time";
    case errc::null_pointer: return "null_pointer";
    case errc::out_of_memory: return "out_of_memory";
    case errc::internal: return "internal";
    case errc::invalid_definition: return "invalid_definition";
    case errc::unknown_transition: return "unknown_transition";
    case errc::not_allowed_from_state: return "not_allowed_from_state";
    case errc::role_denied: return "role_denied";
    case errc::missing_fields: return "missing_fields";
    case errc::approvals_pending: return "approvals_pending";
    case errc::guard_failed: return "guard_failed";
    case errc::time_went_backwards: return "time_went_backwards";
    case errc::segregation_of_duties: return "segregation_of_duties";
    case errc::ambiguous: return "ambiguous";
    case errc::not_found: return "not_found";
    case errc::tampered: return "tampered";
    case errc::limit_exceeded: return "limit_exceeded";
  }
  return "unknown";
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
