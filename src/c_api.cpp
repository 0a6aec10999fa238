// The C ABI: thin shims over the C++ core. Every body catches everything, so no exception
// crosses the boundary (fmt's fmt-c.cc); failures are codes plus a thread-local message and
// detail. Handles carry a tag so that a freed or foreign pointer is refused while its memory
// has not been reused (ASan and valgrind catch the rest).

#include "itsm/itsm.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "itsm/change_schedule.hpp"
#include "itsm/detail/utf8.hpp"
#include "itsm/limits.hpp"
#include "itsm/sla.hpp"
#include "itsm/ticket.hpp"
#include "itsm/workflow.hpp"

struct itsm_calendar {
  static constexpr std::uint64_t live_tag = 0x6974736d63616cULL;  // "itsmcal"
  static constexpr const char* what = "calendar";
  std::uint64_t tag = live_tag;
  itsm::calendar cal;
  explicit itsm_calendar(itsm::calendar c) : cal(std::move(c)) {}
};

struct itsm_sla {
  static constexpr std::uint64_t live_tag = 0x6974736d736c61ULL;  // "itsmsla"
  static constexpr const char* what = "SLA definition";
  std::uint64_t tag = live_tag;
  itsm::sla_definition def;
  explicit itsm_sla(itsm::sla_definition d) : def(std::move(d)) {}
};

struct itsm_workflow {
  static constexpr std::uint64_t live_tag = 0x6974736d77666cULL;  // "itsmwfl"
  static constexpr const char* what = "workflow";
  std::uint64_t tag = live_tag;
  itsm::workflow_ptr wf;
  explicit itsm_workflow(itsm::workflow_ptr w) : wf(std::move(w)) {}
};

struct itsm_ticket {
  static constexpr std::uint64_t live_tag = 0x6974736d746b74ULL;  // "itsmtkt"
  static constexpr const char* what = "ticket";
  std::uint64_t tag = live_tag;
  itsm::ticket t;
  explicit itsm_ticket(itsm::ticket x) : t(std::move(x)) {}
};

struct itsm_actor_handle {
  static constexpr std::uint64_t live_tag = 0x6974736d616374ULL;  // "itsmact"
  static constexpr const char* what = "actor handle";
  std::uint64_t tag = live_tag;
  itsm::actor actor;
};

struct itsm_hooks {
  static constexpr std::uint64_t live_tag = 0x6974736d686b73ULL;  // "itsmhks"
  static constexpr const char* what = "hooks";
  std::uint64_t tag = live_tag;
  itsm::hooks hooks;
};

struct itsm_change_schedule {
  static constexpr std::uint64_t live_tag = 0x6974736d736368ULL;  // "itsmsch"
  static constexpr const char* what = "change schedule";
  std::uint64_t tag = live_tag;
  itsm::change_schedule schedule;
  explicit itsm_change_schedule(itsm::change_schedule s) : schedule(std::move(s)) {}
};

static_assert(static_cast<int>(itsm::sla_state::cancelled) == ITSM_SLA_CANCELLED &&
                  static_cast<int>(itsm::sla_state::breached_met) == ITSM_SLA_BREACHED_MET &&
                  static_cast<int>(itsm::sla_state::not_started) == ITSM_SLA_NOT_STARTED,
              "itsm_sla_state mirrors itsm::sla_state");

