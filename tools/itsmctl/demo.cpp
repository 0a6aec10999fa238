// itsmctl demo: a month (or more) of a simulated service desk on the built-in processes, the
// default calendar and SLA policy, replayed through the engine and reported.
//
// The simulation writes events the way people would cause them, mistakes included (a caller
// resolving their own incident, an implementer approving his own change, a hold without a
// reason, closing an audit with findings open); the engine decides what applies. Deterministic:
// the same --seed gives the same events on every platform (raw mt19937_64 output only, no
// implementation-defined distributions).

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cli.hpp"

namespace itsmctl {

namespace {

using nlohmann::json;

constexpr const char* demo_footer =
    "\nSimulates a service desk from 2026-03-02 for --days days on the built-in processes: incidents\n"
    "(holds, reopenings, a few cancelled, some waiting on problems), service requests (approvals,\n"
    "rejections), changes of the three kinds (CAB votes, rejections, an implementer refused for\n"
    "segregation of duties), problems resolving their incidents, an audit engagement with findings.\n"
    "Replays the events through the engine, prints the report (as itsmctl report) and writes to\n"
    "--out (default itsm-demo): events.jsonl, history.jsonl (every ticket's hash-chained history,\n"
    "for itsmctl audit --chain), report.json, report.md, workflows/<name>.dot and, when Graphviz's\n"
    "dot is installed, workflows/<name>.svg.\n"
    "Every file is written under a temporary name and renamed once complete. The demo holds every\n"
    "ticket in memory: --days x --tickets-per-day may be at most 400,000 (it then stays within 2 GiB).\n"
    "Exit status: 0, or 2 on a usage error or when a file under --out or the output cannot be written.";

constexpr std::int64_t minute = 60, hour = 3600, day = 86400;
/// The largest --days x --tickets-per-day the demo finishes within 2 GiB: it holds every ticket
/// and its history in memory, about 3.7 KB per unit of the product (100,000 peaked at 371 MB), so
/// 400,000 stays near 1.5 GiB. tests/itsmctl/honesty_test.py (demo_limits) measures it again.
constexpr std::int64_t max_demo_tickets = 400000;
constexpr std::int64_t epoch_start = 1772409600;  // 2026-03-02T00:00:00Z, a Monday

/// A deterministic generator: the same numbers from the same seed on every platform.
class dice {
 public:
  explicit dice(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  std::int64_t between(std::int64_t lo, std::int64_t hi) { return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1))); }
  bool chance(double p) { return static_cast<double>(rng_() >> 11) * 0x1.0p-53 < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

 private:
  std::mt19937_64 rng_;
};

/// One simulated event, already as its line (a fifth of the memory of the JSON value).
struct event {
  std::int64_t at;
  std::uint64_t seq;
  std::string line;
};

std::string utc(std::int64_t t) { return itsm::format_utc(itsm::sys_seconds{std::chrono::seconds{t}}); }

/// Collects one ticket's events with strictly increasing times.
class story {
 public:
  story(std::vector<event>& out, std::uint64_t& seq, std::string id, std::int64_t at)
      : out_(out), seq_(seq), id_(std::move(id)), at_(at) {}
  std::int64_t at() const { return at_; }
  void wait(std::int64_t seconds) { at_ += std::max<std::int64_t>(seconds, minute); }
  void wait_until(std::int64_t t) { at_ = std::max(at_ + minute, t); }
  void create(const std::string& workflow, const std::string& actor, json fields) {
    push({{"workflow", workflow}, {"create", true}, {"actor", actor}, {"fields", std::move(fields)}}, false);
  }
  void fire(const std::string& transition, const std::string& actor, const std::string& role, json fields = json::object()) {
    json e = {{"transition", transition}, {"actor", actor}, {"roles", {role}}};
    if (!fields.empty()) e["fields"] = std::move(fields);
    push(std::move(e));
  }
  void approve(const std::string& actor, const std::string& role) {
    push({{"approve", true}, {"actor", actor}, {"roles", {role}}});
  }
  void reject(const std::string& actor, const std::string& role, json fields) {
    push({{"reject", true}, {"actor", actor}, {"roles", {role}}, {"fields", std::move(fields)}});
  }
  void update(const std::string& actor, json fields) { push({{"update", true}, {"actor", actor}, {"fields", std::move(fields)}}); }

