// pybind11 module itsm._itsm: the C++ core for Python. The pure-Python package `itsm` wraps it
// (exceptions, conversions); keep this layer thin.

#include <pybind11/chrono.h>
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

}  // namespace

PYBIND11_MODULE(_itsm, m) {
  m.doc() = "itsm C++ core (use the 'itsm' package, not this module)";
  m.attr("__version__") = itsm::version.string;

  // Epoch-second level API; the Python package converts datetimes.
  py::class_<itsm::calendar>(m, "Calendar")
      .def_static("from_json", [](const std::string& text) { return unwrap(itsm::calendar::from_json(text)); })
      .def("to_json", [](const itsm::calendar& c) { return c.to_json().dump(); })
      .def_property_readonly("timezone", &itsm::calendar::timezone)
      .def("offset_at", [](const itsm::calendar& c, std::int64_t t) {
        // The zone offset in force at t: the calendar formats with it.
        const auto text = c.format(from_epoch(t));
        const int sign = text[19] == '-' ? -1 : 1;
        return sign * (std::stoi(text.substr(20, 2)) * 3600 + std::stoi(text.substr(23, 2)) * 60);
      })
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
           });
}
