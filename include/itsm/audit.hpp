#pragma once
/// \file
/// The compliance audit: findings over tickets' histories and refused events (ISO/IEC 20000-1
/// 9.2, ISO 19011), each naming the ticket, the rule, a severity and the evidence (the rules are
/// defined in docs/report-and-audit.md). Like the service report, an accumulator: fed tickets
/// and refused events, mergeable over disjoint sets of tickets into exactly the audit of the whole.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "itsm/event.hpp"
#include "itsm/report.hpp"
#include "itsm/ticket.hpp"
#include "itsm/time.hpp"

namespace itsm {
inline namespace v1 {

/// One thing an auditor would write down.
struct audit_finding {
  std::string ticket;    ///< the ticket, or "-" for a finding about the whole log
  std::string rule;      ///< `unapproved_change`, `segregation_of_duties`, `missing_resolution_code`,
                         ///< `unescalated_breach`, `disallowed_transition`, `broken_hash_chain`
  std::string severity;  ///< `low`, `medium`, `high` or `critical`
  std::string evidence;  ///< where and what, in one sentence
};

/// The compliance audit over a set of tickets, measured at one instant.
class compliance_audit {
 public:
  /// An empty audit; the incident resolution clock of `policy` decides `unescalated_breach`,
  /// measured at `now`.
  compliance_audit(sla_policy policy, sys_seconds now);

  /// Checks one ticket's history (each ticket once).
  void add(const ticket& t);
  /// Checks one refused event line: an attempted approval its rule excludes is
  /// `segregation_of_duties`; an event the workflow does not allow is `disallowed_transition`.
  void add_refusal(const event_outcome& refused);
  /// Adds the data-quality counts of the lines these tickets came from (`event_store::quality`).
  void add_quality(const data_quality& quality);
  /// Checks a hash-chained history export (`ticket::export_history` lines) against the tickets
  /// of `events`, as they stood at `now`. Each is a `broken_hash_chain` finding naming `source`:
  /// a chain that does not verify (an edited, removed or reordered line, at the first bad line);
  /// an empty chain for events that made records; a ticket whose records up to `now` are
  /// missing from the chain (a missing tail), differ from its history, or are more than it has;
  /// a ticket of the chain the events never created.
  void check_chain(std::string_view jsonl, const std::string& source, const event_store& events);

  /// Adds an audit over a disjoint set of tickets: afterwards this is exactly the audit of both.
  /// Refused with `invalid_argument`, changing nothing, when the two were measured at different
  /// instants or against different policies.
  result<bool> merge(const compliance_audit& other);

  /// The findings, by ticket, then rule, then where they were found (line, then record).
  std::vector<audit_finding> findings() const;
  /// `{"data_quality", "events", "findings": [{"ticket", "rule", "severity", "evidence"}...],
  /// "now", "refused", "tickets"}` (`now` is null when there are no events).
  nlohmann::json to_json() const;
  /// The audit printed as `format` (`json` is `to_json()` indented by two, with a newline).
  std::string render(report_format format) const;

  /// Everything this audit has accumulated, as JSON (docs/report-and-audit.md, "Partial
  /// reports"): the form in which an audit of some of the tickets travels to another process to
  /// be merged there; it keeps where each finding was found, which orders the findings.
  nlohmann::json state() const;
  /// The audit whose `state()` is `state`; a malformed state is `invalid_argument` naming the
  /// member.
  static result<compliance_audit> from_state(const nlohmann::json& state);

  sys_seconds now() const noexcept { return now_; }
  const data_quality& quality() const noexcept { return quality_; }

 private:
  /// A finding and its place in the output order.
  struct keyed_finding {
    audit_finding finding;
    int phase = 0;          ///< 0: from a refused line, 1: from a history, 2: from a chain check
    std::size_t place = 0;  ///< the line number, or the order within the ticket's checks
  };

  bool measured() const noexcept { return tickets_ > 0 || quality_.applied + quality_.refused > 0; }

  sla_policy policy_;
  sys_seconds now_;
  data_quality quality_;
  std::size_t tickets_ = 0;
  std::vector<keyed_finding> findings_;
};

/// The audit of every ticket and refused line of `store`, measured at `now` (by default the time
/// of the store's latest record), with the store's data quality; `progress` hears of the tickets
/// done (phase `audit`).
inline compliance_audit make_audit(const event_store& store, const sla_policy& policy = sla_policy::builtin(),
                                   std::optional<sys_seconds> now = std::nullopt, const progress_fn& progress = {});

}  // namespace v1
}  // namespace itsm

#include "itsm/detail/audit_impl.hpp"