namespace {

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

/// What a call without fields passes (itsm::detail::empty_json_object, looked up once).
const json& no_fields = itsm::detail::empty_json_object();

thread_state& slot_storage() {
  thread_local thread_state s;
  return s;
}

/// The calling thread's state. A thread_local with a constructor is reached through a guard
/// and a call to __tls_get_addr in a shared library. A plain pointer in the initial-exec model
/// is one load from %fs: glibc keeps spare static TLS for libraries loaded by dlopen (ctypes,
/// plugins), and eight bytes of it are all this takes.
thread_state& slot() {
  thread_local thread_state* cached __attribute__((tls_model("initial-exec"))) = nullptr;
  if (__builtin_expect(cached == nullptr, 0)) cached = &slot_storage();
  return *cached;
}

int record(int code, const std::string& message, const std::string& detail) noexcept {
  auto& s = slot();
  try {
    s.message = message;
    s.detail = detail;
    s.view.message = s.message.c_str();
    s.view.detail = s.detail.c_str();
  } catch (...) {
    s.view.message = "out of memory while recording an error";
    s.view.detail = "{}";
  }
  s.view.code = code;
  return code;
}

int set_error(int code, const std::string& message) noexcept { return record(code, message, "{}"); }

int set_ok(thread_state& s = slot()) noexcept {
  s.view.code = ITSM_OK;
  s.view.message = "";
  s.view.detail = "{}";
  return ITSM_OK;
}

int from_error(const itsm::error& e) noexcept { return set_error(static_cast<int>(e.code), e.message); }

/// The outcome's machine-readable parts, for itsm_error::detail (code and message have their
/// own members; the message stays in detail only on success, where it says what an approval did).
std::string outcome_detail(const itsm::outcome& o) {
  json d = itsm::to_json(o);
  d.erase("code");
  if (!o.ok() || o.message.empty()) d.erase("message");
  return d.dump();
}

[[gnu::noinline]] int record_outcome(const itsm::outcome& o) {
  return record(static_cast<int>(o.code), o.ok() ? std::string() : o.message, outcome_detail(o));
}

inline int from_outcome(const itsm::outcome& o, thread_state& ts) {
  // The common case, a plain success, is a few compares and stores, inline (the C ABI's fire
  // stays close to the C++ call); everything else is recorded out of line.
  if (o.ok() && o.message.empty() && o.fired.empty() && o.action_errors.empty() && o.approvals_needed == 0) {
    return set_ok(ts);
  }
  return record_outcome(o);
}

/// The code and message for the exception in flight (called from a catch block).
[[gnu::noinline]] int caught_exception() noexcept {
  try {
    throw;
  } catch (const itsm::detail::failure& f) {  // a refusal from a shared parsing helper
    return set_error(static_cast<int>(f.code), f.what());
  } catch (const std::bad_alloc&) {
    return set_error(ITSM_ENOMEM, "out of memory");
  } catch (const std::exception& e) {
    return set_error(ITSM_EINTERNAL, std::string("internal error: ") + e.what());
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
  return h && h->tag == H::live_tag;
}

/// Why a handle argument is refused (NULL, or not a live handle of that kind).
template <class H>
int bad_handle(const H* h, const char* arg) {
  return h ? set_error(ITSM_EINVAL, std::string(arg) + ": not a live " + H::what +
                                        " (freed, or not created by itsm)")
           : set_error(ITSM_ENULL, std::string(arg) + ": NULL " + H::what);
}

template <class H>
void release(H* h) {
  if (!live(h)) return;
  h->tag = 0;
  delete h;
}

bool valid_utf8(const char* text) {
  return itsm::detail::invalid_utf8_at(text) == itsm::detail::utf8_ok;
}

/// Checks a NUL-terminated text argument: present and UTF-8. Returns ITSM_OK or the error set;
/// on success `*view` (when given) is the text.
int need_text(const char* s, const char* arg, std::string_view* view = nullptr) {
  if (!s) return set_error(ITSM_ENULL, std::string(arg) + ": NULL");
  const std::string_view text(s);
  if (const auto bad = itsm::detail::invalid_utf8_at(text); bad != itsm::detail::utf8_ok) {
    return set_error(ITSM_EINVAL, itsm::detail::not_utf8_message(arg, bad));
  }
  if (view) *view = text;
  return ITSM_OK;
}

/// An optional JSON object argument (NULL: empty). Sets the error and returns false when bad.
bool read_fields(const char* text, const char* arg, json& out, int& code) {
  if (!text) {
    out = json::object();
    return true;
  }
  try {
    out = itsm::detail::parse_json_text(text, arg);
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

/// Copies text into memory the caller releases with itsm_free.
int give_text(const std::string& text, char** out) {
  char* p = static_cast<char*>(std::malloc(text.size() + 1));
  if (!p) return set_error(ITSM_ENOMEM, "out of memory");
  std::memcpy(p, text.data(), text.size());
  p[text.size()] = '\0';
  *out = p;
  return set_ok();
}

itsm::sys_seconds instant(std::int64_t v) { return itsm::sys_seconds{std::chrono::seconds{v}}; }

/// An actor from its C form, into `out` (whose buffers are reused from call to call); sets the
/// error and returns false when bad.
bool read_actor(const itsm_actor* who, itsm::actor& out, int& code) {
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

/// The calc options from their C form; sets the error and returns false when bad.
bool read_options(const itsm_calc_options* opts, itsm::calc_options& out, std::vector<itsm::pause>& pauses,
                  int& code) {
  if (!opts) return true;
  if (opts->version != ITSM_CALC_OPTIONS_VERSION) {
    code = set_error(ITSM_EINVAL, "opts->version: " + std::to_string(opts->version) +
                                      " is not supported (use ITSM_CALC_OPTIONS_INIT; this library knows " +
                                      std::to_string(ITSM_CALC_OPTIONS_VERSION) + ")");
    return false;
  }
  if (opts->at_close != ITSM_AT_CLOSE_CLOSE && opts->at_close != ITSM_AT_CLOSE_OPEN) {
    code = set_error(ITSM_EINVAL, "opts->at_close: " + std::to_string(opts->at_close) +
                                      " is not ITSM_AT_CLOSE_CLOSE or ITSM_AT_CLOSE_OPEN");
    return false;
  }
  if (opts->dst != ITSM_DST_ELAPSED && opts->dst != ITSM_DST_WALL) {
    code = set_error(ITSM_EINVAL, "opts->dst: " + std::to_string(opts->dst) + " is not ITSM_DST_ELAPSED or ITSM_DST_WALL");
    return false;
  }
  if (opts->pause_count > 0 && !opts->pauses) {
    code = set_error(ITSM_ENULL, "opts->pauses: NULL with pause_count " + std::to_string(opts->pause_count));
    return false;
  }
  out.at_close = opts->at_close == ITSM_AT_CLOSE_OPEN ? itsm::at_close_convention::open : itsm::at_close_convention::close;
  out.dst = opts->dst == ITSM_DST_WALL ? itsm::dst_convention::wall : itsm::dst_convention::elapsed;
  pauses.reserve(opts->pause_count);
  for (std::size_t i = 0; i < opts->pause_count; ++i) {
    pauses.push_back({instant(opts->pauses[2 * i]), instant(opts->pauses[2 * i + 1])});
  }
  out.pauses = pauses;
  return true;
}

/// A calendar answer into `*out` (seconds), or its error recorded.
template <class T>
int answer(const itsm::result<T>& r, int64_t* out) {
  const T* value = r.if_value();
  if (!value) return from_error(r.error_value());
  if constexpr (std::is_same_v<T, itsm::sys_seconds>) {
    *out = value->time_since_epoch().count();
  } else {
    *out = value->count();
  }
  return set_ok();
}

/// Runs a calendar operation (`op(calendar, options)`) with the options in their C form; NULL,
/// the usual case, passes the defaults without reading anything.
template <class Op>
int calendar_call(const itsm_calendar* cal, const itsm_calc_options* opts, int64_t* out, Op&& op) {
  return guarded([&] {
    if (!live(cal)) return bad_handle(cal, "cal");
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    if (!opts) return answer(op(cal->cal, itsm::calc_options{}), out);
    itsm::calc_options options;
    std::vector<itsm::pause> pauses;
    int code = ITSM_OK;
    if (!read_options(opts, options, pauses, code)) return code;
    return answer(op(cal->cal, options), out);
  });
}

/// Marks `t` as the ticket whose call runs on this thread, for the duration of the call.
struct running_scope {
  running_scope(thread_state& ts, const itsm_ticket* t) : state(ts), saved(ts.running_ticket) {
    ts.running_ticket = t;
  }
  ~running_scope() { state.running_ticket = saved; }
  running_scope(const running_scope&) = delete;
  running_scope& operator=(const running_scope&) = delete;
  thread_state& state;
  const itsm_ticket* saved;
};

const itsm_ticket* handle_of(const itsm::ticket& t) {
  const itsm_ticket* running = slot().running_ticket;
  return running && &running->t == &t ? running : nullptr;
}

/// Common shape of the ticket operations that take an actor, fields and hooks. `actor_of(ts,
/// code)` gives the actor (converted from its C form, or held by an itsm_actor_handle), or
/// NULL with the error set in `code`.
template <class ActorOf, class Op>
int ticket_call_as(itsm_ticket* ticket, ActorOf&& actor_of, const char* fields_json, const char* comment,
                   const itsm_hooks* hooks, Op&& op) {
  return guarded([&] {
    if (!live(ticket)) return bad_handle(ticket, "ticket");
    if (hooks && !live(hooks)) return bad_handle(hooks, "hooks");
    thread_state& ts = slot();
    int code = ITSM_OK;
    const itsm::actor* actor = actor_of(ts, code);
    if (!actor) return code;
    std::optional<json> parsed;  // built only when fields are given (most calls pass none)
    if (fields_json) {
      if ((code = need_text(fields_json, "fields_json")) != ITSM_OK) return code;
      if (!read_fields(fields_json, "fields_json", parsed.emplace(), code)) return code;
    }
    // The comment is stored, so the core checks its UTF-8 (`comment: not valid UTF-8 (byte N)`).
    running_scope scope(ts, ticket);
    const itsm::outcome o = op(ticket->t, *actor, parsed ? *parsed : no_fields,
                               comment ? std::string_view(comment) : std::string_view(),
                               hooks ? &hooks->hooks : nullptr);
    return from_outcome(o, ts);
  });
}

/// ticket_call_as with the actor in its C form: converted into the thread's actor buffer (saving
/// allocations), or into a fresh actor for a guard or action making ticket calls of its own.
template <class Op>
int ticket_call(itsm_ticket* ticket, const itsm_actor* who, const char* fields_json, const char* comment,
                const itsm_hooks* hooks, Op&& op) {
  itsm::actor nested;
  return ticket_call_as(
      ticket,
      [&](thread_state& ts, int& code) -> const itsm::actor* {
        itsm::actor& actor = ts.running_ticket ? nested : ts.actor;
        return read_actor(who, actor, code) ? &actor : nullptr;
      },
      fields_json, comment, hooks, std::forward<Op>(op));
}

/// Text out of a live handle.
template <class H, class F>
int text_out(const H* h, const char* arg, char** out, F&& make) {
  return guarded([&] {
    if (!live(h)) return bad_handle(h, arg);
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    return give_text(make(*h), out);
  });
}

}  // namespace

namespace {
/// One member of itsm_limits and its itsm::limits twin; a caller's struct covers it when its
/// `size` reaches past the member's end.
struct limit_member {
  std::size_t offset;
  size_t itsm_limits::*c;
  std::size_t itsm::limits::*cpp;
  bool covered_by(std::size_t size) const { return offset + sizeof(size_t) <= size; }
};
#define ITSM_LIMIT_MEMBER(m) limit_member{offsetof(itsm_limits, m), &itsm_limits::m, &itsm::limits::m}
const limit_member limit_members[] = {
    ITSM_LIMIT_MEMBER(json_bytes),        ITSM_LIMIT_MEMBER(json_depth), ITSM_LIMIT_MEMBER(field_bytes),
    ITSM_LIMIT_MEMBER(fields),            ITSM_LIMIT_MEMBER(history),    ITSM_LIMIT_MEMBER(intervals_per_day),
    ITSM_LIMIT_MEMBER(holidays),          ITSM_LIMIT_MEMBER(overrides)};
#undef ITSM_LIMIT_MEMBER
static_assert(sizeof(itsm_limits) == sizeof(size_t) * (1 + std::size(limit_members)),
              "every itsm_limits member is in limit_members");

int check_limits_size(std::size_t size) {
  return size < offsetof(itsm_limits, json_bytes) + sizeof(size_t)
             ? set_error(ITSM_EINVAL, "limits.size: " + std::to_string(size) + " is not sizeof(itsm_limits)")
             : ITSM_OK;
}
}  // namespace

namespace {
const std::vector<std::string>& builtin_names() {
  static const std::vector<std::string> names = itsm::builtin_workflow_names();
  return names;
}
}  // namespace

namespace {
/// The fire shared by itsm_ticket_fire and _fire_as. The transition id is only compared with the
/// workflow's (valid UTF-8) ids, so its UTF-8 check waits until it matched none: a bad id is
/// still refused with ITSM_EINVAL, and the common call skips the scan.
auto fire_op(const char* transition, int64_t at) {
  return [transition, at](itsm::ticket& t, const itsm::actor& a, const json& f, std::string_view c,
                          const itsm::hooks* h) {
    itsm::outcome o = t.fire(transition, a, instant(at), f, c, h);
    if (o.code == itsm::errc::unknown_transition && !valid_utf8(transition)) {
      o.code = itsm::errc::invalid_argument;
      o.message = "transition: not valid UTF-8";
    }
    return o;
  };
}
}  // namespace

extern "C" {

const itsm_error* itsm_error_last(void) { return &slot().view; }

const char* itsm_strerror(int code) {
  switch (code) {
    case ITSM_OK: return "no error";
    case ITSM_EINVAL: return "invalid argument";
    case ITSM_EPARSE: return "parse error";
    case ITSM_ERANGE: return "out of the supported range";
    case ITSM_ENOWORKTIME: return "no working time";
    case ITSM_EZONE: return "unknown time zone";
    case ITSM_ENONEXISTENT: return "nonexistent wall time";
    case ITSM_ENULL: return "NULL argument";
    case ITSM_ENOMEM: return "out of memory";
    case ITSM_EINTERNAL: return "internal error";
    case ITSM_EDEFINITION: return "invalid workflow definition";
    case ITSM_EUNKNOWN_TRANSITION: return "unknown transition";
    case ITSM_ENOT_ALLOWED: return "transition not allowed from the current state";
    case ITSM_EROLE: return "role denied";
    case ITSM_EMISSING_FIELDS: return "missing required fields";
    case ITSM_EAPPROVALS: return "approvals pending";
    case ITSM_EGUARD: return "guard failed";
    case ITSM_ETIME_BACKWARDS: return "time went backwards";
    case ITSM_ESOD: return "segregation of duties";
    case ITSM_EAMBIGUOUS: return "ambiguous";
    case ITSM_ENOT_FOUND: return "not found";
    case ITSM_ETAMPERED: return "tampered history";
    case ITSM_ELIMIT: return "limit exceeded";
    default: return "unknown error code";
  }
}

const char* itsm_version_string(void) { return ITSM_VERSION_STRING; }

int itsm_version_number(void) { return ITSM_VERSION_NUMBER; }

void itsm_free(void* text) { std::free(text); }


int itsm_get_limits(itsm_limits* out) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    if (int code = check_limits_size(out->size); code != ITSM_OK) return code;
    const itsm::limits now = itsm::get_limits();
    for (const auto& m : limit_members) {
      if (m.covered_by(out->size)) out->*m.c = now.*m.cpp;
    }
    return set_ok();
  });
}

int itsm_set_limits(const itsm_limits* limits) {
  return guarded([&] {
    if (!limits) return set_error(ITSM_ENULL, "limits: NULL");
    if (int code = check_limits_size(limits->size); code != ITSM_OK) return code;
    itsm::limits next = itsm::get_limits();
    for (const auto& m : limit_members) {
      if (m.covered_by(limits->size)) next.*m.cpp = limits->*m.c;
    }
    itsm::set_limits(next);
    return set_ok();
  });
}

/* --- calendars ------------------------------------------------------------------------------ */

int itsm_calendar_from_json(itsm_calendar** out, const char* json_text, size_t len) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    if (!json_text) return set_error(ITSM_ENULL, "json: NULL");
    auto loaded = itsm::calendar::from_json(std::string_view(json_text, len));
    if (!loaded) return from_error(loaded.error_value());
    *out = new itsm_calendar(std::move(*loaded));
    return set_ok();
  });
}

