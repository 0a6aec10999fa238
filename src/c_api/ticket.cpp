// The C ABI of tickets: creating, firing and the other operations that take an actor (in its C
// form, or held by an itsm_actor_handle), fields and hooks; reading a ticket; snapshots,
// restore, replay and history; and the SLA of a ticket.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "internal.hpp"
#include "itsm/sla.hpp"
#include "itsm/ticket.hpp"

namespace itsm::c_api {
namespace {

/// What a call without fields passes (itsm::detail::empty_json_object, looked up once).
const json& no_fields = itsm::detail::empty_json_object();

/// The outcome's machine-readable parts, for itsm_error::detail (code and message have their
/// own members; the message stays in detail only on success, where it says what an approval did).
std::string outcome_detail(const itsm::outcome& o) {
  return dump_of([&] {
    json d = itsm::to_json(o);
    d.erase("code");  // erasing strings frees without allocating
    if (!o.ok() || o.message.empty()) d.erase("message");
    return d;
  });
}

/// Records an outcome. A refusal (or out-of-memory) changed nothing, so failing to record it is
/// out-of-memory; a success changed the ticket, so it stays ITSM_OK and, when its detail cannot be
/// recorded, the detail says so (detail_lost).
[[gnu::noinline]] int record_outcome(const itsm::outcome& o) noexcept {
  if (o.code == itsm::errc::out_of_memory) return set_enomem();
  if (!o.ok()) {
    try {
      return record(static_cast<int>(o.code), o.message, outcome_detail(o));
    } catch (...) {
      return set_enomem();
    }
  }
  try {
    return record_kept(ITSM_OK, std::string_view(), outcome_detail(o));
  } catch (...) {
    return set_answer_lost(ITSM_OK);
  }
}

inline int from_outcome(const itsm::outcome& o, thread_state& ts) {
  // The common case, a plain success, is a few compares and stores, inline (the C ABI's fire
  // stays close to the C++ call); everything else is recorded out of line.
  if (o.ok() && o.message.empty() && o.fired.empty() && o.action_errors.empty() && o.approvals_needed == 0) {
    return set_ok(ts);
  }
  return record_outcome(o);
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

/// Common shape of the ticket operations that take an actor, fields and hooks. `actor_of(ts,
/// code)` gives the actor (converted from its C form, or held by an itsm_actor_handle), or
/// NULL with the error set in `code`. `call` is the C function, as an ITSM_EBUSY refusal names it
/// (the core refuses too, naming its own operation).
template <class ActorOf, class Op>
int ticket_call_as(const char* call, itsm_ticket* ticket, ActorOf&& actor_of, const char* fields_json,
                   const char* comment, const itsm_hooks* hooks, Op&& op) {
  return guarded([&] {
    if (!live(ticket)) return bad_handle(ticket, "ticket");
    if (ticket->value.busy()) return set_error(ITSM_EBUSY, itsm::busy_message(call, ticket->value.id()));
    if (hooks && !live(hooks)) return bad_handle(hooks, "hooks");
    thread_state& ts = slot();
    int code = ITSM_OK;
    const itsm::actor* actor = actor_of(ts, code);
    if (!actor) return code;
    json parsed;  // filled only when fields are given (most calls pass none)
    itsm::detail::json_release_guard parsed_guard(parsed);
    if (fields_json) {
      if ((code = need_text(fields_json, "fields_json")) != ITSM_OK) return code;
      if (!read_fields(fields_json, "fields_json", parsed, code)) return code;
    }
    // The comment is stored, so the core checks its UTF-8 (`comment: not valid UTF-8 (byte N)`).
    running_scope scope(ts, ticket);
    const itsm::outcome o = op(ticket->value, *actor, fields_json ? parsed : no_fields,
                               comment ? std::string_view(comment) : std::string_view(),
                               hooks ? &hooks->value : nullptr);
    return from_outcome(o, ts);
  });
}

/// ticket_call_as with the actor in its C form: converted into the thread's actor buffer (saving
/// allocations), or into a fresh actor for a guard or action making ticket calls of its own.
template <class Op>
int ticket_call(const char* call, itsm_ticket* ticket, const itsm_actor* who, const char* fields_json,
                const char* comment, const itsm_hooks* hooks, Op&& op) {
  itsm::actor nested;
  return ticket_call_as(
      call, ticket,
      [&](thread_state& ts, int& code) -> const itsm::actor* {
        itsm::actor& actor = ts.running_ticket ? nested : ts.actor;
        return read_actor(who, actor, code) ? &actor : nullptr;
      },
      fields_json, comment, hooks, std::forward<Op>(op));
}

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
}  // namespace itsm::c_api

using namespace itsm::c_api;

extern "C" {

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
    itsm::detail::json_release_guard fields_guard(fields);
    if (fields_json && (code = need_text(fields_json, "fields_json")) != ITSM_OK) return code;
    if (!read_fields(fields_json, "fields_json", fields, code)) return code;
    return give_handle(itsm::ticket::create(wf->value, id, actor, instant(at), fields), out);
  });
}

