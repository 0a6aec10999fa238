#pragma once
// What every C ABI source shares: the handles, the per-thread last error, the guard that keeps
// exceptions from crossing the boundary, the handle checks and the readers of C arguments.
//
// The C ABI is thin shims over the C++ core. Every body catches everything, so no exception
// crosses the boundary (fmt's fmt-c.cc); failures are codes plus a thread-local message and
// detail. Handles carry a tag so that a freed or foreign pointer is refused while its memory
// has not been reused (ASan and valgrind catch the rest).
//
// Everything a call's common path runs (slot, set_ok, guarded, live, the readers) is inline
// here, so each exported body in the .cpp files inlines it as it did when the C ABI was one
// file: the paired benchmarks hold the C call within 10 % of the C++ call. Only the cold paths
// (recording an error, the exception handlers) are out of line.

#include <pthread.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "itsm/change_schedule.hpp"
#include "itsm/event.hpp"
#include "itsm/detail/utf8.hpp"
#include "itsm/itsm.h"
#include "itsm/sla.hpp"
#include "itsm/ticket.hpp"
#include "itsm/workflow.hpp"

namespace itsm::c_api {

/// A handle's tag from its kind's name (FNV-1a; tags_distinct below checks that no two kinds
/// share one), never 0, which marks a freed handle.
constexpr std::uint64_t tag_of(std::string_view kind) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : kind) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h == 0 ? 1 : h;
}

/// The tag of a live handle of type H (a constant: checking a handle is one compare).
template <class H>
inline constexpr std::uint64_t live_tag = tag_of(H::what);

/// The one shape of every C handle; itsm.h's opaque structs derive from it, naming their kind
/// (`static constexpr const char* what`, as messages say it). The tag holds the kind's while
/// the handle lives and 0 once it is freed, so a freed handle whose memory has not been reused,
/// or a handle of another kind, is refused.
template <class Self, class Value>
struct handle {
  std::uint64_t tag = live_tag<Self>;
  Value value;

  template <class... Args>
  explicit handle(Args&&... args) : value(std::forward<Args>(args)...) {}
  handle(const handle&) = delete;  // a copy would be a second live handle of one object
  handle& operator=(const handle&) = delete;
};

}  // namespace itsm::c_api

// itsm.h's opaque types, one row each: the C type, the C++ value it holds, and its kind as
// messages name it.
#define ITSM_C_HANDLE(type, value_type, kind)                  \
  struct type final : itsm::c_api::handle<type, value_type> { \
    static constexpr const char* what = kind;                 \
    using handle::handle;                                     \
  }
ITSM_C_HANDLE(itsm_calendar, itsm::calendar, "calendar");
ITSM_C_HANDLE(itsm_sla, itsm::sla_definition, "SLA definition");
ITSM_C_HANDLE(itsm_workflow, itsm::workflow_ptr, "workflow");
ITSM_C_HANDLE(itsm_ticket, itsm::ticket, "ticket");
ITSM_C_HANDLE(itsm_actor_handle, itsm::actor, "actor handle");
ITSM_C_HANDLE(itsm_hooks, itsm::hooks, "hooks");
ITSM_C_HANDLE(itsm_change_schedule, itsm::change_schedule, "change schedule");
ITSM_C_HANDLE(itsm_event_store, itsm::event_store, "event store");
#undef ITSM_C_HANDLE

