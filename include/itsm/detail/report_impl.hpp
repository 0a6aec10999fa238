#pragma once
// The service report's implementation (see itsm/report.hpp; the figures are defined in
// docs/report-and-audit.md).

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>

#include "itsm/detail/text_table.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

/// One of the policy's clocks as an SLA definition (JSON form, docs/sla.md).
inline json policy_clock_json(const std::string& name, const json& targets, const json& calendar, bool response) {
  // Built member by member into values released on the way out (detail/json_release.hpp).
  auto categories = [](std::initializer_list<const char*> names) {
    json match = json::object();
    json_release_guard match_guard(match);
    json& list = match["categories"] = json::array();
    for (const char* n : names) list.push_back(n);
    match_guard.dismiss();
    return match;
  };
  json j = json::object();
  json_release_guard j_guard(j);
  j["name"] = name;
  json_set_copy(j, "targets", targets);
  if (!calendar.is_null()) json_set_copy(j, "calendar", calendar);  // none: the clocks run 24x7
  if (response) {
    json_set(j, "stop", categories({"open", "waiting", "resolved", "closed"}));
  } else {
    json_set(j, "pause", categories({"waiting"}));
    json_set(j, "stop", categories({"resolved", "closed"}));
  }
  json_set(j, "cancel", categories({"cancelled"}));
  j_guard.dismiss();
  return j;
}

/// Mean, median and 90th percentile (nearest rank) of durations, in hours. Sorted first, so the
/// figures depend only on the set of durations, not on the order they were added or merged in.
inline json duration_stats(std::vector<std::int64_t> seconds) {
  json j = json::object();
  json_release_guard guard(j);  // built member by member: see detail/json_release.hpp
  j["n"] = seconds.size();
  if (seconds.empty()) {
    j["mean"] = nullptr;
    j["median"] = nullptr;
    j["p90"] = nullptr;
  } else {
    std::sort(seconds.begin(), seconds.end());
    auto hours = [](std::int64_t s) { return static_cast<double>(s) / 3600.0; };
    double sum = 0;
    for (auto s : seconds) sum += hours(s);
    const std::size_t n = seconds.size();
    j["mean"] = sum / static_cast<double>(n);
    j["median"] = n % 2 == 1 ? hours(seconds[n / 2]) : (hours(seconds[n / 2 - 1]) + hours(seconds[n / 2])) / 2;
    j["p90"] = hours(seconds[static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(n))) - 1]);
  }
  guard.dismiss();
  return j;
}

inline const char* age_bucket(std::int64_t age_seconds) {
  const double days = static_cast<double>(age_seconds) / 86400.0;
  if (days < 1) return "<1d";
  if (days < 3) return "1-3d";
  if (days < 7) return "3-7d";
  if (days < 30) return "7-30d";
  return ">=30d";
}

inline constexpr const char* age_buckets[] = {"<1d", "1-3d", "3-7d", "7-30d", ">=30d"};

inline bool is_change_process(const std::string& process) { return process.rfind("change_", 0) == 0; }

/// Applies one record's changes to `fields`, so that readers of a history see the fields as
/// they were at that record.
inline void apply_changes(json& fields, const json& changes) {
  if (!changes.is_object()) return;
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    if (it->is_null()) {
      if (auto gone = fields.find(it.key()); gone != fields.end()) {
        json_release(*gone);  // then erasing it frees without allocating
        fields.erase(gone);
      }
    } else {
      json_set_copy(fields, it.key(), *it);
    }
  }
}

/// The data-quality section (`data_quality::to_json`) as a table: one row per count, the refusals
/// by code under `refused`, and each skipped line.
inline text_table quality_table(const json& q) {
  text_table t{"Data quality of the log", {"count", "number"}, {}, 1};
  t.rows.push_back({"read", cell_text(q["read"])});
  t.rows.push_back({"skipped (not event lines)", cell_text(q["skipped"])});
  t.rows.push_back({"after now (not applied)", cell_text(q["after_now"])});
  t.rows.push_back({"applied", cell_text(q["applied"])});
  t.rows.push_back({"refused", cell_text(q["refused"])});
  for (auto it = q["refused_by_code"].begin(); it != q["refused_by_code"].end(); ++it) {
    t.rows.push_back({"  refused: " + it.key(), cell_text(*it)});
  }
  t.rows.push_back({"reordered (applied in time order)", cell_text(q["reordered"])});
  t.rows.push_back({"tickets whose create was refused", cell_text(q["creates_refused"])});
  for (const auto& b : q["skipped_lines"]) {
    t.rows.push_back({"  skipped line " + cell_text(b["line"]) + ": " + b["cause"].get<std::string>(), "1"});
  }
  return t;
}

