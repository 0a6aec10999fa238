// The C ABI of event logs: the event store (itsm/event.hpp), its service report (report.hpp) and
// its compliance audit (audit.hpp), as itsmctl replay, report and audit compute them.

#include <cstddef>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "internal.hpp"
#include "itsm/audit.hpp"
#include "itsm/event.hpp"
#include "itsm/json.hpp"
#include "itsm/report.hpp"

using namespace itsm::c_api;

namespace {

/// What a report or audit is asked for: the policy, the instant, the format, and whether a
/// refused event or a skipped line is an error (itsmctl's --strict).
struct report_options {
  itsm::sla_policy policy = itsm::sla_policy::builtin();
  std::optional<itsm::sys_seconds> now;
  itsm::report_format format = itsm::report_format::json;
  bool strict = false;
};

/// Reads the options object (NULL: the defaults); a key the call does not take, or a bad value,
/// is an error naming it.
itsm::result<report_options> read_options(const char* options_json, bool calendar_allowed) {
  report_options o;
  if (!options_json) return o;
  auto parsed = itsm::parse_json(options_json, "options");
  if (!parsed) return parsed.error_value();
  itsm::json_release_guard parsed_guard(*parsed);  // freeing it must not allocate
  const json& j = *parsed;
  if (!j.is_object()) {
    return itsm::error{itsm::errc::invalid_argument, std::string("options: expected a JSON object, got ") + j.type_name()};
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key != "policy" && key != "now" && key != "format" && key != "strict" &&
        !(calendar_allowed && key == "calendar")) {
      return itsm::error{itsm::errc::invalid_argument,
                         "options: unknown key '" + key + "' (allowed: policy, " +
                             (calendar_allowed ? "calendar, " : "") + "now, format, strict)"};
    }
  }
  if (j.contains("policy")) {
    auto p = itsm::sla_policy::from_json(j["policy"]);
    if (!p) return p.error_value();
    o.policy = std::move(*p);
  }
  if (j.contains("calendar")) {
    auto p = o.policy.with_calendar(j["calendar"]);
    if (!p) return p.error_value();
    o.policy = std::move(*p);
  }
  if (j.contains("now")) {
    if (!j["now"].is_string()) return itsm::error{itsm::errc::invalid_argument, "options.now: expected an RFC 3339 string"};
    auto now = itsm::parse_utc(j["now"].get<std::string>(), "options.now");
    if (!now) return now.error_value();
    o.now = *now;
  }
  if (j.contains("format")) {
    if (!j["format"].is_string()) return itsm::error{itsm::errc::invalid_argument, "options.format: expected a string"};
    auto f = itsm::parse_report_format(j["format"].get<std::string>());
    if (!f) return itsm::error{f.error_value().code, "options." + f.error_value().message};
    o.format = *f;
  }
  if (j.contains("strict")) {
    if (!j["strict"].is_boolean()) return itsm::error{itsm::errc::invalid_argument, "options.strict: expected true or false"};
    o.strict = j["strict"].get<bool>();
  }
  return o;
}

/// Checks what a report or audit needs before it measures: the policy's processes are workflows
/// of the store (a misspelt one would measure nothing), and with "strict" nothing was refused or
/// skipped. ITSM_OK, or the error set.
int check_before_measuring(const itsm_event_store& store, const report_options& o) {
  if (auto known = itsm::check_policy_processes(o.policy, store.value); !known) return from_error(known.error_value());
  if (o.strict) {
    if (const std::string why = store.value.quality().strict_failure(); !why.empty()) {
      return set_error(ITSM_EINVAL, "options.strict: " + why);
    }
  }
  return ITSM_OK;
}

}  // namespace

extern "C" {

int itsm_event_store_new(itsm_event_store** out) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    *out = new itsm_event_store();
    return set_ok();
  });
}

void itsm_event_store_free(itsm_event_store* store) { release(store, "store"); }

int itsm_event_store_add_workflow(itsm_event_store* store, const itsm_workflow* wf) {
  return guarded([&] {
    if (!live(store)) return bad_handle(store, "store");
    if (!live(wf)) return bad_handle(wf, "wf");
    store->value.add_workflow(wf->value);
    return set_ok();
  });
}

int itsm_event_store_use_schedule(itsm_event_store* store, const itsm_change_schedule* schedule) {
  return guarded([&] {
    if (!live(store)) return bad_handle(store, "store");
    if (!live(schedule)) return bad_handle(schedule, "schedule");
    store->value.use_schedule(schedule->value);
    return set_ok();
  });
}

