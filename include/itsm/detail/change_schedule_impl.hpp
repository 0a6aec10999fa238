#pragma once
// change_schedule: reading the JSON form, the freeze and overlap checks, and the hooks.

#include <algorithm>

#include "itsm/detail/json_util.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

inline std::string describe_window(sys_seconds from, sys_seconds to) {
  return format_utc(from) + ".." + format_utc(to);
}

inline void check_freeze(const change_freeze& f, const std::string& field) {
  if (f.name.empty()) fail(errc::invalid_argument, field + ".name: a freeze needs a name");
  need_utf8(f.name, field + ".name");
  for (std::size_t i = 0; i < f.exempt_workflows.size(); ++i) {
    need_utf8(f.exempt_workflows[i], field + ".exempt[" + std::to_string(i) + "]");
  }
  if (!f.frozen_time && f.end <= f.start) {
    fail(errc::invalid_argument, field + ": the freeze '" + f.name + "' ends (" + format_utc(f.end) +
                                     ") before it starts (" + format_utc(f.start) + ")");
  }
}

}  // namespace detail

inline result<change_schedule> change_schedule::create(std::vector<change_freeze> freezes,
                                                       overlap_policy overlaps) {
  return detail::capture<change_schedule>([&] {
    for (std::size_t i = 0; i < freezes.size(); ++i) {
      detail::check_freeze(freezes[i], "freezes[" + std::to_string(i) + "]");
    }
    return change_schedule(std::move(freezes), overlaps, 0);
  });
}

inline result<change_schedule> change_schedule::from_json(const nlohmann::json& j) {
  return detail::capture<change_schedule>([&] {
    detail::need_utf8_json(j, "schedule");
    detail::need_object(j, "schedule");
    detail::only_keys(j, "schedule", {"freezes", "overlaps"});
    overlap_policy policy = overlap_policy::report;
    if (j.contains("overlaps")) {
      const auto& p = detail::need_string(j["overlaps"], "overlaps");
      if (p == "refuse") {
        policy = overlap_policy::refuse;
      } else if (p != "report") {
        detail::fail(errc::invalid_argument, "overlaps: '" + p + "' is not one of report, refuse");
      }
    }
    std::vector<change_freeze> freezes;
    if (j.contains("freezes")) {
      const auto& list = j["freezes"];
      if (!list.is_array()) detail::wrong_type("freezes", "an array", list);
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string f = "freezes[" + std::to_string(i) + "]";
        const auto& item = list[i];
        detail::need_object(item, f);
        detail::only_keys(item, f, {"name", "start", "end", "calendar", "exempt"});
        if (!item.contains("name")) detail::fail(errc::invalid_argument, f + ".name: missing");
        change_freeze freeze;
        freeze.name = detail::need_string(item["name"], f + ".name");
        if (item.contains("calendar")) {
          if (item.contains("start") || item.contains("end")) {
            detail::fail(errc::invalid_argument,
                         f + ": give either a calendar or start and end, not both");
          }
          auto cal = calendar::from_json(item["calendar"], f + ".calendar");
          if (!cal) detail::fail(cal.error_value().code, cal.error_value().message);
          freeze.frozen_time = std::move(cal).value();
        } else {
          for (const char* k : {"start", "end"}) {
            if (!item.contains(k)) detail::fail(errc::invalid_argument, f + "." + k + ": missing");
          }
          freeze.start = detail::parse_utc_field(item["start"], f + ".start");
          freeze.end = detail::parse_utc_field(item["end"], f + ".end");
        }
        if (item.contains("exempt")) {
          const auto& ex = item["exempt"];
          if (!ex.is_array()) detail::wrong_type(f + ".exempt", "an array of workflow names", ex);
          for (std::size_t k = 0; k < ex.size(); ++k) {
            freeze.exempt_workflows.push_back(
                detail::need_string(ex[k], f + ".exempt[" + std::to_string(k) + "]"));
          }
        }
        detail::check_freeze(freeze, f);
        freezes.push_back(std::move(freeze));
      }
    }
    return change_schedule(std::move(freezes), policy, 0);
  });
}

