#pragma once
// The C++ core's refusals on their way to Python, and the epoch seconds the module speaks.

#include <pybind11/pybind11.h>

#include <chrono>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <utility>

#include "itsm/itsm.hpp"

namespace itsm_python {

namespace py = pybind11;

/// A refusal of the core on its way to Python: it crosses as `_itsm.CoreError` (a ValueError with
/// `.code`), which the package raises again as the class that fits the call (CalendarError, ...).
struct core_error : std::runtime_error {
  explicit core_error(const itsm::error& e) : std::runtime_error(e.message), code(static_cast<int>(e.code)) {}
  int code;
};

/// Raises a refusal as CoreError; running out of memory as std::bad_alloc, which pybind11 raises as
/// MemoryError (nothing changed: docs/reliability.md).
[[noreturn]] inline void raise(const itsm::error& e) {
  if (e.code == itsm::errc::out_of_memory) throw std::bad_alloc();
  throw core_error(e);
}

template <class T>
T unwrap(itsm::result<T> r) {
  if (!r) raise(r.error_value());
  return std::move(*r);
}

inline itsm::sys_seconds from_epoch(std::int64_t s) { return itsm::sys_seconds{std::chrono::seconds{s}}; }

}  // namespace itsm_python