/// The tables of a report's JSON form, in the order they are printed.
inline std::vector<text_table> report_tables(const json& r) {
  std::vector<text_table> out;
  text_table sla{"SLA compliance by process and priority (response / resolution clocks)",
                 {"process", "priority", "tickets", "resp met", "resp breached", "resp open", "resp %", "resol met",
                  "resol breached", "resol open", "resol %"},
                 {}};
  text_table times{"Times by process and priority (hours from creation)",
                   {"process", "priority", "responded", "resp mean", "resp median", "resp p90", "resolved",
                    "resol mean", "resol median", "resol p90", "MTTR", "reopen %"},
                   {}};
  // A process with a single priority group gets its "all" row only (the other would repeat it).
  std::map<std::string, std::size_t> groups_of;
  for (const auto& g : r["processes"]) ++groups_of[g["process"].get<std::string>()];
  for (const auto& g : r["processes"]) {
    // Compared as a std::string: json's operator!= with text builds a json string inside a noexcept
    // function, where running out of memory ends the process.
    if (g["priority"].get_ref<const std::string&>() != "all" && groups_of[g["process"].get<std::string>()] == 2) continue;
    if (!g["sla"].empty()) {
      std::vector<std::string> row = {g["process"], g["priority"], cell_text(g["tickets"])};
      for (const char* clock : {"response", "resolution"}) {
        if (g["sla"].contains(clock)) {
          const auto& c = g["sla"][clock];
          row.insert(row.end(), {cell_text(c["met"]), cell_text(c["breached"]), cell_text(c["in_progress"]),
                                 cell_text(c["compliance"])});
        } else {
          row.insert(row.end(), {"-", "-", "-", "-"});
        }
      }
      sla.rows.push_back(row);
    }
    std::vector<std::string> trow = {g["process"], g["priority"]};
    for (const char* k : {"first_response_hours", "resolution_hours"}) {
      trow.insert(trow.end(),
                  {cell_text(g[k]["n"]), cell_text(g[k]["mean"]), cell_text(g[k]["median"]), cell_text(g[k]["p90"])});
    }
    trow.push_back(cell_text(g["mttr_hours"]));
    trow.push_back(cell_text(g["reopen_rate"]));
    times.rows.push_back(trow);
  }
  out.push_back(sla);
  out.push_back(times);
  const std::string at = r["now"].is_string() ? r["now"].get<std::string>() : std::string("-");
  text_table backlog{"Backlog by age (open tickets at " + at + ")",
                     {"process", "<1d", "1-3d", "3-7d", "7-30d", ">=30d", "total"}, {}, 1};
  for (std::size_t i = 0; i < r["backlog"].size(); i += 5) {
    std::vector<std::string> row = {r["backlog"][i]["process"]};
    std::size_t total = 0;
    for (std::size_t k = i; k < i + 5 && k < r["backlog"].size(); ++k) {
      row.push_back(cell_text(r["backlog"][k]["open"]));
      total += r["backlog"][k]["open"].get<std::size_t>();
    }
    row.push_back(std::to_string(total));
    backlog.rows.push_back(row);
  }
  out.push_back(backlog);
  text_table states{"Time per state (hours per visit)", {"process", "state", "visits", "mean", "median", "p90"}, {}};
  for (const auto& s : r["time_in_state"]) {
    states.rows.push_back({s["process"], s["state"], cell_text(s["hours"]["n"]), cell_text(s["hours"]["mean"]),
                           cell_text(s["hours"]["median"]), cell_text(s["hours"]["p90"])});
  }
  out.push_back(states);
  text_table changes{"Changes by outcome", {"process", "successful", "failed", "refused", "cancelled", "in progress"},
                     {}, 1};
  for (const auto& c : r["changes"]) {
    changes.rows.push_back({c["process"], cell_text(c["successful"]), cell_text(c["failed"]),
                            cell_text(c["refused"]), cell_text(c["cancelled"]), cell_text(c["in_progress"])});
  }
  out.push_back(changes);
  text_table refused{"Top refused events", {"process", "event", "code", "count"}, {}, 3};
  for (const auto& t : r["top_refusals"]) {
    refused.rows.push_back({t["process"], t["event"], t["code"], cell_text(t["count"])});
  }
  out.push_back(refused);
  out.push_back(quality_table(r["data_quality"]));
  return out;
}