void itsm_calendar_free(itsm_calendar* cal) { release(cal); }

int itsm_calendar_add(const itsm_calendar* cal, int64_t start, int64_t seconds, int64_t* out) {
  return itsm_calendar_add_ex(cal, start, seconds, nullptr, out);
}

int itsm_calendar_between(const itsm_calendar* cal, int64_t start, int64_t end, int64_t* out) {
  return itsm_calendar_between_ex(cal, start, end, nullptr, out);
}

int itsm_calendar_add_ex(const itsm_calendar* cal, int64_t start, int64_t seconds, const itsm_calc_options* opts,
                         int64_t* out) {
  return calendar_call(cal, opts, out, [&](const itsm::calendar& c, const itsm::calc_options& o) {
    return c.add(instant(start), std::chrono::seconds{seconds}, o);
  });
}

int itsm_calendar_between_ex(const itsm_calendar* cal, int64_t start, int64_t end, const itsm_calc_options* opts,
                             int64_t* out) {
  return calendar_call(cal, opts, out, [&](const itsm::calendar& c, const itsm::calc_options& o) {
    return c.between(instant(start), instant(end), o);
  });
}

int itsm_calendar_next_open(const itsm_calendar* cal, int64_t t, const itsm_calc_options* opts, int64_t* out) {
  return calendar_call(cal, opts, out, [&](const itsm::calendar& c, const itsm::calc_options& o) {
    return c.next_open(instant(t), o);
  });
}

