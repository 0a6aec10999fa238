// Error codes: one table names and describes every code (to_string, describe and the C ABI's
// itsm_strerror read it), and any value that is no code, however far out, gets a fixed answer.

#include <catch2/catch.hpp>

#include <climits>
#include <set>
#include <string>

#include "itsm/itsm.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace error_test {

using itsm::errc;

TEST_CASE("every code has its row: a unique name and a description") {
  std::set<std::string> names;
  for (const auto& e : itsm::errc_entries) {
    CAPTURE(static_cast<int>(e.code));
    CHECK(itsm::entry_of(e.code) == &e);
    CHECK(itsm::to_string(e.code) == std::string(e.name));
    CHECK(itsm::describe(e.code) == std::string(e.description));
    CHECK(!std::string(e.description).empty());
    CHECK(names.insert(e.name).second);
  }
  CHECK(itsm::to_string(errc::limit_exceeded) == std::string("limit_exceeded"));
  CHECK(itsm::to_string(errc::busy) == std::string("busy"));
}

TEST_CASE("names and descriptions of a few codes, as the C ABI and Python have always said them") {
  CHECK(itsm::to_string(errc::ok) == std::string("ok"));
  CHECK(itsm::describe(errc::ok) == std::string("no error"));
  CHECK(itsm::to_string(errc::invalid_argument) == std::string("invalid_argument"));
  CHECK(itsm::describe(errc::invalid_argument) == std::string("invalid argument"));
  CHECK(itsm::describe(errc::not_allowed_from_state) == std::string("transition not allowed from the current state"));
  CHECK(itsm::describe(errc::tampered) == std::string("tampered history"));
}

TEST_CASE("a value that is no code: unknown, without reading outside the table") {
  for (const int v : {1, 12345, -24, -40, INT_MAX, INT_MIN, INT_MIN + 1}) {
    CAPTURE(v);
    CHECK(itsm::entry_of(static_cast<errc>(v)) == nullptr);
    CHECK(itsm::to_string(static_cast<errc>(v)) == std::string("unknown"));
    CHECK(itsm::describe(static_cast<errc>(v)) == std::string("unknown error code"));
  }
}

}  // namespace error_test