/// What the states of reports and audits share (`service_report::state`): the kind and version,
/// the policy, the instant, the data quality and the ticket count.
struct state_header {
  sla_policy policy;
  sys_seconds now;
  data_quality quality;
  std::size_t tickets = 0;
};

inline json state_json(const char* kind, const sla_policy& policy, sys_seconds now, const data_quality& quality,
                       std::size_t tickets) {
  return {{"state", kind},
          {"policy", policy.to_json()},
          {"now", now.time_since_epoch().count()},
          {"data_quality", quality.to_json()},
          {"tickets", tickets}};
}

inline constexpr std::int64_t most_count = std::numeric_limits<std::int64_t>::max();

/// A member of a state that must be there.
inline const json& state_member(const json& j, const char* key) {
  if (!j.contains(key)) fail(errc::invalid_argument, std::string(key) + ": missing");
  return j[key];
}

inline std::size_t state_count(const json& j, const std::string& field) {
  return static_cast<std::size_t>(need_integer(j, field, 0, most_count));
}

inline std::vector<std::int64_t> state_seconds_list(const json& j, const std::string& field) {
  if (!j.is_array()) wrong_type(field, "an array of whole seconds", j);
  std::vector<std::int64_t> out;
  out.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    out.push_back(need_integer(j[i], field + "[" + std::to_string(i) + "]", std::numeric_limits<std::int64_t>::min(),
                               most_count));
  }
  return out;
}

/// Reads what `state_json` wrote (fields are named from the state's top); `kind` must match, so
/// that a report's state is not taken for an audit's.
inline state_header read_state_header(const json& j, const char* kind) {
  if (!j.is_object()) wrong_type("state", "an object", j);
  const std::string& named = need_string(state_member(j, "state"), "state");
  if (named != kind) {
    fail(errc::invalid_argument, "state: \"" + named + "\", expected \"" + kind + "\"");
  }
  auto policy = sla_policy::from_json(state_member(j, "policy"));
  if (!policy) fail(policy.error_value().code, policy.error_value().message);
  auto quality = data_quality::from_json(state_member(j, "data_quality"));
  if (!quality) fail(quality.error_value().code, quality.error_value().message);
  const std::int64_t now = need_integer(state_member(j, "now"), "now", std::numeric_limits<std::int64_t>::min(), most_count);
  return {std::move(*policy), sys_seconds{std::chrono::seconds{now}}, std::move(*quality),
          state_count(state_member(j, "tickets"), "tickets")};
}

/// `body`'s result, with "<what>: " before the message of a failure (the fields it names are
/// relative to the state).
template <class T, class F>
result<T> read_state(const char* what, F&& body) {
  auto r = capture<T>(std::forward<F>(body));
  if (!r) return error{r.error_value().code, std::string(what) + ": " + r.error_value().message};
  return r;
}

}  // namespace detail

// --- sla_policy ------------------------------------------------------------------------------

inline const sla_policy& sla_policy::builtin() {
  static const sla_policy policy = *from_json(std::string_view(R"({
    "calendar": {"timezone": "Europe/Berlin",
      "week": {"mon": [["08:00", "18:00"]], "tue": [["08:00", "18:00"]], "wed": [["08:00", "18:00"]],
               "thu": [["08:00", "18:00"]], "fri": [["08:00", "18:00"]]},
      "holidays": [{"date": "--01-01", "name": "New Year"}, {"easter": -2, "name": "Good Friday"},
                   {"easter": 1, "name": "Easter Monday"}, {"date": "--05-01", "name": "Labour Day"},
                   {"date": "--12-25", "name": "Christmas"}, {"date": "--12-26", "name": "Boxing Day"}]},
    "targets": {
      "incident": {"response": {"P1": 900, "P2": 1800, "P3": 7200, "P4": 14400, "P5": 28800},
                   "resolution": {"P1": 14400, "P2": 28800, "P3": 108000, "P4": 180000, "P5": 360000}},
      "service_request": {"response": {"P1": 3600, "P2": 7200, "P3": 14400, "P4": 28800, "P5": 36000},
                          "resolution": {"P1": 36000, "P2": 72000, "P3": 180000, "P4": 360000, "P5": 720000}}
    }})"));
  return policy;
}

