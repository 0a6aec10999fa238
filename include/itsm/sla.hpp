#pragma once
/// \file
/// SLA clocks: a definition (targets per priority, a calendar, when the clock starts, pauses,
/// stops or is cancelled, cycles, warning thresholds) evaluated over a ticket's history.
/// Evaluation is a pure function of (definition, history, now): the same inputs give the same
/// answer, so a host can recompute after a calendar or target change.

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gsl/gsl>
#include <nlohmann/json.hpp>

#include "itsm/calendar.hpp"

namespace itsm {
inline namespace v1 {

/// Which states trigger a clock transition: by state category (`new`, `open`, `waiting`,
/// `resolved`, `closed`, `cancelled`) or by state id. A state matches when either set holds it.
struct state_match {
  std::set<std::string> categories;
  std::set<std::string> states;
  bool matches(const std::string& state, const std::string& category) const {
    return states.count(state) != 0 || categories.count(category) != 0;
  }
  bool empty() const { return categories.empty() && states.empty(); }
};

/// What a stop followed by a new start does.
enum class reopen_policy {
  resume,     ///< the same cycle runs on, its elapsed time kept (default)
  new_cycle,  ///< a new cycle starts from zero; the answer describes the latest cycle
};

/// An SLA definition. Build one in C++ or load the JSON form with `from_json`.
struct sla_definition {
  std::string name;
  std::map<std::string, std::chrono::seconds> targets;  ///< by priority name, e.g. "P1"
  std::optional<calendar> business_hours;               ///< none: 24x7 in UTC
  bool start_on_create = true;                          ///< else: on entering `start`
  state_match start;
  state_match pause;
  state_match stop;
  state_match cancel;
  reopen_policy on_reopen = reopen_policy::resume;
  std::vector<int> warnings;  ///< thresholds in percent, ascending, e.g. {50, 75, 90}

  /// Loads the JSON form (docs/sla.md, "The definition"); errors name the field.
  static result<sla_definition> from_json(const nlohmann::json& j, const std::string& field = "sla");
  static result<sla_definition> from_json(std::string_view text);
  static result<sla_definition> from_json(const char* text) {
    return from_json(std::string_view(text ? text : ""));
  }
  static result<sla_definition> from_json(const std::string& text) {
    return from_json(std::string_view(text));
  }
};

/// One record of a ticket's history that matters to SLA clocks: the ticket entered `state`
/// (of `category`) at `at`, or its priority changed. The first record is the creation.
struct ticket_event {
  sys_seconds at;
  std::string state;      ///< the state after this record (empty: unchanged)
  std::string category;   ///< that state's category (empty: unchanged)
  std::string priority;   ///< the priority after this record (empty: unchanged)
};

enum class sla_state { not_started, running, paused, met, breached, breached_met, cancelled };

inline const char* to_string(sla_state s) {
  switch (s) {
    case sla_state::not_started: return "not_started";
    case sla_state::running: return "running";
    case sla_state::paused: return "paused";
    case sla_state::met: return "met";
    case sla_state::breached: return "breached";
    case sla_state::breached_met: return "breached_met";
    case sla_state::cancelled: return "cancelled";
  }
  return "unknown";
}

/// A warning threshold the clock has crossed, and when.
struct sla_warning {
  int percent = 0;
  sys_seconds at;
};

/// The state of one SLA clock at `now`.
struct sla_status {
  sla_state status = sla_state::not_started;
  std::string priority;
  std::chrono::seconds target{0};
  std::chrono::seconds elapsed{0};    ///< business seconds on the clock (pauses excluded)
  std::chrono::seconds remaining{0};  ///< target - elapsed; negative once breached
  double percent = 0;                 ///< elapsed / target * 100
  /// Where the target is used up: that instant once it has been, else where it would be if the
  /// clock ran on from now (a stopped or cancelled clock: from its stop), past pauses counted.
  std::optional<sys_seconds> deadline;
  /// The first instant at which elapsed exceeds the target (the next working second after the
  /// target was used up, not that instant itself); none while elapsed <= target.
  std::optional<sys_seconds> breached_at;
  std::vector<sla_warning> warnings;       ///< thresholds crossed, in order
  int cycle = 0;                           ///< 1-based cycle the answer describes; 0 not started
};

namespace detail {

inline state_match parse_match(const json& j, const std::string& field) {
  need_object(j, field);
  only_keys(j, field, {"categories", "states"});
  state_match m;
  for (const char* key : {"categories", "states"}) {
    if (!j.contains(key)) continue;
    const json& list = j[key];
    const std::string f = field + "." + key;
    if (!list.is_array()) wrong_type(f, "an array of strings", list);
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string& v = need_string(list[i], f + "[" + std::to_string(i) + "]");
      if (std::string_view(key) == "categories") {
        static const char* known[] = {"new", "open", "waiting", "resolved", "closed", "cancelled"};
        if (std::none_of(std::begin(known), std::end(known), [&](const char* k) { return v == k; })) {
          fail(errc::invalid_argument, f + "[" + std::to_string(i) + "]: unknown category '" + v +
                                           "' (expected new, open, waiting, resolved, closed or cancelled)");
        }
        m.categories.insert(v);
      } else {
        m.states.insert(v);
      }
    }
  }
  return m;
}

}  // namespace detail

inline result<sla_definition> sla_definition::from_json(const nlohmann::json& j,
                                                        const std::string& field) {
  using namespace detail;
  return capture<sla_definition>([&] {
    need_utf8_json(j, field);
    need_object(j, field);
    only_keys(j, field, {"name", "calendar", "targets", "start", "pause", "stop", "cancel",
                         "on_reopen", "warnings"});
    sla_definition d;
    if (j.contains("name")) d.name = need_string(j["name"], field + ".name");
    if (!j.contains("targets")) fail(errc::invalid_argument, field + ".targets: missing");
    const json& t = j["targets"];
    need_object(t, field + ".targets");
    if (t.empty()) fail(errc::invalid_argument, field + ".targets: needs at least one priority");
    for (auto it = t.begin(); it != t.end(); ++it) {
      const auto secs = need_integer(it.value(), field + ".targets." + it.key(), 1,
                                     std::int64_t{100} * 366 * 86400);
      d.targets[it.key()] = std::chrono::seconds{secs};
    }
    if (j.contains("calendar")) {
      auto cal = calendar::from_json(j["calendar"], field + ".calendar");
      if (!cal) fail(cal.error_value().code, cal.error_value().message);
      d.business_hours = std::move(*cal);
    }
    if (j.contains("start")) {
      const json& s = j["start"];
      if (s.is_string()) {
        if (s.get<std::string>() != "create") {
          fail(errc::invalid_argument, field + ".start: expected \"create\" or {\"categories\", \"states\"}, got " + quoted(s));
        }
      } else {
        d.start = parse_match(s, field + ".start");
        d.start_on_create = false;
        if (d.start.empty()) fail(errc::invalid_argument, field + ".start: names no category or state");
      }
    }
    if (j.contains("pause")) d.pause = parse_match(j["pause"], field + ".pause");
    if (j.contains("stop")) d.stop = parse_match(j["stop"], field + ".stop");
    if (j.contains("cancel")) d.cancel = parse_match(j["cancel"], field + ".cancel");
    if (d.stop.empty()) fail(errc::invalid_argument, field + ".stop: missing (which states meet the SLA?)");
    if (j.contains("on_reopen")) {
      const std::string& v = need_string(j["on_reopen"], field + ".on_reopen");
      if (v == "resume") {
        d.on_reopen = reopen_policy::resume;
      } else if (v == "new_cycle") {
        d.on_reopen = reopen_policy::new_cycle;
      } else {
        fail(errc::invalid_argument, field + ".on_reopen: unknown policy '" + v + "' (expected resume or new_cycle)");
      }
    }
    if (j.contains("warnings")) {
      const json& w = j["warnings"];
      if (!w.is_array()) wrong_type(field + ".warnings", "an array of percentages", w);
      for (std::size_t i = 0; i < w.size(); ++i) {
        d.warnings.push_back(static_cast<int>(need_integer(w[i], field + ".warnings[" + std::to_string(i) + "]", 1, 1000)));
      }
      std::sort(d.warnings.begin(), d.warnings.end());
      d.warnings.erase(std::unique(d.warnings.begin(), d.warnings.end()), d.warnings.end());
    }
    return d;
  });
}

inline result<sla_definition> sla_definition::from_json(std::string_view text) {
  return detail::capture<sla_definition>([&] {
    auto d = detail::with_json_text(text, "sla", [](const nlohmann::json& doc) { return from_json(doc); });
    if (!d) detail::fail(d.error_value().code, d.error_value().message);
    return std::move(*d);
  });
}

namespace detail {

/// Where the clock's cumulative business time reaches `amount` over its running spans, or
/// nothing when it does not by their end.
inline std::optional<std::int64_t> instant_reaching(const calendar& cal,
                                                    const std::vector<std::pair<std::int64_t, std::int64_t>>& spans,
                                                    std::int64_t amount) {
  std::int64_t acc = 0;
  for (const auto& [s, e] : spans) {
    const sys_seconds a{std::chrono::seconds{s}}, b{std::chrono::seconds{e}};
    const std::int64_t here = cal.between(a, b).value().count();
    if (acc + here >= amount && amount - acc > 0) {
      return cal.add(a, std::chrono::seconds{amount - acc}).value().time_since_epoch().count();
    }
    acc += here;
  }
  return std::nullopt;
}

inline const calendar& always_open() {
  static const calendar cal =
      calendar::from_json(R"({"week":{"mon":[["00:00","24:00"]],"tue":[["00:00","24:00"]],
        "wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],"fri":[["00:00","24:00"]],
        "sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]}})")
          .value();
  return cal;
}

}  // namespace detail

/// Evaluates `def` over `history` (ordered by time; the first record is the creation) at `now`.
/// Records after `now` are ignored. Fails, naming the record, on a history that goes back in
/// time or on a priority the definition has no target for.
inline result<sla_status> evaluate(const sla_definition& def, gsl::span<const ticket_event> history,
                                   sys_seconds now) {
  using detail::fail;
  return detail::capture<sla_status>([&] {
    const calendar& cal = def.business_hours ? *def.business_hours : detail::always_open();
    sla_status out;
    std::string state, category, priority;
    enum class phase { idle, running, paused, stopped, cancelled } ph = phase::idle;
    std::vector<std::pair<std::int64_t, std::int64_t>> spans;  // running spans of the cycle
    std::int64_t run_start = 0;
    std::int64_t stopped_at = 0;  // meaningful in phase::stopped and phase::cancelled
    const std::int64_t now_s = now.time_since_epoch().count();

    auto close_span = [&](std::int64_t at) {
      if (at > run_start) spans.emplace_back(run_start, at);
    };
    for (std::size_t i = 0; i < history.size(); ++i) {
      const auto& ev = history[i];
      const std::int64_t at = ev.at.time_since_epoch().count();
      if (i > 0 && ev.at < history[i - 1].at) {
        fail(errc::invalid_argument, "history[" + std::to_string(i) + "].at: " + cal.format(ev.at) +
                                         " is before the previous record (" + cal.format(history[i - 1].at) + ")");
      }
      if (at > now_s) break;
      if (!ev.priority.empty()) {
        if (!def.targets.count(ev.priority)) {
          fail(errc::invalid_argument, "history[" + std::to_string(i) + "].priority: no target for priority '" +
                                           ev.priority + "' in SLA '" + def.name + "'");
        }
        priority = ev.priority;
      }
      const bool state_change = !ev.state.empty() || !ev.category.empty();
      if (!ev.state.empty()) state = ev.state;
      if (!ev.category.empty()) category = ev.category;
      if (!state_change && i > 0) continue;

      const bool is_stop = def.stop.matches(state, category);
      const bool is_cancel = def.cancel.matches(state, category);
      const bool is_pause = def.pause.matches(state, category);
      // The clock moves to the phase this record's state asks for, from `at` on.
      auto enter = [&] {
        if (is_cancel) {
          ph = phase::cancelled;
          stopped_at = at;
        } else if (is_stop) {
          ph = phase::stopped;
          stopped_at = at;
        } else {
          ph = is_pause ? phase::paused : phase::running;
          run_start = at;
        }
      };

      if (i == 0 && def.start_on_create) {
        // Created: the clock starts whatever the state, and a stop or cancel state stops it at
        // once, so that a later reopening runs it.
        ++out.cycle;
        enter();
        continue;
      }
      if (ph == phase::running || ph == phase::paused) {
        if (ph == phase::running) close_span(at);
        enter();
        continue;
      }
      // Idle, stopped or cancelled: a record that stops or cancels changes nothing (a met cycle
      // that is then cancelled stays met); any other record reopens a stopped or cancelled
      // clock, and one matching `start` starts an idle one.
      if (is_stop || is_cancel) continue;
      if (ph == phase::idle && !def.start.matches(state, category)) continue;
      if (ph == phase::idle || def.on_reopen == reopen_policy::new_cycle || ph == phase::cancelled) {
        spans.clear();
        ++out.cycle;
      }
      enter();
    }
    if (ph == phase::idle) {
      out.status = sla_state::not_started;
      return out;
    }
    if (priority.empty()) {
      if (def.targets.size() != 1) {
        fail(errc::invalid_argument, "history: no priority given, and SLA '" + def.name +
                                         "' has targets for several priorities");
      }
      priority = def.targets.begin()->first;
    }
    out.priority = priority;
    out.target = def.targets.at(priority);
    auto spans_now = spans;
    if (ph == phase::running && now_s > run_start) spans_now.emplace_back(run_start, now_s);
    std::int64_t elapsed = 0;
    for (const auto& [s, e] : spans_now) {
      elapsed += cal.between(sys_seconds{std::chrono::seconds{s}}, sys_seconds{std::chrono::seconds{e}}).value().count();
    }
    const std::int64_t target = out.target.count();
    out.elapsed = std::chrono::seconds{elapsed};
    out.remaining = std::chrono::seconds{target - elapsed};
    out.percent = 100.0 * static_cast<double>(elapsed) / static_cast<double>(target);
    const bool breached = elapsed > target;
    if (breached) {
      // Elapsed first exceeds the target where its next second starts: a target used up at a
      // close or just before a pause breaches at the next opening or at the resume.
      const auto past = detail::instant_reaching(cal, spans_now, target + 1);
      if (past) out.breached_at = sys_seconds{std::chrono::seconds{*past - 1}};
    }
    if (elapsed >= target) {
      // Used up: the deadline is that instant, whatever the clock did since, so it never jumps.
      const auto used_up = detail::instant_reaching(cal, spans_now, target);
      if (used_up) out.deadline = sys_seconds{std::chrono::seconds{*used_up}};
    } else {
      // Where the target would be used up running on from now, or from the instant a stopped
      // or cancelled clock stopped.
      const bool stopped = ph == phase::stopped || ph == phase::cancelled;
      const std::int64_t from = stopped ? stopped_at : now_s;
      out.deadline = cal.add(sys_seconds{std::chrono::seconds{from}}, out.remaining).value();
    }
    for (int w : def.warnings) {
      const std::int64_t mark = (target * w + 99) / 100;  // whole seconds, rounded up
      if (elapsed < mark) break;
      const auto at = detail::instant_reaching(cal, spans_now, mark);
      if (at) out.warnings.push_back({w, sys_seconds{std::chrono::seconds{*at}}});
    }
    switch (ph) {
      case phase::running: out.status = breached ? sla_state::breached : sla_state::running; break;
      case phase::paused: out.status = breached ? sla_state::breached : sla_state::paused; break;
      case phase::stopped: out.status = breached ? sla_state::breached_met : sla_state::met; break;
      case phase::cancelled: out.status = sla_state::cancelled; break;
      case phase::idle: break;
    }
    return out;
  });
}

/// A clock as JSON: `{"status", "priority", "target", "elapsed", "remaining", "percent",
/// "deadline"?, "breached_at"?, "warnings": [{"percent", "at"}], "cycle"}`; durations in
/// seconds, instants as RFC 3339 UTC.
inline nlohmann::json to_json(const sla_status& s) {
  // Built so that a failed allocation frees nothing that allocates (detail/json_release.hpp).
  nlohmann::json j = nlohmann::json::object();
  try {
    j["status"] = to_string(s.status);
    j["priority"] = s.priority;
    j["target"] = s.target.count();
    j["elapsed"] = s.elapsed.count();
    j["remaining"] = s.remaining.count();
    j["percent"] = s.percent;
    if (s.deadline) j["deadline"] = detail::format_utc(*s.deadline);
    if (s.breached_at) j["breached_at"] = detail::format_utc(*s.breached_at);
    detail::json_set(j, "warnings", nlohmann::json::array());
    auto* warnings = j["warnings"].get_ptr<nlohmann::json::array_t*>();
    warnings->reserve(s.warnings.size());  // the push_backs below then never reallocate
    for (const auto& w : s.warnings) {
      nlohmann::json one = nlohmann::json::object();
      detail::json_release_guard guard(one);
      one["percent"] = w.percent;
      one["at"] = detail::format_utc(w.at);
      warnings->push_back(std::move(one));
    }
    j["cycle"] = s.cycle;
  } catch (...) {
    detail::json_release(j);
    throw;
  }
  return j;
}

/// Reads a history for `evaluate` from JSON: an array of `{"at", "state"?, "category"?,
/// "priority"?}` (instants with an offset). Errors name the element (`history[3].at`).
inline result<std::vector<ticket_event>> sla_history_from_json(const nlohmann::json& j) {
  return detail::capture<std::vector<ticket_event>>([&] {
    detail::need_utf8_json(j, "history");
    if (!j.is_array()) detail::wrong_type("history", "an array", j);
    std::vector<ticket_event> out;
    out.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
      const std::string f = "history[" + std::to_string(i) + "]";
      const auto& e = j[i];
      detail::need_object(e, f);
      detail::only_keys(e, f, {"at", "state", "category", "priority"});
      if (!e.contains("at")) detail::fail(errc::invalid_argument, f + ".at: missing");
      ticket_event ev;
      ev.at = detail::parse_utc_field(e["at"], f + ".at");
      if (e.contains("state")) ev.state = detail::need_string(e["state"], f + ".state");
      if (e.contains("category")) ev.category = detail::need_string(e["category"], f + ".category");
      if (e.contains("priority")) ev.priority = detail::need_string(e["priority"], f + ".priority");
      out.push_back(std::move(ev));
    }
    return out;
  });
}

}  // namespace v1
}  // namespace itsm