 private:
  void push(json e, bool advance = true) {
    if (advance) at_ += minute;  // never two events of a ticket at the same second
    e["ticket"] = id_;
    e["at"] = utc(at_);
    out_.push_back({at_, seq_++, e.dump()});
  }
  std::vector<event>& out_;
  std::uint64_t& seq_;
  std::string id_;
  std::int64_t at_;
};

struct problem_info {
  std::string id;
  std::int64_t created;
  std::int64_t resolved;  // when its fix is in (may lie after the simulation)
};

/// Business-hours arrival on day `d` (weekdays 07:00-17:00 UTC, 08:00-18:00 in Berlin).
std::int64_t arrival(dice& r, std::int64_t d) { return epoch_start + d * day + 7 * hour + r.between(0, 10 * hour - 1); }

bool weekend(std::int64_t d) { return d % 7 >= 5; }

struct simulation {
  dice r;
  std::vector<event> events;
  std::uint64_t seq = 0;
  std::size_t n_inc = 0, n_req = 0, n_chg = 0, n_prb = 0;
  std::vector<problem_info> problems;
  const std::vector<std::string> desk{"sam", "sue", "sara"};
  const std::vector<std::string> support{"paul", "pia", "pete"};
  const std::vector<std::string> cab{"bea", "carl", "dora"};
  const std::vector<std::string> items{"laptop", "monitor", "vpn access", "mailbox", "software licence", "phone"};
  const std::vector<std::string> cis{"db01", "web01", "web02", "mail01", "erp", "vpn-gw"};

  explicit simulation(std::uint64_t seed) : r(seed) {}

  std::string next(const char* prefix, std::size_t& n) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%07zu", prefix, ++n);
    return buf;
  }
  std::string user() { return "user" + std::to_string(100 + r.below(400)); }
  int level() { return r.chance(0.1) ? 1 : r.chance(0.55) ? 2 : 3; }

  void problem(std::int64_t t0) {
    const std::string id = next("PRB", n_prb);
    story s(events, seq, id, t0);
    const int impact = level();
    s.create("problem", "pat", {{"short_description", "recurring failure on " + r.pick(cis)}, {"impact", impact},
                                {"urgency", level()}});
    s.wait(r.between(1, 8) * hour);
    s.fire("assess", "pat", "problem_manager");
    s.wait(r.between(2, 24) * hour);
    s.fire("analyse", "andy", "problem_analyst");
    if (r.chance(0.4)) {
      s.wait(r.between(2, 24) * hour);
      s.fire("mark_known_error", "andy", "problem_analyst", {{"workaround", "restart the service"}});
    }
    s.wait(r.between(1, 3) * day);
    s.fire("start_fix", "andy", "problem_analyst", {{"root_cause", "configuration drift"}});
    s.wait(r.between(1, 4) * day);
    s.fire("resolve", "andy", "problem_analyst", {{"fix_notes", "configuration corrected"}, {"resolution_code", "fix_applied"}});
    problems.push_back({id, t0, s.at()});
    s.wait(r.between(1, 3) * day);
    s.fire("close", "pat", "problem_manager", {{"close_code", "resolved"}});
  }