inline result<sla_policy> sla_policy::from_json(const nlohmann::json& j) {
  using detail::json;
  if (!j.is_object()) return error{errc::invalid_argument, "policy: expected an object"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() != "calendar" && it.key() != "targets" && it.key() != "description") {
      return error{errc::invalid_argument,
                   "policy: unknown key '" + it.key() + "' (allowed: calendar, targets, description)"};
    }
  }
  sla_policy p;
  {
    json copy = detail::json_copy(j);
    detail::json_release_guard copy_guard(copy);
    auto* held = new json();
    held->swap(copy);
    // On a failed control block the deleter runs at once: releasing first, it frees without allocating.
    p.json_ = std::shared_ptr<const json>(held, [](const json* v) {
      detail::json_release(*const_cast<json*>(v));
      delete v;
    });
  }
  if (!j.contains("targets")) return p;
  const json& targets = j["targets"];
  if (!targets.is_object()) return error{errc::invalid_argument, "policy.targets: expected an object"};
  static const json no_calendar;
  const json& calendar = j.contains("calendar") ? j["calendar"] : no_calendar;
  for (auto it = targets.begin(); it != targets.end(); ++it) {
    const std::string& process = it.key();
    const json& per = it.value();
    if (!per.is_object()) return error{errc::invalid_argument, "policy.targets." + process + ": expected an object"};
    auto& clocks = p.clocks_[process];
    for (const char* clock : {"response", "resolution"}) {
      if (!per.contains(clock)) continue;
      json definition = detail::policy_clock_json(process + " " + clock, per[clock], calendar,
                                                  std::string(clock) == "response");
      detail::json_release_guard definition_guard(definition);
      auto def = sla_definition::from_json(definition, "policy.targets." + process + "." + clock);
      if (!def) return def.error_value();
      clocks.emplace_back(clock, std::move(*def));
    }
  }
  return p;
}

inline result<sla_policy> sla_policy::from_json(std::string_view text) {
  auto parsed = detail::capture<nlohmann::json>([&] { return detail::parse_json_text(text, "policy"); });
  if (!parsed) return parsed.error_value();
  return from_json(*parsed);
}

inline result<sla_policy> sla_policy::with_calendar(const nlohmann::json& calendar) const {
  nlohmann::json j = to_json().is_object() ? detail::json_copy(to_json()) : nlohmann::json::object();
  detail::json_release_guard j_guard(j);
  detail::json_set_copy(j, "calendar", calendar);
  return from_json(j);
}

inline const std::vector<std::pair<std::string, sla_definition>>& sla_policy::clocks(std::string_view process) const {
  static const std::vector<std::pair<std::string, sla_definition>> none;
  auto it = clocks_.find(process);
  return it == clocks_.end() ? none : it->second;
}

inline std::vector<std::string> sla_policy::processes() const {
  std::vector<std::string> names;
  for (const auto& [process, clocks] : clocks_) names.push_back(process);
  return names;
}

inline result<bool> check_policy_processes(const sla_policy& policy, const event_store& store) {
  for (const auto& process : policy.processes()) {
    if (!store.find_workflow(process)) {
      return error{errc::not_found, "policy.targets." + process + ": no workflow named '" + process +
                                        "' (its targets would measure nothing)"};
    }
  }
  return true;
}

inline result<report_format> parse_report_format(std::string_view name) {
  if (name == "table") return report_format::table;
  if (name == "markdown") return report_format::markdown;
  if (name == "csv") return report_format::csv;
  if (name == "json") return report_format::json;
  return error{errc::invalid_argument,
               "format: '" + std::string(name) + "' is not one of table, markdown, csv, json"};
}

// --- service_report --------------------------------------------------------------------------

inline service_report::service_report(sla_policy policy, sys_seconds now) : policy_(std::move(policy)), now_(now) {}