int itsm_calendar_next_close(const itsm_calendar* cal, int64_t t, const itsm_calc_options* opts, int64_t* out) {
  return calendar_call(cal, opts, out, [&](const itsm::calendar& c, const itsm::calc_options& o) {
    return c.next_close(instant(t), o);
  });
}

int itsm_calendar_prev_close(const itsm_calendar* cal, int64_t t, const itsm_calc_options* opts, int64_t* out) {
  return calendar_call(cal, opts, out, [&](const itsm::calendar& c, const itsm::calc_options& o) {
    return c.prev_close(instant(t), o);
  });
}

int itsm_calendar_add_working_days(const itsm_calendar* cal, int64_t t, int days, const itsm_calc_options* opts,
                                   int64_t* out) {
  return calendar_call(cal, opts, out, [&](const itsm::calendar& c, const itsm::calc_options& o) {
    return c.add_working_days(instant(t), days, o);
  });
}

int itsm_calendar_holidays(const itsm_calendar* cal, int year, int32_t* dates, size_t capacity, size_t* count) {
  return guarded([&] {
    if (!live(cal)) return bad_handle(cal, "cal");
    if (!count) return set_error(ITSM_ENULL, "count: NULL");
    if (capacity > 0 && !dates) return set_error(ITSM_ENULL, "dates: NULL with capacity " + std::to_string(capacity));
    auto r = cal->cal.holidays(year);
    if (!r) return from_error(r.error_value());
    *count = r->size();
    for (std::size_t i = 0; i < r->size() && i < capacity; ++i) {
      const auto& d = (*r)[i];
      dates[i] = static_cast<int32_t>(d.year * 10000 + static_cast<int>(d.month) * 100 + static_cast<int>(d.day));
    }
    return set_ok();
  });
}