  void incident(std::int64_t t0) {
    story s(events, seq, next("INC", n_inc), t0);
    const std::string caller = user();
    const int impact = level(), urgency = level();
    const int priority = (impact + urgency) / 2;
    s.create("incident", caller, {{"short_description", "cannot work"}, {"caller", caller}, {"impact", impact},
                                  {"urgency", urgency}, {"category", r.chance(0.5) ? "software" : "network"}});
    s.wait(r.between(2, priority == 1 ? 18 : priority == 2 ? 36 : 150) * minute);
    const std::string agent = r.pick(desk);
    if (r.chance(0.03)) {
      s.fire("cancel", agent, "service_desk", {{"cancel_reason", "duplicate"}});
      return;
    }
    s.fire("start", agent, "service_desk", {{"assigned_to", agent}});
    if (r.chance(0.03)) s.fire("resolve", caller, "caller", {{"resolution_code", "closed_by_caller"}, {"resolution_notes", "works now"}});
    const problem_info* waits_on = nullptr;
    if (!problems.empty() && r.chance(0.08)) {
      const auto& p = problems[r.below(problems.size())];
      if (p.created < s.at() && p.resolved > s.at()) waits_on = &p;
    }
    if (waits_on) {
      s.wait(r.between(10, 60) * minute);
      s.fire("hold", agent, "service_desk", {{"hold_reason", "awaiting_problem"}, {"problem", waits_on->id}});
      s.wait_until(waits_on->resolved + r.between(5, 60) * minute);
      s.fire("resolve", r.pick(support), "support", {{"resolution_code", "solved_permanently"},
                                           {"resolution_notes", "resolved with problem " + waits_on->id}});
    } else {
      if (r.chance(0.25)) {
        s.wait(r.between(10, 90) * minute);
        if (r.chance(0.1)) s.fire("hold", agent, "service_desk");  // no reason: refused
        s.fire("hold", agent, "service_desk", {{"hold_reason", r.chance(0.7) ? "awaiting_caller" : "awaiting_vendor"}});
        s.wait(r.between(1, 30) * hour);
        s.fire("start", agent, "service_desk");
      }
      const std::int64_t work = r.between(15, priority == 1 ? 180 : priority == 2 ? 600 : 2400) * minute;
      if (priority == 1 && work > 2 * hour && r.chance(0.8)) {
        s.wait(2 * hour);
        s.update(agent, {{"escalated", true}});
        s.wait(work - 2 * hour);
      } else {
        s.wait(work);
      }
      s.fire("resolve", r.pick(support), "support", {{"resolution_code", "solved_remotely"}, {"resolution_notes", "fixed"}});
    }
    if (r.chance(0.08)) {
      s.wait(r.between(1, 20) * hour);
      s.fire("reopen", caller, "caller");
      s.wait(r.between(1, 8) * hour);
      s.fire("resolve", r.pick(support), "support", {{"resolution_code", "solved_permanently"}, {"resolution_notes", "fixed again"}});
    }
    s.wait(r.between(4, 72) * hour);
    s.fire("close", caller, "caller");
  }

  void request(std::int64_t t0) {
    story s(events, seq, next("RITM", n_req), t0);
    const std::string who = user();
    s.create("service_request", who, {{"requested_by", who}, {"item", r.pick(items)}, {"impact", 3}, {"urgency", level()}});
    s.wait(r.between(10, 120) * minute);
    if (r.chance(0.4)) {
      s.fire("request_approval", who, "requester");
      s.wait(r.between(1, 30) * hour);
      const std::string manager = "mgr" + who.substr(4, 1);
      if (r.chance(0.1)) {
        s.reject(manager, "approver", {{"rejection_reason", "not in budget"}});
        s.wait(r.between(1, 24) * hour);
        s.fire("close", who, "requester");
        return;
      }
      s.approve(manager, "approver");
      s.wait(r.between(10, 240) * minute);
    }
    const std::string fulfiller = r.chance(0.5) ? "fred" : "fay";
    s.fire("fulfil", fulfiller, "fulfiller", {{"assigned_to", fulfiller}});
    if (r.chance(0.2)) {
      s.wait(r.between(1, 8) * hour);
      s.fire("pend", fulfiller, "fulfiller", {{"pending_reason", "waiting for delivery"}});
      s.wait(r.between(1, 4) * day);
      s.fire("resume", fulfiller, "fulfiller");
    }
    s.wait(r.between(1, 30) * hour);
    s.fire("complete", fulfiller, "fulfiller", {{"fulfilment_notes", "delivered"}});
    if (r.chance(0.05)) {
      s.wait(r.between(1, 24) * hour);
      s.fire("reopen", who, "requester");
      s.wait(r.between(1, 24) * hour);
      s.fire("complete", fulfiller, "fulfiller", {{"fulfilment_notes", "delivered again"}});
    }
    s.wait(r.between(4, 48) * hour);
    s.fire("close", who, "requester");
  }

