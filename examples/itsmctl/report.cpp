// itsmctl report: SLA compliance, response and resolution times, reopen rate, backlog by age,
// time per state, changes by outcome and the top refused events of an event log.

#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <optional>
#include <sstream>

namespace itsmctl {

namespace {

using nlohmann::json;

constexpr double hour = 3600.0;

json sla_json(const std::string& name, const json& targets, const json& calendar, bool response) {
  json j = {{"name", name}, {"targets", targets}};
  if (!calendar.is_null()) j["calendar"] = calendar;  // none: the clocks run 24x7
  if (response) {
    j["stop"] = {{"categories", {"open", "waiting", "resolved", "closed"}}};
  } else {
    j["pause"] = {{"categories", {"waiting"}}};
    j["stop"] = {{"categories", {"resolved", "closed"}}};
  }
  j["cancel"] = {{"categories", {"cancelled"}}};
  return j;
}

/// Mean, median and 90th percentile (nearest rank) of durations in hours.
json stats(std::vector<double> hours) {
  json j = {{"n", hours.size()}};
  if (hours.empty()) {
    j["mean"] = nullptr;
    j["median"] = nullptr;
    j["p90"] = nullptr;
    return j;
  }
  std::sort(hours.begin(), hours.end());
  double sum = 0;
  for (double h : hours) sum += h;
  const std::size_t n = hours.size();
  j["mean"] = sum / static_cast<double>(n);
  j["median"] = n % 2 == 1 ? hours[n / 2] : (hours[n / 2 - 1] + hours[n / 2]) / 2;
  j["p90"] = hours[static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(n))) - 1];
  return j;
}

struct clock_tally {
  std::size_t met = 0, breached = 0, in_progress = 0, cancelled = 0, no_target = 0;
  void add(const itsm::result<itsm::sla_status>& s) {
    if (!s) {
      ++no_target;
      return;
    }
    switch (s->status) {
      case itsm::sla_state::met: ++met; break;
      case itsm::sla_state::breached:
      case itsm::sla_state::breached_met: ++breached; break;
      case itsm::sla_state::cancelled: ++cancelled; break;
      default: ++in_progress; break;
    }
  }
  json to_json() const {
    json j = {{"met", met}, {"breached", breached}, {"in_progress", in_progress}, {"cancelled", cancelled},
              {"no_target", no_target}};
    j["compliance"] = met + breached == 0 ? json() : json(100.0 * static_cast<double>(met) / static_cast<double>(met + breached));
    return j;
  }
};

struct group {
  std::size_t tickets = 0, resolved = 0, reopened = 0;
  std::vector<double> response, resolution;
  std::map<std::string, clock_tally> clocks;  // by SLA name
};

const char* age_bucket(double days) {
  if (days < 1) return "<1d";
  if (days < 3) return "1-3d";
  if (days < 7) return "3-7d";
  if (days < 30) return "7-30d";
  return ">=30d";
}

bool is_change(const std::string& process) { return process.rfind("change_", 0) == 0; }

