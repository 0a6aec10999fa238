// The C ABI of SLA definitions: loading and evaluating a history given as JSON. The SLA of a
// ticket (itsm_ticket_sla) is with the tickets.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "internal.hpp"
#include "itsm/sla.hpp"

static_assert(static_cast<int>(itsm::sla_state::cancelled) == ITSM_SLA_CANCELLED &&
                  static_cast<int>(itsm::sla_state::breached_met) == ITSM_SLA_BREACHED_MET &&
                  static_cast<int>(itsm::sla_state::not_started) == ITSM_SLA_NOT_STARTED,
              "itsm_sla_state mirrors itsm::sla_state");

using namespace itsm::c_api;

extern "C" {

int itsm_sla_from_json(itsm_sla** out, const char* json_text, size_t len) {
  return new_from_json(out, json_text, len, [](std::string_view text) { return itsm::sla_definition::from_json(text); });
}

void itsm_sla_free(itsm_sla* sla) { release(sla, "sla"); }

int itsm_sla_evaluate_json(const itsm_sla* sla, const char* history_json, size_t len, int64_t now, char** out) {
  return guarded([&] {
    if (!live(sla)) return bad_handle(sla, "sla");
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    if (!history_json) return set_error(ITSM_ENULL, "history_json: NULL");
    auto history = itsm::detail::with_json_text(std::string_view(history_json, len), "history_json",
                                                [](const json& parsed) { return itsm::sla_history_from_json(parsed); });
    if (!history) return from_error(history.error_value());
    auto status = itsm::evaluate(sla->value, *history, instant(now));
    if (!status) return from_error(status.error_value());
    return give_text(dump_of([&] { return itsm::to_json(*status); }), out);
  });
}

}  // extern "C"