  void change(std::int64_t t0) {
    story s(events, seq, next("CHG", n_chg), t0);
    const std::string requester = r.chance(0.5) ? "rita" : "rob";
    const std::string implementer = r.chance(0.5) ? "ivan" : "igor";
    const std::string ci = r.pick(cis);
    json base = {{"requested_by", requester}, {"implementer", implementer}, {"configuration_item", ci},
                 {"short_description", "patch " + ci}};
    const std::uint64_t kind = r.below(10);  // 0-5 normal, 6-8 standard, 9 emergency
    auto window = [&](std::int64_t after) {
      const std::int64_t d = (after - epoch_start) / day + 1 + r.between(0, 2);
      const std::int64_t start = epoch_start + d * day + 20 * hour;
      return json{{"planned_start", utc(start)}, {"planned_end", utc(start + 2 * hour)},
                  {"backout_plan", "restore the snapshot"}, {"risk", r.chance(0.7) ? "low" : "moderate"}};
    };
    auto implement = [&](const json& plan) {
      s.wait_until(itsm::parse_utc(plan["planned_start"].get<std::string>())->time_since_epoch().count());
      s.fire("implement", implementer, "implementer");
      s.wait(r.between(30, 110) * minute);
      const std::uint64_t roll = r.below(20);
      s.fire("review", implementer, "implementer",
             {{"close_code", roll == 0 ? "unsuccessful" : roll == 1 ? "successful_with_issues" : "successful"}});
      s.wait(r.between(4, 48) * hour);
      s.fire("close", "mona", "change_manager", {{"close_notes", "reviewed"}});
    };
    if (kind >= 6 && kind <= 8) {
      base["template"] = "monthly patch";
      s.create("change_standard", requester, base);
      s.wait(r.between(1, 8) * hour);
      json plan = window(s.at());
      s.fire("schedule", requester, "requester", {{"planned_start", plan["planned_start"]}, {"planned_end", plan["planned_end"]}});
      implement(plan);
      return;
    }
    if (kind == 9) {
      base["justification"] = "service down";
      s.create("change_emergency", requester, base);
      s.fire("request_authorization", requester, "requester");
      json plan = {{"planned_start", utc(s.at() + 2 * hour)}, {"planned_end", utc(s.at() + 3 * hour)},
                   {"backout_plan", "roll back"}, {"risk", "high"}};
      s.update("mona", plan);
      s.wait(r.between(10, 50) * minute);
      s.approve("erin", "ecab");
      implement(plan);
      return;
    }
    s.create("change_normal", requester, base);
    s.wait(r.between(1, 8) * hour);
    s.fire("submit", requester, "requester");
    s.wait(r.between(2, 24) * hour);
    const json plan = window(s.at() + day);
    s.fire("request_authorization", "alex", "assessor", plan);
    s.wait(r.between(2, 20) * hour);
    if (r.chance(0.2)) s.approve(implementer, "cab");  // his own change: segregation of duties
    if (r.chance(0.1)) {
      s.reject(r.pick(cab), "cab", {{"rejection_reason", "risk not mitigated"}});
      s.wait(r.between(1, 48) * hour);
      s.fire("cancel", requester, "requester", {{"cancel_reason", "rejected by the CAB"}});
      return;
    }
    const std::string first = r.pick(cab);
    s.approve(first, "cab");
    s.wait(r.between(10, 240) * minute);
    std::string second = r.pick(cab);
    if (second == first) second = cab[(std::find(cab.begin(), cab.end(), first) - cab.begin() + 1) % cab.size()];
    s.approve(second, "cab");
    implement(plan);
  }

