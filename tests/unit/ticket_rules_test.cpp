// The pinned rules of docs/workflows.md, each as its minimal case (issue 23).

#include <catch2/catch.hpp>

#include "itsm/ticket.hpp"
#include "ticket_support.hpp"

namespace {

using itsm::actor;
using itsm::errc;
using itsm::ticket;
using nlohmann::json;

using itsm_test::at;
using itsm_test::builtin;
using itsm_test::ok;
using itsm_test::refused;

ticket make(const itsm::workflow_ptr& wf, const json& fields = json::object()) {
  auto t = ticket::create(wf, "T1", actor::trusted("creator"), at(0), fields);
  INFO((t ? "" : t.error_value().message));
  REQUIRE(t);
  return std::move(*t);
}

}  // namespace

TEST_CASE("rule 5: an empty value is missing for levels and value sets too") {
  auto t = make(builtin("incident"), {{"impact", 2}, {"urgency", 3}});
  const actor desk{"sam", {"service_desk"}};
  CHECK(t.priority() == 2);
  ok(t.update(desk, at(1), {{"impact", ""}}));
  CHECK(t.fields()["impact"] == "");
  CHECK(t.priority() == 0);
  CHECK(t.history().back().priority == 0);
  ok(t.update(desk, at(2), {{"impact", 1}, {"priority", "P4"}}));
  CHECK(t.priority() == 4);
  ok(t.update(desk, at(3), {{"priority", ""}}));
  CHECK(t.priority() == 2);  // back to the matrix: (1 + 3) / 2
  ok(t.update(desk, at(4), {{"urgency", json::array()}, {"priority", json::object()}}));
  CHECK(t.priority() == 0);
  refused(t, errc::invalid_argument, [&](ticket& x) { return x.update(desk, at(5), {{"impact", "high"}}); });
  // A value set accepts the empty value; a state that requires the field does not.
  ok(t.fire("start", desk, at(5), {{"hold_reason", ""}}));
  auto needs = refused(t, errc::missing_fields, [&](ticket& x) { return x.fire("hold", desk, at(6), {{"hold_reason", ""}}); });
  CHECK(needs.missing == std::vector<std::string>{"hold_reason"});
  ok(t.fire("hold", desk, at(6), {{"hold_reason", "awaiting_caller"}}));
  refused(t, errc::missing_fields, [&](ticket& x) { return x.update(desk, at(7), {{"hold_reason", ""}}); });
  refused(t, errc::invalid_argument, [&](ticket& x) { return x.update(desk, at(7), {{"hold_reason", "lunch"}}); });
  // The snapshot with empty values restores and replays.
  auto restored = ticket::restore(t.definition_ptr(), t.snapshot());
  REQUIRE(restored);
  CHECK(restored->snapshot() == t.snapshot());
  auto replayed = ticket::replay(t.definition_ptr(), "", t.snapshot());
  REQUIRE(replayed);
  CHECK(replayed->snapshot() == t.snapshot());
}