std::string fmt(const json& v, int decimals = 1) {
  if (v.is_null()) return "-";
  if (v.is_number_float()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
    return buf;
  }
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

/// A table: header and rows of cells, rendered as aligned text, Markdown or CSV.
struct table {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t text_columns = 2;  ///< leading columns of names (left-aligned); the rest are numbers

  std::string text() const {
    std::vector<std::size_t> width(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
    for (const auto& r : rows)
      for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
    std::ostringstream o;
    o << title << "\n";
    auto line = [&](const std::vector<std::string>& cells) {
      for (std::size_t c = 0; c < cells.size(); ++c) {
        const bool left = c < text_columns;
        std::string cell = cells[c];
        const std::string pad(width[c] - cell.size(), ' ');
        o << (c ? "  " : "") << (left ? cell + pad : pad + cell);
      }
      o << "\n";
    };
    line(header);
    std::size_t total = 0;
    for (auto w : width) total += w + 2;
    o << std::string(total > 2 ? total - 2 : 0, '-') << "\n";
    for (const auto& r : rows) line(r);
    return o.str();
  }
  std::string markdown() const {
    std::ostringstream o;
    o << "### " << title << "\n\n|";
    for (const auto& h : header) o << " " << h << " |";
    o << "\n|";
    for (std::size_t c = 0; c < header.size(); ++c) o << (c < text_columns ? " --- |" : " ---: |");
    o << "\n";
    for (const auto& r : rows) {
      o << "|";
      for (const auto& cell : r) o << " " << cell << " |";
      o << "\n";
    }
    return o.str();
  }
  std::string csv() const {
    auto quote = [](const std::string& s) {
      if (s.find_first_of(",\"\n") == std::string::npos) return s;
      std::string q = "\"";
      for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      return q + "\"";
    };
    std::ostringstream o;
    o << "# " << title << "\n";
    for (std::size_t c = 0; c < header.size(); ++c) o << (c ? "," : "") << quote(header[c]);
    o << "\n";
    for (const auto& r : rows) {
      for (std::size_t c = 0; c < r.size(); ++c) o << (c ? "," : "") << quote(r[c]);
      o << "\n";
    }
    return o.str();
  }
};

std::vector<table> tables_of(const json& r) {
  std::vector<table> out;
  table sla{"SLA compliance by process and priority (response / resolution clocks)",
            {"process", "priority", "tickets", "resp met", "resp breached", "resp open", "resp %", "resol met",
             "resol breached", "resol open", "resol %"},
            {}};
  table times{"Times by process and priority (hours from creation)",
              {"process", "priority", "responded", "resp mean", "resp median", "resp p90", "resolved", "resol mean",
               "resol median", "resol p90", "MTTR", "reopen %"},
              {}};
  // A process with a single priority group gets its "all" row only (the other would repeat it).
  std::map<std::string, std::size_t> groups_of;
  for (const auto& g : r["processes"]) ++groups_of[g["process"].get<std::string>()];
  for (const auto& g : r["processes"]) {
    if (g["priority"] != "all" && groups_of[g["process"].get<std::string>()] == 2) continue;
    if (!g["sla"].empty()) {
      std::vector<std::string> row = {g["process"], g["priority"], fmt(g["tickets"])};
      for (const char* clock : {"response", "resolution"}) {
        if (g["sla"].contains(clock)) {
          const auto& c = g["sla"][clock];
          row.insert(row.end(), {fmt(c["met"]), fmt(c["breached"]), fmt(c["in_progress"]), fmt(c["compliance"])});
        } else {
          row.insert(row.end(), {"-", "-", "-", "-"});
        }
      }
      sla.rows.push_back(row);
    }
    std::vector<std::string> trow = {g["process"], g["priority"]};
    for (const char* k : {"first_response_hours", "resolution_hours"}) {
      trow.insert(trow.end(), {fmt(g[k]["n"]), fmt(g[k]["mean"]), fmt(g[k]["median"]), fmt(g[k]["p90"])});
    }
    trow.push_back(fmt(g["mttr_hours"]));
    trow.push_back(fmt(g["reopen_rate"]));
    times.rows.push_back(trow);
  }
  out.push_back(sla);
  out.push_back(times);
  table backlog{"Backlog by age (open tickets at " + r["now"].get<std::string>() + ")",
                {"process", "<1d", "1-3d", "3-7d", "7-30d", ">=30d", "total"}, {}, 1};
  for (std::size_t i = 0; i < r["backlog"].size(); i += 5) {
    std::vector<std::string> row = {r["backlog"][i]["process"]};
    std::size_t total = 0;
    for (std::size_t k = i; k < i + 5 && k < r["backlog"].size(); ++k) {
      row.push_back(fmt(r["backlog"][k]["open"]));
      total += r["backlog"][k]["open"].get<std::size_t>();
    }
    row.push_back(std::to_string(total));
    backlog.rows.push_back(row);
  }
  out.push_back(backlog);
  table states{"Time per state (hours per visit)", {"process", "state", "visits", "mean", "median", "p90"}, {}};
  for (const auto& s : r["time_in_state"]) {
    states.rows.push_back({s["process"], s["state"], fmt(s["hours"]["n"]), fmt(s["hours"]["mean"]),
                           fmt(s["hours"]["median"]), fmt(s["hours"]["p90"])});
  }
  out.push_back(states);
  table changes{"Changes by outcome", {"process", "successful", "failed", "refused", "cancelled", "in progress"}, {}, 1};
  for (const auto& c : r["changes"]) {
    changes.rows.push_back({c["process"], fmt(c["successful"]), fmt(c["failed"]), fmt(c["refused"]),
                            fmt(c["cancelled"]), fmt(c["in_progress"])});
  }
  out.push_back(changes);
  table refused{"Top refused events", {"process", "event", "code", "count"}, {}, 3};
  for (const auto& t : r["top_refusals"]) refused.rows.push_back({t["process"], t["event"], t["code"], fmt(t["count"])});
  out.push_back(refused);
  return out;
}

}  // namespace

const json& default_policy() {
  static const json policy = json::parse(R"({
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
    }})");
  return policy;
}