int itsm_calendar_to_json(const itsm_calendar* cal, char** out) {
  return text_out(cal, "cal", out, [](const itsm_calendar& c) { return c.cal.to_json().dump(); });
}

/* --- SLA ------------------------------------------------------------------------------------ */

int itsm_sla_from_json(itsm_sla** out, const char* json_text, size_t len) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    if (!json_text) return set_error(ITSM_ENULL, "json: NULL");
    auto loaded = itsm::sla_definition::from_json(std::string_view(json_text, len));
    if (!loaded) return from_error(loaded.error_value());
    *out = new itsm_sla(std::move(*loaded));
    return set_ok();
  });
}

void itsm_sla_free(itsm_sla* sla) { release(sla); }

int itsm_sla_evaluate_json(const itsm_sla* sla, const char* history_json, size_t len, int64_t now, char** out) {
  return guarded([&] {
    if (!live(sla)) return bad_handle(sla, "sla");
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    if (!history_json) return set_error(ITSM_ENULL, "history_json: NULL");
    const json parsed = itsm::detail::parse_json_text(std::string_view(history_json, len), "history_json");
    auto history = itsm::sla_history_from_json(parsed);
    if (!history) return from_error(history.error_value());
    auto status = itsm::evaluate(sla->def, *history, instant(now));
    if (!status) return from_error(status.error_value());
    return give_text(itsm::to_json(*status).dump(), out);
  });
}

/* --- workflows ------------------------------------------------------------------------------ */

int itsm_workflow_from_json(itsm_workflow** out, const char* json_text, size_t len) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    if (!json_text) return set_error(ITSM_ENULL, "json: NULL");
    auto wf = itsm::workflow::from_json(std::string_view(json_text, len));
    if (!wf) return from_error(wf.error_value());
    *out = new itsm_workflow(std::move(*wf));
    return set_ok();
  });
}

int itsm_workflow_builtin(itsm_workflow** out, const char* name) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    if (int code = need_text(name, "name"); code != ITSM_OK) return code;
    auto wf = itsm::builtin_workflow(name);
    if (!wf) return from_error(wf.error_value());
    *out = new itsm_workflow(std::move(*wf));
    return set_ok();
  });
}


size_t itsm_workflow_builtin_count(void) {
  try {
    return builtin_names().size();
  } catch (...) {
    return 0;
  }
}

const char* itsm_workflow_builtin_name(size_t i) {
  try {
    const auto& names = builtin_names();
    return i < names.size() ? names[i].c_str() : nullptr;
  } catch (...) {
    return nullptr;
  }
}

void itsm_workflow_free(itsm_workflow* wf) { release(wf); }

