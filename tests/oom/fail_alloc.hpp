#pragma once
// The fault-injection shim of the allocation-failure test: the test executable replaces the global
// operator new and delete (and, outside AddressSanitizer, malloc, calloc and realloc), so every
// allocation libitsm.so makes goes through it. Disarmed it just allocates;
// armed it counts the allocations from 0 and fails allocation `n` (once), or every allocation
// from `n` on (persistent). ASan's runtime owns malloc and refuses a second definition, so under
// ASan only operator new fails (the allocations of the C++ core); the dev build covers malloc too.

#include <cstddef>

namespace oom {

enum class mode { once, persistent };

/// Starts counting allocations; allocation `n` (0-based) fails, and with mode::persistent every
/// later one too.
void arm(std::size_t n, mode m) noexcept;

/// Stops failing. Returns whether a failure was injected since arm.
bool disarm() noexcept;

/// Whether malloc itself is replaced (false under AddressSanitizer).
bool covers_malloc() noexcept;

}  // namespace oom
