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
#include <string>

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

namespace detail {
/// The process-wide values, one atomic each so that readers on any thread see a whole value.
struct limits_store {
  std::atomic<std::size_t> json_bytes, json_depth, field_bytes, fields, history, intervals_per_day, holidays,
      overrides;
  limits_store() { store(limits{}); }
  void store(const limits& l) {
    json_bytes.store(l.json_bytes, std::memory_order_relaxed);
    json_depth.store(l.json_depth, std::memory_order_relaxed);
    field_bytes.store(l.field_bytes, std::memory_order_relaxed);
    fields.store(l.fields, std::memory_order_relaxed);
    history.store(l.history, std::memory_order_relaxed);
    intervals_per_day.store(l.intervals_per_day, std::memory_order_relaxed);
    holidays.store(l.holidays, std::memory_order_relaxed);
    overrides.store(l.overrides, std::memory_order_relaxed);
  }
};
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
  l.json_bytes = s.json_bytes.load(std::memory_order_relaxed);
  l.json_depth = s.json_depth.load(std::memory_order_relaxed);
  l.field_bytes = s.field_bytes.load(std::memory_order_relaxed);
  l.fields = s.fields.load(std::memory_order_relaxed);
  l.history = s.history.load(std::memory_order_relaxed);
  l.intervals_per_day = s.intervals_per_day.load(std::memory_order_relaxed);
  l.holidays = s.holidays.load(std::memory_order_relaxed);
  l.overrides = s.overrides.load(std::memory_order_relaxed);
  return l;
}

/// Replaces the limits for the whole process (every thread, every object made afterwards; a
/// calendar or ticket made before keeps what it holds). Meant for start-up: a call made while
/// other threads parse may let one of them see some old and some new values. A zero means the
/// default of that limit; `json_depth` is capped at 1,000 (JSON values are written out recursively).
inline void set_limits(limits l) noexcept {
  const limits d;
  if (l.json_bytes == 0) l.json_bytes = d.json_bytes;
  if (l.json_depth == 0) l.json_depth = d.json_depth;
  if (l.json_depth > 1000) l.json_depth = 1000;
  if (l.field_bytes == 0) l.field_bytes = d.field_bytes;
  if (l.fields == 0) l.fields = d.fields;
  if (l.history == 0) l.history = d.history;
  if (l.intervals_per_day == 0) l.intervals_per_day = d.intervals_per_day;
  if (l.holidays == 0) l.holidays = d.holidays;
  if (l.overrides == 0) l.overrides = d.overrides;
  detail::limits_now().store(l);
}

}  // namespace v1
}  // namespace itsm
