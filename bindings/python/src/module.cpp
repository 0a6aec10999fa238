// pybind11 module itsm._itsm: the C++ core for Python. The pure-Python package `itsm` wraps it
// (exceptions, conversions); keep this layer thin.

#include <pybind11/chrono.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <sstream>

#include "calendar_bulk.hpp"
#include "core_error.hpp"
#include "itsm/itsm.hpp"
#include "ticket_calls.hpp"

namespace py = pybind11;
using namespace itsm_python;

namespace {

itsm::calc_options options(const std::string& at_close, const std::string& dst,
                           const std::vector<itsm::pause>& pauses) {
  itsm::calc_options o;
  o.at_close = unwrap(itsm::parse_at_close_convention(at_close));
  o.dst = unwrap(itsm::parse_dst_convention(dst));
  o.pauses = pauses;
  return o;
}

std::vector<itsm::pause> to_pauses(const std::vector<std::pair<std::int64_t, std::int64_t>>& p) {
  std::vector<itsm::pause> out;
  for (const auto& [b, e] : p) out.push_back({from_epoch(b), from_epoch(e)});
  return out;
}

itsm::result<std::int64_t> seconds_of(const itsm::result<itsm::sys_seconds>& r) {
  if (!r) return r.error_value();
  return r->time_since_epoch().count();
}


/// JSON text from the package, within the library's limits (depth and size).
nlohmann::json parse_json_arg(const std::string& text, const char* what) {
  return unwrap(itsm::parse_json(text, what));
}

/// A workflow as Python holds it (pybind11 cannot hold a shared_ptr to const).
struct py_workflow {
  itsm::workflow_ptr ptr;
};

itsm::actor make_actor(const std::string& name, const std::vector<std::string>& roles, bool check_roles) {
  itsm::actor a;
  a.name = name;
  a.roles = roles;
  a.check_roles = check_roles;
  return a;
}

/// What ticket operations return to the package: the outcome as JSON text.
/// Out of memory is MemoryError, not a refusal (the ticket is unchanged). A change that committed
/// is never MemoryError: when its words cannot be built, the answer is a bare {"code":"ok"} (short
/// enough for std::string's inline buffer, so it allocates nothing).
std::string outcome_text(const itsm::outcome& o) {
  if (o.code == itsm::errc::out_of_memory) throw std::bad_alloc();
  try {
    nlohmann::json j = itsm::to_json(o);
    itsm::json_release_guard guard(j);  // freeing it must not allocate
    return j.dump();
  } catch (const std::bad_alloc&) {
    if (!o.ok()) throw;  // a refusal changed nothing
    return std::string("{\"code\":\"ok\"}");
  }
}

const itsm::hooks* hooks_of(const py_hooks* h) { return h ? &h->hooks : nullptr; }

/// kind: fire (name = transition), move_to (name = state), approve, reject, update.
std::string run_operation(itsm::ticket& t, const std::string& kind, const std::string& name, const itsm::actor& who,
                          itsm::sys_seconds at, const nlohmann::json& fields, const std::string& comment,
                          const itsm::hooks* host) {
  if (kind == "fire") return outcome_text(t.fire(name, who, at, fields, comment, host));
  if (kind == "move_to") return outcome_text(t.move_to(name, who, at, fields, comment, host));
  if (kind == "approve") return outcome_text(t.approve(who, at, comment, host));
  if (kind == "reject") return outcome_text(t.reject(who, at, fields, comment, host));
  if (kind == "update") return outcome_text(t.update(who, at, fields, comment));
  raise(itsm::error{itsm::errc::invalid_argument, "kind: unknown '" + kind + "'"});
}

}  // namespace

