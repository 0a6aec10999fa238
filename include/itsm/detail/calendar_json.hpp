#pragma once
// The calendar's JSON form (docs/calendars.md, "The calendar object"), parsed strictly: an unknown key, a
// bad time, overlapping intervals or an unknown zone is an error that names the field.

#include <string>

#include "itsm/detail/json_util.hpp"
#include "itsm/detail/timeline.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

inline constexpr const char* weekday_keys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

inline int parse_weekday(const json& j, const std::string& field) {
  const std::string& s = need_string(j, field);
  for (int i = 0; i < 7; ++i)
    if (s == weekday_keys[i]) return i;
  fail(errc::invalid_argument,
       field + ": unknown weekday '" + s + "' (expected mon, tue, wed, thu, fri, sat or sun)");
}

/// `[["08:00","12:00"], ...]`: sorted by open, checked for overlaps and empty intervals.
inline std::vector<day_interval> parse_intervals(const json& j, const std::string& field) {
  if (!j.is_array()) wrong_type(field, "an array of [open, close] pairs", j);
  need_at_most(j.size(), limits_now().intervals_per_day, "intervals_per_day", field, "intervals");
  std::vector<day_interval> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string f = field + "[" + std::to_string(i) + "]";
    const json& pair = j[i];
    if (!pair.is_array() || pair.size() != 2) wrong_type(f, "an [open, close] pair of times", pair);
    day_interval iv;
    iv.open = parse_time_of_day(need_string(pair[0], f + "[0]"), f + "[0]", false);
    iv.close = parse_time_of_day(need_string(pair[1], f + "[1]"), f + "[1]", true);
    if (iv.open == iv.close) {
      fail(errc::invalid_argument, f + ": empty interval " + quoted(pair) +
                                       " (open equals close; omit the day to close it)");
    }
    if (iv.close < iv.open) iv.close += static_cast<std::int32_t>(seconds_per_day);  // overnight
    out.push_back(iv);
  }
  std::sort(out.begin(), out.end(),
            [](const day_interval& a, const day_interval& b) { return a.open < b.open; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].open < out[i - 1].close) {
      auto text = [](std::int32_t s) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%02d:%02d", (s / 3600) % 24, s / 60 % 60);
        return std::string(buf);
      };
      fail(errc::invalid_argument, field + ": intervals overlap: " + text(out[i - 1].open) + "-" +
                                       text(out[i - 1].close) + " and " + text(out[i].open) + "-" +
                                       text(out[i].close));
    }
  }
  return out;
}

/// `--MM-DD` into (month, day); Feb 29 is allowed (it then falls only in leap years).
inline void parse_yearly(const std::string& s, const std::string& field, int& month, int& day) {
  if (!(s.size() == 7 && s[0] == '-' && s[1] == '-' && read_digits(s, 2, 2, month) && s[4] == '-' &&
        read_digits(s, 5, 2, day)) ||
      !date::year_month_day{date::year{2000}, date::month{unsigned(month)}, date::day{unsigned(day)}}
           .ok()) {
    fail(errc::invalid_argument,
         field + ": invalid yearly date '" + s + "' (expected --MM-DD, such as --12-25)");
  }
}

inline void parse_date_form(const std::string& s, const std::string& field, holiday_rule& r) {
  if (s.size() >= 2 && s[0] == '-' && s[1] == '-') {
    r.kind = holiday_rule::yearly;
    parse_yearly(s, field, r.month, r.day_of_month);
  } else {
    r.kind = holiday_rule::fixed_date;
    r.day = parse_date(s, field);
  }
}