inline void service_report::add(const ticket& t) {
  const auto& wf = t.definition();
  const std::string& process = wf.name();
  const auto& h = t.history();
  const std::int64_t now_s = now_.time_since_epoch().count();
  const std::int64_t created = h.front().at.time_since_epoch().count();
  if (created > now_s) return;  // it did not exist yet
  // The ticket as it stood at now: its last record up to now.
  std::size_t last = 0;
  while (last + 1 < h.size() && h[last + 1].at.time_since_epoch().count() <= now_s) ++last;
  const std::string priority = h[last].priority > 0 ? "P" + std::to_string(h[last].priority) : "none";
  std::optional<std::int64_t> responded, resolved;
  bool reopened = false, rejected = false;
  for (std::size_t i = 0; i <= last; ++i) {
    const auto& r = h[i];
    const bool enters = r.kind == record_kind::create || (r.kind == record_kind::transition && r.to != r.from);
    if (r.kind == record_kind::transition && r.transition != workflow::npos) {
      const auto kind = wf.transition(r.transition).kind;
      reopened = reopened || kind == transition_kind::reopen;
      rejected = rejected || kind == transition_kind::reject;
    }
    if (!enters) continue;
    const auto category = wf.state(r.to).category;
    if (!responded && category != state_category::new_) responded = r.at.time_since_epoch().count();
    if (!resolved && (category == state_category::resolved || category == state_category::closed)) {
      resolved = r.at.time_since_epoch().count();
    }
    // How long the ticket stayed: until the next record that changes the state, or now.
    std::int64_t until = now_s;
    for (std::size_t k = i + 1; k <= last; ++k) {
      if (h[k].to != r.to && h[k].kind == record_kind::transition) {
        until = h[k].at.time_since_epoch().count();
        break;
      }
    }
    if (!wf.state(r.to).terminal) {
      state_seconds_[{process, wf.state(r.to).id}].push_back(until - r.at.time_since_epoch().count());
    }
  }
  const auto& state_now = wf.state(h[last].to);
  const auto category = state_now.category;
  const bool open = category == state_category::new_ || category == state_category::open ||
                    category == state_category::waiting;
  if (open) ++backlog_[{process, detail::age_bucket(now_s - created)}];
  if (detail::is_change_process(process)) {
    auto& c = changes_[process];
    detail::json fields = detail::json::object();
    detail::json_release_guard fields_guard(fields);
    for (std::size_t i = 0; i <= last; ++i) detail::apply_changes(fields, h[i].changes);
    const auto* code = detail::find_field(fields, "close_code");
    const std::string close_code = code && code->is_string() ? code->get<std::string>() : "";
    if (state_now.id == "closed" || state_now.id == "review") {
      ++c[close_code == "unsuccessful" ? "failed" : close_code.empty() ? "in_progress" : "successful"];
    } else if (state_now.id == "cancelled") {
      ++c[rejected ? "refused" : "cancelled"];
    } else {
      ++c[rejected && state_now.id == "new" ? "refused" : "in_progress"];
    }
  }
  // Each clock once per ticket, counted in its priority's group and in "all".
  std::vector<std::pair<std::string, std::optional<sla_state>>> clocks;
  const auto& defs = policy_.clocks(process);
  if (!defs.empty()) {
    const auto sla_history = t.sla_history();
    for (const auto& [name, def] : defs) {
      std::optional<sla_state> state;
      if (priority != "none") {
        if (auto s = evaluate(def, sla_history, now_)) state = s->status;
      }
      clocks.emplace_back(name, state);
    }
  }
  ++tickets_;
  for (const auto& key : {priority, std::string("all")}) {
    auto& g = groups_[{process, key}];
    ++g.tickets;
    if (responded) g.response.push_back(*responded - created);
    if (resolved) {
      ++g.resolved;
      g.resolution.push_back(*resolved - created);
    }
    if (reopened) ++g.reopened;
    for (const auto& [name, state] : clocks) {
      auto& tally = g.clocks[name];
      if (!state) {
        ++tally.no_target;
        continue;
      }
      switch (*state) {
        case sla_state::met: ++tally.met; break;
        case sla_state::breached:
        case sla_state::breached_met: ++tally.breached; break;
        case sla_state::cancelled: ++tally.cancelled; break;
        default: ++tally.in_progress; break;
      }
    }
  }
}

inline void service_report::add_refusal(const event_outcome& refused) {
  ++refused_[{refused.workflow.empty() ? "-" : refused.workflow, refused.event.empty() ? "-" : refused.event,
              to_string(refused.result.code)}];
}

inline void service_report::add_quality(const data_quality& quality) { quality_.merge(quality); }