void itsm_ticket_free(itsm_ticket* ticket) {
  // Freed while it runs its own guard or action, the ticket would be gone when the call running
  // them goes on: refused, and the ticket stays with its owner.
  if (live(ticket) && ticket->value.busy()) {
    guarded([&] { return set_error(ITSM_EBUSY, itsm::busy_message("itsm_ticket_free", ticket->value.id(), "freed")); });
    return;
  }
  release(ticket, "ticket");
}

int itsm_ticket_clone(itsm_ticket** out, const itsm_ticket* ticket) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    if (!live(ticket)) return bad_handle(ticket, "ticket");
    *out = new itsm_ticket(ticket->value);
    return set_ok();
  });
}

int itsm_ticket_fire(itsm_ticket* ticket, const char* transition, const itsm_actor* who, int64_t at,
                     const char* fields_json, const char* comment, const itsm_hooks* hooks) {
  if (!transition) return set_error(ITSM_ENULL, "transition: NULL");
  return ticket_call("itsm_ticket_fire", ticket, who, fields_json, comment, hooks, fire_op(transition, at));
}

int itsm_actor_new(itsm_actor_handle** out, const itsm_actor* who) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    itsm::actor a;
    int code = ITSM_OK;
    if (!read_actor(who, a, code)) return code;
    *out = new itsm_actor_handle(std::move(a));
    return set_ok();
  });
}

void itsm_actor_free(itsm_actor_handle* who) { release(who, "who"); }

int itsm_ticket_fire_as(itsm_ticket* ticket, const char* transition, const itsm_actor_handle* who, int64_t at,
                        const char* fields_json, const char* comment, const itsm_hooks* hooks) {
  if (!transition) return set_error(ITSM_ENULL, "transition: NULL");
  return ticket_call_as(
      "itsm_ticket_fire_as", ticket,
      [&](thread_state&, int& code) -> const itsm::actor* {
        if (live(who)) return &who->value;
        code = bad_handle(who, "who");
        return nullptr;
      },
      fields_json, comment, hooks, fire_op(transition, at));
}

int itsm_ticket_move_to(itsm_ticket* ticket, const char* state, const itsm_actor* who, int64_t at,
                        const char* fields_json, const char* comment, const itsm_hooks* hooks) {
  if (int code = guarded([&] { return need_text(state, "state"); }); code != ITSM_OK) return code;
  return ticket_call("itsm_ticket_move_to", ticket, who, fields_json, comment, hooks,
                     [&](itsm::ticket& t, const itsm::actor& a, const json& f, std::string_view c, const itsm::hooks* h) {
                       return t.move_to(state, a, instant(at), f, c, h);
                     });
}

int itsm_ticket_approve(itsm_ticket* ticket, const itsm_actor* who, int64_t at, const char* comment,
                        const itsm_hooks* hooks) {
  return ticket_call("itsm_ticket_approve", ticket, who, nullptr, comment, hooks,
                     [&](itsm::ticket& t, const itsm::actor& a, const json&, std::string_view c, const itsm::hooks* h) {
                       return t.approve(a, instant(at), c, h);
                     });
}