int itsm_workflow_validate(const char* json_text, size_t len, char** problems) {
  return guarded([&] {
    if (!problems) return set_error(ITSM_ENULL, "problems: NULL");
    *problems = nullptr;
    if (!json_text) return set_error(ITSM_ENULL, "json: NULL");
    auto def = itsm::workflow::parse(std::string_view(json_text, len));
    json list = json::array();
    if (!def) {
      // A document that is JSON but not a definition is one problem; text that is not JSON
      // is a parse error with no list.
      if (def.error_value().code == itsm::errc::parse_error) return from_error(def.error_value());
      list.push_back({{"severity", "error"}, {"where", "definition"}, {"message", def.error_value().message}});
      const int code = give_text(list.dump(), problems);
      return code != ITSM_OK ? code : set_error(ITSM_EDEFINITION, def.error_value().message);
    }
    std::size_t errors = 0;
    std::string first;
    for (const auto& p : itsm::workflow::check(*def)) {
      const bool is_error = p.level == itsm::problem::severity::error;
      if (is_error && errors++ == 0) first = p.to_string();
      list.push_back({{"severity", is_error ? "error" : "warning"}, {"where", p.where}, {"message", p.message}});
    }
    const int code = give_text(list.dump(), problems);
    if (code != ITSM_OK) return code;
    if (errors == 0) return set_ok();
    return set_error(ITSM_EDEFINITION, std::to_string(errors) + (errors == 1 ? " error, the first: " : " errors, the first: ") + first);
  });
}

const char* itsm_workflow_name(const itsm_workflow* wf) {
  if (!live(wf)) {
    bad_handle(wf, "wf");
    return nullptr;
  }
  return wf->wf->name().c_str();
}

int itsm_workflow_to_json(const itsm_workflow* wf, char** out) {
  return text_out(wf, "wf", out, [](const itsm_workflow& w) { return w.wf->to_json().dump(2); });
}

int itsm_workflow_to_dot(const itsm_workflow* wf, const char* current_state, char** out) {
  return guarded([&] {
    if (current_state) {
      if (int code = need_text(current_state, "current_state"); code != ITSM_OK) return code;
      if (live(wf) && wf->wf->find_state(current_state) == itsm::workflow::npos) {
        return set_error(ITSM_ENOT_FOUND, std::string("current_state: '") + current_state + "' is not a state of " +
                                              wf->wf->name());
      }
    }
    return text_out(wf, "wf", out, [&](const itsm_workflow& w) {
      return w.wf->to_dot(current_state ? std::string_view(current_state) : std::string_view());
    });
  });
}

/* --- hooks ---------------------------------------------------------------------------------- */

int itsm_hooks_new(itsm_hooks** out) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = new itsm_hooks();
    return set_ok();
  });
}

void itsm_hooks_free(itsm_hooks* hooks) { release(hooks); }

int itsm_hooks_add_guard(itsm_hooks* hooks, const char* name, itsm_guard_fn fn, void* payload) {
  return guarded([&] {
    if (!live(hooks)) return bad_handle(hooks, "hooks");
    if (int code = need_text(name, "name"); code != ITSM_OK) return code;
    if (!fn) return set_error(ITSM_ENULL, "fn: NULL guard");
    const std::string guard_name = name;
    hooks->hooks.guard(name, [fn, payload, guard_name](const itsm::guard_context& g) -> std::optional<std::string> {
      const std::string fields = g.fields_after.dump();
      const itsm_guard_call call{handle_of(g.subject), g.transition.id.c_str(), g.who.name.c_str(),
                                 g.at.time_since_epoch().count(), fields.c_str()};
      char reason[512] = {0};
      if (fn(payload, &call, reason, sizeof reason) == 0) return std::nullopt;
      reason[sizeof reason - 1] = '\0';
      std::string why = reason;
      if (why.empty() || !valid_utf8(why.c_str())) why = "refused by the host guard " + guard_name;
      return why;
    });
    return set_ok();
  });
}

int itsm_hooks_add_action(itsm_hooks* hooks, const char* name, itsm_action_fn fn, void* payload) {
  return guarded([&] {
    if (!live(hooks)) return bad_handle(hooks, "hooks");
    if (int code = need_text(name, "name"); code != ITSM_OK) return code;
    if (!fn) return set_error(ITSM_ENULL, "fn: NULL action");
    hooks->hooks.action(name, [fn, payload](const itsm::ticket& t, const itsm::history_record& r) {
      const std::string record_json = t.record_to_json(r).dump();
      const int rc = fn(payload, handle_of(t), record_json.c_str());
      // The engine reports an action that throws in the outcome's action_errors.
      if (rc != 0) throw std::runtime_error("returned " + std::to_string(rc));
    });
    return set_ok();
  });
}

int itsm_change_schedule_from_json(itsm_change_schedule** out, const char* json_text, size_t len) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    if (!json_text) return set_error(ITSM_ENULL, "json: NULL");
    auto s = itsm::change_schedule::parse(std::string_view(json_text, len));
    if (!s) return from_error(s.error_value());
    *out = new itsm_change_schedule(std::move(*s));
    return set_ok();
  });
}

void itsm_change_schedule_free(itsm_change_schedule* schedule) { release(schedule); }

int itsm_change_schedule_install(const itsm_change_schedule* schedule, itsm_hooks* hooks) {
  return guarded([&] {
    if (!live(schedule)) return bad_handle(schedule, "schedule");
    if (!live(hooks)) return bad_handle(hooks, "hooks");
    schedule->schedule.install(hooks->hooks);
    return set_ok();
  });
}

