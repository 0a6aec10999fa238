// Allocation failure survived (issue 24): every C ABI call of the scenarios below runs with its
// N-th allocation failing, once and persistently, for N = 0, 1, 2, ... until the call completes
// without reaching a failure. At each point the call must answer its reference code (what it
// answers with memory to spare) or ITSM_ENOMEM, with the static message "out of memory" and
// detail "{}", its out-parameters cleared, and the object it was given unchanged (byte-identical
// snapshot, bookings, counts and refusals). A crash names its probe and point on stderr. Last, a
// new thread makes its first itsm call with allocations failing from the first.
//
// The driver talks to libitsm.so through itsm.h only; fail_alloc.cpp's operator new (and malloc
// outside ASan), defined in this executable, is the one libitsm.so calls.
//
//
// ITSM_OOM_STRIDE=k runs every k-th point (default 7; 29 under ASan), starting at a different
// offset per probe so that the points of a scenario spread over the residues; ITSM_OOM_FULL=1
// runs every point. ITSM_OOM_ONLY=substring runs the probes whose name holds it.

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#include "fail_alloc.hpp"
#include "itsm/itsm.h"

namespace {

const std::int64_t t0 = 1772445600;  // 2026-03-02T10:00:00Z, a Monday

const char* const office =
    R"({"timezone": "Europe/Berlin",
        "week": {"mon": [["09:00", "12:00"], ["13:00", "17:00"]], "tue": [["09:00", "17:00"]],
                 "wed": [["09:00", "17:00"]], "thu": [["09:00", "17:00"]], "fri": [["09:00", "15:00"]]},
        "holidays": ["2026-04-03", {"from": "2026-12-24", "to": "2026-12-26"}]})";

const char* const sla_json =
    R"({"name": "resolution", "targets": {"P1": 3600, "P2": 14400, "P3": 86400},
        "pause": {"categories": ["waiting"]}, "stop": {"categories": ["resolved", "closed"]},
        "warnings": [50, 75]})";

const char* const sla_history =
    R"([{"at": "2026-03-02T10:00:00Z", "state": "new", "category": "new", "priority": "P2"},
        {"at": "2026-03-02T11:00:00Z", "state": "on_hold", "category": "waiting"},
        {"at": "2026-03-02T13:00:00Z", "state": "in_progress", "category": "open"}])";

const char* const freeze =
    R"({"freezes": [{"name": "march-release", "start": "2026-03-05T00:00:00Z", "end": "2026-03-06T00:00:00Z"}]})";

const char* const events[] = {
    R"({"ticket": "INC1", "workflow": "incident", "at": "2026-03-02T09:00:00Z", "create": true,)"
    R"( "actor": "carol", "fields": {"caller": "carol", "impact": 1, "urgency": 1}})",
    R"({"ticket": "INC1", "at": "2026-03-02T09:05:00Z", "transition": "start", "actor": "sam",)"
    R"( "roles": ["service_desk"]})",
    R"({"ticket": "INC1", "at": "2026-03-02T09:06:00Z", "transition": "close", "actor": "sam",)"
    R"( "roles": ["service_desk"]})",
    "not json",
    R"({"ticket": "INC1", "at": "2026-03-02T12:00:00Z", "transition": "resolve", "actor": "pia",)"
    R"( "roles": ["support"], "fields": {"resolution_code": "solved_remotely", "resolution_notes": "fixed"}})",
};

// A log read whole: the lines above again (into a store that has them, its creates are refused)
// and a ticket they do not have, which the read creates.
const char* const more_events[] = {
    R"({"ticket": "INC2", "workflow": "incident", "at": "2026-03-02T13:00:00Z", "create": true,)"
    R"( "actor": "carol", "fields": {"caller": "carol", "impact": 2, "urgency": 3}})",
    R"({"ticket": "INC2", "at": "2026-03-02T13:05:00Z", "transition": "start", "actor": "sam",)"
    R"( "roles": ["service_desk"]})",
};