namespace itsm::c_api {

constexpr bool tags_distinct() {
  const std::uint64_t tags[] = {live_tag<itsm_calendar>,     live_tag<itsm_sla>,   live_tag<itsm_workflow>,
                                live_tag<itsm_ticket>,       live_tag<itsm_hooks>, live_tag<itsm_actor_handle>,
                                live_tag<itsm_change_schedule>, live_tag<itsm_event_store>};
  for (std::size_t i = 0; i < std::size(tags); ++i) {
    for (std::size_t j = i + 1; j < std::size(tags); ++j) {
      if (tags[i] == tags[j]) return false;
    }
  }
  return true;
}
static_assert(tags_distinct(), "a handle of one kind must never pass for another");

using nlohmann::json;

/// Everything the C ABI keeps per thread, in one thread-local object (one TLS lookup in a
/// shared library is not free): the last error, the actor buffer of ticket calls, and the
/// ticket whose call is running (so that callbacks get its handle).
struct thread_state {
  std::string message;
  std::string detail = "{}";
  itsm_error view{ITSM_OK, "", "{}"};
  itsm::actor actor;
  const itsm_ticket* running_ticket = nullptr;
};

/// Runs a thread's thread_state destructor at its exit. Made once (a guarded static, which
/// allocates nothing); deleted when the library is unloaded, so that no destructor is called into
/// unmapped code afterwards.
struct thread_state_key {
  pthread_key_t key{};
  bool made = false;
  thread_state_key() noexcept
      : made(pthread_key_create(&key, [](void* p) { static_cast<thread_state*>(p)->~thread_state(); }) == 0) {}
  ~thread_state_key() {
    if (made) pthread_key_delete(key);
  }
  thread_state_key(const thread_state_key&) = delete;
  thread_state_key& operator=(const thread_state_key&) = delete;
};

/// The thread's state, made on its first use without allocating: a thread_local with a
/// destructor would register it through __cxa_thread_atexit, which allocates, and glibc ends the
/// process when that fails ("failed to register TLS destructor"), so a thread whose first itsm
/// call meets an allocation failure would die. The storage here is trivial TLS, and the
/// destructor runs from a pthread key (pthread_setspecific allocates nothing for the first 32
/// keys of a process; should it fail, that thread's message buffers are not freed at its exit).
inline thread_state& slot_storage() {
  alignas(thread_state) thread_local unsigned char storage[sizeof(thread_state)];
  thread_local bool made = false;
  if (!made) {
    thread_state* s = new (storage) thread_state;  // its members start empty: nothing allocates
    made = true;
    static const thread_state_key key;
    if (key.made) pthread_setspecific(key.key, s);
  }
  return *std::launder(reinterpret_cast<thread_state*>(storage));
}

/// The calling thread's state. A thread_local with a constructor is reached through a guard
/// and a call to __tls_get_addr in a shared library. A plain pointer in the initial-exec model
/// is one load from %fs: glibc keeps spare static TLS for libraries loaded by dlopen (ctypes,
/// plugins), and eight bytes of it are all this takes.
inline thread_state& slot() {
  thread_local thread_state* cached __attribute__((tls_model("initial-exec"))) = nullptr;
  if (__builtin_expect(cached == nullptr, 0)) cached = &slot_storage();
  return *cached;
}

/// Records ITSM_ENOMEM with its static message: the thread's message and detail strings are left
/// alone, so that answering out-of-memory never needs the memory that ran out.
inline int set_enomem(thread_state& s = slot()) noexcept {
  s.view.code = ITSM_ENOMEM;
  s.view.message = "out of memory";
  s.view.detail = "{}";
  return ITSM_ENOMEM;
}

/// The detail of a success whose detail could not be recorded for lack of memory (a change that
/// committed is never answered with ITSM_ENOMEM).
inline constexpr const char* detail_lost = "{\"detail_lost\":\"out of memory\"}";

[[gnu::noinline]] inline int record(int code, std::string_view message, std::string_view detail) noexcept {
  auto& s = slot();
  if (code == ITSM_ENOMEM) return set_enomem(s);
  try {
    s.message.assign(message.data(), message.size());
    s.detail.assign(detail.data(), detail.size());
    s.view.message = s.message.c_str();
    s.view.detail = s.detail.c_str();
  } catch (...) {
    // The answer could not be recorded: the call changed nothing (a success records through
    // record_success), so out-of-memory is the whole truth.
    return set_enomem(s);
  }
  s.view.code = code;
  return code;
}

/// For a call whose effect stands (a ticket change committed, an event line's refusal recorded)
/// while its answer cannot be recorded for lack of memory: its code, with static words and the
/// detail `detail_lost`. Never ITSM_ENOMEM, which says that nothing changed.
inline int set_answer_lost(int code) noexcept {
  auto& s = slot();
  s.view.code = code;
  s.view.message = code == ITSM_OK ? "" : "(the message could not be recorded: out of memory)";
  s.view.detail = detail_lost;
  return code;
}

/// record() for a call whose effect stands: a failure to record gives set_answer_lost.
inline int record_kept(int code, std::string_view message, std::string_view detail) noexcept {
  auto& s = slot();
  try {
    s.message.assign(message.data(), message.size());
    s.detail.assign(detail.data(), detail.size());
    s.view.message = s.message.c_str();
    s.view.detail = s.detail.c_str();
  } catch (...) {
    return set_answer_lost(code);
  }
  s.view.code = code;
  return code;
}

inline int set_error(int code, std::string_view message) noexcept { return record(code, message, "{}"); }

inline int set_ok(thread_state& s = slot()) noexcept {
  s.view.code = ITSM_OK;
  s.view.message = "";
  s.view.detail = "{}";
  return ITSM_OK;
}

/// An error value's code and message; out-of-memory always with the static message (a message
/// such as "history[0]: out of memory" was allocated, and is no better an answer).
inline int from_error(const itsm::error& e) noexcept { return set_error(static_cast<int>(e.code), e.message); }

/// The code and message for the exception in flight (called from a catch block).
[[gnu::noinline]] inline int caught_exception() noexcept {
  try {
    throw;
  } catch (const itsm::detail::failure& f) {  // a refusal from a shared parsing helper
    return set_error(static_cast<int>(f.code), f.what());  // (its text exists: nothing to allocate but the copy)
  } catch (const std::bad_alloc&) {
    return set_enomem();
  } catch (const std::length_error&) {  // a container asked for more than it can hold
    return set_enomem();
  } catch (const std::exception& e) {
    try {
      return set_error(ITSM_EINTERNAL, std::string("internal error: ") + e.what());
    } catch (...) {
      return set_enomem();
    }
  } catch (...) {
    return set_error(ITSM_EINTERNAL, "internal error: unknown exception");
  }
}

/// Runs a C function's body so that no exception crosses the boundary. Kept this small (the
/// handlers are out of line) so that it and the body inline into the exported function.
template <class F>
int guarded(F&& body) noexcept {
  try {
    return body();
  } catch (...) {
    return caught_exception();
  }
}

template <class H>
bool live(const H* h) {
  return h && h->tag == live_tag<H>;
}

/// Why a handle argument is refused (NULL, or not a live handle of that kind).
template <class H>
int bad_handle(const H* h, const char* arg) {
  return h ? set_error(ITSM_EINVAL, std::string(arg) + ": not a live " + H::what +
                                        " (freed, or not created by itsm)")
           : set_error(ITSM_ENULL, std::string(arg) + ": NULL " + H::what);
}

/// The body of every itsm_*_free: NULL is accepted, and a handle that is not live (freed
/// already, or of another kind) is left alone, the refusal recorded as the last error naming
/// `arg` (a free returns nothing, so that is where a caller finds it). A successful free leaves
/// the last error as it was, so that a caller may free what it made before reading why a call
/// failed.
template <class H>
void release(H* h, const char* arg) noexcept {
  if (live(h)) {
    h->tag = 0;
    delete h;
  } else if (h) {
    guarded([&] { return bad_handle(h, arg); });
  }
}

/// A new handle in `*out` holding the value of `made` (an itsm::result), or its error recorded.
template <class H, class T>
int give_handle(itsm::result<T>&& made, H** out) {
  if (!made) return from_error(made.error_value());
  *out = new H(std::move(*made));
  return set_ok();
}

/// The body of every call that makes a handle from text and its length: `out` checked and
/// cleared, `check()` run on the other arguments (ITSM_OK, or the error it set), the text
/// checked, then `load(text)`'s itsm::result becomes the handle.
template <class H, class Check, class Load>
int new_from_text(H** out, const char* text, std::size_t len, const char* text_arg, Check&& check, Load&& load) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    if (const int code = check(); code != ITSM_OK) return code;
    if (!text) return set_error(ITSM_ENULL, std::string(text_arg) + ": NULL");
    return give_handle(load(std::string_view(text, len)), out);
  });
}