int itsm_event_store_apply(itsm_event_store* store, const char* line, size_t len, size_t line_no, char** outcome) {
  return guarded([&] {
    if (!live(store)) return bad_handle(store, "store");
    if (outcome) *outcome = nullptr;
    if (!line) return set_error(ITSM_ENULL, "line: NULL");
    const itsm::event_outcome e = store->value.apply(std::string_view(line, len), line_no);
    // The store has changed (the line applied, or its refusal is recorded): from here on, running
    // out of memory loses words of the answer, never the code (set_answer_lost).
    const int code = static_cast<int>(e.result.code);
    try {
      const std::string answer = dump_of([&] { return itsm::to_json(e); });
      if (outcome) {
        char* text = c_text(answer);
        if (!text) return set_answer_lost(code);
        *outcome = text;
      }
      if (e.ok()) return set_ok();
      return record_kept(code, e.result.message, answer);
    } catch (...) {
      return set_answer_lost(code);
    }
  });
}

int itsm_event_store_read(itsm_event_store* store, const char* log, size_t len, const char* source,
                          const char* options_json, char** quality) {
  return guarded([&] {
    if (!live(store)) return bad_handle(store, "store");
    if (quality) *quality = nullptr;
    if (!log && len > 0) return set_error(ITSM_ENULL, "log: NULL");
    std::string_view name;
    if (const int code = need_text(source, "source", &name); code != ITSM_OK) return code;
    itsm::read_options options;
    if (options_json) {
      auto parsed = itsm::parse_json(options_json, "options");
      if (!parsed) return from_error(parsed.error_value());
      itsm::json_release_guard parsed_guard(*parsed);
      auto o = itsm::read_options::from_json(*parsed);
      if (!o) return from_error(o.error_value());
      options = std::move(*o);
    }
    std::istringstream in(std::string(log ? log : "", len));
    // The answer is made before the read commits: running out of memory anywhere until then
    // leaves the store as it was (ITSM_ENOMEM changes nothing).
    itsm::detail::read_transaction transaction(store->value);
    auto read = itsm::detail::read_events_from(store->value, in, std::string(name), options, {}, 0, &transaction);
    if (!read) return from_error(read.error_value());
    char* text = nullptr;
    if (quality) {
      const std::string answer = dump_of([&] { return read->to_json(); });
      text = c_text(answer);
      if (!text) throw std::bad_alloc();
    }
    transaction.commit();
    if (quality) *quality = text;
    return set_ok();
  });
}

int itsm_event_store_counts(const itsm_event_store* store, size_t* tickets, size_t* events, size_t* applied,
                            size_t* refused) {
  return guarded([&] {
    if (!live(store)) return bad_handle(store, "store");
    const auto& c = store->value.counts();
    if (tickets) *tickets = store->value.tickets().size();
    if (events) *events = c.events;
    if (applied) *applied = c.applied;
    if (refused) *refused = c.refused;
    return set_ok();
  });
}

int itsm_event_store_refusals(const itsm_event_store* store, char** out) {
  return text_out(store, "store", out, [](const itsm_event_store& s) {
    std::string lines;
    for (const auto& r : s.value.refusals()) lines += dump_of([&] { return itsm::to_json(r); }) + "\n";
    return lines;
  });
}

int itsm_event_store_ticket(const itsm_event_store* store, const char* id, itsm_ticket** out) {
  return guarded([&] {
    if (!live(store)) return bad_handle(store, "store");
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    std::string_view name;
    if (const int code = need_text(id, "id", &name); code != ITSM_OK) return code;
    const itsm::ticket* t = store->value.find(name);
    if (!t) return set_error(ITSM_ENOT_FOUND, "id: no ticket '" + std::string(name) + "' in the store");
    *out = new itsm_ticket(*t);
    return set_ok();
  });
}

int itsm_event_store_report(const itsm_event_store* store, const char* options_json, char** out) {
  return guarded([&] {
    if (!live(store)) return bad_handle(store, "store");
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    auto o = read_options(options_json, true);
    if (!o) return from_error(o.error_value());
    if (const int code = check_before_measuring(*store, *o); code != ITSM_OK) return code;
    return give_text(itsm::make_report(store->value, o->policy, o->now).render(o->format), out);
  });
}

int itsm_event_store_audit(const itsm_event_store* store, const char* options_json, const char* chain,
                           size_t chain_len, const char* chain_name, char** out) {
  return guarded([&] {
    if (!live(store)) return bad_handle(store, "store");
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    std::string_view name;
    if (chain) {
      if (const int code = need_text(chain_name, "chain_name", &name); code != ITSM_OK) return code;
    }
    auto o = read_options(options_json, false);
    if (!o) return from_error(o.error_value());
    if (const int code = check_before_measuring(*store, *o); code != ITSM_OK) return code;
    auto audit = itsm::make_audit(store->value, o->policy, o->now);
    if (chain) audit.check_chain(std::string_view(chain, chain_len), std::string(name), store->value);
    return give_text(audit.render(o->format), out);
  });
}

}  // extern "C"