int itsm_change_schedule_bookings(const itsm_change_schedule* schedule, char** out) {
  return text_out(schedule, "schedule", out, [](const itsm_change_schedule& s) {
    json list = json::array();
    for (const auto& b : s.schedule.bookings()) {
      list.push_back({{"ticket", b.ticket},
                      {"workflow", b.workflow},
                      {"configuration_item", b.configuration_item},
                      {"start", itsm::detail::format_utc(b.start)},
                      {"end", itsm::detail::format_utc(b.end)}});
    }
    return list.dump();
  });
}

/* --- tickets -------------------------------------------------------------------------------- */

int itsm_ticket_create(itsm_ticket** out, const itsm_workflow* wf, const char* id, const itsm_actor* who, int64_t at,
                       const char* fields_json) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    if (!live(wf)) return bad_handle(wf, "wf");
    int code = need_text(id, "id");
    if (code != ITSM_OK) return code;
    itsm::actor actor;
    if (!read_actor(who, actor, code)) return code;
    json fields;
    if (fields_json && (code = need_text(fields_json, "fields_json")) != ITSM_OK) return code;
    if (!read_fields(fields_json, "fields_json", fields, code)) return code;
    auto t = itsm::ticket::create(wf->wf, id, actor, instant(at), fields);
    if (!t) return from_error(t.error_value());
    *out = new itsm_ticket(std::move(*t));
    return set_ok();
  });
}

void itsm_ticket_free(itsm_ticket* ticket) { release(ticket); }

int itsm_ticket_clone(itsm_ticket** out, const itsm_ticket* ticket) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    if (!live(ticket)) return bad_handle(ticket, "ticket");
    *out = new itsm_ticket(ticket->t);
    return set_ok();
  });
}

int itsm_ticket_fire(itsm_ticket* ticket, const char* transition, const itsm_actor* who, int64_t at,
                     const char* fields_json, const char* comment, const itsm_hooks* hooks) {
  if (!transition) return set_error(ITSM_ENULL, "transition: NULL");
  return ticket_call(ticket, who, fields_json, comment, hooks, fire_op(transition, at));
}

int itsm_actor_new(itsm_actor_handle** out, const itsm_actor* who) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    itsm::actor a;
    int code = ITSM_OK;
    if (!read_actor(who, a, code)) return code;
    auto* h = new itsm_actor_handle;
    h->actor = std::move(a);
    *out = h;
    return set_ok();
  });
}

void itsm_actor_free(itsm_actor_handle* who) { release(who); }

int itsm_ticket_fire_as(itsm_ticket* ticket, const char* transition, const itsm_actor_handle* who, int64_t at,
                        const char* fields_json, const char* comment, const itsm_hooks* hooks) {
  if (!transition) return set_error(ITSM_ENULL, "transition: NULL");
  return ticket_call_as(
      ticket,
      [&](thread_state&, int& code) -> const itsm::actor* {
        if (live(who)) return &who->actor;
        code = bad_handle(who, "who");
        return nullptr;
      },
      fields_json, comment, hooks, fire_op(transition, at));
}

int itsm_ticket_move_to(itsm_ticket* ticket, const char* state, const itsm_actor* who, int64_t at,
                        const char* fields_json, const char* comment, const itsm_hooks* hooks) {
  if (int code = guarded([&] { return need_text(state, "state"); }); code != ITSM_OK) return code;
  return ticket_call(ticket, who, fields_json, comment, hooks,
                     [&](itsm::ticket& t, const itsm::actor& a, const json& f, std::string_view c, const itsm::hooks* h) {
                       return t.move_to(state, a, instant(at), f, c, h);
                     });
}

int itsm_ticket_approve(itsm_ticket* ticket, const itsm_actor* who, int64_t at, const char* comment,
                        const itsm_hooks* hooks) {
  return ticket_call(ticket, who, nullptr, comment, hooks,
                     [&](itsm::ticket& t, const itsm::actor& a, const json&, std::string_view c, const itsm::hooks* h) {
                       return t.approve(a, instant(at), c, h);
                     });
}

int itsm_ticket_reject(itsm_ticket* ticket, const itsm_actor* who, int64_t at, const char* fields_json,
                       const char* comment, const itsm_hooks* hooks) {
  return ticket_call(ticket, who, fields_json, comment, hooks,
                     [&](itsm::ticket& t, const itsm::actor& a, const json& f, std::string_view c, const itsm::hooks* h) {
                       return t.reject(a, instant(at), f, c, h);
                     });
}

int itsm_ticket_update(itsm_ticket* ticket, const itsm_actor* who, int64_t at, const char* fields_json,
                       const char* comment) {
  return ticket_call(ticket, who, fields_json, comment, nullptr,
                     [&](itsm::ticket& t, const itsm::actor& a, const json& f, std::string_view c, const itsm::hooks*) {
                       return t.update(a, instant(at), f, c);
                     });
}

int itsm_ticket_allowed(const itsm_ticket* ticket, const itsm_actor* who, char** out) {
  return guarded([&] {
    if (!live(ticket)) return bad_handle(ticket, "ticket");
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    itsm::actor actor;
    int code = ITSM_OK;
    if (!read_actor(who, actor, code)) return code;
    return give_text(json(ticket->t.allowed(actor)).dump(), out);
  });
}