const char* const desk_roles[] = {"service_desk"};
const char* const support_roles[] = {"support"};
const char* const req_roles[] = {"requester"};
const char* const assessor_roles[] = {"assessor"};
const char* const cab_roles[] = {"cab"};
const char* const manager_roles[] = {"change_manager"};
const itsm_actor caller = {"carol", nullptr, 0, 0};
const itsm_actor desk = {"sam", desk_roles, 1, 0};
const itsm_actor sue = {"sue", support_roles, 1, 0};
const itsm_actor importer = {"import", nullptr, 0, 1};
const itsm_actor rita = {"rita", req_roles, 1, 0};
const itsm_actor alex = {"alex", assessor_roles, 1, 0};
const itsm_actor bea = {"bea", cab_roles, 1, 0};
const itsm_actor carl = {"carl", cab_roles, 1, 0};
const itsm_actor mona = {"mona", manager_roles, 1, 0};

int failures = 0;

void fail(const std::string& what) {
  ++failures;
  std::fprintf(stderr, "FAIL %s\n", what.c_str());
}

/// Where a crash happened: written by the signal handler with write(2) only.
char where[256] = "setup";

extern "C" void on_crash(int sig) {
  const char head[] = "\ncrashed (signal) at ";
  (void)!write(2, head, sizeof head - 1);
  (void)!write(2, where, std::strlen(where));
  (void)!write(2, "\n", 1);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

std::string take(char*& text) {
  std::string s = text ? text : "(null)";
  itsm_free(text);
  text = nullptr;
  return s;
}

std::string snapshot_of(const itsm_ticket* t) {
  char* text = nullptr;
  if (itsm_ticket_snapshot(t, &text) != ITSM_OK) fail(std::string("snapshot: ") + itsm_error_last()->message);
  return take(text);
}

/// The world the probes run against, advanced by the reference runs of the probes that change it.
struct world {
  itsm_calendar* cal = nullptr;
  itsm_sla* sla = nullptr;
  itsm_workflow* incident = nullptr;
  itsm_workflow* change = nullptr;
  itsm_actor_handle* sue_handle = nullptr;
  std::string incident_json;
  itsm_ticket* inc = nullptr;
  itsm_ticket* chg = nullptr;
  std::string history;  // INC's exported chain
  std::vector<std::string> lines;  // the event lines applied so far
  ~world() {
    itsm_calendar_free(cal);
    itsm_sla_free(sla);
    itsm_workflow_free(incident);
    itsm_workflow_free(change);
    itsm_actor_free(sue_handle);
    itsm_ticket_free(inc);
    itsm_ticket_free(chg);
  }
};

/// What one run of a call works on: copies made from the world before the call, and the call's
/// outputs.
struct attempt {
  itsm_ticket* ticket = nullptr;
  itsm_event_store* store = nullptr;
  itsm_change_schedule* schedule = nullptr;
  itsm_hooks* hooks = nullptr;
  char* text = nullptr;
  void* made = nullptr;  // a handle the call made
  void (*release)(void*) = nullptr;
  std::string input;  // a text argument, made before the call is armed
  std::int64_t number = 0;
  std::size_t sizes[4] = {0, 0, 0, 0};
  itsm_sla_result clock{};
  attempt() = default;
  attempt(const attempt&) = delete;
  attempt& operator=(const attempt&) = delete;
  ~attempt() {
    itsm_ticket_free(ticket);
    itsm_event_store_free(store);
    itsm_change_schedule_free(schedule);
    itsm_hooks_free(hooks);
    itsm_free(text);
    if (made && release) release(made);
  }
};

template <class H, void (*Free)(H*)>
void release_as(void* p) {
  Free(static_cast<H*>(p));
}

struct probe {
  std::string name;
  std::function<void(world&, attempt&)> prepare;        // unarmed
  std::function<int(world&, attempt&)> call;            // armed
  std::function<std::string(world&, attempt&)> observe;  // unarmed: what a failed call must not change
  std::function<bool(attempt&)> cleared;                 // unarmed: the out-parameters a failed call clears
  std::function<void(world&, attempt&)> advance;        // unarmed: the reference run moves the world on
  bool must_succeed = true;                              // whether the reference run answers ITSM_OK
};

/// A ticket probe: the call runs on a clone of the world's ticket `which`, and the reference run's
/// clone becomes the world's.
probe on_ticket(std::string name, itsm_ticket* world::*which, std::function<int(attempt&)> call, bool advances = true) {
  probe p;
  p.name = std::move(name);
  p.prepare = [which](world& w, attempt& a) {
    if (itsm_ticket_clone(&a.ticket, w.*which) != ITSM_OK) fail("clone");
  };
  p.call = [call](world&, attempt& a) { return call(a); };
  p.observe = [](world&, attempt& a) { return snapshot_of(a.ticket); };
  p.cleared = [](attempt& a) { return a.text == nullptr; };
  if (advances) {
    p.advance = [which](world& w, attempt& a) {
      itsm_ticket_free(w.*which);
      w.*which = a.ticket;
      a.ticket = nullptr;
    };
  }
  return p;
}

/// A change ticket probe: hooks with a fresh schedule per run, whose bookings are observed too.
probe on_change(std::string name, std::function<int(attempt&)> call, bool advances = true) {
  probe p = on_ticket(std::move(name), &world::chg, std::move(call), advances);
  auto prepare = p.prepare;
  p.prepare = [prepare](world& w, attempt& a) {
    prepare(w, a);
    if (itsm_change_schedule_from_json(&a.schedule, freeze, std::strlen(freeze)) != ITSM_OK ||
        itsm_hooks_new(&a.hooks) != ITSM_OK || itsm_change_schedule_install(a.schedule, a.hooks) != ITSM_OK) {
      fail("schedule setup");
    }
  };
  p.observe = [](world&, attempt& a) {
    char* bookings = nullptr;
    if (itsm_change_schedule_bookings(a.schedule, &bookings) != ITSM_OK) fail("bookings");
    return snapshot_of(a.ticket) + "\n" + take(bookings);
  };
  return p;
}

/// A probe on nothing but its outputs (const calls and constructors).
probe pure(std::string name, std::function<int(world&, attempt&)> call, std::function<bool(attempt&)> cleared) {
  probe p;
  p.name = std::move(name);
  p.prepare = [](world&, attempt&) {};
  p.call = std::move(call);
  p.observe = [](world&, attempt&) { return std::string(); };
  p.cleared = std::move(cleared);
  return p;
}

bool no_text(attempt& a) { return a.text == nullptr; }
bool nothing_made(attempt& a) { return a.made == nullptr; }
bool anything(attempt&) { return true; }

template <class H, void (*Free)(H*)>
int made_by(attempt& a, int code, H* h) {
  a.made = h;
  a.release = &release_as<H, Free>;
  return code;
}

#define MAKE(H, FREE, expr)              \
  [&](world&, attempt & a) {             \
    H* h = nullptr;                      \
    const int code = (expr);             \
    return made_by<H, FREE>(a, code, h); \
  }

/// An event store probe: a fresh store with the world's lines applied.
probe on_store(std::string name, std::function<int(world&, attempt&)> call) {
  probe p;
  p.name = std::move(name);
  p.prepare = [](world& w, attempt& a) {
    if (itsm_event_store_new(&a.store) != ITSM_OK) fail("store");
    for (std::size_t i = 0; i < w.lines.size(); ++i) {
      itsm_event_store_apply(a.store, w.lines[i].data(), w.lines[i].size(), i + 1, nullptr);
    }
  };
  p.call = std::move(call);
  p.observe = [](world&, attempt& a) {
    std::size_t n[4] = {0, 0, 0, 0};
    itsm_event_store_counts(a.store, &n[0], &n[1], &n[2], &n[3]);
    char* refusals = nullptr;
    itsm_event_store_refusals(a.store, &refusals);
    std::string seen = std::to_string(n[0]) + " " + std::to_string(n[1]) + " " + std::to_string(n[2]) + " " +
                       std::to_string(n[3]) + "\n" + take(refusals);
    for (const char* id : {"INC1", "INC2"}) {
      itsm_ticket* t = nullptr;
      if (itsm_event_store_ticket(a.store, id, &t) == ITSM_OK) {
        seen += "\n" + snapshot_of(t);
        itsm_ticket_free(t);
      }
    }
    return seen;
  };
  p.cleared = [](attempt& a) { return a.text == nullptr && a.made == nullptr; };
  return p;
}

std::vector<probe> probes(world& w) {
  std::vector<probe> ps;

  // --- calendars and SLAs ---
  ps.push_back(pure("calendar_from_json", MAKE(itsm_calendar, itsm_calendar_free, itsm_calendar_from_json(&h, office, std::strlen(office))), nothing_made));
  ps.back().advance = [](world& w2, attempt& a) {
    w2.cal = static_cast<itsm_calendar*>(a.made);
    a.made = nullptr;
  };
  ps.push_back(pure("calendar_add", [](world& w2, attempt& a) { return itsm_calendar_add(w2.cal, t0, 30 * 3600, &a.number); }, anything));
  ps.push_back(pure("calendar_between", [](world& w2, attempt& a) { return itsm_calendar_between(w2.cal, t0, t0 + 40 * 86400, &a.number); }, anything));
  ps.push_back(pure("calendar_add_working_days", [](world& w2, attempt& a) {
    const itsm_calc_options o = ITSM_CALC_OPTIONS_INIT;
    return itsm_calendar_add_working_days(w2.cal, t0, 25, &o, &a.number);
  }, anything));
  ps.push_back(pure("calendar_holidays", [](world& w2, attempt& a) {
    static std::int32_t dates[16];
    return itsm_calendar_holidays(w2.cal, 2026, dates, 16, &a.sizes[0]);
  }, anything));
  ps.push_back(pure("calendar_to_json", [](world& w2, attempt& a) { return itsm_calendar_to_json(w2.cal, &a.text); }, no_text));
  ps.push_back(pure("sla_from_json", MAKE(itsm_sla, itsm_sla_free, itsm_sla_from_json(&h, sla_json, std::strlen(sla_json))), nothing_made));
  ps.back().advance = [](world& w2, attempt& a) {
    w2.sla = static_cast<itsm_sla*>(a.made);
    a.made = nullptr;
  };
  ps.push_back(pure("sla_evaluate_json", [](world& w2, attempt& a) {
    return itsm_sla_evaluate_json(w2.sla, sla_history, std::strlen(sla_history), t0 + 4 * 3600, &a.text);
  }, no_text));

  // --- workflows ---
  ps.push_back(pure("workflow_builtin", MAKE(itsm_workflow, itsm_workflow_free, itsm_workflow_builtin(&h, "incident")), nothing_made));
  ps.back().advance = [](world& w2, attempt& a) {
    w2.incident = static_cast<itsm_workflow*>(a.made);
    a.made = nullptr;
  };
  ps.push_back(pure("workflow_to_json", [](world& w2, attempt& a) { return itsm_workflow_to_json(w2.incident, &a.text); }, no_text));
  ps.back().advance = [](world& w2, attempt& a) { w2.incident_json = a.text; };
  ps.push_back(pure("workflow_from_json", MAKE(itsm_workflow, itsm_workflow_free,
                                               itsm_workflow_from_json(&h, w.incident_json.c_str(), w.incident_json.size())),
                    nothing_made));
  ps.push_back(pure("workflow_validate", [](world& w2, attempt& a) {
    return itsm_workflow_validate(w2.incident_json.c_str(), w2.incident_json.size(), &a.text);
  }, no_text));
  ps.push_back(pure("workflow_to_dot", [](world& w2, attempt& a) { return itsm_workflow_to_dot(w2.incident, "new", &a.text); }, no_text));
  ps.push_back(pure("workflow_builtin change_normal", MAKE(itsm_workflow, itsm_workflow_free, itsm_workflow_builtin(&h, "change_normal")), nothing_made));
  ps.back().advance = [](world& w2, attempt& a) {
    w2.change = static_cast<itsm_workflow*>(a.made);
    a.made = nullptr;
  };

  // --- an incident through every operation ---
  ps.push_back(pure("ticket_create", MAKE(itsm_ticket, itsm_ticket_free,
                                          itsm_ticket_create(&h, w.incident, "INC1", &caller, t0,
                                                             R"({"impact": 2, "urgency": 2, "caller": "carol", "category": {"a": [1, {"b": [2, 3]}]}})")),
                    nothing_made));
  ps.back().advance = [](world& w2, attempt& a) {
    w2.inc = static_cast<itsm_ticket*>(a.made);
    a.made = nullptr;
  };
  ps.push_back(pure("actor_new", MAKE(itsm_actor_handle, itsm_actor_free, itsm_actor_new(&h, &sue)), nothing_made));
  ps.back().advance = [](world& w2, attempt& a) {
    w2.sue_handle = static_cast<itsm_actor_handle*>(a.made);
    a.made = nullptr;
  };
  ps.push_back(pure("ticket_clone", MAKE(itsm_ticket, itsm_ticket_free, itsm_ticket_clone(&h, w.inc)), nothing_made));
  ps.push_back(on_ticket("fire start", &world::inc, [](attempt& a) {
    return itsm_ticket_fire(a.ticket, "start", &desk, t0 + 60, nullptr, "taking it", nullptr);
  }));
  ps.push_back(on_ticket("fire hold (fields)", &world::inc, [](attempt& a) {
    return itsm_ticket_fire(a.ticket, "hold", &sue, t0 + 3600, R"({"hold_reason": "awaiting_caller", "escalated": {"x": [1, 2, {"y": null}]}})",
                            nullptr, nullptr);
  }));
  ps.push_back(on_ticket("update (fields, comment)", &world::inc, [](attempt& a) {
    return itsm_ticket_update(a.ticket, &sue, t0 + 3700, R"({"hold_reason": "awaiting_vendor", "escalated": null, "assignment_group": ["acme", 7]})",
                              "vendor ticket opened");
  }));
  ps.push_back(on_ticket("fire refused (missing fields)", &world::inc, [](attempt& a) {
    return itsm_ticket_fire(a.ticket, "resolve", &sue, t0 + 3800, nullptr, nullptr, nullptr);
  }, false));
  ps.back().must_succeed = false;
  ps.push_back(on_ticket("move_to in_progress", &world::inc, [](attempt& a) {
    return itsm_ticket_move_to(a.ticket, "in_progress", &importer, t0 + 7200, nullptr, nullptr, nullptr);
  }));
  ps.push_back(on_ticket("fire_as resolve (fields)", &world::inc, [&w](attempt& a) {
    return itsm_ticket_fire_as(a.ticket, "resolve", w.sue_handle, t0 + 9000,
                               R"({"resolution_code": "solved_remotely", "resolution_notes": "fixed"})", "done", nullptr);
  }));
  ps.push_back(on_ticket("allowed", &world::inc, [](attempt& a) { return itsm_ticket_allowed(a.ticket, &desk, &a.text); }, false));
  ps.push_back(on_ticket("fields", &world::inc, [](attempt& a) { return itsm_ticket_fields(a.ticket, &a.text); }, false));
  ps.push_back(on_ticket("history_record", &world::inc, [](attempt& a) { return itsm_ticket_history_record(a.ticket, 2, &a.text); }, false));
  ps.push_back(on_ticket("history_count", &world::inc, [](attempt& a) { return itsm_ticket_history_count(a.ticket, &a.sizes[0]); }, false));
  ps.push_back(on_ticket("snapshot", &world::inc, [](attempt& a) { return itsm_ticket_snapshot(a.ticket, &a.text); }, false));
  ps.push_back(on_ticket("ticket_sla", &world::inc, [&w](attempt& a) { return itsm_ticket_sla(a.ticket, w.sla, t0 + 10000, &a.clock); }, false));
  ps.push_back(on_ticket("export_history", &world::inc, [](attempt& a) { return itsm_ticket_export_history(a.ticket, &a.text); }, false));
  ps.back().advance = [](world& w2, attempt& a) { w2.history = a.text; };
  ps.push_back(pure("verify_history", [](world& w2, attempt& a) {
    return itsm_verify_history(w2.history.data(), w2.history.size(), &a.sizes[0], &a.sizes[1]);
  }, anything));
  // restore and replay read the ticket's snapshot, taken before the call is armed
  ps.push_back(pure("restore", [](world& w2, attempt& a) {
    itsm_ticket* h = nullptr;
    const int code = itsm_ticket_restore(&h, w2.incident, a.input.data(), a.input.size());  // before h is read: argument order is unspecified
    return made_by<itsm_ticket, itsm_ticket_free>(a, code, h);
  }, nothing_made));
  ps.back().prepare = [](world& w2, attempt& a) { a.input = snapshot_of(w2.inc); };
  ps.push_back(pure("replay", [](world& w2, attempt& a) {
    itsm_ticket* h = nullptr;
    const int code = itsm_ticket_replay(&h, w2.incident, "INC9", a.input.data(), a.input.size());  // before h is read: argument order is unspecified
    return made_by<itsm_ticket, itsm_ticket_free>(a, code, h);
  }, nothing_made));
  ps.back().prepare = ps[ps.size() - 2].prepare;

  // --- a change: approvals, the schedule's guard and booking action, a rejection ---
  ps.push_back(pure("change_schedule_from_json", MAKE(itsm_change_schedule, itsm_change_schedule_free,
                                                      itsm_change_schedule_from_json(&h, freeze, std::strlen(freeze))),
                    nothing_made));
  ps.push_back(pure("ticket_create change", MAKE(itsm_ticket, itsm_ticket_free,
                                                 itsm_ticket_create(&h, w.change, "CHG1", &rita, t0,
                                                                    R"({"requested_by": "rita", "implementer": "ivan"})")),
                    nothing_made));
  ps.back().advance = [](world& w2, attempt& a) {
    w2.chg = static_cast<itsm_ticket*>(a.made);
    a.made = nullptr;
  };
  ps.push_back(on_change("fire submit", [](attempt& a) { return itsm_ticket_fire(a.ticket, "submit", &rita, t0 + 60, nullptr, nullptr, a.hooks); }));
  ps.push_back(on_change("fire request_authorization", [](attempt& a) {
    return itsm_ticket_fire(a.ticket, "request_authorization", &alex, t0 + 120, nullptr, nullptr, a.hooks);
  }));
  ps.push_back(on_change("update planned window", [](attempt& a) {
    return itsm_ticket_update(a.ticket, &rita, t0 + 180,
                              R"({"planned_start": "2026-03-05T22:00:00Z", "planned_end": "2026-03-05T23:00:00Z",
                                  "backout_plan": "reflash", "risk": "moderate"})",
                              nullptr);
  }));
  ps.push_back(on_change("reject", [](attempt& a) {
    return itsm_ticket_reject(a.ticket, &bea, t0 + 200, R"({"rejection_reason": "too risky"})", "no", a.hooks);
  }, false));
  ps.push_back(on_change("approve (1 of 2)", [](attempt& a) { return itsm_ticket_approve(a.ticket, &bea, t0 + 300, "ok", a.hooks); }));
  ps.push_back(on_change("approve (2 of 2, the freeze holds it)", [](attempt& a) {
    return itsm_ticket_approve(a.ticket, &carl, t0 + 360, nullptr, a.hooks);
  }));
  ps.push_back(on_change("fire schedule (guard, booking action)", [](attempt& a) {
    return itsm_ticket_fire(a.ticket, "schedule", &mona, t0 + 420,
                            R"({"planned_start": "2026-03-06T22:00:00Z", "planned_end": "2026-03-06T23:00:00Z"})", nullptr,
                            a.hooks);
  }));

  // --- the event store ---
  ps.push_back(pure("event_store_new", MAKE(itsm_event_store, itsm_event_store_free, itsm_event_store_new(&h)), nothing_made));
  for (std::size_t i = 0; i < std::size(events); ++i) {
    ps.push_back(on_store("event_store_apply line " + std::to_string(i + 1), [i](world&, attempt& a) {
      return itsm_event_store_apply(a.store, events[i], std::strlen(events[i]), i + 1, &a.text);
    }));
    ps.back().advance = [i](world& w2, attempt&) { w2.lines.emplace_back(events[i]); };
    ps.back().must_succeed = false;  // lines 3 and 4 are refused: a refusal is an answer too
  }
  for (const bool empty : {false, true}) {
    ps.push_back(on_store(empty ? "event_store_read (into an empty store)" : "event_store_read", [](world&, attempt& a) {
      return itsm_event_store_read(a.store, a.input.data(), a.input.size(), "events.jsonl",
                                   R"({"skip_bad_lines": true})", &a.text);
    }));
    auto with_lines = ps.back().prepare;
    ps.back().prepare = [with_lines, empty](world& w2, attempt& a) {
      if (empty) {
        if (itsm_event_store_new(&a.store) != ITSM_OK) fail("store");
      } else {
        with_lines(w2, a);
      }
      for (const char* e : events) a.input += std::string(e) + "\n";
      for (const char* e : more_events) a.input += std::string(e) + "\n";
    };
  }
  ps.push_back(on_store("event_store_add_workflow", [](world& w2, attempt& a) { return itsm_event_store_add_workflow(a.store, w2.change); }));
  ps.push_back(on_store("event_store_ticket", [](world&, attempt& a) {
    itsm_ticket* h = nullptr;
    const int code = itsm_event_store_ticket(a.store, "INC1", &h);  // before h is read: argument order is unspecified
    return made_by<itsm_ticket, itsm_ticket_free>(a, code, h);
  }));
  ps.push_back(on_store("event_store_refusals", [](world&, attempt& a) { return itsm_event_store_refusals(a.store, &a.text); }));
  ps.push_back(on_store("event_store_report", [](world&, attempt& a) { return itsm_event_store_report(a.store, nullptr, &a.text); }));
  ps.push_back(on_store("event_store_report (policy, calendar, now, markdown)", [](world&, attempt& a) {
    return itsm_event_store_report(a.store, a.input.c_str(), &a.text);
  }));
  {
    auto with_lines = ps.back().prepare;
    ps.back().prepare = [with_lines](world& w2, attempt& a) {
      with_lines(w2, a);
      a.input = std::string(R"({"format": "markdown", "now": "2026-03-03T00:00:00Z", "calendar": )") + office +
                R"(, "policy": {"targets": {"incident": {"response": {"P1": 3600, "P2": 7200},)" +
                R"( "resolution": {"P1": 36000, "P2": 72000}}}}})";
    };
  }
  ps.push_back(on_store("event_store_audit (chain)", [](world& w2, attempt& a) {
    return itsm_event_store_audit(a.store, nullptr, w2.history.data(), w2.history.size(), "history.jsonl", &a.text);
  }));
  ps.push_back(on_store("event_store_audit (no chain, csv)", [](world&, attempt& a) {
    return itsm_event_store_audit(a.store, R"({"format": "csv"})", nullptr, 0, nullptr, &a.text);
  }));
  return ps;
}

