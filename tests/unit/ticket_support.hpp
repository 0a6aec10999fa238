#pragma once
// What the ticket tests share: times as minutes after a fixed instant, the built-ins, and the two
// checks every test makes (a call applied; a call refused with a code, the ticket unchanged).

#include <catch2/catch.hpp>

#include <string>

#include "itsm/ticket.hpp"

namespace itsm_test {

/// `minutes` after 2026-03-02T10:00:00Z (negative: before).
inline itsm::sys_seconds at(std::int64_t minutes) {
  return itsm::sys_seconds{std::chrono::seconds{1772445600 + minutes * 60}};
}

inline itsm::workflow_ptr builtin(const char* name) {
  auto wf = itsm::builtin_workflow(name);
  REQUIRE(wf);
  return *wf;
}

inline void ok(const itsm::outcome& out) {
  INFO(out.message);
  REQUIRE(out.ok());
}

/// Every refusal must leave the ticket exactly as it was.
template <class F>
itsm::outcome refused(itsm::ticket& t, itsm::errc expected, F&& call) {
  const std::string before = t.snapshot().dump();
  itsm::outcome out = call(t);
  INFO(out.message);
  CHECK(out.code == expected);
  CHECK(t.snapshot().dump() == before);
  return out;
}

}  // namespace itsm_test
