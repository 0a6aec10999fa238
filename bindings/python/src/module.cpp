// pybind11 module itsm._itsm: the C++ core for Python. The pure-Python package `itsm` wraps it
// (exceptions, conversions); keep this layer thin.

#include <pybind11/chrono.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "itsm/itsm.hpp"

namespace py = pybind11;

namespace {

// Raised as the Python class chosen in itsm/__init__.py by code: (code, message).
[[noreturn]] void raise(const itsm::error& e) {
  throw py::value_error(std::to_string(static_cast<int>(e.code)) + "\x1f" + e.message);
}

template <class T>
T unwrap(itsm::result<T> r) {
  if (!r) raise(r.error_value());
  return std::move(*r);
}

itsm::sys_seconds from_epoch(std::int64_t s) { return itsm::sys_seconds{std::chrono::seconds{s}}; }

itsm::calc_options options(const std::string& at_close, const std::string& dst,
                           const std::vector<itsm::pause>& pauses) {
  auto parsed = itsm::detail::capture<itsm::calc_options>([&] {
    itsm::calc_options o;
    o.at_close = itsm::detail::parse_at_close(at_close, "at_close");
    o.dst = itsm::detail::parse_dst(dst, "dst");
    return o;
  });
  itsm::calc_options o = unwrap(std::move(parsed));
  o.pauses = pauses;
  return o;
}

std::vector<itsm::pause> to_pauses(const std::vector<std::pair<std::int64_t, std::int64_t>>& p) {
  std::vector<itsm::pause> out;
  for (const auto& [b, e] : p) out.push_back({from_epoch(b), from_epoch(e)});
  return out;
}

using int64_array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

/// One calendar operation over arrays, without the GIL: `starts` and `values` (one value, or
/// one per start) in, int64 results out. The first failure raises, naming its index.
template <class Op>
py::array_t<std::int64_t> bulk(const int64_array& starts, const int64_array& values, Op&& op) {
  if (starts.ndim() != 1 || values.ndim() != 1) {
    raise(itsm::error{itsm::errc::invalid_argument, "expected one-dimensional arrays"});
  }
  const auto n = static_cast<std::size_t>(starts.shape(0));
  const auto m = static_cast<std::size_t>(values.shape(0));
  if (m != 1 && m != n) {
    raise(itsm::error{itsm::errc::invalid_argument,
                      "expected one value or one per start (" + std::to_string(n) + "), got " + std::to_string(m)});
  }
  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(n));
  const std::int64_t* s = starts.data();
  const std::int64_t* v = values.data();
  std::int64_t* o = out.mutable_data();
  std::optional<std::pair<std::size_t, itsm::error>> failed;
  {
    py::gil_scoped_release unlocked;
    for (std::size_t i = 0; i < n; ++i) {
      itsm::result<std::int64_t> r = op(s[i], v[m == 1 ? 0 : i]);
      if (!r) {
        failed.emplace(i, r.error_value());
        break;
      }
      o[i] = *r;
    }
  }
  if (failed) {
    raise(itsm::error{failed->second.code, "[" + std::to_string(failed->first) + "]: " + failed->second.message});
  }
  return out;
}

itsm::result<std::int64_t> seconds_of(const itsm::result<itsm::sys_seconds>& r) {
  if (!r) return r.error_value();
  return r->time_since_epoch().count();
}

}  // namespace

PYBIND11_MODULE(_itsm, m) {
  m.doc() = "itsm C++ core (use the 'itsm' package, not this module)";
  m.attr("__version__") = itsm::version.string;

  // Epoch-second level API; the Python package converts datetimes.
  py::class_<itsm::calendar>(m, "Calendar")
      .def_static("from_json", [](const std::string& text) { return unwrap(itsm::calendar::from_json(text)); })
      .def("to_json", [](const itsm::calendar& c) { return c.to_json().dump(); })
      .def_property_readonly("timezone", &itsm::calendar::timezone)
      .def("offset_at", [](const itsm::calendar& c, std::int64_t t) { return c.offset_at(from_epoch(t)).count(); })
      .def("parse_time", [](const itsm::calendar& c, const std::string& text) {
        return unwrap(c.parse_time(text)).time_since_epoch().count();
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
              const std::string& dst) {
             const auto o = options(at_close, dst, {});
             return bulk(starts, seconds, [&](std::int64_t s, std::int64_t v) {
               return seconds_of(c.add(from_epoch(s), std::chrono::seconds{v}, o));
             });
           })
      .def("between_many",
           [](const itsm::calendar& c, const int64_array& starts, const int64_array& ends, const std::string& at_close,
              const std::string& dst) {
             const auto o = options(at_close, dst, {});
             return bulk(starts, ends, [&](std::int64_t a, std::int64_t b) -> itsm::result<std::int64_t> {
               auto r = c.between(from_epoch(a), from_epoch(b), o);
               if (!r) return r.error_value();
               return r->count();
             });
           });

  py::class_<itsm::sla_definition>(m, "SLA")
      .def_static("from_json", [](const std::string& text) { return unwrap(itsm::sla_definition::from_json(text)); })
      .def_readonly("name", &itsm::sla_definition::name)
      .def("evaluate_json", [](const itsm::sla_definition& def, const std::string& history, std::int64_t now) {
        auto parsed = nlohmann::json::parse(history, nullptr, false);
        if (parsed.is_discarded()) raise(itsm::error{itsm::errc::parse_error, "history: not JSON"});
        const auto events = unwrap(itsm::sla_history_from_json(parsed));
        return itsm::to_json(unwrap(itsm::evaluate(def, events, from_epoch(now)))).dump();
      });
}
