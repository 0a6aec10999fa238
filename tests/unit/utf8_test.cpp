// Text that is not UTF-8, from C++ callers who bypass every parser: each entry point refuses it
// naming the field and the byte, a refused call changes nothing, and whatever a ticket holds can
// always be written out (snapshot, export, outcome JSON). Host diagnostics (guard reasons, action
// exceptions, ids that match nothing) are shown with U+FFFD instead of the bad bytes.

#include <catch2/catch.hpp>

#include <string>

#include "itsm/itsm.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace utf8_test {

namespace {

using itsm::errc;
using itsm::detail::invalid_utf8_at;
using itsm::detail::utf8_ok;
using nlohmann::json;

itsm::sys_seconds at(std::int64_t minutes) {
  return itsm::sys_seconds{std::chrono::seconds{1772445600 + minutes * 60}};
}

const std::string bad = "ab\xff";  // 0xFF never appears in UTF-8
const itsm::actor desk{"sam", {"service_desk"}};

itsm::ticket incident() {
  auto t = itsm::ticket::create(*itsm::builtin_workflow("incident"), "INC1", itsm::actor{"ann", {}}, at(0),
                                json{{"short_description", "x"}});
  REQUIRE(t);
  return std::move(*t);
}

/// Everything a ticket can be written out as; each throws on bytes that are not UTF-8.
void check_writable(const itsm::ticket& t) {
  CHECK_NOTHROW(t.snapshot().dump());
  CHECK_NOTHROW(t.export_history());
}

}  // namespace