struct last_error {
  int code;
  std::string message;
  std::string detail;
};

last_error read_last() {
  const itsm_error* e = itsm_error_last();
  return {e->code, e->message ? e->message : "(null)", e->detail ? e->detail : "(null)"};
}

struct totals {
  std::size_t points = 0;
  std::size_t enomem = 0;
  std::size_t survived = 0;  // a failed allocation the call recovered from (same answer)
};

/// Runs `p` at every `stride`-th point from `offset`, in mode `m`.
void run(world& w, const probe& p, oom::mode m, std::size_t stride, std::size_t offset, int ref_code,
         const std::string& ref_after, totals& t) {
  const char* mode_name = m == oom::mode::once ? "once" : "persistent";
  for (std::size_t n = offset;; n += stride) {
    std::snprintf(where, sizeof where, "%s, %s, allocation %zu", p.name.c_str(), mode_name, n);
    attempt a;
    p.prepare(w, a);
    const std::string before = p.observe(w, a);
    oom::arm(n, m);
    const int code = p.call(w, a);
    // Read while still armed: the last error must be readable without allocating.
    const itsm_error* e = itsm_error_last();
    const bool static_enomem = e->code == ITSM_ENOMEM && std::strcmp(e->message, "out of memory") == 0 &&
                               std::strcmp(e->detail, "{}") == 0;
    const bool injected = oom::disarm();
    const last_error le = read_last();
    ++t.points;
    const std::string at = std::string(where) + ": ";
    if (!injected) {
      if (code != ref_code) fail(at + "answered " + std::to_string(code) + " without a failed allocation, not " + std::to_string(ref_code));
      else if (p.observe(w, a) != ref_after) fail(at + "state differs from the reference run without a failed allocation");
      return;
    }
    if (code == ITSM_ENOMEM) {
      ++t.enomem;
      if (!static_enomem) fail(at + "ITSM_ENOMEM with message '" + le.message + "' detail '" + le.detail + "'");
      if (le.code != ITSM_ENOMEM) fail(at + "itsm_error_last()->code is " + std::to_string(le.code));
      if (!p.cleared(a)) fail(at + "out-parameters not cleared on ITSM_ENOMEM");
      const std::string after = p.observe(w, a);
      if (after != before) fail(at + "changed the object it was given:\nbefore: " + before + "\nafter:  " + after);
    } else if (code == ref_code) {
      ++t.survived;
      // A host action's failure is reported in the detail and the change stands (itsm.h).
      // A committed change whose detail could not be recorded says so (detail_lost); it may hide
      // such action errors.
      if (le.detail.find("action_errors") == std::string::npos && le.detail.find("detail_lost") == std::string::npos &&
          p.observe(w, a) != ref_after) {
        fail(at + "answered its reference code after a failed allocation, but the state differs from the reference run");
      }
    } else {
      fail(at + "answered " + std::to_string(code) + " (" + le.message + "), neither " + std::to_string(ref_code) +
           " nor ITSM_ENOMEM");
    }
  }
}