itsm::result<std::vector<std::pair<std::string, itsm::sla_definition>>> policy_slas(const json& policy,
                                                                                    const std::string& process) {
  std::vector<std::pair<std::string, itsm::sla_definition>> out;
  if (!policy.is_object() || !policy.contains("targets") || !policy["targets"].is_object() ||
      !policy["targets"].contains(process)) {
    return out;
  }
  const json calendar = policy.contains("calendar") ? policy["calendar"] : json();
  const auto& per = policy["targets"][process];
  if (!per.is_object()) return itsm::error{itsm::errc::invalid_argument, "policy.targets." + process + ": expected an object"};
  for (const char* clock : {"response", "resolution"}) {
    if (!per.contains(clock)) continue;
    auto def = itsm::sla_definition::from_json(
        sla_json(process + " " + clock, per[clock], calendar, std::string(clock) == "response"),
        "policy.targets." + process + "." + clock);
    if (!def) return def.error_value();
    out.emplace_back(clock, std::move(*def));
  }
  return out;
}

itsm::result<bool> check_policy(const json& policy) {
  if (!policy.is_object()) return itsm::error{itsm::errc::invalid_argument, "policy: expected an object"};
  for (auto it = policy.begin(); it != policy.end(); ++it) {
    if (it.key() != "calendar" && it.key() != "targets" && it.key() != "description") {
      return itsm::error{itsm::errc::invalid_argument, "policy: unknown key '" + it.key() + "' (allowed: calendar, targets, description)"};
    }
  }
  if (policy.contains("targets")) {
    if (!policy["targets"].is_object()) return itsm::error{itsm::errc::invalid_argument, "policy.targets: expected an object"};
    for (auto it = policy["targets"].begin(); it != policy["targets"].end(); ++it) {
      auto slas = policy_slas(policy, it.key());
      if (!slas) return slas.error_value();
    }
  }
  return true;
}

