#pragma once
/// \file
/// Work that crosses tickets: resolving a problem resolves the incidents waiting on it
/// (ITIL problem management; ServiceNow's "resolve incidents with the problem").
///
/// Each incident is fired on its own, with the engine's all-or-nothing rule: one incident
/// refused (a role, a field, a guard) leaves that incident as it was and the others go on.

#include <string>
#include <string_view>
#include <vector>

#include <gsl/span>
#include <nlohmann/json.hpp>

#include "itsm/ticket.hpp"

namespace itsm {
inline namespace v1 {

/// Which incidents a resolved problem takes along, and how they are resolved.
struct linked_resolution {
  std::string link_field = "problem";        ///< the incident field naming the problem's id
  std::string transition = "resolve";        ///< fired on each incident
  std::string hold_field = "hold_reason";    ///< with `hold_value`: only incidents waiting on it
  std::string hold_value = "awaiting_problem";  ///< empty: every open incident linked to the problem
  /// Fields set on each incident. Left null: `resolution_code` "solved_permanently" when the
  /// problem's resolution_code is "fix_applied", "solved_workaround" otherwise, and
  /// `resolution_notes` "Resolved with problem <id>" followed by its fix notes or workaround.
  nlohmann::json fields;
};

/// What happened to one linked incident.
struct linked_outcome {
  std::string ticket;
  outcome result;
};

/// Resolves `incident` with `problem` (which must be in a resolved or closed state) when the
/// incident's link field names the problem and it is open (and, with `hold_value`, on hold for
/// that reason). Otherwise the incident is unchanged and the outcome says why:
/// `not_allowed_from_state` for the problem's or the incident's state, `invalid_argument` when
/// the incident is not linked to the problem.
inline outcome resolve_with_problem(const ticket& problem, ticket& incident, const actor& who, sys_seconds at,
                                    const linked_resolution& how = {}, const hooks* host = nullptr);

/// `resolve_with_problem` over every incident linked to `problem` and eligible; incidents that
/// are not linked or not eligible are left alone and not reported. An error
/// (`not_allowed_from_state`) when the problem is not resolved.
inline result<std::vector<linked_outcome>> resolve_linked_incidents(const ticket& problem, gsl::span<ticket> incidents,
                                                            const actor& who, sys_seconds at,
                                                            const linked_resolution& how = {},
                                                            const hooks* host = nullptr);

namespace detail {

inline bool problem_is_resolved(const ticket& problem) {
  const auto c = problem.category();
  return c == state_category::resolved || c == state_category::closed;
}

inline bool links_to(const ticket& incident, const ticket& problem, const linked_resolution& how) {
  const auto* link = find_field(incident.fields(), how.link_field);
  return link != nullptr && link->is_string() && link->get_ref<const std::string&>() == problem.id();
}

/// Whether the incident is still open and (with a hold reason) waiting on the problem; when
/// not, `why` says so.
inline bool waits_on_problem(const ticket& incident, const linked_resolution& how, std::string* why) {
  const auto c = incident.category();
  if (c != state_category::new_ && c != state_category::open && c != state_category::waiting) {
    if (why) *why = "incident " + incident.id() + " is already " + incident.state();
    return false;
  }
  if (how.hold_value.empty()) return true;
  const auto* reason = find_field(incident.fields(), how.hold_field);
  const bool held = c == state_category::waiting && reason != nullptr && reason->is_string() &&
                    reason->get_ref<const std::string&>() == how.hold_value;
  if (!held && why) {
    *why = "incident " + incident.id() + " is " + incident.state() + ", not on hold with " + how.hold_field +
           " " + how.hold_value;
  }
  return held;
}

inline nlohmann::json resolution_fields(const ticket& problem, const linked_resolution& how) {
  if (!how.fields.is_null()) return how.fields;
  const auto& pf = problem.fields();
  const auto* code = find_field(pf, "resolution_code");
  const bool fixed = code != nullptr && code->is_string() && code->get_ref<const std::string&>() == "fix_applied";
  std::string notes = "Resolved with problem " + problem.id();
  for (const char* detail_field : {"fix_notes", "workaround"}) {
    const auto* v = find_field(pf, detail_field);
    if (v != nullptr && v->is_string() && !v->get_ref<const std::string&>().empty()) {
      notes += ": " + v->get<std::string>();
      break;
    }
  }
  return {{"resolution_code", fixed ? "solved_permanently" : "solved_workaround"}, {"resolution_notes", notes}};
}

}  // namespace detail

inline outcome resolve_with_problem(const ticket& problem, ticket& incident, const actor& who, sys_seconds at,
                                    const linked_resolution& how, const hooks* host) {
  outcome out;
  if (!detail::problem_is_resolved(problem)) {
    out.code = errc::not_allowed_from_state;
    out.state = problem.state();
    out.message = "problem " + problem.id() + " is " + problem.state() + ", not resolved";
    return out;
  }
  if (!detail::links_to(incident, problem, how)) {
    out.code = errc::invalid_argument;
    out.message = "incident " + incident.id() + ": " + how.link_field + " does not name problem " + problem.id();
    return out;
  }
  std::string why;
  if (!detail::waits_on_problem(incident, how, &why)) {
    out.code = errc::not_allowed_from_state;
    out.state = incident.state();
    out.message = why;
    return out;
  }
  return incident.fire(how.transition, who, at, detail::resolution_fields(problem, how),
                       "resolved with problem " + problem.id(), host);
}

inline result<std::vector<linked_outcome>> resolve_linked_incidents(const ticket& problem,
                                                                    gsl::span<ticket> incidents,
                                                                    const actor& who, sys_seconds at,
                                                                    const linked_resolution& how,
                                                                    const hooks* host) {
  if (!detail::problem_is_resolved(problem)) {
    return error{errc::not_allowed_from_state,
                 "problem " + problem.id() + " is " + problem.state() + ", not resolved"};
  }
  std::vector<linked_outcome> out;
  for (ticket& incident : incidents) {
    if (!detail::links_to(incident, problem, how) || !detail::waits_on_problem(incident, how, nullptr)) continue;
    out.push_back({incident.id(), resolve_with_problem(problem, incident, who, at, how, host)});
  }
  return out;
}

}  // namespace v1
}  // namespace itsm