/// A thread's first itsm call, with every allocation failing from the start: the thread's error
/// state must come into being without allocating (its first use registers no destructor that
/// allocates), and the call answers ITSM_ENOMEM or succeeds.
void first_call_on_a_new_thread(world& w, totals& t) {
  for (const oom::mode m : {oom::mode::once, oom::mode::persistent}) {
    std::snprintf(where, sizeof where, "first call on a new thread, %s", m == oom::mode::once ? "once" : "persistent");
    int code = 1;
    bool static_enomem = false, injected = false;
    std::thread th([&] {
      itsm_sla_result r{};
      itsm_ticket* copy = nullptr;
      oom::arm(0, m);
      code = itsm_ticket_clone(&copy, w.inc);
      const itsm_error* e = itsm_error_last();
      static_enomem = e->code == ITSM_ENOMEM && std::strcmp(e->message, "out of memory") == 0;
      injected = oom::disarm();
      (void)r;
      itsm_ticket_free(copy);
    });
    th.join();
    ++t.points;
    if (!injected) fail(std::string(where) + ": no allocation failed");
    else if (code == ITSM_ENOMEM && static_enomem) ++t.enomem;
    else if (code != ITSM_OK) fail(std::string(where) + ": answered " + std::to_string(code));
  }
}

std::size_t env_size(const char* name, std::size_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  return static_cast<std::size_t>(std::strtoull(v, nullptr, 10));
}

}  // namespace