PYBIND11_MODULE(_itsm, m) {
  m.doc() = "itsm C++ core (use the 'itsm' package, not this module)";
  m.attr("__version__") = itsm::version.string;

  static py::exception<core_error> core_error_type(m, "CoreError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const core_error& e) {
      const py::handle type = core_error_type;
      py::object error = type(e.what());
      error.attr("code") = e.code;
      PyErr_SetObject(core_error_type.ptr(), error.ptr());
    }
  });

  // Epoch-second level API; the Python package converts datetimes.
  py::class_<itsm::calendar>(m, "Calendar")
      .def_static("from_json", [](const std::string& text) { return unwrap(itsm::calendar::from_json(text)); })
      .def("to_json", [](const itsm::calendar& c) { return c.to_json().dump(); })
      .def_property_readonly("timezone", &itsm::calendar::timezone)
      .def("offset_at", [](const itsm::calendar& c, std::int64_t t) { return c.offset_at(from_epoch(t)).count(); })
      .def("parse_time", [](const itsm::calendar& c, const std::string& text, const std::string& field) {
        return unwrap(c.parse_time(text, field)).time_since_epoch().count();
      })
      // A naive value: a wall-clock reading in seconds since 1970-01-01T00:00 on this calendar's clock.
      .def("wall_to_instant", [](const itsm::calendar& c, std::int64_t local, bool later, const std::string& field) {
        return unwrap(wall_clock(c).instant(local, later, field));
      })
      .def("add",
           [](const itsm::calendar& c, std::int64_t start, std::int64_t secs, const std::string& at_close,
              const std::string& dst, const std::vector<std::pair<std::int64_t, std::int64_t>>& pauses) {
             const auto p = to_pauses(pauses);
             return unwrap(c.add(from_epoch(start), std::chrono::seconds{secs}, options(at_close, dst, p)))
                 .time_since_epoch()
                 .count();
           })
      .def("between",
           [](const itsm::calendar& c, std::int64_t a, std::int64_t b, const std::string& at_close,
              const std::string& dst, const std::vector<std::pair<std::int64_t, std::int64_t>>& pauses) {
             const auto p = to_pauses(pauses);
             return unwrap(c.between(from_epoch(a), from_epoch(b), options(at_close, dst, p))).count();
           })
      .def("step",
           [](const itsm::calendar& c, const std::string& op, std::int64_t t, const std::string& at_close,
              const std::string& dst, const std::vector<std::pair<std::int64_t, std::int64_t>>& pauses) {
             const auto p = to_pauses(pauses);
             const auto o = options(at_close, dst, p);
             if (op == "next_open") return unwrap(c.next_open(from_epoch(t), o)).time_since_epoch().count();
             if (op == "next_close") return unwrap(c.next_close(from_epoch(t), o)).time_since_epoch().count();
             return unwrap(c.prev_close(from_epoch(t), o)).time_since_epoch().count();
           })
      .def("add_working_days",
           [](const itsm::calendar& c, std::int64_t t, int days, const std::string& at_close, const std::string& dst,
              const std::vector<std::pair<std::int64_t, std::int64_t>>& pauses) {
             const auto p = to_pauses(pauses);
             return unwrap(c.add_working_days(from_epoch(t), days, options(at_close, dst, p))).time_since_epoch().count();
           })
      .def("holidays",
           [](const itsm::calendar& c, int year) {
             std::vector<std::tuple<int, unsigned, unsigned>> out;
             for (const auto& d : unwrap(c.holidays(year))) out.emplace_back(d.year, d.month, d.day);
             return out;
           })
      .def("add_many",
           [](const itsm::calendar& c, const int64_array& starts, const int64_array& seconds, const std::string& at_close,
              const std::string& dst, bool wall_starts, bool wall_results, bool skip_nat) {
             const auto o = options(at_close, dst, {});
             return bulk(c, starts, seconds, wall_starts, false, wall_results, skip_nat,
                         [&](std::int64_t s, std::int64_t v) {
                           return seconds_of(c.add(from_epoch(s), std::chrono::seconds{v}, o));
                         });
           })
      .def("between_many",
           [](const itsm::calendar& c, const int64_array& starts, const int64_array& ends, const std::string& at_close,
              const std::string& dst, bool wall_starts, bool wall_ends, bool skip_nat) {
             const auto o = options(at_close, dst, {});
             return bulk(c, starts, ends, wall_starts, wall_ends, false, skip_nat,
                         [&](std::int64_t a, std::int64_t b) -> itsm::result<std::int64_t> {
                           auto r = c.between(from_epoch(a), from_epoch(b), o);
                           if (!r) return r.error_value();
                           return r->count();
                         });
           })
      // next_open / next_close over many times (`op` names which).
      .def("step_many",
           [](const itsm::calendar& c, const std::string& op, const int64_array& times, const std::string& at_close,
              const std::string& dst, bool wall_times, bool wall_results, bool skip_nat) {
             const auto o = options(at_close, dst, {});
             const bool open = op == "next_open";
             if (!open && op != "next_close") raise(itsm::error{itsm::errc::invalid_argument, "op: unknown '" + op + "'"});
             int64_array unused(1);  // bulk pairs each time with a value; the steps take none
             unused.mutable_at(0) = 0;
             return bulk(c, times, unused, wall_times, false, wall_results, skip_nat,
                         [&](std::int64_t t, std::int64_t) {
                           return seconds_of(open ? c.next_open(from_epoch(t), o) : c.next_close(from_epoch(t), o));
                         });
           });

  py::class_<itsm::sla_definition>(m, "SLA")
      .def_static("from_json", [](const std::string& text) { return unwrap(itsm::sla_definition::from_json(text)); })
      .def_readonly("name", &itsm::sla_definition::name)
      .def_readonly("calendar", &itsm::sla_definition::business_hours)
      .def_readonly("targets", &itsm::sla_definition::targets)
      .def("evaluate_json", [](const itsm::sla_definition& def, const std::string& history, std::int64_t now) {
        const auto parsed = parse_json_arg(history, "history");
        const auto events = unwrap(itsm::sla_history_from_json(parsed));
        return itsm::to_json(unwrap(itsm::evaluate(def, events, from_epoch(now)))).dump();
      });

  py::class_<py_workflow>(m, "Workflow")
      .def_static("from_json", [](const std::string& text) { return py_workflow{unwrap(itsm::workflow::from_json(text))}; })
      .def_static("builtin", [](const std::string& name) { return py_workflow{unwrap(itsm::builtin_workflow(name))}; })
      .def_static("builtin_names", &itsm::builtin_workflow_names)
      .def_static("check",
                  [](const std::string& text) {
                    const auto def = unwrap(itsm::workflow::parse(std::string_view(text)));
                    std::vector<std::tuple<std::string, std::string, std::string>> out;
                    for (const auto& p : itsm::workflow::check(def)) {
                      out.emplace_back(p.level == itsm::problem::severity::error ? "error" : "warning", p.where,
                                       p.message);
                    }
                    return out;
                  })
      .def_property_readonly("name", [](const py_workflow& w) { return w.ptr->name(); })
      .def_property_readonly("version", [](const py_workflow& w) { return w.ptr->version(); })
      .def("to_json", [](const py_workflow& w) { return w.ptr->to_json().dump(); })
      // The library's own built-in of that name (one shared object), not a definition loaded under its name.
      .def_property_readonly("is_builtin",
                             [](const py_workflow& w) {
                               const auto b = itsm::builtin_workflow(w.ptr->name());
                               return b && *b == w.ptr;
                             })
      .def("to_dot", [](const py_workflow& w, const std::string& current) { return w.ptr->to_dot(current); })
      .def("warnings", [](const py_workflow& w) {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& p : w.ptr->warnings()) out.emplace_back(p.where, p.message);
        return out;
      });

  py::class_<py_hooks>(m, "Hooks")
      .def(py::init<>())
      .def("guard",
           [](py_hooks& h, const std::string& name, py::function fn) {
             h.hooks.guard(name, [fn](const itsm::guard_context& c) -> std::optional<std::string> {
               return run_callback<std::optional<std::string>>(
                   [&]() -> std::optional<std::string> {
                     py::object r = fn(c.transition.id, c.who.name, c.at.time_since_epoch().count(),
                                       c.fields_after.dump());
                     if (r.is_none()) return std::nullopt;
                     return py::str(r).cast<std::string>();
                   },
                   std::string("interrupted"));
             });
           })
      .def("action", [](py_hooks& h, const std::string& name, py::function fn) {
        h.hooks.action(name, [fn](const itsm::ticket& t, const itsm::history_record& r) {
          const auto error = run_callback<std::optional<std::string>>(
              [&]() -> std::optional<std::string> {
                py::object text = fn(t.record_to_json(r).dump());
                if (text.is_none()) return std::nullopt;
                return py::str(text).cast<std::string>();
              },
              std::nullopt);
          if (error) throw std::runtime_error(*error);  // the engine lists it in the outcome
        });
      });

  py::class_<py_ticket>(m, "Ticket")
      .def_static("create",
                  [](const py_workflow& wf, const std::string& id, const std::string& actor,
                     const std::vector<std::string>& roles, bool check_roles, std::int64_t at,
                     const std::string& fields, const std::string& comment) {
                    auto f = parse_json_arg(fields, "fields");
                    itsm::json_release_guard f_guard(f);  // freeing it must not allocate
                    return py_ticket{unwrap(itsm::ticket::create(wf.ptr, id, make_actor(actor, roles, check_roles),
                                                                 from_epoch(at), f, comment))};
                  })
      .def_static("restore",
                  [](const py_workflow& wf, const std::string& snapshot) {
                    return py_ticket{unwrap(itsm::ticket::restore(wf.ptr, std::string_view(snapshot)))};
                  })
      .def_static("replay",
                  [](const py_workflow& wf, const std::string& id, const std::string& history) {
                    return py_ticket{unwrap(itsm::ticket::replay(wf.ptr, id, parse_json_arg(history, "history")))};
                  })
      .def("clone", [](const py_ticket& t) { return py_ticket{t.t}; })
      .def("apply",
           [](py_ticket& pt, const std::string& kind, const std::string& name, const std::string& actor,
              const std::vector<std::string>& roles, bool check_roles, std::int64_t at, const std::string& fields,
              const std::string& comment, const py_hooks* host) {
             const auto who = make_actor(actor, roles, check_roles);
             auto f = parse_json_arg(fields, "fields");
             itsm::json_release_guard f_guard(f);  // freeing it must not allocate
             const ticket_turn turn(pt, kind);
             callback_escape escape;
             // Callbacks may raise what is not a refusal; the ticket is then put back as it was.
             std::optional<itsm::ticket> before;
             if (host != nullptr) before = pt.t;
             std::string out = run_operation(pt.t, kind, name, who, from_epoch(at), f, comment, hooks_of(host));
             if (escape.error) {
               if (before) pt.t = std::move(*before);
               throw std::move(*escape.error);
             }
             // The state goes back with the outcome: the package reading it in a second call after
             // a committed change could meet MemoryError there (the conversions here use Python's
             // memory, not C++'s).
             return py::make_tuple(out, pt.t.state());
           },
           py::arg("kind"), py::arg("name"), py::arg("actor"), py::arg("roles"), py::arg("check_roles"), py::arg("at"),
           py::arg("fields"), py::arg("comment"), py::arg("hooks").none(true))
      .def("allowed",
           [](const py_ticket& pt, const std::string& actor, const std::vector<std::string>& roles, bool check_roles) {
             return pt.t.allowed(make_actor(actor, roles, check_roles));
           })
      .def_property_readonly("id", [](const py_ticket& pt) { return pt.t.id(); })
      .def_property_readonly("state", [](const py_ticket& pt) { return pt.t.state(); })
      .def_property_readonly("category", [](const py_ticket& pt) { return std::string(itsm::to_string(pt.t.category())); })
      .def_property_readonly("priority", [](const py_ticket& pt) { return pt.t.priority(); })
      .def_property_readonly("is_terminal", [](const py_ticket& pt) { return pt.t.is_terminal(); })
      .def_property_readonly("workflow", [](const py_ticket& pt) { return py_workflow{pt.t.definition_ptr()}; })
      .def("fields", [](const py_ticket& pt) { return pt.t.fields().dump(); })
      .def("history_size", [](const py_ticket& pt) { return pt.t.history().size(); })
      .def("history", [](const py_ticket& pt) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : pt.t.history()) out.push_back(pt.t.record_to_json(r));
        return out.dump();
      })
      .def("snapshot", [](const py_ticket& pt) { return pt.t.snapshot().dump(); })
      .def("export_history", [](const py_ticket& pt) { return pt.t.export_history(); })
      .def("sla", [](const py_ticket& pt, const itsm::sla_definition& def, std::int64_t now) {
        return itsm::to_json(unwrap(itsm::evaluate(def, pt.t.sla_history(), from_epoch(now)))).dump();
      });

  // A whole log read by the library's reader (line checks, time order, the now cut-off), with
  // the GIL released: the data quality of the read (JSON text) and the refusal lines.
  auto read_log = [](const std::string& options_json,
                     const std::function<itsm::result<itsm::data_quality>(const itsm::read_options&,
                                                                          const itsm::read_callbacks&)>& read) {
    const auto options = unwrap(itsm::read_options::from_json(unwrap(itsm::parse_json(options_json, "read options"))));
    std::vector<std::string> refusals;
    itsm::read_callbacks callbacks;
    callbacks.outcome = [&](const itsm::event_outcome& e) {
      if (!e.ok()) refusals.push_back(itsm::to_json(e).dump());
    };
    itsm::result<itsm::data_quality> found = [&] {
      py::gil_scoped_release unlocked;
      return read(options, callbacks);
    }();
    return std::make_pair(unwrap(std::move(found)).to_json().dump(), refusals);
  };

  // Event lines, the service report and the compliance audit: JSON text in and out, so that the
  // package's dicts equal what itsmctl prints.
  py::class_<itsm::event_store>(m, "EventStore")
      .def(py::init<>())
      .def("add_workflow", [](itsm::event_store& s, const py_workflow& w) { s.add_workflow(w.ptr); })
      .def("use_schedule", [](itsm::event_store& s, const std::string& text) {
        s.use_schedule(unwrap(itsm::change_schedule::parse(text)));
      })
      // The refusal line of each refused event (JSON text), with the GIL released while lines apply.
      .def("apply_lines",
           [](itsm::event_store& s, const std::vector<std::string>& lines, const std::vector<std::size_t>& numbers) {
             std::vector<std::string> refusals;
             {
               py::gil_scoped_release unlocked;
               for (std::size_t i = 0; i < lines.size(); ++i) {
                 const auto e = s.apply(lines[i], numbers[i]);
                 if (!e.ok()) refusals.push_back(itsm::to_json(e).dump());
               }
             }
             return refusals;
           })
      .def("read_file",
           [read_log](itsm::event_store& s, const std::string& path, const std::string& options) {
             return read_log(options, [&](const itsm::read_options& o, const itsm::read_callbacks& c) {
               return itsm::read_event_file(s, path, o, c);
             });
           })
      .def("read_text",
           [read_log](itsm::event_store& s, const std::string& text, const std::string& source,
                      const std::string& options) {
             return read_log(options, [&](const itsm::read_options& o, const itsm::read_callbacks& c) {
               std::istringstream in(text);
               return itsm::read_events(s, in, source, o, c);
             });
           })
      .def("read_lines",
           [read_log](itsm::event_store& s, const std::vector<std::string>& lines,
                      const std::vector<std::size_t>& numbers, const std::string& source, const std::string& options) {
             if (lines.size() != numbers.size()) {
               raise(itsm::error{itsm::errc::invalid_argument, source + ": one line number per line"});
             }
             std::vector<itsm::numbered_line> numbered(lines.size());
             for (std::size_t i = 0; i < lines.size(); ++i) numbered[i] = {numbers[i], lines[i]};
             return read_log(options, [&](const itsm::read_options& o, const itsm::read_callbacks& c) {
               return itsm::read_event_lines(s, numbered, source, o, c);
             });
           })
      .def("quality", [](const itsm::event_store& s) { return s.quality().to_json().dump(); })
      .def("check_strict",
           [](const itsm::event_store& s) {
             if (const std::string why = s.quality().strict_failure(); !why.empty()) {
               raise(itsm::error{itsm::errc::invalid_argument, "strict: " + why});
             }
           })
      .def("counts", [](const itsm::event_store& s) {
        const auto& c = s.counts();
        return std::make_tuple(s.tickets().size(), c.events, c.applied, c.refused);
      })
      .def("ticket_ids", [](const itsm::event_store& s) {
        std::vector<std::string> ids;
        for (const auto& [id, t] : s.tickets()) ids.push_back(id);
        std::sort(ids.begin(), ids.end());
        return ids;
      })
      .def("ticket", [](const itsm::event_store& s, const std::string& id) -> std::optional<py_ticket> {
        const auto* t = s.find(id);
        if (!t) return std::nullopt;
        return py_ticket{*t};
      })
      .def("last_event_time", [](const itsm::event_store& s) { return s.last_event_time().time_since_epoch().count(); })
      .def("report", [](const itsm::event_store& s, const std::string& policy, std::optional<std::int64_t> now) {
        const auto p = policy.empty() ? itsm::sla_policy::builtin() : unwrap(itsm::sla_policy::from_json(policy));
        unwrap(itsm::check_policy_processes(p, s));
        std::optional<itsm::sys_seconds> at;
        if (now) at = from_epoch(*now);
        return itsm::make_report(s, p, at);
      })
      .def("audit", [](const itsm::event_store& s, const std::string& policy, std::optional<std::int64_t> now,
                       const std::string& chain, const std::string& chain_name) {
        const auto p = policy.empty() ? itsm::sla_policy::builtin() : unwrap(itsm::sla_policy::from_json(policy));
        unwrap(itsm::check_policy_processes(p, s));
        std::optional<itsm::sys_seconds> at;
        if (now) at = from_epoch(*now);
        auto audit = itsm::make_audit(s, p, at);
        if (!chain_name.empty()) audit.check_chain(chain, chain_name, s);
        return audit;
      });

  // The report and the audit as the accumulators themselves, so that Python can merge parts made
  // elsewhere (Dask workers) and pickle them by their state. `merged` leaves both operands as
  // they were: a refused merge changes nothing.
  py::class_<itsm::service_report>(m, "Report")
      .def("to_json", [](const itsm::service_report& r) { return r.to_json().dump(); })
      .def("render", [](const itsm::service_report& r, const std::string& format) {
        return r.render(unwrap(itsm::parse_report_format(format)));
      })
      .def("state", [](const itsm::service_report& r) { return r.state().dump(); })
      .def_static("from_state", [](const std::string& text) {
        return unwrap(itsm::service_report::from_state(parse_json_arg(text, "report state")));
      })
      .def("merged", [](const itsm::service_report& a, const itsm::service_report& b) {
        itsm::service_report both = a;
        unwrap(both.merge(b));
        return both;
      });
  py::class_<itsm::compliance_audit>(m, "Audit")
      .def("to_json", [](const itsm::compliance_audit& a) { return a.to_json().dump(); })
      .def("render", [](const itsm::compliance_audit& a, const std::string& format) {
        return a.render(unwrap(itsm::parse_report_format(format)));
      })
      .def("state", [](const itsm::compliance_audit& a) { return a.state().dump(); })
      .def_static("from_state", [](const std::string& text) {
        return unwrap(itsm::compliance_audit::from_state(parse_json_arg(text, "audit state")));
      })
      .def("merged", [](const itsm::compliance_audit& a, const itsm::compliance_audit& b) {
        itsm::compliance_audit both = a;
        unwrap(both.merge(b));
        return both;
      });

  m.def("verify_history", [](const std::string& jsonl) {
    const auto report = unwrap(itsm::verify_history(jsonl));
    return std::make_pair(report.records, report.tickets);
  });
  m.def("get_limits", [] {
    const auto l = itsm::get_limits();
    std::map<std::string, std::size_t> out;
    for (const auto& e : itsm::limit_entries) out[e.name] = l.*e.value;
    return out;
  });
  m.def("set_limits", [](const std::map<std::string, std::size_t>& values) {
    auto l = itsm::get_limits();
    for (const auto& [name, value] : values) {
      const auto* e = std::find_if(std::begin(itsm::limit_entries), std::end(itsm::limit_entries),
                                   [&](const itsm::limit_entry& x) { return name == x.name; });
      if (e == std::end(itsm::limit_entries)) {
        raise(itsm::error{itsm::errc::invalid_argument, "set_limits: unknown limit '" + name + "'"});
      }
      l.*e->value = value;
    }
    itsm::set_limits(l);
  });
  m.attr("supported_years") = py::make_tuple(itsm::min_supported_year, itsm::max_supported_year);
  m.def("errc_name", [](int code) { return std::string(itsm::to_string(static_cast<itsm::errc>(code))); });
}