json build_report(const replay_state& st, const std::vector<json>& refusals, const json& policy, itsm::sys_seconds now) {
  std::map<std::string, std::vector<std::pair<std::string, itsm::sla_definition>>> slas;
  std::map<std::pair<std::string, std::string>, group> groups;  // (process, priority)
  std::map<std::pair<std::string, std::string>, std::size_t> backlog;
  std::map<std::pair<std::string, std::string>, std::vector<double>> state_hours;
  std::map<std::string, std::map<std::string, std::size_t>> changes;
  const std::int64_t now_s = now.time_since_epoch().count();

  // Tickets in id order, so every figure is independent of hash order.
  std::vector<const itsm::ticket*> tickets;
  tickets.reserve(st.tickets.size());
  for (const auto& [id, t] : st.tickets) tickets.push_back(&t);
  std::sort(tickets.begin(), tickets.end(), [](const auto* a, const auto* b) { return a->id() < b->id(); });

  for (const itsm::ticket* t : tickets) {
    const auto& wf = t->definition();
    const std::string& process = wf.name();
    if (!slas.count(process)) {
      auto defs = policy_slas(policy, process);
      slas[process] = defs ? std::move(*defs) : std::vector<std::pair<std::string, itsm::sla_definition>>{};
    }
    const std::string priority = t->priority() > 0 ? "P" + std::to_string(t->priority()) : "none";
    const auto& h = t->history();
    const std::int64_t created = h.front().at.time_since_epoch().count();
    std::optional<std::int64_t> responded, resolved;
    bool reopened = false, rejected = false;
    for (std::size_t i = 0; i < h.size(); ++i) {
      const auto& r = h[i];
      if (r.at.time_since_epoch().count() > now_s) break;
      const bool enters = r.kind == itsm::record_kind::create ||
                          (r.kind == itsm::record_kind::transition && r.to != r.from);
      if (r.kind == itsm::record_kind::transition && r.transition != itsm::workflow::npos) {
        const auto kind = wf.transition(r.transition).kind;
        reopened = reopened || kind == itsm::transition_kind::reopen;
        rejected = rejected || kind == itsm::transition_kind::reject;
      }
      if (!enters) continue;
      const auto category = wf.state(r.to).category;
      if (!responded && category != itsm::state_category::new_) responded = r.at.time_since_epoch().count();
      if (!resolved && (category == itsm::state_category::resolved || category == itsm::state_category::closed)) {
        resolved = r.at.time_since_epoch().count();
      }
      // How long the ticket stayed: until the next record that changes the state, or now.
      std::int64_t until = now_s;
      for (std::size_t k = i + 1; k < h.size(); ++k) {
        if (h[k].to != r.to && h[k].kind == itsm::record_kind::transition) {
          until = std::min(now_s, h[k].at.time_since_epoch().count());
          break;
        }
      }
      if (!wf.state(r.to).terminal) {
        state_hours[{process, wf.state(r.to).id}].push_back(static_cast<double>(until - r.at.time_since_epoch().count()) / hour);
      }
    }
    const auto category = t->category();
    const bool open = category == itsm::state_category::new_ || category == itsm::state_category::open ||
                      category == itsm::state_category::waiting;
    if (open) ++backlog[{process, age_bucket(static_cast<double>(now_s - created) / 86400.0)}];
    if (is_change(process)) {
      auto& c = changes[process];
      const auto* code = itsm::detail::find_field(t->fields(), "close_code");
      const std::string close_code = code && code->is_string() ? code->get<std::string>() : "";
      if (t->state() == "closed" || t->state() == "review") {
        ++c[close_code == "unsuccessful" ? "failed" : close_code.empty() ? "in_progress" : "successful"];
      } else if (t->state() == "cancelled") {
        ++c[rejected ? "refused" : "cancelled"];
      } else {
        ++c[rejected && t->state() == "new" ? "refused" : "in_progress"];
      }
    }
    // Each clock once per ticket, counted in its priority's group and in "all".
    std::vector<std::pair<std::string, itsm::result<itsm::sla_status>>> clocks;
    if (!slas[process].empty()) {
      const auto sla_history = t->sla_history();
      for (const auto& [name, def] : slas[process]) {
        if (priority == "none") {
          clocks.emplace_back(name, itsm::error{itsm::errc::invalid_argument, "no priority"});
        } else {
          clocks.emplace_back(name, itsm::evaluate(def, sla_history, now));
        }
      }
    }
    for (const auto& key : {priority, std::string("all")}) {
      auto& g = groups[{process, key}];
      ++g.tickets;
      if (responded) g.response.push_back(static_cast<double>(*responded - created) / hour);
      if (resolved) {
        ++g.resolved;
        g.resolution.push_back(static_cast<double>(*resolved - created) / hour);
      }
      if (reopened) ++g.reopened;
      for (const auto& [name, status] : clocks) g.clocks[name].add(status);
    }
  }

  json report;
  report["now"] = itsm::detail::format_utc(now);
  report["events"] = st.events;
  report["applied"] = st.applied;
  report["refused"] = st.refused;
  report["tickets"] = st.tickets.size();
  // Per process: "all" first, then the priorities in order.
  report["processes"] = json::array();
  auto add_group = [&](const std::string& process, const std::string& priority, const group& g) {
    json row = {{"process", process}, {"priority", priority}, {"tickets", g.tickets}};
    row["sla"] = json::object();
    for (const auto& [name, tally] : g.clocks) row["sla"][name] = tally.to_json();
    row["first_response_hours"] = stats(g.response);
    row["resolution_hours"] = stats(g.resolution);
    row["mttr_hours"] = row["resolution_hours"]["mean"];
    row["reopen_rate"] = g.resolved == 0 ? json() : json(100.0 * static_cast<double>(g.reopened) / static_cast<double>(g.resolved));
    report["processes"].push_back(row);
  };
  for (const auto& [key, g] : groups) {
    if (key.second == "all") {
      add_group(key.first, "all", g);
      for (const auto& [k2, g2] : groups) {
        if (k2.first == key.first && k2.second != "all") add_group(k2.first, k2.second, g2);
      }
    }
  }
  report["backlog"] = json::array();
  static const char* const ages[] = {"<1d", "1-3d", "3-7d", "7-30d", ">=30d"};
  std::set<std::string> backlog_processes;
  for (const auto& [key, n] : backlog) backlog_processes.insert(key.first);
  for (const auto& p : backlog_processes) {
    for (const char* a : ages) {
      auto it = backlog.find({p, a});
      report["backlog"].push_back({{"process", p}, {"age", a}, {"open", it == backlog.end() ? 0 : it->second}});
    }
  }
  report["time_in_state"] = json::array();
  for (const auto& [key, hours] : state_hours) {
    report["time_in_state"].push_back({{"process", key.first}, {"state", key.second}, {"hours", stats(hours)}});
  }
  report["changes"] = json::array();
  for (const auto& [process, c] : changes) {
    json row = {{"process", process}};
    for (const char* k : {"successful", "failed", "refused", "cancelled", "in_progress"}) {
      auto it = c.find(k);
      row[k] = it == c.end() ? 0 : it->second;
    }
    report["changes"].push_back(row);
  }
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> refused;
  for (const auto& r : refusals) {
    refused[{r.value("workflow", std::string("-")), r.value("event", std::string("-")), r.value("code", std::string("-"))}]++;
  }
  std::vector<std::pair<std::size_t, std::tuple<std::string, std::string, std::string>>> top;
  for (const auto& [k, n] : refused) top.emplace_back(n, k);
  std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  report["top_refusals"] = json::array();
  for (std::size_t i = 0; i < top.size() && i < 10; ++i) {
    report["top_refusals"].push_back({{"process", std::get<0>(top[i].second)},
                                      {"event", std::get<1>(top[i].second)},
                                      {"code", std::get<2>(top[i].second)},
                                      {"count", top[i].first}});
  }
  return report;
}