inline result<bool> service_report::merge(const service_report& other) {
  if (other.now_ != now_) {
    return error{errc::invalid_argument, "report merge: measured at " + format_utc(other.now_) + ", not " +
                                             format_utc(now_) + " as this report"};
  }
  if (other.policy_.to_json() != policy_.to_json()) {
    return error{errc::invalid_argument, "report merge: the reports use different SLA policies"};
  }
  add_quality(other.quality_);
  tickets_ += other.tickets_;
  for (const auto& [key, g] : other.groups_) {
    auto& mine = groups_[key];
    mine.tickets += g.tickets;
    mine.resolved += g.resolved;
    mine.reopened += g.reopened;
    mine.response.insert(mine.response.end(), g.response.begin(), g.response.end());
    mine.resolution.insert(mine.resolution.end(), g.resolution.begin(), g.resolution.end());
    for (const auto& [name, t] : g.clocks) {
      auto& m = mine.clocks[name];
      m.met += t.met;
      m.breached += t.breached;
      m.in_progress += t.in_progress;
      m.cancelled += t.cancelled;
      m.no_target += t.no_target;
    }
  }
  for (const auto& [key, n] : other.backlog_) backlog_[key] += n;
  for (const auto& [key, v] : other.state_seconds_) {
    auto& mine = state_seconds_[key];
    mine.insert(mine.end(), v.begin(), v.end());
  }
  for (const auto& [process, c] : other.changes_) {
    for (const auto& [outcome, n] : c) changes_[process][outcome] += n;
  }
  for (const auto& [key, n] : other.refused_) refused_[key] += n;
  return true;
}

inline nlohmann::json service_report::to_json() const {
  // Built member by member into values released on the way out, so that running out of memory
  // destroys nothing that allocates (detail/json_release.hpp): no initializer lists of pairs.
  using detail::json;
  using detail::json_release_guard;
  json report = json::object();
  json_release_guard report_guard(report);
  report["now"] = measured() ? json(format_utc(now_)) : json();
  report["events"] = quality_.applied + quality_.refused;
  report["applied"] = quality_.applied;
  report["refused"] = quality_.refused;
  report["tickets"] = tickets_;
  // Per process: "all" first, then the priorities in order.
  json& processes = report["processes"] = json::array();
  auto add_group = [&](const std::string& process, const std::string& priority, const group& g) {
    json row = json::object();
    json_release_guard row_guard(row);
    row["process"] = process;
    row["priority"] = priority;
    row["tickets"] = g.tickets;
    json& sla = row["sla"] = json::object();
    for (const auto& [name, t] : g.clocks) {
      json c = json::object();
      json_release_guard c_guard(c);
      c["met"] = t.met;
      c["breached"] = t.breached;
      c["in_progress"] = t.in_progress;
      c["cancelled"] = t.cancelled;
      c["no_target"] = t.no_target;
      c["compliance"] = t.met + t.breached == 0
                            ? json()
                            : json(100.0 * static_cast<double>(t.met) / static_cast<double>(t.met + t.breached));
      detail::json_set(sla, name, std::move(c));
    }
    detail::json_set(row, "first_response_hours", detail::duration_stats(g.response));
    detail::json_set(row, "resolution_hours", detail::duration_stats(g.resolution));
    row["mttr_hours"] = json(row["resolution_hours"]["mean"]);  // a number or null
    row["reopen_rate"] = g.resolved == 0
                             ? json()
                             : json(100.0 * static_cast<double>(g.reopened) / static_cast<double>(g.resolved));
    detail::json_push(processes, std::move(row));
  };
  for (const auto& [key, g] : groups_) {
    if (key.second != "all") continue;
    add_group(key.first, "all", g);
    for (const auto& [k2, g2] : groups_) {
      if (k2.first == key.first && k2.second != "all") add_group(k2.first, k2.second, g2);
    }
  }
  json& backlog = report["backlog"] = json::array();
  std::set<std::string> backlog_processes;
  for (const auto& [key, n] : backlog_) backlog_processes.insert(key.first);
  for (const auto& p : backlog_processes) {
    for (const char* a : detail::age_buckets) {
      auto it = backlog_.find({p, a});
      json row = json::object();
      json_release_guard row_guard(row);
      row["process"] = p;
      row["age"] = a;
      row["open"] = it == backlog_.end() ? 0 : it->second;
      detail::json_push(backlog, std::move(row));
    }
  }
  json& in_state = report["time_in_state"] = json::array();
  for (const auto& [key, seconds] : state_seconds_) {
    json row = json::object();
    json_release_guard row_guard(row);
    row["process"] = key.first;
    row["state"] = key.second;
    detail::json_set(row, "hours", detail::duration_stats(seconds));
    detail::json_push(in_state, std::move(row));
  }
  json& changes = report["changes"] = json::array();
  for (const auto& [process, c] : changes_) {
    json row = json::object();
    json_release_guard row_guard(row);
    row["process"] = process;
    for (const char* k : {"successful", "failed", "refused", "cancelled", "in_progress"}) {
      auto it = c.find(k);
      row[k] = it == c.end() ? 0 : it->second;
    }
    detail::json_push(changes, std::move(row));
  }
  // The ten most refused (process, event, code), by count; ties in key order.
  std::vector<std::pair<std::size_t, const std::tuple<std::string, std::string, std::string>*>> top;
  for (const auto& [k, n] : refused_) top.emplace_back(n, &k);
  std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  json& top_refusals = report["top_refusals"] = json::array();
  for (std::size_t i = 0; i < top.size() && i < 10; ++i) {
    json row = json::object();
    json_release_guard row_guard(row);
    row["process"] = std::get<0>(*top[i].second);
    row["event"] = std::get<1>(*top[i].second);
    row["code"] = std::get<2>(*top[i].second);
    row["count"] = top[i].first;
    detail::json_push(top_refusals, std::move(row));
  }
  detail::json_set(report, "data_quality", quality_.to_json());
  report_guard.dismiss();
  return report;
}

