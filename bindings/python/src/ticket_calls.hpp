#pragma once
// Ticket operations that run Python guards and actions: one call per ticket at a time across
// threads, and exceptions from callbacks that are not refusals.

#include <pybind11/pybind11.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "core_error.hpp"
#include "itsm/itsm.hpp"

namespace itsm_python {

namespace py = pybind11;

/// The host's guards and actions as Python callables. The package registers its dispatchers,
/// which take plain values: guard(transition, actor, at, fields_after_json) -> None (allow) or a
/// reason; action(record_json) -> None, or the text of the error the action raised. They turn
/// every `Exception` into that text themselves: what reaches this layer is something else
/// (`KeyboardInterrupt`, `SystemExit`, ...), which `apply` raises again once the engine is done.
struct py_hooks {
  itsm::hooks hooks;
};

/// A ticket and the thread whose call is changing it (none: `std::thread::id{}`).
struct py_ticket {
  itsm::ticket t;
  std::thread::id owner{};
};

// --- one call at a time per ticket ------------------------------------------------------------
// A call that may run Python callbacks lets other threads run while it is inside the engine,
// which holds references into the ticket across those callbacks. So a call owns its ticket until
// it ends: another thread waits its turn (without the GIL), and the owning thread itself (a
// callback changing its own ticket) is refused. One lock serves every ticket: turns are short,
// and finding a deadlock reads them all.
inline std::mutex& turns_mutex() {
  static std::mutex m;
  return m;
}
inline std::condition_variable& turn_ended() {
  static std::condition_variable c;
  return c;
}
/// The ticket each waiting thread waits for: what a deadlock check follows.
inline std::map<std::thread::id, const py_ticket*>& waiting_for() {
  static std::map<std::thread::id, const py_ticket*> w;
  return w;
}

class ticket_turn {
 public:
  /// `call` is the operation (fire, move_to, ...), as a refusal names it.
  ticket_turn(py_ticket& pt, std::string_view call) : pt_(pt) {
    const auto me = std::this_thread::get_id();
    std::unique_lock<std::mutex> lock(turns_mutex());
    if (pt_.owner == me) {
      // The core's refusal (errc::busy), given before the engine is reached: this thread's call
      // holds the ticket, so it is one of that call's guards or actions asking.
      lock.unlock();
      raise(itsm::error{itsm::errc::busy, itsm::busy_message(call, pt_.t.id())});
    }
    if (pt_.owner == std::thread::id{}) {
      pt_.owner = me;
      return;
    }
    if (waits_for_me(me)) {
      lock.unlock();
      raise(itsm::error{itsm::errc::invalid_argument,
                        "ticket " + pt_.t.id() + ": another thread's call holds it and waits for a ticket this thread's "
                        "call holds; refused, as waiting would deadlock"});
    }
    waiting_for()[me] = &pt_;
    lock.unlock();
    wait_turn(me);
  }
  ~ticket_turn() {
    {
      const std::lock_guard<std::mutex> lock(turns_mutex());
      pt_.owner = std::thread::id{};
    }
    turn_ended().notify_all();
  }
  ticket_turn(const ticket_turn&) = delete;
  ticket_turn& operator=(const ticket_turn&) = delete;

 private:
  /// Whether the owner of this ticket waits, directly or through other threads, for `me`.
  bool waits_for_me(std::thread::id me) const {
    const py_ticket* wanted = &pt_;
    for (std::size_t hops = 0; hops <= waiting_for().size(); ++hops) {
      if (wanted->owner == me) return true;
      const auto next = waiting_for().find(wanted->owner);
      if (next == waiting_for().end()) return false;
      wanted = next->second;
    }
    return false;
  }

  /// Waits without the GIL, looking for Ctrl-C (which Python sees in the main thread) between waits.
  void wait_turn(std::thread::id me) {
    for (;;) {
      bool mine = false;
      {
        py::gil_scoped_release unlocked;
        std::unique_lock<std::mutex> lock(turns_mutex());  // released before the GIL is taken back
        mine = turn_ended().wait_for(lock, std::chrono::milliseconds(100),
                                     [&] { return pt_.owner == std::thread::id{}; });
        if (mine) {
          pt_.owner = me;
          waiting_for().erase(me);
        }
      }
      if (mine) return;
      if (PyErr_CheckSignals() != 0) {
        const std::lock_guard<std::mutex> lock(turns_mutex());
        waiting_for().erase(me);
        throw py::error_already_set();
      }
    }
  }

  py_ticket& pt_;
};

// --- exceptions from callbacks that are not refusals -------------------------------------------
/// The first exception of a call's callbacks that the package's dispatchers let through; `apply`
/// puts the ticket back as it was and raises it again. One per `apply` on this thread's stack.
struct callback_escape {
  std::optional<py::error_already_set> error;
  callback_escape* outer;
  callback_escape() : outer(current()) { current() = this; }
  ~callback_escape() { current() = outer; }
  callback_escape(const callback_escape&) = delete;
  callback_escape& operator=(const callback_escape&) = delete;
  static callback_escape*& current() {
    thread_local callback_escape* innermost = nullptr;
    return innermost;
  }
};

/// Runs a callback of the current `apply`: after an escaped exception, later callbacks do not
/// run (`skipped` is their answer); the first escaped one is kept for `apply`.
template <class Result, class Call>
Result run_callback(Call&& call, Result skipped) {
  callback_escape* escape = callback_escape::current();
  if (escape != nullptr && escape->error) return skipped;
  try {
    return call();
  } catch (py::error_already_set& e) {
    if (escape == nullptr) throw;
    escape->error.emplace(std::move(e));
    return skipped;
  }
}

}  // namespace itsm_python