std::string render_report(const json& report, const std::string& format) {
  if (format == "json") return report.dump(2) + "\n";
  std::ostringstream o;
  const std::string summary = std::to_string(report["tickets"].get<std::size_t>()) + " tickets, " +
                              std::to_string(report["events"].get<std::size_t>()) + " events (" +
                              std::to_string(report["applied"].get<std::size_t>()) + " applied, " +
                              std::to_string(report["refused"].get<std::size_t>()) + " refused), measured at " +
                              report["now"].get<std::string>();
  if (format == "markdown") {
    o << "## Service report\n\n" << summary << ".\n\n";
    for (const auto& t : tables_of(report)) o << t.markdown() << "\n";
  } else if (format == "csv") {
    for (const auto& t : tables_of(report)) o << t.csv() << "\n";
  } else {
    o << "Service report: " << summary << "\n\n";
    for (const auto& t : tables_of(report)) o << t.text() << "\n";
  }
  return o.str();
}

namespace {

constexpr const char* report_help =
    "usage: itsmctl report --events FILE|- [--policy FILE] [--calendar FILE] [--now TIME]\n"
    "                      [--format table|json|csv|markdown] [--workflow FILE]...\n"
    "\n"
    "Replays the event lines (as itsmctl replay) and reports, per process and priority: tickets,\n"
    "SLA met / breached / in progress and compliance (met / (met + breached)) for the response and\n"
    "resolution clocks, first-response and resolution times in hours (mean, median, p90; MTTR is\n"
    "the resolution mean), the reopen rate (reopened / resolved); then the backlog by age, the time\n"
    "per state, changes by outcome and the top refused events.\n"
    "--policy FILE   SLA targets: {\"calendar\": {...}, \"targets\": {\"incident\": {\"response\":\n"
    "                {\"P1\": seconds, ...}, \"resolution\": {...}}, ...}} (default: built in, see README)\n"
    "--calendar FILE the business calendar, replacing the policy's\n"
    "--now TIME      when open clocks and ages are measured (RFC 3339; default: the last event)\n"
    "Exit status: 0, or 2 when a file cannot be read or a policy, calendar or time is invalid.\n";

}  // namespace

