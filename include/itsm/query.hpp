#pragma once
/// \file
/// The query-line form of the calendar operations (what `itsmctl sla eval` reads): one JSON
/// object a line in, one answer line out, in order; a bad query is an `error` answer and never
/// stops the run.

#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "itsm/calendar.hpp"

namespace itsm {
inline namespace v1 {

/// Evaluates query lines. Keeps the most recently used calendars compiled, so a file of a
/// million queries over a few calendars parses and compiles each calendar once. Not
/// thread-safe: use one evaluator per thread.
class query_evaluator {
 public:
  explicit query_evaluator(std::size_t calendar_cache_size = 64) : cache_size_(calendar_cache_size) {}

  /// Answers one query line: `{"id": ..., "result": ...}` or `{"id": ..., "error": "..."}`.
  std::string evaluate_line(std::string_view line) {
    const auto answer = evaluate(line);
    const bool ok = answer.contains("result");
    // "id" first, as people read the lines.
    return "{\"id\":" + answer["id"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
           (ok ? ",\"result\":" : ",\"error\":") +
           answer[ok ? "result" : "error"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
           "}";
  }

  /// The same answer as a JSON value.
  nlohmann::json evaluate(std::string_view line) {
    nlohmann::json id = nullptr;
    nlohmann::json answer = nlohmann::json::object();
    auto r = detail::capture<nlohmann::json>([&] {
      const nlohmann::json q = detail::parse_json_text(line, "query");
      if (q.is_object() && q.contains("id")) id = q["id"];
      return answer_query(q);
    });
    answer["id"] = id;
    if (r) {
      answer["result"] = *r;
    } else {
      answer["error"] = r.error_value().message;
    }
    return answer;
  }

 private:
  nlohmann::json answer_query(const nlohmann::json& q) {
    using detail::fail;
    detail::need_object(q, "query");
    detail::only_keys(q, "query", {"id", "calendar", "op", "start", "seconds", "end", "at", "days",
                                   "year", "pauses", "options"});
    if (!q.contains("op")) fail(errc::invalid_argument, "op: missing (add, between, next_open, "
                                                        "next_close, prev_close, add_working_days, holidays)");
    const std::string& op = detail::need_string(q["op"], "op");
    struct op_keys {
      const char* name;
      std::vector<const char*> required;
    };
    static const op_keys ops[] = {
        {"add", {"start", "seconds"}},   {"between", {"start", "end"}},
        {"next_open", {"at"}},           {"next_close", {"at"}},
        {"prev_close", {"at"}},          {"add_working_days", {"start", "days"}},
        {"holidays", {"year"}},
    };
    const op_keys* spec = nullptr;
    for (const auto& o : ops)
      if (op == o.name) spec = &o;
    if (!spec) {
      fail(errc::invalid_argument, "op: unknown operation '" + op +
                                       "' (expected add, between, next_open, next_close, "
                                       "prev_close, add_working_days or holidays)");
    }
    for (const char* k : spec->required)
      if (!q.contains(k)) fail(errc::invalid_argument, std::string(k) + ": missing (op '" + op + "' needs it)");
    for (const char* k : {"start", "seconds", "end", "at", "days", "year"}) {
      bool used = false;
      for (const char* r : spec->required) used = used || std::string_view(r) == k;
      if (q.contains(k) && !used) {
        fail(errc::invalid_argument, std::string(k) + ": does not apply to op '" + op + "'");
      }
    }
    if (!q.contains("calendar")) fail(errc::invalid_argument, "calendar: missing");
    const calendar& cal = calendar_for(q["calendar"]);

    if (op == "holidays") {
      const int year = static_cast<int>(detail::need_integer(q["year"], "year", detail::min_supported_year,
                                                              detail::max_supported_year));
      nlohmann::json list = nlohmann::json::array();
      for (const auto& d : unwrap(cal.holidays(year))) list.push_back(d.to_string());
      return list;
    }

    std::vector<pause> pauses;
    calc_options options;
    if (q.contains("options")) read_options(q["options"], options);
    if (q.contains("pauses")) pauses = read_pauses(cal, q["pauses"]);
    options.pauses = pauses;

    auto instant = [&](const char* key) {
      return sys_seconds{std::chrono::seconds{cal.parse_instant(detail::need_string(q[key], key), key)}};
    };
    auto text = [&](sys_seconds t) { return nlohmann::json(cal.format(t)); };
    constexpr std::int64_t big = std::int64_t{1} << 40;
    if (op == "add") {
      const auto secs = detail::need_integer(q["seconds"], "seconds", -big, big);
      return text(unwrap(cal.add(instant("start"), std::chrono::seconds{secs}, options)));
    }
    if (op == "between") {
      return unwrap(cal.between(instant("start"), instant("end"), options)).count();
    }
    if (op == "next_open") return text(unwrap(cal.next_open(instant("at"), options)));
    if (op == "next_close") return text(unwrap(cal.next_close(instant("at"), options)));
    if (op == "prev_close") return text(unwrap(cal.prev_close(instant("at"), options)));
    // add_working_days
    const auto days = detail::need_integer(q["days"], "days", -200000, 200000);
    return text(unwrap(cal.add_working_days(instant("start"), static_cast<int>(days), options)));
  }

  template <class T>
  static T unwrap(result<T> r) {
    if (!r) detail::fail(r.error_value().code, r.error_value().message);
    return std::move(*r);
  }

  static void read_options(const nlohmann::json& o, calc_options& options) {
    detail::need_object(o, "options");
    detail::only_keys(o, "options", {"at_close", "dst"});
    if (o.contains("at_close")) {
      options.at_close = detail::parse_at_close(
          detail::need_string(o["at_close"], "options.at_close"), "options.at_close");
    }
    if (o.contains("dst")) {
      options.dst = detail::parse_dst(detail::need_string(o["dst"], "options.dst"), "options.dst");
    }
  }

  static std::vector<pause> read_pauses(const calendar& cal, const nlohmann::json& ps) {
    if (!ps.is_array()) detail::wrong_type("pauses", "an array of [begin, end] pairs", ps);
    std::vector<pause> out;
    for (std::size_t i = 0; i < ps.size(); ++i) {
      const std::string f = "pauses[" + std::to_string(i) + "]";
      const auto& p = ps[i];
      if (!p.is_array() || p.size() != 2) detail::wrong_type(f, "a [begin, end] pair of times", p);
      const auto b = cal.parse_instant(detail::need_string(p[0], f + "[0]"), f + "[0]");
      const auto e = cal.parse_instant(detail::need_string(p[1], f + "[1]"), f + "[1]");
      if (e < b) {
        detail::fail(errc::invalid_argument, f + ": the pause ends before it starts (" +
                                                 p[1].get<std::string>() + " < " +
                                                 p[0].get<std::string>() + ")");
      }
      out.push_back({sys_seconds{std::chrono::seconds{b}}, sys_seconds{std::chrono::seconds{e}}});
    }
    return out;
  }

  const calendar& calendar_for(const nlohmann::json& j) {
    std::string key = j.dump();
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      order_.splice(order_.begin(), order_, it->second.second);
      return it->second.first;
    }
    auto loaded = calendar::from_json(j, "calendar");
    if (!loaded) detail::fail(loaded.error_value().code, loaded.error_value().message);
    if (cache_.size() >= cache_size_ && !order_.empty()) {
      cache_.erase(order_.back());
      order_.pop_back();
    }
    order_.push_front(key);
    auto inserted = cache_.emplace(std::move(key), std::make_pair(std::move(*loaded), order_.begin()));
    return inserted.first->second.first;
  }

  std::size_t cache_size_;
  std::list<std::string> order_;
  std::unordered_map<std::string, std::pair<calendar, std::list<std::string>::iterator>> cache_;
};

}  // namespace v1
}  // namespace itsm
