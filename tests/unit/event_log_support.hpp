#pragma once
// A synthetic event log for the report and audit tests, and the ticket a line names.

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "itsm/time.hpp"

namespace event_log_support {

using nlohmann::json;

inline std::string utc(std::int64_t t) { return itsm::format_utc(itsm::sys_seconds{std::chrono::seconds{t}}); }

/// A synthetic log: incidents (holds, reopenings, cancellations, missing resolution codes, a
/// refused role), normal changes (approved, one approval short, vetoed, an implementer approving
/// his own change) and stray lines (not JSON, unknown tickets), in time order.
inline std::vector<std::string> synthetic_log(std::uint64_t seed, int incidents, int changes) {
  std::mt19937_64 rng(seed);
  auto below = [&](std::uint64_t n) { return static_cast<std::int64_t>(rng() % n); };
  std::vector<std::pair<std::int64_t, std::string>> lines;  // (time, line)
  const std::int64_t start = 1772445600;                    // 2026-03-02T10:00Z, a Monday
  auto emit = [&](std::int64_t at, json e) {
    e["at"] = utc(at);
    lines.emplace_back(at, e.dump());
  };
  for (int i = 0; i < incidents; ++i) {
    const std::string id = "INC" + std::to_string(1000 + i);
    std::int64_t t = start + below(30 * 86400);
    emit(t, {{"ticket", id}, {"workflow", "incident"}, {"create", true}, {"actor", "caller" + std::to_string(i % 7)},
             {"fields", {{"caller", "c"}, {"impact", 1 + below(3)}, {"urgency", 1 + below(3)}}}});
    auto fire = [&](const char* tr, json fields = json::object(), const char* role = "service_desk") {
      t += 60 + below(8 * 3600);
      emit(t, {{"ticket", id}, {"transition", tr}, {"actor", "sam"}, {"roles", {role}}, {"fields", fields}});
    };
    if (below(20) == 0) {
      fire("cancel", {{"cancel_reason", "duplicate"}});
      continue;
    }
    fire("start");
    if (below(4) == 0) {
      fire("hold", {{"hold_reason", "awaiting_caller"}});
      fire("start");
    }
    if (below(10) == 0) fire("resolve", {{"resolution_code", "x"}, {"resolution_notes", "y"}}, "caller");  // refused
    if (below(3) == 0) continue;                                                                            // stays open
    fire("resolve", {{"resolution_code", "solved_remotely"}, {"resolution_notes", "fixed"}}, "support");
    if (below(8) == 0) {
      fire("reopen", json::object(), "caller");
      fire("resolve", {{"resolution_code", "solved_remotely"}, {"resolution_notes", "again"}}, "support");
    }
    if (below(2) == 0) fire("close", below(5) == 0 ? json{{"resolution_code", nullptr}} : json::object(), "caller");
  }
  for (int i = 0; i < changes; ++i) {
    const std::string id = "CHG" + std::to_string(1000 + i);
    std::int64_t t = start + below(30 * 86400);
    auto event = [&](json e) {
      t += 60 + below(4 * 3600);
      e["ticket"] = id;
      emit(t, std::move(e));
    };
    event({{"workflow", "change_normal"}, {"create", true}, {"actor", "rita"},
           {"fields", {{"requested_by", "rita"}, {"implementer", "ivan"}, {"short_description", "patch"}}}});
    event({{"transition", "submit"}, {"actor", "rita"}, {"roles", {"requester"}}});
    event({{"transition", "request_authorization"}, {"actor", "alex"}, {"roles", {"assessor"}},
           {"fields", {{"planned_start", utc(t + 86400)}, {"planned_end", utc(t + 90000)}, {"backout_plan", "b"},
                       {"risk", "low"}}}});
    if (below(4) == 0) event({{"approve", true}, {"actor", "ivan"}, {"roles", {"cab"}}});  // his own change
    if (below(6) == 0) {
      event({{"reject", true}, {"actor", "bea"}, {"roles", {"cab"}}, {"fields", {{"rejection_reason", "risk"}}}});
      continue;
    }
    event({{"approve", true}, {"actor", "bea"}, {"roles", {"cab"}}});
    if (below(5) != 0) event({{"approve", true}, {"actor", "carl"}, {"roles", {"cab"}}});
    event({{"transition", "implement"}, {"actor", "ivan"}, {"roles", {"implementer"}}});
  }
  std::stable_sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& [at, line] : lines) out.push_back(std::move(line));
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(out.size() / 2), "not json at all");
  out.push_back(R"({"ticket": "INC999999", "at": "2026-04-30T00:00:00Z", "transition": "start"})");
  return out;
}

/// The ticket a line names ("" for one that names none).
inline std::string ticket_of(const std::string& line) {
  const auto j = json::parse(line, nullptr, false);
  return j.is_object() && j.contains("ticket") && j["ticket"].is_string() ? j["ticket"].get<std::string>() : "";
}

}  // namespace event_log_support