/// new_from_text for the loaders that take nothing but the JSON text (`json` in messages).
template <class H, class Load>
int new_from_json(H** out, const char* json_text, std::size_t len, Load&& load) {
  return new_from_text(out, json_text, len, "json", [] { return ITSM_OK; }, std::forward<Load>(load));
}

inline bool valid_utf8(const char* text) {
  return itsm::detail::invalid_utf8_at(text) == itsm::detail::utf8_ok;
}

/// Checks a NUL-terminated text argument: present and UTF-8. Returns ITSM_OK or the error set;
/// on success `*view` (when given) is the text.
inline int need_text(const char* s, const char* arg, std::string_view* view = nullptr) {
  if (!s) return set_error(ITSM_ENULL, std::string(arg) + ": NULL");
  const std::string_view text(s);
  if (const auto bad = itsm::detail::invalid_utf8_at(text); bad != itsm::detail::utf8_ok) {
    return set_error(ITSM_EINVAL, itsm::detail::not_utf8_message(arg, bad));
  }
  if (view) *view = text;
  return ITSM_OK;
}

/// An optional JSON object argument (NULL: empty). Sets the error and returns false when bad.
inline bool read_fields(const char* text, const char* arg, json& out, int& code) {
  if (!text) {
    out = json::object();
    return true;
  }
  try {
    out = itsm::detail::parse_json_text(text, arg);  // `out` was null: nothing old to free
  } catch (const itsm::detail::failure& f) {
    code = set_error(static_cast<int>(f.code), f.what());
    return false;
  }
  if (!out.is_object()) {
    code = set_error(ITSM_EINVAL, std::string(arg) + ": expected a JSON object, got " + out.type_name());
    return false;
  }
  return true;
}