inline result<change_schedule> change_schedule::parse(std::string_view text) {
  return detail::capture<change_schedule>([&] {
    auto made = detail::with_json_text(text, "schedule", [](const nlohmann::json& doc) { return from_json(doc); });
    if (!made) detail::fail(made.error_value().code, made.error_value().message);
    return std::move(made).value();
  });
}

inline result<planned_change> change_schedule::plan_of(const std::string& ticket_id,
                                                       const std::string& workflow_name,
                                                       const nlohmann::json& fields) {
  return detail::capture<planned_change>([&] {
    planned_change plan;
    plan.ticket = ticket_id;
    plan.workflow = workflow_name;
    for (const char* k : {"planned_start", "planned_end"}) {
      if (!detail::is_present(detail::find_field(fields, k))) {
        detail::fail(errc::missing_fields, std::string(k) + ": missing (the planned window needs it)");
      }
    }
    plan.start = detail::parse_utc_field(fields["planned_start"], "planned_start");
    plan.end = detail::parse_utc_field(fields["planned_end"], "planned_end");
    if (plan.end <= plan.start) {
      detail::fail(errc::invalid_argument, "planned_end: " + detail::format_utc(plan.end) +
                                               " is not after planned_start " +
                                               detail::format_utc(plan.start));
    }
    if (const auto* ci = detail::find_field(fields, "configuration_item"); detail::is_present(ci)) {
      plan.configuration_item = detail::need_string(*ci, "configuration_item");
    }
    return plan;
  });
}

inline std::vector<schedule_conflict> change_schedule::freeze_conflicts(const state& s,
                                                                        const planned_change& plan) {
  std::vector<schedule_conflict> out;
  const std::string window = detail::describe_window(plan.start, plan.end);
  for (const auto& f : s.freezes) {
    if (std::find(f.exempt_workflows.begin(), f.exempt_workflows.end(), plan.workflow) !=
        f.exempt_workflows.end()) {
      continue;
    }
    schedule_conflict c;
    c.what = schedule_conflict::kind::freeze;
    c.with = f.name;
    if (!f.frozen_time) {
      if (plan.start >= f.end || f.start >= plan.end) continue;
      c.from = std::max(plan.start, f.start);
      c.to = std::min(plan.end, f.end);
      c.message = "the planned window " + window + " meets the change freeze '" + f.name + "' (" +
                  detail::describe_window(f.start, f.end) + ")";
      out.push_back(std::move(c));
      continue;
    }
    // A recurring freeze: frozen time is the calendar's working time. A window the calendar
    // cannot answer for (outside its years, no working time at all) is refused, not waved on.
    const calendar& cal = *f.frozen_time;
    const auto frozen = cal.between(plan.start, plan.end);
    if (!frozen) {
      c.from = plan.start;
      c.to = plan.end;
      c.message = "the planned window " + window + " cannot be checked against the change freeze '" +
                  f.name + "': " + frozen.error_value().message;
      out.push_back(std::move(c));
      continue;
    }
    if (frozen.value().count() <= 0) continue;
    const auto first = cal.next_open(plan.start);
    const auto first_end = first ? cal.next_close(first.value()) : first;
    c.from = first ? first.value() : plan.start;
    c.to = first_end ? std::min(plan.end, first_end.value()) : plan.end;
    c.message = "the planned window " + window + " meets the change freeze '" + f.name + "' (frozen " +
                detail::describe_window(c.from, c.to) + ")";
    out.push_back(std::move(c));
  }
  return out;
}