int main() {
  std::signal(SIGSEGV, on_crash);
  std::signal(SIGABRT, on_crash);
  std::signal(SIGBUS, on_crash);
  const bool full = env_size("ITSM_OOM_FULL", 0) != 0;
  std::size_t stride = full ? 1 : env_size("ITSM_OOM_STRIDE", oom::covers_malloc() ? 7 : 29);
  if (stride == 0) stride = 1;
  const char* only = std::getenv("ITSM_OOM_ONLY");

  world w;
  std::vector<probe> ps = probes(w);
  totals t;
  std::size_t index = 0, ran = 0;
  for (const probe& p : ps) {
    const std::size_t offset = index++ % stride;
    // The reference run, with memory to spare: the code and the state a call must reach when no
    // allocation fails, and the world the next probes start from.
    std::snprintf(where, sizeof where, "%s, reference run", p.name.c_str());
    attempt ref;
    p.prepare(w, ref);
    const int ref_code = p.call(w, ref);
    const last_error ref_error = read_last();
    const std::string ref_after = p.observe(w, ref);
    const bool selected = !only || p.name.find(only) != std::string::npos;
    if (selected) {
      ++ran;
      run(w, p, oom::mode::once, stride, offset, ref_code, ref_after, t);
      run(w, p, oom::mode::persistent, stride, offset, ref_code, ref_after, t);
    }
    if (ref_code != ITSM_OK && p.must_succeed) fail(p.name + ": reference run answered " + std::to_string(ref_code) + " (" + ref_error.message + ")");
    if (p.advance) p.advance(w, ref);
  }
  if (!only || std::strstr("first call on a new thread", only)) first_call_on_a_new_thread(w, t);
  std::printf("%zu probes, stride %zu%s: %zu fault points, %zu answered ITSM_ENOMEM, %zu recovered; %d failures\n", ran,
              stride, oom::covers_malloc() ? " (operator new and malloc)" : " (operator new only: ASan)", t.points, t.enomem,
              t.survived, failures);
  return failures ? 1 : 0;
}