TEST_CASE("the UTF-8 scan: RFC 3629's well-formed sequences and nothing else") {
  CHECK(invalid_utf8_at("") == utf8_ok);
  CHECK(invalid_utf8_at("plain ascii") == utf8_ok);
  CHECK(invalid_utf8_at("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == utf8_ok);  // é € 😀
  CHECK(invalid_utf8_at("\xf4\x8f\xbf\xbf") == utf8_ok);                          // U+10FFFF
  CHECK(invalid_utf8_at("ab\xff") == 2);
  CHECK(invalid_utf8_at("\xc0\xaf") == 0);              // overlong '/'
  CHECK(invalid_utf8_at("x\xe0\x80\xaf") == 1);         // overlong, three bytes
  CHECK(invalid_utf8_at("\xed\xa0\x80") == 0);          // a surrogate (U+D800)
  CHECK(invalid_utf8_at("\xf4\x90\x80\x80") == 0);      // past U+10FFFF
  CHECK(invalid_utf8_at("ok\xe2\x82") == 2);            // cut short at the end
  CHECK(invalid_utf8_at("\xe2\x82x") == 0);             // a continuation byte missing
  CHECK(invalid_utf8_at("\x80") == 0);                  // a lone continuation byte
  CHECK(invalid_utf8_at(std::string_view("a\0b", 3)) == utf8_ok);  // NUL is a character

  using itsm::detail::utf8_or_replaced;
  CHECK(utf8_or_replaced("fine \xc3\xa9") == "fine \xc3\xa9");
  CHECK(utf8_or_replaced("a\xff" "b\xe2\x82") == "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd");
}

TEST_CASE("a JSON value built in memory: the path of the first bad string or key") {
  const json doc = {{"ok", "fine"}, {"list", json::array({"x", json{{"deep", bad}}})}};
  try {
    itsm::detail::need_utf8_json(doc, "doc");
    FAIL("accepted");
  } catch (const itsm::detail::failure& f) {
    CHECK(f.code == errc::invalid_argument);
    CHECK(std::string(f.what()) == "doc.list[1].deep: not valid UTF-8 (byte 2)");
  }
  json bad_key = json::object();
  bad_key["a"][bad] = 1;
  CHECK_THROWS_WITH(itsm::detail::need_utf8_json(bad_key, "doc"), "doc.a: a key is not valid UTF-8 (byte 2)");
  CHECK_NOTHROW(itsm::detail::need_utf8_json(json{{"caf\xc3\xa9", {1, "\xe2\x82\xac"}}}, "doc"));
}

TEST_CASE("creating a ticket: id, actor, comment and fields must be UTF-8") {
  auto wf = *itsm::builtin_workflow("incident");
  const json fields{{"short_description", "x"}};
  auto id = itsm::ticket::create(wf, bad, itsm::actor{"ann", {}}, at(0), fields);
  REQUIRE(!id);
  CHECK(id.error_value().code == errc::invalid_argument);
  CHECK(id.error_value().message == "ticket: the id: not valid UTF-8 (byte 2)");
  auto who = itsm::ticket::create(wf, "I", itsm::actor{bad, {}}, at(0), fields);
  REQUIRE(!who);
  CHECK(who.error_value().message == "actor.name: not valid UTF-8 (byte 2)");
  auto comment = itsm::ticket::create(wf, "I", itsm::actor{"ann", {}}, at(0), fields, bad);
  REQUIRE(!comment);
  CHECK(comment.error_value().message == "comment: not valid UTF-8 (byte 2)");
  auto value = itsm::ticket::create(wf, "I", itsm::actor{"ann", {}}, at(0), json{{"short_description", bad}});
  REQUIRE(!value);
  CHECK_THAT(value.error_value().message, Catch::Contains("fields.short_description: not valid UTF-8 (byte 2)"));
  auto ok = itsm::ticket::create(wf, "I-\xc3\xa9", itsm::actor{"Zo\xc3\xab", {}}, at(0),
                                 json{{"short_description", "\xe2\x82\xac 5"}}, "\xf0\x9f\x98\x80");
  REQUIRE(ok);
  check_writable(*ok);
}

TEST_CASE("fire, update, approve: text that is not UTF-8 is refused and changes nothing") {
  itsm::ticket t = incident();
  REQUIRE(t.fire("start", desk, at(1)).ok());
  const std::string before = t.snapshot().dump();

  auto out = t.fire("hold", itsm::actor{bad, {"service_desk"}}, at(2), json{{"hold_reason", "awaiting_caller"}});
  CHECK(out.code == errc::invalid_argument);
  CHECK(out.message == "actor.name: not valid UTF-8 (byte 2)");
  out = t.fire("hold", desk, at(2), json{{"hold_reason", "awaiting_caller"}}, bad);
  CHECK(out.message == "comment: not valid UTF-8 (byte 2)");
  out = t.update(desk, at(2), json{{"resolution_notes", bad}});
  CHECK(out.code == errc::invalid_argument);
  CHECK(out.message == "fields.resolution_notes: not valid UTF-8 (byte 2)");
  out = t.update(desk, at(2), json{{"resolution_notes", json{{"nested", json::array({"ok", bad})}}}});
  CHECK(out.message == "fields.resolution_notes.nested[1]: not valid UTF-8 (byte 2)");
  out = t.update(desk, at(2), json{{bad, "x"}});
  CHECK(out.code == errc::invalid_argument);
  CHECK(out.message == "fields: a field name is not valid UTF-8 (byte 2)");
  out = t.move_to("in_progress", itsm::actor{bad, {}}, at(2), json{{"category", "network"}});
  CHECK(out.code == errc::invalid_argument);
  CHECK(t.snapshot().dump() == before);
  check_writable(t);

  // Ids that match nothing are echoed with U+FFFD, so the outcome itself can be written out.
  out = t.fire(bad, desk, at(2));
  CHECK(out.code == errc::unknown_transition);
  CHECK_THAT(out.message, Catch::Contains("'ab\xef\xbf\xbd'"));
  CHECK_NOTHROW(itsm::to_json(out).dump());
  out = t.move_to(bad, desk, at(2));
  CHECK(out.code == errc::not_found);
  CHECK_NOTHROW(itsm::to_json(out).dump());
  out = t.fire("resolve", itsm::actor{"eve", {bad}}, at(2));
  CHECK(out.code == errc::role_denied);
  CHECK_NOTHROW(itsm::to_json(out).dump());
  CHECK(t.snapshot().dump() == before);

  // approve stores the approver's name as well
  auto change = itsm::ticket::create(*itsm::builtin_workflow("change_normal"), "CHG1", itsm::actor{"rita", {}}, at(0),
                                     json{{"requested_by", "rita"}, {"implementer", "ivan"}});
  REQUIRE(change);
  REQUIRE(change->fire("submit", itsm::actor{"rita", {"requester"}}, at(1)).ok());
  REQUIRE(change->fire("request_authorization", itsm::actor{"alex", {"assessor"}}, at(2)).ok());
  const std::string change_before = change->snapshot().dump();
  out = change->approve(itsm::actor{bad, {"cab"}}, at(3));
  CHECK(out.code == errc::invalid_argument);
  CHECK(out.message == "actor.name: not valid UTF-8 (byte 2)");
  CHECK(change->snapshot().dump() == change_before);
  CHECK(change->approve(itsm::actor{"bea", {"cab"}}, at(3)).ok());
}

TEST_CASE("host diagnostics that are not UTF-8 are shown with U+FFFD, and the commit stands") {
  itsm::workflow_definition d;
  d.name = "guarded";
  d.guards = std::vector<std::string>{"refuses"};
  d.actions = std::vector<std::string>{"throws"};
  d.add_state("open", itsm::state_category::open).initial = true;
  d.add_state("done", itsm::state_category::resolved).terminal = true;
  d.add_transition("try", {"open"}, "done").guards = {"refuses"};
  d.add_transition("go", {"open"}, "done").actions = {"throws"};
  auto wf = itsm::workflow::build(d);
  REQUIRE(wf);
  struct odd_error : std::exception {
    const char* what() const noexcept override { return "disk \xff full"; }
  };
  itsm::hooks host;
  host.guard("refuses", [](const itsm::guard_context&) -> std::optional<std::string> { return std::string("no\xc0"); });
  host.action("throws", [](const itsm::ticket&, const itsm::history_record&) { throw odd_error(); });

  auto t = itsm::ticket::create(*wf, "T1", itsm::actor{"a", {}}, at(0));
  REQUIRE(t);
  auto refused = t->fire("try", itsm::actor{"a", {}}, at(1), json::object(), {}, &host);
  CHECK(refused.code == errc::guard_failed);
  CHECK_THAT(refused.message, Catch::EndsWith("no\xef\xbf\xbd"));
  CHECK_NOTHROW(itsm::to_json(refused).dump());
  auto fired = t->fire("go", itsm::actor{"a", {}}, at(1), json::object(), {}, &host);
  CHECK(fired.ok());
  REQUIRE(fired.action_errors.size() == 1);
  CHECK(fired.action_errors[0] == "throws: disk \xef\xbf\xbd full");
  CHECK_NOTHROW(itsm::to_json(fired).dump());
  CHECK(t->state() == "done");
  check_writable(*t);
}

TEST_CASE("restore and replay of values built in memory name the bad string's path") {
  itsm::ticket t = incident();
  REQUIRE(t.fire("start", desk, at(1), json::object(), "fine").ok());
  json snap = t.snapshot();
  snap["history"][1]["comment"] = bad;
  auto restored = itsm::ticket::restore(t.definition_ptr(), snap);
  REQUIRE(!restored);
  CHECK(restored.error_value().code == errc::invalid_argument);
  CHECK(restored.error_value().message == "snapshot.history[1].comment: not valid UTF-8 (byte 2)");
  auto replayed = itsm::ticket::replay(t.definition_ptr(), "INC1", snap);
  REQUIRE(!replayed);
  CHECK(replayed.error_value().message == "history.history[1].comment: not valid UTF-8 (byte 2)");
  CHECK(itsm::ticket::restore(t.definition_ptr(), t.snapshot()));
  CHECK(itsm::ticket::restore(t.definition_ptr(), t.snapshot().dump()));
}

TEST_CASE("definitions built in C++ or as JSON values: workflows, calendars, SLAs, schedules") {
  itsm::workflow_definition d;
  d.name = "w";
  d.add_state("open", itsm::state_category::open).initial = true;
  d.add_state("do\xffne", itsm::state_category::resolved).terminal = true;
  d.add_transition("finish", {"open"}, "do\xffne");
  auto wf = itsm::workflow::build(d);
  REQUIRE(!wf);
  CHECK(wf.error_value().code == errc::invalid_definition);
  CHECK_THAT(wf.error_value().message, Catch::Contains("definition.states[1].id: not valid UTF-8 (byte 2)"));
  auto problems = itsm::workflow::check(d);
  REQUIRE(problems.size() == 1);  // nothing else repeats the bad bytes
  d.states[1].id = "done";
  d.transitions[0].to = "done";
  d.transitions[0].roles = {"agent", bad};
  CHECK_THAT(itsm::workflow::build(d).error_value().message,
             Catch::Contains("definition.transitions[0].roles[1]: not valid UTF-8 (byte 2)"));
  d.transitions[0].roles = {"agent"};
  d.meta = json{{"vendor", json::array({bad})}};
  CHECK_THAT(itsm::workflow::build(d).error_value().message,
             Catch::Contains("definition.meta.vendor[0]: not valid UTF-8 (byte 2)"));
  d.meta = json{{"vendor", json::array({"fine"})}};
  CHECK(itsm::workflow::build(d));

  json wj = (*itsm::builtin_workflow("incident"))->to_json();
  wj["title"] = bad;
  auto parsed = itsm::workflow::from_json(wj);
  REQUIRE(!parsed);
  CHECK(parsed.error_value().message == "workflow.title: not valid UTF-8 (byte 2)");

  auto cal = itsm::calendar::from_json(json{{"week", {{"mon", {{"08:00", "17:00"}}}}}, {"timezone", bad}});
  REQUIRE(!cal);
  CHECK(cal.error_value().message == "calendar.timezone: not valid UTF-8 (byte 2)");
  auto sla = itsm::sla_definition::from_json(json{{"name", bad}, {"targets", {{"P1", 3600}}}});
  REQUIRE(!sla);
  CHECK(sla.error_value().message == "sla.name: not valid UTF-8 (byte 2)");
  auto sched = itsm::change_schedule::from_json(json{{"overlaps", bad}});
  REQUIRE(!sched);
  CHECK(sched.error_value().message == "schedule.overlaps: not valid UTF-8 (byte 2)");
  itsm::change_freeze freeze;
  freeze.name = bad;
  freeze.start = at(0);
  freeze.end = at(60);
  auto made = itsm::change_schedule::create({freeze});
  REQUIRE(!made);
  CHECK(made.error_value().message == "freezes[0].name: not valid UTF-8 (byte 2)");
}

}  // namespace utf8_test