/// The text of the JSON value `make()` builds; the value is released before it goes, so that
/// freeing it cannot allocate (detail/json_release.hpp).
template <class F>
std::string dump_of(F&& make, int indent = -1) {
  json j = make();
  itsm::detail::json_release_guard guard(j);
  return j.dump(indent);
}

/// `text` as a NUL-terminated copy the caller releases with itsm_free; NULL when malloc fails.
/// Separate from give_text for calls that must hold the copy before they commit.
inline char* c_text(const std::string& text) noexcept {
  char* p = static_cast<char*>(std::malloc(text.size() + 1));
  if (p) std::memcpy(p, text.c_str(), text.size() + 1);
  return p;
}

/// Copies text into memory the caller releases with itsm_free.
inline int give_text(const std::string& text, char** out) {
  char* p = c_text(text);
  if (!p) return set_enomem();
  *out = p;
  return set_ok();
}

/// Text out of a live handle: `make(handle)` gives it.
template <class H, class F>
int text_out(const H* h, const char* arg, char** out, F&& make) {
  return guarded([&] {
    if (!live(h)) return bad_handle(h, arg);
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    return give_text(make(*h), out);
  });
}

inline itsm::sys_seconds instant(std::int64_t v) { return itsm::sys_seconds{std::chrono::seconds{v}}; }

/// An actor from its C form, into `out` (whose buffers are reused from call to call); sets the
/// error and returns false when bad.
inline bool read_actor(const itsm_actor* who, itsm::actor& out, int& code) {
  if (!who) {
    code = set_error(ITSM_ENULL, "who: NULL actor");
    return false;
  }
  std::string_view name;
  if ((code = need_text(who->name, "who->name", &name)) != ITSM_OK) return false;
  if (who->role_count > 0 && !who->roles) {
    code = set_error(ITSM_ENULL, "who->roles: NULL with role_count " + std::to_string(who->role_count));
    return false;
  }
  // Roles are only compared, never stored or echoed, so they need no UTF-8 scan (the name is
  // stored in histories and is checked); checked before `out` changes.
  for (std::size_t i = 0; i < who->role_count; ++i) {
    if (who->roles[i] == nullptr) {
      code = set_error(ITSM_ENULL, "who->roles[" + std::to_string(i) + "]: NULL");
      return false;
    }
  }
  // A host usually acts as the same few actors: when the thread's buffer already holds this
  // one, comparing is cheaper than assigning again.
  if (out.name != name) out.name.assign(name.data(), name.size());
  out.check_roles = who->trusted == 0;
  out.roles.resize(who->role_count);
  for (std::size_t i = 0; i < who->role_count; ++i) {
    if (out.roles[i] != who->roles[i]) out.roles[i].assign(who->roles[i]);
  }
  return true;
}

}  // namespace itsm::c_api
