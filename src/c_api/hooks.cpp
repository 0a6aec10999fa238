// The C ABI of hooks (host guards and actions called by ticket operations) and of change
// schedules, which install themselves as hooks.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "internal.hpp"
#include "itsm/change_schedule.hpp"

namespace itsm::c_api {
namespace {
/// The handle of the ticket a callback is about: the ticket whose C call is running on this
/// thread (a hook only runs inside one), or NULL for a ticket not reached through the C ABI.
const itsm_ticket* handle_of(const itsm::ticket& t) {
  const itsm_ticket* running = slot().running_ticket;
  return running && &running->value == &t ? running : nullptr;
}
}  // namespace
}  // namespace itsm::c_api

using namespace itsm::c_api;

extern "C" {

int itsm_hooks_new(itsm_hooks** out) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = new itsm_hooks();
    return set_ok();
  });
}

void itsm_hooks_free(itsm_hooks* hooks) { release(hooks, "hooks"); }

int itsm_hooks_add_guard(itsm_hooks* hooks, const char* name, itsm_guard_fn fn, void* payload) {
  return guarded([&] {
    if (!live(hooks)) return bad_handle(hooks, "hooks");
    if (int code = need_text(name, "name"); code != ITSM_OK) return code;
    if (!fn) return set_error(ITSM_ENULL, "fn: NULL guard");
    const std::string guard_name = name;
    hooks->value.guard(name, [fn, payload, guard_name](const itsm::guard_context& g) -> std::optional<std::string> {
      const std::string fields = g.fields_after.dump();
      const itsm_guard_call call{handle_of(g.subject), g.transition.id.c_str(), g.who.name.c_str(),
                                 g.at.time_since_epoch().count(), fields.c_str()};
      char reason[512] = {0};
      if (fn(payload, &call, reason, sizeof reason) == 0) return std::nullopt;
      reason[sizeof reason - 1] = '\0';
      std::string why = reason;
      if (why.empty() || !valid_utf8(why.c_str())) why = "refused by the host guard " + guard_name;
      return why;
    });
    return set_ok();
  });
}

int itsm_hooks_add_action(itsm_hooks* hooks, const char* name, itsm_action_fn fn, void* payload) {
  return guarded([&] {
    if (!live(hooks)) return bad_handle(hooks, "hooks");
    if (int code = need_text(name, "name"); code != ITSM_OK) return code;
    if (!fn) return set_error(ITSM_ENULL, "fn: NULL action");
    hooks->value.action(name, [fn, payload](const itsm::ticket& t, const itsm::history_record& r) {
      const std::string record_json = dump_of([&] { return t.record_to_json(r); });
      const int rc = fn(payload, handle_of(t), record_json.c_str());
      // The engine reports an action that throws in the outcome's action_errors.
      if (rc != 0) throw std::runtime_error("returned " + std::to_string(rc));
    });
    return set_ok();
  });
}

/* --- change schedules ----------------------------------------------------------------------- */

int itsm_change_schedule_from_json(itsm_change_schedule** out, const char* json_text, size_t len) {
  return new_from_json(out, json_text, len, [](std::string_view text) { return itsm::change_schedule::parse(text); });
}

void itsm_change_schedule_free(itsm_change_schedule* schedule) { release(schedule, "schedule"); }

int itsm_change_schedule_install(const itsm_change_schedule* schedule, itsm_hooks* hooks) {
  return guarded([&] {
    if (!live(schedule)) return bad_handle(schedule, "schedule");
    if (!live(hooks)) return bad_handle(hooks, "hooks");
    schedule->value.install(hooks->value);
    return set_ok();
  });
}

int itsm_change_schedule_bookings(const itsm_change_schedule* schedule, char** out) {
  return text_out(schedule, "schedule", out, [](const itsm_change_schedule& s) {
    json list = json::array();
    itsm::detail::json_release_guard guard(list);
    const auto& bookings = s.value.bookings();
    list.get_ptr<json::array_t*>()->reserve(bookings.size());  // the push_backs never reallocate
    for (const auto& b : bookings) {
      json one = json::object();
      itsm::detail::json_release_guard one_guard(one);
      one["ticket"] = b.ticket;
      one["workflow"] = b.workflow;
      one["configuration_item"] = b.configuration_item;
      one["start"] = itsm::detail::format_utc(b.start);
      one["end"] = itsm::detail::format_utc(b.end);
      list.push_back(std::move(one));
    }
    return list.dump();
  });
}

}  // extern "C"