const char* itsm_ticket_id(const itsm_ticket* ticket) {
  if (!live(ticket)) {
    bad_handle(ticket, "ticket");
    return nullptr;
  }
  return ticket->t.id().c_str();
}

const char* itsm_ticket_state(const itsm_ticket* ticket) {
  if (!live(ticket)) {
    bad_handle(ticket, "ticket");
    return nullptr;
  }
  return ticket->t.state().c_str();
}

const char* itsm_ticket_category(const itsm_ticket* ticket) {
  if (!live(ticket)) {
    bad_handle(ticket, "ticket");
    return nullptr;
  }
  return itsm::to_string(ticket->t.category());
}

int itsm_ticket_priority(const itsm_ticket* ticket) {
  if (!live(ticket)) {
    bad_handle(ticket, "ticket");
    return -1;
  }
  return ticket->t.priority();
}

int itsm_ticket_is_terminal(const itsm_ticket* ticket) {
  if (!live(ticket)) {
    bad_handle(ticket, "ticket");
    return -1;
  }
  return ticket->t.is_terminal() ? 1 : 0;
}

int itsm_ticket_fields(const itsm_ticket* ticket, char** out) {
  return text_out(ticket, "ticket", out, [](const itsm_ticket& t) { return t.t.fields().dump(); });
}

int itsm_ticket_history_count(const itsm_ticket* ticket, size_t* count) {
  return guarded([&] {
    if (!live(ticket)) return bad_handle(ticket, "ticket");
    if (!count) return set_error(ITSM_ENULL, "count: NULL");
    *count = ticket->t.history().size();
    return set_ok();
  });
}

int itsm_ticket_history_record(const itsm_ticket* ticket, size_t index, char** out) {
  return guarded([&] {
    if (!live(ticket)) return bad_handle(ticket, "ticket");
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    const auto& h = ticket->t.history();
    if (index >= h.size()) {
      return set_error(ITSM_ERANGE, "index: " + std::to_string(index) + " is past the last record (" +
                                        std::to_string(h.size()) + " records)");
    }
    return give_text(ticket->t.record_to_json(h[index]).dump(), out);
  });
}

int itsm_ticket_snapshot(const itsm_ticket* ticket, char** out) {
  return text_out(ticket, "ticket", out, [](const itsm_ticket& t) { return t.t.snapshot().dump(); });
}

int itsm_ticket_restore(itsm_ticket** out, const itsm_workflow* wf, const char* json_text, size_t len) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    if (!live(wf)) return bad_handle(wf, "wf");
    if (!json_text) return set_error(ITSM_ENULL, "json: NULL");
    auto t = itsm::ticket::restore(wf->wf, std::string_view(json_text, len));
    if (!t) return from_error(t.error_value());
    *out = new itsm_ticket(std::move(*t));
    return set_ok();
  });
}

int itsm_ticket_replay(itsm_ticket** out, const itsm_workflow* wf, const char* id, const char* history_json,
                       size_t len) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    if (!live(wf)) return bad_handle(wf, "wf");
    if (int code = need_text(id, "id"); code != ITSM_OK) return code;
    if (!history_json) return set_error(ITSM_ENULL, "history_json: NULL");
    const json parsed = itsm::detail::parse_json_text(std::string_view(history_json, len), "history_json");
    auto t = itsm::ticket::replay(wf->wf, id, parsed);
    if (!t) return from_error(t.error_value());
    *out = new itsm_ticket(std::move(*t));
    return set_ok();
  });
}

int itsm_ticket_export_history(const itsm_ticket* ticket, char** out) {
  return text_out(ticket, "ticket", out, [](const itsm_ticket& t) { return t.t.export_history(); });
}

int itsm_verify_history(const char* jsonl, size_t len, size_t* records, size_t* tickets) {
  return guarded([&] {
    if (!jsonl) return set_error(ITSM_ENULL, "jsonl: NULL");
    auto r = itsm::verify_history(std::string_view(jsonl, len));
    if (!r) return from_error(r.error_value());
    if (records) *records = r->records;
    if (tickets) *tickets = r->tickets;
    return set_ok();
  });
}

int itsm_ticket_sla(const itsm_ticket* ticket, const itsm_sla* sla, int64_t now, itsm_sla_result* out) {
  return guarded([&] {
    if (!live(ticket)) return bad_handle(ticket, "ticket");
    if (!live(sla)) return bad_handle(sla, "sla");
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    const auto history = ticket->t.sla_history();
    auto s = itsm::evaluate(sla->def, history, instant(now));
    if (!s) return from_error(s.error_value());
    itsm_sla_result r{};
    r.status = static_cast<int>(s->status);
    r.target = s->target.count();
    r.elapsed = s->elapsed.count();
    r.remaining = s->remaining.count();
    r.percent = s->percent;
    r.has_deadline = s->deadline ? 1 : 0;
    r.deadline = s->deadline ? s->deadline->time_since_epoch().count() : 0;
    r.has_breached_at = s->breached_at ? 1 : 0;
    r.breached_at = s->breached_at ? s->breached_at->time_since_epoch().count() : 0;
    r.warnings_crossed = static_cast<int>(s->warnings.size());
    *out = r;
    return set_ok();
  });
}

}  // extern "C"
