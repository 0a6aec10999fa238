// The shim (fail_alloc.hpp). The definitions here are in the executable, so the dynamic linker
// binds libitsm.so's and libstdc++'s references to operator new (and malloc) to them.

#include "fail_alloc.hpp"

#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#  define OOM_UNDER_ASAN 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define OOM_UNDER_ASAN 1
#  endif
#endif
#ifndef OOM_UNDER_ASAN
#  define OOM_UNDER_ASAN 0
#endif
// Built with OOM_NEW_ONLY (the preloaded library of the Python test), only operator new fails:
// the interpreter's own malloc stays out of it.
#if OOM_UNDER_ASAN || defined(OOM_NEW_ONLY)
#  define OOM_REPLACE_MALLOC 0
#else
#  define OOM_REPLACE_MALLOC 1
#endif

#if !OOM_UNDER_ASAN
// glibc's allocator under its internal names: the replacements below forward to them.
extern "C" void* __libc_malloc(std::size_t);
extern "C" void* __libc_calloc(std::size_t, std::size_t);
extern "C" void* __libc_realloc(void*, std::size_t);
extern "C" void* __libc_memalign(std::size_t, std::size_t);
#endif

namespace {

// One thread drives the test; the counters need no atomics. Plain zero-initialised globals, so
// they are valid before any constructor runs (the loader and libstdc++ allocate early).
bool armed = false;
bool persistent = false;
bool injected = false;
std::size_t seen = 0;
std::size_t fail_at = 0;

bool should_fail() noexcept {
  if (!armed) return false;
  const std::size_t i = seen++;
  if (i == fail_at || (persistent && i > fail_at)) {
    injected = true;
    return true;
  }
  return false;
}

void* raw_alloc(std::size_t n) noexcept {
#if OOM_UNDER_ASAN
  return std::malloc(n == 0 ? 1 : n);
#else
  return __libc_malloc(n == 0 ? 1 : n);
#endif
}

void* raw_aligned(std::size_t n, std::size_t align) noexcept {
#if OOM_UNDER_ASAN
  void* p = nullptr;
  return posix_memalign(&p, align, n == 0 ? align : n) == 0 ? p : nullptr;
#else
  return __libc_memalign(align, n == 0 ? align : n);
#endif
}

void* checked_new(std::size_t n) {
  if (should_fail()) throw std::bad_alloc();
  void* p = raw_alloc(n);
  if (!p) throw std::bad_alloc();
  return p;
}

void* checked_new(std::size_t n, std::align_val_t a) {
  if (should_fail()) throw std::bad_alloc();
  void* p = raw_aligned(n, static_cast<std::size_t>(a));
  if (!p) throw std::bad_alloc();
  return p;
}

}  // namespace

namespace oom {

void arm(std::size_t n, mode m) noexcept {
  seen = 0;
  fail_at = n;
  persistent = m == mode::persistent;
  injected = false;
  armed = true;
}

bool disarm() noexcept {
  armed = false;
  return injected;
}

bool covers_malloc() noexcept { return OOM_REPLACE_MALLOC != 0; }

}  // namespace oom

// The same controls for ctypes (the Python test loads this file as a preloaded library).
extern "C" __attribute__((visibility("default"))) void itsm_test_oom_arm(std::size_t n, int persistent) {
  oom::arm(n, persistent ? oom::mode::persistent : oom::mode::once);
}
extern "C" __attribute__((visibility("default"))) int itsm_test_oom_disarm(void) { return oom::disarm() ? 1 : 0; }

void* operator new(std::size_t n) { return checked_new(n); }
void* operator new[](std::size_t n) { return checked_new(n); }
void* operator new(std::size_t n, std::align_val_t a) { return checked_new(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return checked_new(n, a); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return should_fail() ? nullptr : raw_alloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return should_fail() ? nullptr : raw_alloc(n); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return should_fail() ? nullptr : raw_aligned(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return should_fail() ? nullptr : raw_aligned(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

#if OOM_REPLACE_MALLOC
// malloc for the library's C allocations (returned texts) and libstdc++'s own; free stays glibc's,
// which releases what __libc_malloc gave.
extern "C" void* malloc(std::size_t n) { return should_fail() ? nullptr : __libc_malloc(n); }
extern "C" void* calloc(std::size_t n, std::size_t size) { return should_fail() ? nullptr : __libc_calloc(n, size); }
extern "C" void* realloc(void* p, std::size_t n) { return should_fail() ? nullptr : __libc_realloc(p, n); }
#endif