  void audit(std::int64_t t0, std::int64_t days) {
    story e(events, seq, "AUD0000001", t0);
    e.create("audit_engagement", "mara", {{"title", "Incident management audit"}, {"process", "incident"},
                                          {"process_owner", "olga"}});
    e.wait(day);
    e.fire("scope", "mara", "audit_manager", {{"lead_auditor", "audrey"}, {"objective", "ISO/IEC 20000-1 8.6.1"},
                                              {"scope", "incident records"}, {"criteria", "ISO/IEC 20000-1"}});
    e.wait(day);
    e.fire("prepare", "audrey", "auditor", {{"audit_plan", "sample 30 incidents"}});
    e.wait(day);
    e.fire("start_fieldwork", "audrey", "auditor");
    std::int64_t last_close = e.at();
    const int findings = 3;
    for (int i = 1; i <= findings; ++i) {
      story f(events, seq, "FND000000" + std::to_string(i), e.at() + i * hour);
      f.create("audit_finding", "audrey", {{"engagement", "AUD0000001"}, {"description", "records closed without notes"},
                                           {"severity", i == 1 ? "major" : "minor"}, {"owner", "olga"}});
      f.wait(day);
      f.fire("analyse", "olga", "auditee");
      f.wait(r.between(1, 3) * day);
      f.fire("plan_action", "olga", "auditee", {{"root_cause", "no template"}, {"action_plan", "add a template"}});
      f.wait(r.between(2, 5) * day);
      f.fire("implement_action", "olga", "auditee", {{"action_notes", "template in place"}});
      f.wait(r.between(1, 3) * day);
      if (i == 2) {
        f.fire("verification_failed", "audrey", "auditor", {{"verification_notes", "still missing in 4 of 10"}});
        f.wait(r.between(2, 4) * day);
        f.fire("implement_action", "olga", "auditee", {{"action_notes", "template made mandatory"}});
        f.wait(day);
      }
      f.fire("verify", "audrey", "auditor", {{"verification_notes", "sample of 10 correct"}});
      f.wait(day);
      f.fire("close", "audrey", "auditor");
      last_close = std::max(last_close, f.at());
    }
    e.wait(5 * day);
    e.fire("submit_report", "audrey", "auditor", {{"report", "3 findings, 1 major"}});
    e.wait(day);
    e.approve("cora", "audit_committee");
    e.wait(day);
    if (last_close > e.at()) e.fire("close", "mara", "audit_manager");  // findings still open: refused
    e.wait_until(std::min(last_close + day, epoch_start + days * day - hour));
    e.fire("close", "mara", "audit_manager");
  }

  void run(std::int64_t days, std::int64_t per_day, const itsm::progress_fn& progress) {
    for (std::int64_t d = 0; d < days; ++d) {
      if (progress) progress("simulate", static_cast<std::uint64_t>(d), static_cast<std::uint64_t>(days));
      const std::int64_t n = weekend(d) ? std::max<std::int64_t>(1, per_day / 5) : per_day;
      if (!weekend(d) && r.chance(0.2 + 0.05 * static_cast<double>(per_day) / 40.0)) problem(arrival(r, d));
      for (std::int64_t i = 0; i < n; ++i) {
        const std::uint64_t roll = r.below(100);
        const std::int64_t t = arrival(r, d);
        if (roll < 62) {
          incident(t);
        } else if (roll < 88) {
          request(t);
        } else if (roll < 98 || weekend(d)) {
          if (weekend(d)) incident(t); else change(t);
        } else {
          problem(t);
        }
      }
    }
    if (days >= 3) audit(epoch_start + 9 * hour, days);
    if (progress) progress("sort", 0, 0);
    std::stable_sort(events.begin(), events.end(),
                     [](const event& a, const event& b) { return a.at != b.at ? a.at < b.at : a.seq < b.seq; });
    const std::int64_t end = epoch_start + days * day;
    events.erase(std::remove_if(events.begin(), events.end(), [end](const event& e) { return e.at >= end; }), events.end());
  }
};

bool make_dir(const std::string& path) { return ::mkdir(path.c_str(), 0777) == 0 || errno == EEXIST; }

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct demo_options {
  std::int64_t days = 30, per_day = 40, seed = 1;
  std::string out_dir = "itsm-demo", format = "table";
};

/// The history export of every ticket, by id, through `file` (a ticket at a time: the export of a
/// big demo would not fit in memory as one string).
void write_history(const itsm::event_store& store, atomic_file& file, progress_bar& bar) {
  std::vector<const itsm::ticket*> tickets;
  for (const auto& [id, t] : store.tickets()) tickets.push_back(&t);
  std::sort(tickets.begin(), tickets.end(), [](const auto* a, const auto* b) { return a->id() < b->id(); });
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    file.write(tickets[i]->export_history());
    if ((i & 1023) == 0) bar.update("history", i, tickets.size());
  }
}