inline std::vector<schedule_conflict> change_schedule::overlaps_with(
    const std::vector<planned_change>& booked, const planned_change& plan) {
  std::vector<schedule_conflict> out;
  if (plan.configuration_item.empty()) return out;
  for (const auto& other : booked) {
    if (other.ticket == plan.ticket || other.configuration_item != plan.configuration_item) continue;
    if (plan.start >= other.end || other.start >= plan.end) continue;
    schedule_conflict c;
    c.what = schedule_conflict::kind::overlap;
    c.with = other.ticket;
    c.from = std::max(plan.start, other.start);
    c.to = std::min(plan.end, other.end);
    c.message = "the planned window " + detail::describe_window(plan.start, plan.end) + " overlaps change " +
                other.ticket + " (" + detail::describe_window(other.start, other.end) +
                ") on configuration item '" + plan.configuration_item + "'";
    out.push_back(std::move(c));
  }
  return out;
}

inline std::vector<schedule_conflict> change_schedule::check(const planned_change& plan) const {
  auto out = freeze_conflicts(*shared_, plan);
  std::lock_guard<std::mutex> lock(shared_->mutex);
  auto overlaps = overlaps_with(shared_->booked, plan);
  out.insert(out.end(), std::make_move_iterator(overlaps.begin()), std::make_move_iterator(overlaps.end()));
  return out;
}

inline std::vector<schedule_conflict> change_schedule::book(planned_change plan) {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  auto& booked = shared_->booked;
  auto overlaps = overlaps_with(booked, plan);
  auto it = std::find_if(booked.begin(), booked.end(),
                         [&](const planned_change& p) { return p.ticket == plan.ticket; });
  if (it != booked.end()) {
    *it = std::move(plan);
  } else {
    booked.push_back(std::move(plan));
  }
  return overlaps;
}

inline bool change_schedule::release(std::string_view ticket_id) {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  auto& booked = shared_->booked;
  auto it = std::find_if(booked.begin(), booked.end(),
                         [&](const planned_change& p) { return p.ticket == ticket_id; });
  if (it == booked.end()) return false;
  booked.erase(it);
  return true;
}

inline std::vector<planned_change> change_schedule::bookings() const {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  return shared_->booked;
}

namespace detail {
/// What an event store's read needs to undo the bookings its actions made.
struct change_schedule_access {
  /// Swaps the schedule's bookings with `booked`: with the list `bookings()` gave earlier, the
  /// bookings are as they were then. Allocates nothing.
  static void swap_bookings(const change_schedule& schedule, std::vector<planned_change>& booked) noexcept {
    std::lock_guard<std::mutex> lock(schedule.shared_->mutex);
    schedule.shared_->booked.swap(booked);
  }
};
}  // namespace detail

inline void change_schedule::install(hooks& host) const {
  // The hooks hold a schedule (a shared handle), not a pointer to this object.
  change_schedule schedule = *this;
  host.guard("change_schedule_clear", [schedule](const guard_context& g) -> std::optional<std::string> {
    auto plan = plan_of(g.subject.id(), g.subject.definition().name(), g.fields_after);
    // Out of memory is no verdict on the window: it goes up as such (the fire answers it).
    if (!plan && plan.error_value().code == errc::out_of_memory) throw std::bad_alloc();
    if (!plan) return plan.error_value().message;
    const auto conflicts = schedule.check(plan.value());
    const bool refuse_overlaps = schedule.overlaps() == overlap_policy::refuse;
    std::vector<const schedule_conflict*> refusing;
    for (const auto& c : conflicts) {
      if (c.what == schedule_conflict::kind::freeze || refuse_overlaps) refusing.push_back(&c);
    }
    if (refusing.empty()) return std::nullopt;
    std::string why = refusing.front()->message;
    if (refusing.size() > 1) why += " (and " + std::to_string(refusing.size() - 1) + " more)";
    return why;
  });
  host.action("change_schedule_book", [schedule](const ticket& t, const history_record&) mutable {
    auto plan = plan_of(t);
    if (!plan && plan.error_value().code == errc::out_of_memory) throw std::bad_alloc();  // an action error, not a silent skip
    if (plan) schedule.book(std::move(plan).value());
  });
  host.action("change_schedule_release", [schedule](const ticket& t, const history_record&) mutable {
    schedule.release(t.id());
  });
}

}  // namespace v1
}  // namespace itsm