inline std::string service_report::render(report_format format) const {
  nlohmann::json report = to_json();
  detail::json_release_guard report_guard(report);
  if (format == report_format::json) return report.dump(2) + "\n";
  std::ostringstream o;
  const std::string summary =
      !measured() ? std::string("no events")
                  : std::to_string(report["tickets"].get<std::size_t>()) + " tickets, " +
                        std::to_string(report["events"].get<std::size_t>()) + " events (" +
                        std::to_string(report["applied"].get<std::size_t>()) + " applied, " +
                        std::to_string(report["refused"].get<std::size_t>()) + " refused, " +
                        std::to_string(quality_.reordered) + " reordered), measured at " +
                        report["now"].get<std::string>();
  const auto tables = detail::report_tables(report);
  if (format == report_format::markdown) {
    o << "## Service report\n\n" << summary << ".\n\n";
    for (const auto& t : tables) o << t.markdown() << "\n";
  } else if (format == report_format::csv) {
    for (const auto& t : tables) o << t.csv() << "\n";
  } else {
    o << "Service report: " << summary << "\n\n";
    for (const auto& t : tables) o << t.text() << "\n";
  }
  return o.str();
}

inline nlohmann::json service_report::state() const {
  using detail::json;
  json j = detail::state_json("itsm.service_report/1", policy_, now_, quality_, tickets_);
  json& groups = j["groups"] = json::array();
  for (const auto& [key, g] : groups_) {
    json clocks = json::object();
    for (const auto& [name, t] : g.clocks) {
      clocks[name] = {{"met", t.met},
                      {"breached", t.breached},
                      {"in_progress", t.in_progress},
                      {"cancelled", t.cancelled},
                      {"no_target", t.no_target}};
    }
    groups.push_back({{"process", key.first},
                      {"priority", key.second},
                      {"tickets", g.tickets},
                      {"resolved", g.resolved},
                      {"reopened", g.reopened},
                      {"response", g.response},
                      {"resolution", g.resolution},
                      {"clocks", std::move(clocks)}});
  }
  json& backlog = j["backlog"] = json::array();
  for (const auto& [key, n] : backlog_) backlog.push_back({{"process", key.first}, {"age", key.second}, {"open", n}});
  json& in_state = j["time_in_state"] = json::array();
  for (const auto& [key, seconds] : state_seconds_) {
    in_state.push_back({{"process", key.first}, {"state", key.second}, {"seconds", seconds}});
  }
  j["changes"] = changes_;
  json& refused = j["refused"] = json::array();
  for (const auto& [key, n] : refused_) {
    refused.push_back(
        {{"process", std::get<0>(key)}, {"event", std::get<1>(key)}, {"code", std::get<2>(key)}, {"count", n}});
  }
  return j;
}