/// `{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}`: whole local dates, both ends included.
inline void parse_holiday_range(const json& j, const std::string& field, holiday_rule& r) {
  only_keys(j, field, {"from", "to", "name"});
  for (const char* k : {"from", "to"}) {
    if (!j.contains(k)) {
      fail(errc::invalid_argument,
           field + ": missing key '" + k + "' (a holiday range needs from and to, both dates)");
    }
  }
  r.kind = holiday_rule::date_range;
  r.day = parse_date(need_string(j["from"], field + ".from"), field + ".from");
  r.last_day = parse_date(need_string(j["to"], field + ".to"), field + ".to");
  if (r.last_day < r.day) {
    fail(errc::invalid_argument, field + ".to: '" + format_date(r.last_day) + "' is before from '" +
                                     format_date(r.day) + "'");
  }
  const std::int64_t days = r.last_day - r.day + 1;
  if (days > max_holiday_range_days) {
    fail(errc::invalid_argument, field + ".to: " + format_date(r.day) + ".." + format_date(r.last_day) +
                                     " spans " + std::to_string(days) + " days; a holiday range spans at most " +
                                     std::to_string(max_holiday_range_days));
  }
}

inline holiday_rule parse_holiday(const json& j, const std::string& field) {
  holiday_rule r;
  if (j.is_string()) {
    parse_date_form(j.get_ref<const std::string&>(), field, r);
    return r;
  }
  if (!j.is_object()) wrong_type(field, "a date string or a holiday object", j);
  if (j.contains("name")) r.name = need_string(j["name"], field + ".name");
  if (j.contains("observed")) r.observed = need_bool(j["observed"], field + ".observed");
  if (j.contains("date")) {
    only_keys(j, field, {"date", "observed", "name"});
    parse_date_form(need_string(j["date"], field + ".date"), field + ".date", r);
  } else if (j.contains("from") || j.contains("to")) {
    parse_holiday_range(j, field, r);
  } else if (j.contains("easter")) {
    only_keys(j, field, {"easter", "observed", "name"});
    r.kind = holiday_rule::easter;
    r.easter_offset = static_cast<int>(need_integer(j["easter"], field + ".easter", -300, 300));
  } else if (j.contains("month") || j.contains("weekday") || j.contains("nth")) {
    only_keys(j, field, {"month", "weekday", "nth", "observed", "name"});
    for (const char* k : {"month", "weekday", "nth"}) {
      if (!j.contains(k)) {
        fail(errc::invalid_argument, field + ": missing key '" + k +
                                         "' (a weekday rule needs month, weekday and nth)");
      }
    }
    r.kind = holiday_rule::nth_weekday;
    r.month = static_cast<int>(need_integer(j["month"], field + ".month", 1, 12));
    r.weekday = parse_weekday(j["weekday"], field + ".weekday");
    r.nth = static_cast<int>(need_integer(j["nth"], field + ".nth", -1, 5));
    if (r.nth == 0) {
      fail(errc::invalid_argument, field + ".nth: 0 is not a position (use 1..5, or -1 for the last)");
    }
  } else {
    only_keys(j, field, {"date", "from", "to", "easter", "month", "weekday", "nth", "observed", "name"});
    fail(errc::invalid_argument,
         field + ": a holiday object needs 'date', 'from'/'to', 'easter' or 'month'/'weekday'/'nth'");
  }
  return r;
}

