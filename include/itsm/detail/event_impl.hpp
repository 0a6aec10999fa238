#pragma once
// The event store's implementation (see itsm/event.hpp; the line form is docs/events.md).

#include <algorithm>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace itsm {
inline namespace v1 {

struct event_store::state {
  std::unordered_map<std::string, workflow_ptr> workflows;
  std::unordered_map<std::string, ticket> tickets;
  hooks host;
  std::vector<event_outcome> refusals;
  event_counts counts;
  data_quality quality;                      // creates_refused is counted from the set below
  std::set<std::string> refused_creates;     // tickets named by a refused create line
  change_schedule schedule;                  // the one installed in `host` (a read undoes its bookings)
};

namespace detail {

/// The audit engagement's close guard: every audit_finding whose `engagement` field names the
/// engagement must be closed (terminal).
inline std::optional<std::string> open_findings_of(const std::unordered_map<std::string, ticket>& tickets,
                                                   const std::string& engagement) {
  std::vector<std::string> open;
  for (const auto& [id, t] : tickets) {
    if (t.definition().name() != "audit_finding") continue;
    const auto& f = t.fields();
    auto e = f.find("engagement");
    if (e != f.end() && *e == engagement && !t.is_terminal()) open.push_back(id);
  }
  if (open.empty()) return std::nullopt;
  std::sort(open.begin(), open.end());
  std::string list;
  for (const auto& id : open) list += (list.empty() ? "" : ", ") + id;
  return std::to_string(open.size()) + " finding(s) still open: " + list;
}

/// A refusal of the line itself (not of a ticket call): `code`, `message` and the context so far.
inline event_outcome line_refusal(std::string ticket, std::size_t line, errc code, std::string message) {
  event_outcome e;
  e.result.code = code;
  e.result.message = std::move(message);
  e.ticket = std::move(ticket);
  e.line = line;
  return e;
}

/// The keys an event line may have, sorted for a binary search (this runs for every key of
/// every event).
inline constexpr std::string_view event_keys[] = {"actor",  "approve", "at",   "comment",    "create",
                                                  "fields", "reject",  "roles", "seq",       "ticket",
                                                  "to",     "transition", "update", "workflow"};

/// Applies one parsed line to `tickets`, creating tickets of the `workflows` and running `host`'s
/// guards and actions.
inline event_outcome apply_event(const std::unordered_map<std::string, workflow_ptr>& workflows,
                                 std::unordered_map<std::string, ticket>& tickets, const hooks& host,
                                 const json& ev, std::size_t line) {
  if (!ev.is_object()) return line_refusal("", line, errc::parse_error, "event: not a JSON object");
  for (auto it = ev.begin(); it != ev.end(); ++it) {
    if (!std::binary_search(std::begin(event_keys), std::end(event_keys), std::string_view(it.key()))) {
      return line_refusal("", line, errc::invalid_argument, "event: unknown key '" + it.key() + "'");
    }
  }
  const auto ticket_it = ev.find("ticket");
  if (ticket_it == ev.end() || !ticket_it->is_string() || ticket_it->get_ref<const std::string&>().empty()) {
    return line_refusal("", line, errc::invalid_argument, "event.ticket: missing or not a non-empty string");
  }
  const std::string& id = ticket_it->get_ref<const std::string&>();
  auto bad = [&](std::string message) { return line_refusal(id, line, errc::invalid_argument, std::move(message)); };
  const auto at_it = ev.find("at");
  if (at_it == ev.end() || !at_it->is_string()) return bad("event.at: missing or not a time string");
  sys_seconds when{};
  try {
    const std::string& at_text = at_it->get_ref<const std::string&>();
    const auto tt = parse_text_time(at_text, "event.at");
    if (!tt.has_offset) return bad("event.at: '" + at_text + "' has no offset (add Z or +HH:MM)");
    when = sys_seconds{std::chrono::seconds{tt.seconds}};
  } catch (const failure& f) {
    return bad(f.what());
  }
  const auto actor_it = ev.find("actor");
  if (actor_it != ev.end() && !actor_it->is_string()) return bad("event.actor: not a string");
  actor who = actor::trusted(actor_it != ev.end() ? actor_it->get<std::string>() : std::string());
  if (const auto roles = ev.find("roles"); roles != ev.end()) {
    if (!roles->is_array()) return bad("event.roles: not an array of strings");
    for (const auto& r : *roles) {
      if (!r.is_string()) return bad("event.roles: not an array of strings");
      who.roles.push_back(r.get<std::string>());
    }
    who.check_roles = true;
  }
  // A reference, not a copy: the fields are read once, by the ticket call.
  const auto fields_it = ev.find("fields");
  const json& fields = fields_it != ev.end() ? *fields_it : empty_json_object();
  if (!fields.is_object()) return bad("event.fields: not an object");
  std::string comment;
  if (const auto c = ev.find("comment"); c != ev.end()) {
    if (!c->is_string()) return bad("event.comment: not a string");
    comment = c->get<std::string>();
  }
  // Only the order of a whole log's reading uses it (see read_events); checked here all the same.
  if (const auto seq = ev.find("seq"); seq != ev.end() && !seq->is_number_unsigned()) {
    return bad("event.seq: not a whole number >= 0");
  }
  int kinds = 0;
  for (const char* k : {"create", "transition", "to", "approve", "reject", "update"}) kinds += ev.contains(k) ? 1 : 0;
  if (kinds != 1) return bad("event: needs exactly one of create, transition, to, approve, reject, update");

  if (const auto create = ev.find("create"); create != ev.end()) {
    if (*create != true) return bad("event.create: must be true");
    const auto wf_it = ev.find("workflow");
    if (wf_it == ev.end() || !wf_it->is_string()) return bad("event.workflow: missing or not a string");
    const std::string& name = wf_it->get_ref<const std::string&>();
    auto wf = workflows.find(name);
    if (wf == workflows.end()) {
      return line_refusal(id, line, errc::not_found, "event.workflow: no workflow named '" + name + "'");
    }
    if (tickets.count(id)) return bad("ticket " + id + " already exists");
    auto created = ticket::create(wf->second, id, who, when, fields, comment);
    if (!created) {
      auto e = line_refusal(id, line, created.error_value().code, created.error_value().message);
      e.workflow = name;
      e.event = "create";
      return e;
    }
    tickets.emplace(id, std::move(*created));
    event_outcome done;
    done.ticket = id;
    done.line = line;
    done.workflow = name;
    done.event = "create";
    return done;
  }
  auto found = tickets.find(id);
  if (found == tickets.end()) {
    return line_refusal(id, line, errc::not_found, "ticket " + id + " has not been created (no create event before)");
  }
  ticket& t = found->second;
  event_outcome e;
  e.ticket = id;
  e.line = line;
  e.workflow = t.definition().name();
  if (const auto tr = ev.find("transition"); tr != ev.end()) {
    if (!tr->is_string()) return bad("event.transition: not a string");
    e.event = "transition " + tr->get<std::string>();
    e.result = t.fire(tr->get_ref<const std::string&>(), who, when, fields, comment, &host);
  } else if (const auto to = ev.find("to"); to != ev.end()) {
    if (!to->is_string()) return bad("event.to: not a string");
    e.event = "to " + to->get<std::string>();
    e.result = t.move_to(to->get_ref<const std::string&>(), who, when, fields, comment, &host);
  } else if (const auto ap = ev.find("approve"); ap != ev.end()) {
    if (*ap != true) return bad("event.approve: must be true");
    e.event = "approve";
    e.result = t.approve(who, when, comment, &host);
  } else if (const auto rj = ev.find("reject"); rj != ev.end()) {
    if (*rj != true) return bad("event.reject: must be true");
    e.event = "reject";
    e.result = t.reject(who, when, fields, comment, &host);
  } else {
    if (ev["update"] != true) return bad("event.update: must be true");
    e.event = "update";
    e.result = t.update(who, when, fields, comment);
  }
  // A refusal names the state the ticket stayed in, whatever the refusal.
  if (!e.result.ok()) e.result.state = t.state();
  return e;
}

}  // namespace detail

inline nlohmann::json to_json(const event_outcome& e) {
  nlohmann::json j = to_json(e.result);
  try {
    j["ticket"] = e.ticket.empty() ? nlohmann::json() : nlohmann::json(e.ticket);
    j["line"] = e.line;
    if (!e.workflow.empty()) j["workflow"] = e.workflow;
    if (!e.event.empty()) j["event"] = e.event;
  } catch (...) {
    detail::json_release(j);  // freeing a half-built value must not allocate (detail/json_release.hpp)
    throw;
  }
  return j;
}

inline event_store::event_store() : state_(std::make_unique<state>()) {
  for (const auto& name : builtin_workflow_names()) state_->workflows[name] = *builtin_workflow(name);
  use_schedule(change_schedule());
  // The guard reads the tickets through the state, which stays where it is when the store moves.
  state* s = state_.get();
  state_->host.guard("all_findings_closed", [s](const guard_context& g) {
    return detail::open_findings_of(s->tickets, g.subject.id());
  });
}

inline void event_store::add_workflow(workflow_ptr wf) {
  const std::string name = wf->name();
  state_->workflows[name] = std::move(wf);
}

inline const workflow_ptr* event_store::find_workflow(std::string_view name) const {
  auto it = state_->workflows.find(std::string(name));
  return it == state_->workflows.end() ? nullptr : &it->second;
}

inline void event_store::use_schedule(const change_schedule& schedule) {
  schedule.install(state_->host);
  state_->schedule = schedule;
}

inline hooks& event_store::host() noexcept { return state_->host; }
inline const hooks& event_store::host() const noexcept { return state_->host; }

inline event_outcome event_store::apply(std::string_view text, std::size_t line) {
  bool create_line = false;
  event_outcome e = [&] {
    try {
      detail::check_json_text_limits(text, "event");
    } catch (const detail::failure& f) {
      return detail::line_refusal("", line, f.code, f.what());
    }
    if (const auto bad = detail::invalid_utf8_at(text); bad != detail::utf8_ok) {
      return detail::line_refusal("", line, errc::parse_error,
                                  "event: not UTF-8 (byte " + std::to_string(bad + 1) + " of the line)");
    }
    auto ev = detail::parse_json_released(text, false);
    detail::json_release_guard ev_guard(ev);
    if (ev.is_discarded()) return detail::line_refusal("", line, errc::parse_error, "event: not a JSON object");
    create_line = ev.is_object() && ev.contains("create");
    return detail::apply_event(state_->workflows, state_->tickets, state_->host, ev, line);
  }();
  // Running out of memory is no refusal of the line: the ticket call changed nothing, and the
  // store records nothing either.
  if (e.result.code == errc::out_of_memory) throw std::bad_alloc();
  auto& q = state_->quality;
  if (e.ok()) {
    ++state_->counts.events;
    ++q.read;
    ++state_->counts.applied;
    ++q.applied;
    return e;
  }
  // A refusal is recorded whole or not at all: what allocates comes first, undone if a later step
  // fails, and the counts change last.
  event_outcome kept = e;
  auto& refusals = state_->refusals;
  if (refusals.size() == refusals.capacity()) refusals.reserve(refusals.empty() ? 16 : 2 * refusals.size());
  const auto [by_code, new_code] = q.refused_by_code.try_emplace(to_string(e.result.code), 0);
  try {
    if (create_line && !e.ticket.empty() && !state_->tickets.count(e.ticket)) state_->refused_creates.insert(e.ticket);
  } catch (...) {
    if (new_code) q.refused_by_code.erase(by_code);
    throw;
  }
  ++by_code->second;
  ++state_->counts.events;
  ++q.read;
  ++state_->counts.refused;
  ++q.refused;
  refusals.push_back(std::move(kept));
  return e;
}

inline const std::unordered_map<std::string, ticket>& event_store::tickets() const noexcept {
  return state_->tickets;
}

inline const ticket* event_store::find(std::string_view id) const {
  auto it = state_->tickets.find(std::string(id));
  return it == state_->tickets.end() ? nullptr : &it->second;
}

inline const std::vector<event_outcome>& event_store::refusals() const noexcept { return state_->refusals; }

inline const event_counts& event_store::counts() const noexcept { return state_->counts; }

inline data_quality event_store::quality() const {
  data_quality q = state_->quality;
  // A later create may have succeeded: only tickets that still do not exist count.
  for (const auto& id : state_->refused_creates) q.creates_refused += state_->tickets.count(id) ? 0 : 1;
  return q;
}

inline sys_seconds event_store::last_event_time() const {
  sys_seconds last{};
  for (const auto& [id, t] : state_->tickets) last = std::max(last, t.history().back().at);
  return last;
}

}  // namespace v1
}  // namespace itsm
