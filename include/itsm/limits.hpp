#pragma once
/// \file
/// Limits on what a caller can make the library do: how large and how deeply nested a JSON
/// document may be, how many fields and history records a ticket may hold, how many intervals,
/// holidays and overrides a calendar may have. Input beyond a limit is refused with
/// `errc::limit_exceeded` and a message that names the limit (`limits.json_depth = 64`), and
/// nothing changes. The defaults are generous for real service desks; a host that needs more
/// raises them once at start-up with `set_limits`.
#include <atomic>
#include <cstddef>
#include <iterator>
#include <string>
#include <utility>

namespace itsm {
inline namespace v1 {

struct limits {
  /// Bytes of one JSON document: a calendar, SLA definition, workflow, snapshot, event, query
  /// line, or a fields object handed over as text.
  std::size_t json_bytes = std::size_t{64} << 20;
  /// Nesting of arrays and objects in a JSON document or in one field value (a calendar needs 4,
  /// a snapshot 5 plus its deepest field value).
  std::size_t json_depth = 64;
  /// Size of one field value or comment, about its JSON text length (strings count their bytes).
  std::size_t field_bytes = std::size_t{1} << 20;
  /// Fields on one ticket.
  std::size_t fields = 1024;
  /// History records of one ticket (the `create` record included).
  std::size_t history = 1'000'000;
  /// Working intervals on one weekday or override date of a calendar.
  std::size_t intervals_per_day = 96;
  /// Holiday rules of one calendar.
  std::size_t holidays = 10'000;
  /// Override dates of one calendar.
  std::size_t overrides = 100'000;
};

/// One limit by name: how messages, the C struct `itsm_limits` and Python's `get_limits()`
/// spell it, and its member of `limits`.
struct limit_entry {
  const char* name;
  std::size_t limits::*value;
};

/// Every limit once, in the order `limits` declares them (which the C struct `itsm_limits`
/// follows): whatever lists, reads or sets the limits by name loops over this.
inline constexpr limit_entry limit_entries[] = {
    {"json_bytes", &limits::json_bytes},
    {"json_depth", &limits::json_depth},
    {"field_bytes", &limits::field_bytes},
    {"fields", &limits::fields},
    {"history", &limits::history},
    {"intervals_per_day", &limits::intervals_per_day},
    {"holidays", &limits::holidays},
    {"overrides", &limits::overrides},
};

namespace detail {
/// True when row i of limit_entries is the i-th member `limits` declares (aggregate
/// initialisation numbers the members in that order), which lets the C ABI map its struct by row.
template <std::size_t... I>
constexpr bool limit_entries_in_order(std::index_sequence<I...>) {
  const limits numbered{I...};
  return ((numbered.*limit_entries[I].value == I) && ...);
}
static_assert(sizeof(limits) == sizeof(std::size_t) * std::size(limit_entries) &&
                  limit_entries_in_order(std::make_index_sequence<std::size(limit_entries)>{}),
              "limit_entries lists every member of limits once, in declaration order");

/// The process-wide values, one atomic each so that readers on any thread see a whole value.
struct limits_store {
  std::atomic<std::size_t> json_bytes, json_depth, field_bytes, fields, history, intervals_per_day, holidays,
      overrides;
  limits_store();  // the defaults (below, once stored_limits is known)
};

/// Where the store keeps each limit, row for row with limit_entries (checked below).
struct stored_limit {
  std::size_t limits::*value;
  std::atomic<std::size_t> limits_store::*stored;
};
inline constexpr stored_limit stored_limits[] = {
    {&limits::json_bytes, &limits_store::json_bytes},
    {&limits::json_depth, &limits_store::json_depth},
    {&limits::field_bytes, &limits_store::field_bytes},
    {&limits::fields, &limits_store::fields},
    {&limits::history, &limits_store::history},
    {&limits::intervals_per_day, &limits_store::intervals_per_day},
    {&limits::holidays, &limits_store::holidays},
    {&limits::overrides, &limits_store::overrides},
};
constexpr bool stored_limits_match() {
  if (std::size(stored_limits) != std::size(limit_entries)) return false;
  for (std::size_t i = 0; i < std::size(stored_limits); ++i) {
    if (stored_limits[i].value != limit_entries[i].value) return false;
  }
  return true;
}
static_assert(stored_limits_match(), "stored_limits pairs each row of limit_entries with its atomic, in order");

inline limits_store::limits_store() {
  const limits defaults;
  for (const auto& e : stored_limits) (this->*e.stored).store(defaults.*e.value, std::memory_order_relaxed);
}

inline limits_store& limits_now() {
  static limits_store store;
  return store;
}
/// "limit_exceeded: <what> (limits.<name> = <value>)": the message every limit refusal ends with.
inline std::string limit_message(const std::string& what, const char* name, std::size_t value) {
  return "limit_exceeded: " + what + " (limits." + name + " = " + std::to_string(value) + ")";
}
}  // namespace detail

/// The limits in force.
inline limits get_limits() noexcept {
  const auto& s = detail::limits_now();
  limits l;
  for (const auto& e : detail::stored_limits) l.*e.value = (s.*e.stored).load(std::memory_order_relaxed);
  return l;
}

/// Replaces the limits for the whole process (every thread, every object made afterwards; a
/// calendar or ticket made before keeps what it holds). Meant for start-up: a call made while
/// other threads parse may let one of them see some old and some new values. A zero means the
/// default of that limit; `json_depth` is capped at 1,000 (JSON values are written out recursively).
inline void set_limits(limits l) noexcept {
  const limits defaults;
  if (l.json_depth > 1000) l.json_depth = 1000;
  auto& s = detail::limits_now();
  for (const auto& e : detail::stored_limits) {
    (s.*e.stored).store(l.*e.value == 0 ? defaults.*e.value : l.*e.value, std::memory_order_relaxed);
  }
}

}  // namespace v1
}  // namespace itsm