inline result<service_report> service_report::from_state(const nlohmann::json& state) {
  return detail::read_state<service_report>("report state", [&] {
    using detail::json;
    using detail::need_string;
    using detail::state_count;
    const auto header = detail::read_state_header(state, "itsm.service_report/1");
    detail::only_keys(state, "state", {"state", "policy", "now", "data_quality", "tickets", "groups", "backlog",
                                    "time_in_state", "changes", "refused"});
    service_report r(header.policy, header.now);
    r.quality_ = header.quality;
    r.tickets_ = header.tickets;
    // Each list is read as an array of objects with exactly the members `state()` writes.
    auto each = [&](const char* key, std::initializer_list<const char*> members, const auto& take) {
      const json& list = detail::state_member(state, key);
      if (!list.is_array()) detail::wrong_type(key, "an array", list);
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string field = std::string(key) + "[" + std::to_string(i) + "]";
        detail::need_object(list[i], field);
        detail::only_keys(list[i], field, members);
        for (const char* m : members) {
          if (!list[i].contains(m)) detail::fail(errc::invalid_argument, field + "." + m + ": missing");
        }
        take(list[i], field);
      }
    };
    each("groups", {"process", "priority", "tickets", "resolved", "reopened", "response", "resolution", "clocks"},
         [&](const json& g, const std::string& field) {
           auto& mine = r.groups_[{need_string(g["process"], field + ".process"),
                                   need_string(g["priority"], field + ".priority")}];
           mine.tickets = state_count(g["tickets"], field + ".tickets");
           mine.resolved = state_count(g["resolved"], field + ".resolved");
           mine.reopened = state_count(g["reopened"], field + ".reopened");
           mine.response = detail::state_seconds_list(g["response"], field + ".response");
           mine.resolution = detail::state_seconds_list(g["resolution"], field + ".resolution");
           const json& clocks = g["clocks"];
           detail::need_object(clocks, field + ".clocks");
           for (auto it = clocks.begin(); it != clocks.end(); ++it) {
             const std::string at = field + ".clocks." + it.key();
             detail::need_object(it.value(), at);
             detail::only_keys(it.value(), at, {"met", "breached", "in_progress", "cancelled", "no_target"});
             auto& t = mine.clocks[it.key()];
             for (auto [name, count] : {std::pair{"met", &t.met}, std::pair{"breached", &t.breached},
                                        std::pair{"in_progress", &t.in_progress},
                                        std::pair{"cancelled", &t.cancelled}, std::pair{"no_target", &t.no_target}}) {
               *count = it.value().contains(name) ? state_count(it.value()[name], at + "." + name) : 0;
             }
           }
         });
    each("backlog", {"process", "age", "open"}, [&](const json& b, const std::string& field) {
      r.backlog_[{need_string(b["process"], field + ".process"), need_string(b["age"], field + ".age")}] =
          state_count(b["open"], field + ".open");
    });
    each("time_in_state", {"process", "state", "seconds"}, [&](const json& t, const std::string& field) {
      r.state_seconds_[{need_string(t["process"], field + ".process"), need_string(t["state"], field + ".state")}] =
          detail::state_seconds_list(t["seconds"], field + ".seconds");
    });
    const json& changes = detail::state_member(state, "changes");
    detail::need_object(changes, "changes");
    for (auto p = changes.begin(); p != changes.end(); ++p) {
      detail::need_object(p.value(), "changes." + p.key());
      for (auto o = p.value().begin(); o != p.value().end(); ++o) {
        r.changes_[p.key()][o.key()] = state_count(o.value(), "changes." + p.key() + "." + o.key());
      }
    }
    each("refused", {"process", "event", "code", "count"}, [&](const json& x, const std::string& field) {
      r.refused_[{need_string(x["process"], field + ".process"), need_string(x["event"], field + ".event"),
                  need_string(x["code"], field + ".code")}] = state_count(x["count"], field + ".count");
    });
    return r;
  });
}

inline service_report make_report(const event_store& store, const sla_policy& policy,
                                  std::optional<sys_seconds> now, const progress_fn& progress) {
  service_report report(policy, now ? *now : store.last_event_time());
  report.add_quality(store.quality());
  detail::each_ticket(store, "report", progress, [&](const ticket& t) { report.add(t); });
  for (const auto& r : store.refusals()) report.add_refusal(r);
  return report;
}

}  // namespace v1
}  // namespace itsm