int report_command(const std::vector<std::string>& args) {
  std::string events, format = "table", now_text;
  json policy = default_policy();
  replay_state& st = process_lifetime_state();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "-h" || a == "--help") {
      std::fputs(report_help, stdout);
      return 0;
    } else if (a == "--events" && has_value) {
      events = args[++i];
    } else if (a == "--format" && has_value) {
      format = args[++i];
    } else if (a == "--now" && has_value) {
      now_text = args[++i];
    } else if (a == "--policy" && has_value) {
      if (!load_json_file(args[++i], "policy", "itsmctl report", policy)) return 2;
    } else if (a == "--calendar" && has_value) {
      json cal;
      if (!load_json_file(args[++i], "calendar", "itsmctl report", cal)) return 2;
      if (!policy.is_object()) policy = json::object();
      policy["calendar"] = cal;
    } else if (a == "--workflow" && has_value) {
      if (!add_workflow_file(st, args[++i], "itsmctl report")) return 2;
    } else {
      std::fprintf(stderr, "itsmctl report: unexpected argument '%s'\n%s", a.c_str(), report_help);
      return 2;
    }
  }
  if (events.empty()) {
    std::fprintf(stderr, "itsmctl report: --events FILE is required\n%s", report_help);
    return 2;
  }
  if (!check_format(format, {"table", "json", "csv", "markdown"}, "itsmctl report")) return 2;
  if (auto ok = check_policy(policy); !ok) {
    std::fprintf(stderr, "itsmctl report: %s\n", ok.error_value().message.c_str());
    return 2;
  }
  std::optional<itsm::sys_seconds> now;
  if (!parse_now(now_text, "itsmctl report", now)) return 2;
  install_host(st, itsm::change_schedule());
  std::vector<json> refusals;
  if (!replay_file(st, events, "itsmctl report", [&](json refusal) { refusals.push_back(std::move(refusal)); })) {
    return 2;
  }
  if (!now) now = last_event_time(st);
  std::fputs(render_report(build_report(st, refusals, policy, *now), format).c_str(), stdout);
  return 0;
}

}  // namespace itsmctl