int itsm_ticket_reject(itsm_ticket* ticket, const itsm_actor* who, int64_t at, const char* fields_json,
                       const char* comment, const itsm_hooks* hooks) {
  return ticket_call("itsm_ticket_reject", ticket, who, fields_json, comment, hooks,
                     [&](itsm::ticket& t, const itsm::actor& a, const json& f, std::string_view c, const itsm::hooks* h) {
                       return t.reject(a, instant(at), f, c, h);
                     });
}

int itsm_ticket_update(itsm_ticket* ticket, const itsm_actor* who, int64_t at, const char* fields_json,
                       const char* comment) {
  return ticket_call("itsm_ticket_update", ticket, who, fields_json, comment, nullptr,
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
    return give_text(dump_of([&] { return json(ticket->value.allowed(actor)); }), out);
  });
}

const char* itsm_ticket_id(const itsm_ticket* ticket) {
  if (!live(ticket)) {
    bad_handle(ticket, "ticket");
    return nullptr;
  }
  return ticket->value.id().c_str();
}

const char* itsm_ticket_state(const itsm_ticket* ticket) {
  if (!live(ticket)) {
    bad_handle(ticket, "ticket");
    return nullptr;
  }
  return ticket->value.state().c_str();
}

const char* itsm_ticket_category(const itsm_ticket* ticket) {
  if (!live(ticket)) {
    bad_handle(ticket, "ticket");
    return nullptr;
  }
  return itsm::to_string(ticket->value.category());
}

int itsm_ticket_priority(const itsm_ticket* ticket) {
  if (!live(ticket)) {
    bad_handle(ticket, "ticket");
    return -1;
  }
  return ticket->value.priority();
}

int itsm_ticket_is_terminal(const itsm_ticket* ticket) {
  if (!live(ticket)) {
    bad_handle(ticket, "ticket");
    return -1;
  }
  return ticket->value.is_terminal() ? 1 : 0;
}

int itsm_ticket_fields(const itsm_ticket* ticket, char** out) {
  return text_out(ticket, "ticket", out, [](const itsm_ticket& t) { return t.value.fields().dump(); });
}

int itsm_ticket_history_count(const itsm_ticket* ticket, size_t* count) {
  return guarded([&] {
    if (!live(ticket)) return bad_handle(ticket, "ticket");
    if (!count) return set_error(ITSM_ENULL, "count: NULL");
    *count = ticket->value.history().size();
    return set_ok();
  });
}

int itsm_ticket_history_record(const itsm_ticket* ticket, size_t index, char** out) {
  return guarded([&] {
    if (!live(ticket)) return bad_handle(ticket, "ticket");
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    const auto& h = ticket->value.history();
    if (index >= h.size()) {
      return set_error(ITSM_ERANGE, "index: " + std::to_string(index) + " is past the last record (" +
                                        std::to_string(h.size()) + " records)");
    }
    return give_text(dump_of([&] { return ticket->value.record_to_json(h[index]); }), out);
  });
}

int itsm_ticket_snapshot(const itsm_ticket* ticket, char** out) {
  return text_out(ticket, "ticket", out, [](const itsm_ticket& t) { return dump_of([&] { return t.value.snapshot(); }); });
}

int itsm_ticket_restore(itsm_ticket** out, const itsm_workflow* wf, const char* json_text, size_t len) {
  return new_from_text(
      out, json_text, len, "json", [&] { return live(wf) ? ITSM_OK : bad_handle(wf, "wf"); },
      [&](std::string_view text) { return itsm::ticket::restore(wf->value, text); });
}

int itsm_ticket_replay(itsm_ticket** out, const itsm_workflow* wf, const char* id, const char* history_json,
                       size_t len) {
  return new_from_text(
      out, history_json, len, "history_json",
      [&] { return live(wf) ? need_text(id, "id") : bad_handle(wf, "wf"); },
      [&](std::string_view text) {
        json history = itsm::detail::parse_json_text(text, "history_json");
        itsm::detail::json_release_guard guard(history);
        return itsm::ticket::replay(wf->value, id, history);
      });
}

int itsm_ticket_export_history(const itsm_ticket* ticket, char** out) {
  return text_out(ticket, "ticket", out, [](const itsm_ticket& t) { return t.value.export_history(); });
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
    const auto history = ticket->value.sla_history();
    auto s = itsm::evaluate(sla->value, history, instant(now));
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
