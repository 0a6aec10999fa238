// Peer test vectors (pandas 1.5.3, zendesk biz 1.8.2) from ../shared/vectors, through the C++
// query API. Each vector carries its source; a failure names it.

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "itsm/query.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace vectors_test {

namespace {

std::int64_t instant_of(const nlohmann::json& text) {
  const auto t = itsm::detail::parse_text_time(text.get<std::string>(), "expected");
  REQUIRE(t.has_offset);
  return t.seconds;
}

// CI (.ci/run sets CI=true) always has ../shared, so there a missing file fails instead of
// skipping: a green CI means every check ran.
bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && *ci != '\0' && std::string(ci) != "0" && std::string(ci) != "false";
}

std::vector<nlohmann::json> read_vectors(const std::string& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

// 56 years keep every date's weekday inside 1901..2099 (twice the 28-year cycle, 14 leap days
// in each such span), and so every weekday, nth-weekday and observed holiday.
constexpr int shift_years = 56;
constexpr std::int64_t shift_seconds = (56LL * 365 + 14) * 86400;

/// Moves every date written in `j` (strings starting `YYYY-MM-DD`, and the `year` of a
/// holidays query) `shift_years` later.
void shift_dates(nlohmann::json& j) {
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    int y = 0;
    if (s.size() >= 10 && itsm::detail::read_digits(s, 0, 4, y) && s[4] == '-' && s[7] == '-') {
      j = std::to_string(y + shift_years) + s.substr(4);
    }
  } else if (j.is_object()) {
    for (auto& [key, value] : j.items()) {
      if (key == "year" && value.is_number_integer()) {
        value = value.get<int>() + shift_years;
      } else {
        shift_dates(value);
      }
    }
  } else if (j.is_array()) {
    for (auto& v : j) shift_dates(v);
  }
}

}  // namespace

TEST_CASE("peer vectors: every public vector through the C++ API", "[calendar][vectors]") {
  const std::string path = std::string(ITSM_SHARED_DIR) + "/vectors/public_vectors.jsonl";
  std::ifstream in(path);
  if (!in) {
    if (in_ci()) FAIL(path << " not found, and CI is set: ../shared must be beside the checkout");
    std::cout << "SKIPPED: " << path << " not found (../shared is absent beside the checkout)\n";
    return;
  }
  itsm::query_evaluator evaluator;
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto v = nlohmann::json::parse(line);
    const auto answer = evaluator.evaluate(v["query"].dump());
    INFO(v["id"].get<std::string>() << " from " << v["source"].get<std::string>() << "\n  query: "
                                    << v["query"].dump() << "\n  answer: " << answer.dump()
                                    << "\n  expected: " << v["expected"].dump());
    REQUIRE(answer.contains("result"));
    const std::string op = v["query"]["op"];
    if (op == "between") {
      CHECK(answer["result"].get<std::int64_t>() == v["expected"].get<std::int64_t>());
    } else if (op == "holidays") {
      CHECK(answer["result"] == v["expected"]);
    } else {
      CHECK(instant_of(answer["result"]) == instant_of(v["expected"]));
    }
    ++count;
  }
  CHECK(count >= 300);
}

TEST_CASE("peer vectors 56 years on, past 2038: the same answers 56 years later", "[calendar][vectors]") {
  // The peers' calendars are UTC (or Africa/Abidjan, UTC since 1912), so moving every date of a
  // case by whole 28-year cycles moves its answer by exactly as many days.
  const std::string path = std::string(ITSM_SHARED_DIR) + "/vectors/public_vectors.jsonl";
  const auto vectors = read_vectors(path);
  if (vectors.empty()) {
    if (in_ci()) FAIL(path << " not found, and CI is set: ../shared must be beside the checkout");
    std::cout << "SKIPPED: " << path << " not found (../shared is absent beside the checkout)\n";
    return;
  }
  itsm::query_evaluator evaluator;
  int count = 0;
  for (const auto& v : vectors) {
    if (v["query"]["calendar"].dump().find("easter") != std::string::npos) continue;  // moves on its own
    auto query = v["query"];
    shift_dates(query);
    const auto answer = evaluator.evaluate(query.dump());
    INFO(v["id"].get<std::string>() << " from " << v["source"].get<std::string>() << "\n  query: "
                                    << query.dump() << "\n  answer: " << answer.dump()
                                    << "\n  expected 56 years before: " << v["expected"].dump());
    REQUIRE(answer.contains("result"));
    const std::string op = query["op"];
    if (op == "between") {
      CHECK(answer["result"].get<std::int64_t>() == v["expected"].get<std::int64_t>());
    } else if (op == "holidays") {
      auto expected = v["expected"];
      shift_dates(expected);
      CHECK(answer["result"] == expected);
    } else {
      CHECK(instant_of(answer["result"]) == instant_of(v["expected"]) + shift_seconds);
    }
    ++count;
  }
  CHECK(count >= 300);
}

}  // namespace vectors_test