/// Parses and checks a calendar object; `field` is the path used in messages.
inline calendar_spec parse_calendar(const json& j, const std::string& field) {
  need_object(j, field);
  only_keys(j, field, {"timezone", "week", "holidays", "overrides"});
  calendar_spec spec;
  if (j.contains("timezone")) {
    spec.tz = zone::from_name(need_string(j["timezone"], field + ".timezone"), field + ".timezone");
  }
  if (j.contains("week")) {
    const json& week = j["week"];
    need_object(week, field + ".week");
    only_keys(week, field + ".week", {"mon", "tue", "wed", "thu", "fri", "sat", "sun"});
    for (int d = 0; d < 7; ++d) {
      if (week.contains(weekday_keys[d])) {
        spec.week[static_cast<std::size_t>(d)] =
            parse_intervals(week[weekday_keys[d]], field + ".week." + weekday_keys[d]);
      }
    }
  }
  if (j.contains("holidays")) {
    const json& hs = j["holidays"];
    if (!hs.is_array()) wrong_type(field + ".holidays", "an array", hs);
    need_at_most(hs.size(), limits_now().holidays, "holidays", field + ".holidays", "holiday rules");
    for (std::size_t i = 0; i < hs.size(); ++i)
      spec.holidays.push_back(parse_holiday(hs[i], field + ".holidays[" + std::to_string(i) + "]"));
  }
  if (j.contains("overrides")) {
    const json& os = j["overrides"];
    need_object(os, field + ".overrides");
    need_at_most(os.size(), limits_now().overrides, "overrides", field + ".overrides", "dates");
    for (auto it = os.begin(); it != os.end(); ++it) {
      const std::string f = field + ".overrides." + it.key();
      spec.overrides[parse_date(it.key(), f)] = parse_intervals(it.value(), f);
    }
  }
  return spec;
}

/// The canonical JSON form of a parsed calendar (what `calendar::to_json` returns).
inline json calendar_to_json(const calendar_spec& spec) {
  auto time_text = [](std::int32_t s) {
    char buf[16];
    const int h = s / 3600 % 24 + (s == 86400 ? 24 : 0), m = s / 60 % 60, sec = s % 60;
    if (sec) {
      std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", h, m, sec);
    } else {
      std::snprintf(buf, sizeof buf, "%02d:%02d", h, m);
    }
    return std::string(buf);
  };
  // Every value is built in a place that is released when an allocation fails, and moved (never
  // copied) into its parent (detail/json_release.hpp).
  auto intervals = [&](const std::vector<day_interval>& ivs) {
    json a = json::array();
    json_release_guard guard(a);
    a.get_ptr<json::array_t*>()->reserve(ivs.size());  // the push_backs below never reallocate
    for (const auto& iv : ivs) {
      const std::int32_t close =
          iv.close > 86400 ? iv.close - static_cast<std::int32_t>(seconds_per_day) : iv.close;
      json pair = json::array();
      json_release_guard pair_guard(pair);
      pair.push_back(time_text(iv.open));
      pair.push_back(time_text(close));
      a.push_back(std::move(pair));
    }
    guard.dismiss();
    return a;
  };
  json j = json::object();
  json_release_guard j_guard(j);
  j["timezone"] = spec.tz.name();
  json_set(j, "week", json::object());
  for (int d = 0; d < 7; ++d) json_set(j["week"], weekday_keys[d], intervals(spec.week[std::size_t(d)]));
  json_set(j, "holidays", json::array());
  json& hs = j["holidays"];
  hs.get_ptr<json::array_t*>()->reserve(spec.holidays.size());
  for (const auto& r : spec.holidays) {
    json h = json::object();
    json_release_guard h_guard(h);
    switch (r.kind) {
      case holiday_rule::fixed_date: h["date"] = format_date(r.day); break;
      case holiday_rule::yearly: {
        char buf[16];
        std::snprintf(buf, sizeof buf, "--%02d-%02d", r.month, r.day_of_month);
        h["date"] = buf;
        break;
      }
      case holiday_rule::nth_weekday:
        h["month"] = r.month;
        h["weekday"] = weekday_keys[r.weekday];
        h["nth"] = r.nth;
        break;
      case holiday_rule::easter: h["easter"] = r.easter_offset; break;
      case holiday_rule::date_range:
        h["from"] = format_date(r.day);
        h["to"] = format_date(r.last_day);
        break;
    }
    if (r.observed) h["observed"] = true;
    if (!r.name.empty()) h["name"] = r.name;
    hs.push_back(std::move(h));
  }
  json_set(j, "overrides", json::object());
  for (const auto& o : spec.overrides) json_set(j["overrides"], format_date(o.first), intervals(o.second));
  j_guard.dismiss();
  return j;
}

}  // namespace detail
}  // namespace v1
}  // namespace itsm