/// Each built-in workflow as DOT and, when Graphviz is installed, SVG (dot writes a temporary
/// name, renamed once it succeeded).
bool write_workflow_drawings(const std::string& dir, bool have_dot) {
  for (const auto& name : itsm::builtin_workflow_names()) {
    const std::string dot_path = dir + "/" + name + ".dot";
    if (!write_file_atomically(dot_path, (*itsm::builtin_workflow(name))->to_dot(), "itsmctl demo")) return false;
    if (!have_dot) continue;
    atomic_file svg(dir + "/" + name + ".svg");
    const std::string cmd = "dot -Tsvg " + shell_quote(dot_path) + " -o " + shell_quote(svg.temporary_path());
    if (svg.temporary_path().empty() || std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "itsmctl demo: cannot write '%s/%s.svg': dot failed\n", dir.c_str(), name.c_str());
      return false;
    }
    if (!svg.commit("itsmctl demo")) return false;
  }
  return true;
}

int run_demo(const demo_options& o) {
  const char* who = "itsmctl demo";
  const std::int64_t days = o.days, per_day = o.per_day;
  if (days * per_day > max_demo_tickets) {
    std::fprintf(stderr,
                 "%s: --days %lld with --tickets-per-day %lld is %lld tickets a weekday over the run; the demo holds "
                 "every ticket in memory and finishes within 2 GiB up to %lld (days x tickets per day)\n",
                 who, static_cast<long long>(days), static_cast<long long>(per_day),
                 static_cast<long long>(days * per_day), static_cast<long long>(max_demo_tickets));
    return exit_usage;
  }
  const std::string& out_dir = o.out_dir;
  if (!make_dir(out_dir) || !make_dir(out_dir + "/workflows")) {
    std::fprintf(stderr, "%s: cannot create '%s': %s\n", who, out_dir.c_str(), std::strerror(errno));
    return exit_usage;
  }
  progress_bar bar(who);
  simulation sim(static_cast<std::uint64_t>(o.seed));
  sim.run(days, per_day, bar.callback());
  const std::size_t event_count = sim.events.size();
  const std::string events_path = out_dir + "/events.jsonl";
  {
    atomic_file events(events_path);
    for (std::size_t i = 0; i < event_count; ++i) {
      events.write(sim.events[i].line);
      events.write("\n");
      if ((i & 4095) == 0) bar.update("write", i, event_count);
    }
    if (!events.commit(who)) return exit_usage;
  }
  std::vector<event>().swap(sim.events);  // the replay reads the file back; the events need not stay
  itsm::event_store store;
  replay_options replay;
  replay.events = events_path;
  itsm::data_quality quality;
  if (!read_log(store, replay, std::nullopt, who, bar, quality)) return exit_usage;
  const itsm::sys_seconds now{std::chrono::seconds{epoch_start + days * day}};
  const auto report = itsm::make_report(store, itsm::sla_policy::builtin(), now, bar.callback());
  {
    atomic_file history(out_dir + "/history.jsonl");
    write_history(store, history, bar);
    if (!history.commit(who)) return exit_usage;
  }
  bar.update("files", 0, 0);
  if (!write_file_atomically(out_dir + "/report.json", report.render(itsm::report_format::json), who) ||
      !write_file_atomically(out_dir + "/report.md", report.render(itsm::report_format::markdown), who)) {
    return exit_usage;
  }
  const bool have_dot = std::system("command -v dot >/dev/null 2>&1") == 0;
  if (!write_workflow_drawings(out_dir + "/workflows", have_dot)) return exit_usage;
  out(report.render(*itsm::parse_report_format(o.format)));
  out("\nWrote " + out_dir + "/events.jsonl (" + std::to_string(event_count) +
      " events), history.jsonl, report.json, report.md and workflows/*.dot" +
      (have_dot ? " and *.svg" : " (install graphviz for SVG)") + ".\n");
  return exit_ok;
}

}  // namespace

std::function<int()> declare_demo(CLI::App& app) {
  auto o = std::make_shared<demo_options>();
  app.add_option("--days", o->days, "days to simulate from 2026-03-02")->check(CLI::Range(1, 3650))->capture_default_str();
  app.add_option("--tickets-per-day", o->per_day, "tickets a weekday (a fifth of it on weekends)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--seed", o->seed, "the simulation's seed (the same seed gives the same events)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--out", o->out_dir, "where the files go")->type_name("DIR")->capture_default_str();
  app.add_option("--format", o->format, "how the report is printed")
      ->check(CLI::IsMember({"table", "markdown", "json"}))
      ->capture_default_str();
  app.footer(demo_footer);
  return [o] { return run_demo(*o); };
}

}  // namespace itsmctl
