// Sequences of C ABI calls chosen by the input: tickets created from the built-in processes,
// fired, moved, approved, rejected, updated with fields from a small vocabulary, snapshotted,
// restored, cloned and freed, with hooks whose guard says yes or no. Properties: no call
// crashes, a refused call leaves its ticket's snapshot unchanged, snapshot -> restore ->
// snapshot is the identity, and every text the library returns is released.
#include <cstring>
#include <string>
#include <vector>

#include "fuzz.hpp"
#include "itsm/itsm.h"

namespace {

const char* const roles[] = {"service_desk", "support", "caller", "requester", "approver", "fulfiller",
                             "change_manager", "assessor", "cab", "implementer", "ecab", "problem_manager",
                             "problem_analyst", "audit_manager", "auditor", "audit_committee", "auditee"};
const char* const names[] = {"ann", "bob", "carl", "dana"};
const char* const words[] = {"start", "hold", "resolve", "close", "cancel", "reopen", "submit", "approve", "schedule",
                             "implement", "review", "reject", "fulfil", "assess", "request_authorization",
                             "new", "in_progress", "on_hold", "resolved", "closed", "scheduled", "authorize"};
const char* const fields[] = {
    "{}",
    "{\"hold_reason\": \"awaiting_caller\"}",
    "{\"resolution_code\": \"solved_remotely\", \"resolution_notes\": \"ok\"}",
    "{\"cancel_reason\": \"dup\", \"rejection_reason\": \"no\"}",
    "{\"impact\": 1, \"urgency\": 2}",
    "{\"requested_by\": \"ann\", \"implementer\": \"bob\"}",
    ("{\"planned_start\": \"2026-03-07T22:00:00Z\", \"planned_end\": \"2026-03-07T23:00:00Z\", "
     "\"backout_plan\": \"b\", \"risk\": \"low\"}"),
    "{\"close_code\": \"successful\", \"close_notes\": \"n\"}",
    "{\"impact\": null}",
    "{\"no_such_field\": 1}",
    "[1, 2]",
    "{\"short_description\": \"\\u00e9\"}",
    "not json",
};

int say(void* payload, const itsm_guard_call* /*call*/, char* reason, size_t size) {
  const bool allow = *static_cast<const bool*>(payload);
  if (!allow) std::snprintf(reason, size, "%s", "the fuzzer says no");
  return allow ? 0 : 1;
}

std::string take(char* text) {
  std::string s = text ? text : "";
  itsm_free(text);
  return s;
}

std::string snapshot_of(const itsm_ticket* t) {
  char* out = nullptr;
  FUZZ_CHECK(itsm_ticket_snapshot(t, &out) == ITSM_OK);
  return take(out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::reader in(data, size);
  std::vector<itsm_workflow*> workflows;
  for (std::size_t i = 0; i < itsm_workflow_builtin_count(); ++i) {
    itsm_workflow* wf = nullptr;
    FUZZ_CHECK(itsm_workflow_builtin(&wf, itsm_workflow_builtin_name(i)) == ITSM_OK);
    workflows.push_back(wf);
  }
  bool allow = true;
  itsm_hooks* hooks = nullptr;
  FUZZ_CHECK(itsm_hooks_new(&hooks) == ITSM_OK);
  for (const char* g : {"change_schedule_clear", "all_findings_closed"}) {
    FUZZ_CHECK(itsm_hooks_add_guard(hooks, g, say, &allow) == ITSM_OK);
  }
  struct held {
    itsm_ticket* t;
    std::size_t wf;
  };
  std::vector<held> tickets;
  std::int64_t clock = 1772445600;
  for (int step = 0; step < 64 && !in.empty(); ++step) {
    const std::size_t op = in.pick(10);
    const char* role = roles[in.pick(std::size(roles))];
    const itsm_actor who = {names[in.pick(std::size(names))], &role, 1, in.pick(4) == 0};
    clock += in.number(-120, 7200);
    const char* f = fields[in.pick(std::size(fields))];
    allow = in.pick(3) != 0;
    if (op == 0 || tickets.empty()) {
      const std::size_t w = in.pick(workflows.size());
      itsm_ticket* t = nullptr;
      const std::string id = "T" + std::to_string(step);
      const int rc = itsm_ticket_create(&t, workflows[w], id.c_str(), &who, clock, f);
      FUZZ_CHECK((rc == ITSM_OK) == (t != nullptr));
      if (t) tickets.push_back({t, w});
      continue;
    }
    held& h = tickets[in.pick(tickets.size())];
    const std::string before = snapshot_of(h.t);
    int rc = ITSM_OK;
    bool changes = true;
    switch (op) {
      case 1: rc = itsm_ticket_fire(h.t, words[in.pick(std::size(words))], &who, clock, f, nullptr, hooks); break;
      case 2: rc = itsm_ticket_move_to(h.t, words[in.pick(std::size(words))], &who, clock, f, "moved", hooks); break;
      case 3: rc = itsm_ticket_approve(h.t, &who, clock, nullptr, in.pick(2) ? hooks : nullptr); break;
      case 4: rc = itsm_ticket_reject(h.t, &who, clock, f, nullptr, hooks); break;
      case 5: rc = itsm_ticket_update(h.t, &who, clock, f, nullptr); break;
      case 6: {  // snapshot -> restore -> snapshot
        itsm_ticket* copy = nullptr;
        FUZZ_CHECK(itsm_ticket_restore(&copy, workflows[h.wf], before.data(), before.size()) == ITSM_OK);
        FUZZ_CHECK(snapshot_of(copy) == before);
        itsm_ticket_free(h.t);
        h.t = copy;
        changes = false;
        break;
      }
      case 7: {  // clone, then drop the original
        itsm_ticket* copy = nullptr;
        FUZZ_CHECK(itsm_ticket_clone(&copy, h.t) == ITSM_OK);
        itsm_ticket_free(h.t);
        h.t = copy;
        changes = false;
        break;
      }
      case 8: {  // read everything
        char* out = nullptr;
        FUZZ_CHECK(itsm_ticket_allowed(h.t, &who, &out) == ITSM_OK);
        take(out);
        FUZZ_CHECK(itsm_ticket_export_history(h.t, &out) == ITSM_OK);
        const std::string chain = take(out);
        FUZZ_CHECK(itsm_verify_history(chain.data(), chain.size(), nullptr, nullptr) == ITSM_OK);
        changes = false;
        break;
      }
      default: {  // free it
        itsm_ticket_free(h.t);
        h = tickets.back();
        tickets.pop_back();
        continue;
      }
    }
    if (rc != ITSM_OK) {
      FUZZ_CHECK(itsm_error_last()->code == rc && itsm_error_last()->message[0] != '\0');
      FUZZ_CHECK(snapshot_of(h.t) == before);
    } else if (!changes) {
      FUZZ_CHECK(snapshot_of(h.t) == before);
    }
  }
  for (auto& h : tickets) itsm_ticket_free(h.t);
  itsm_hooks_free(hooks);
  for (auto* wf : workflows) itsm_workflow_free(wf);
  return 0;
}
