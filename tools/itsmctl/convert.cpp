// itsmctl convert: real ITSM exports (a ServiceNow-style CSV audit log, an XES event log, plain
// or gzip) into event lines, through a user-written mapping (examples/itsmctl/maps/*.json).

#include <zlib.h>

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include "cli.hpp"

namespace itsmctl {

namespace {

using nlohmann::json;
using row = std::map<std::string, std::string>;

constexpr const char* convert_footer =
    "\n"
    "Writes event lines (as itsmctl replay reads them) for every row of FILE: a CSV with a header\n"
    "row, or an XES log (.xes or .xes.gz). Each row is the state its ticket was in after that update\n"
    "(a \"to\" event, so move_to finds the transition); a ticket's first row creates it first.\n"
    "The mapping (tools/itsmctl/maps/ has the two shipped logs'):\n"
    "  \"workflow\"       the workflow of every ticket\n"
    "  \"ticket\"         CSV: the ticket id column (XES: the trace's concept:name)\n"
    "  \"order\"          CSV: a numeric column ordering a ticket's rows (optional)\n"
    "  \"state\"          a template of the source state, e.g. \"{incident_state}\"\n"
    "  \"states\"         source state -> workflow state (null: skip the row); an unmapped state is an error\n"
    "  \"at\", \"created_at\" the time columns; \"time_format\" (strptime, taken as UTC) when not RFC 3339\n"
    "  \"actor\", \"created_by\" templates of who did it (default \"import\")\n"
    "  \"fields\"         field -> template; \"values\": field -> {source value: value}\n"
    "  \"state_fields\"   source state -> {field: template} set with that state\n"
    "  \"missing\"        the text the export uses for an empty value\n"
    "  \"initial_state\"  the workflow's initial state (a first row in it only creates)\n"
    "Exit status: 0, or 2 when a file cannot be read or a row does not fit the mapping (named).";

/// An error naming where: thrown inside, caught by the command.
struct convert_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string read_maybe_gzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");  // reads plain files as they are
  if (!f) throw convert_error("cannot open '" + path + "'");
  std::string out;
  char buf[1 << 16];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  const bool failed = n < 0;
  gzclose(f);
  if (failed) throw convert_error("error reading '" + path + "' (not gzip or truncated)");
  return out;
}

/// The file's text, refused naming the line when it is not UTF-8: every value read from it ends up
/// in JSON event lines (exports from older tools are often Latin-1 or Windows-1252).
std::string read_utf8_file(const std::string& path) {
  std::string text = read_maybe_gzip(path);
  if (const auto bad = itsm::invalid_utf8_offset(text)) {
    const std::size_t at = *bad;
    const auto before = text.begin() + static_cast<std::ptrdiff_t>(at);
    const auto line = 1 + std::count(text.begin(), before, '\n');
    const auto line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
    const std::size_t column = line_start == std::string::npos || at == 0 ? at + 1 : at - line_start;
    throw convert_error(path + ":" + std::to_string(line) + ": not valid UTF-8 (byte " + std::to_string(column) +
                        " of the line); convert the file first, e.g. iconv -f WINDOWS-1252 -t UTF-8");
  }
  return text;
}

/// RFC 4180 CSV: a header row, then records; quoted fields may hold commas, quotes and newlines.
std::vector<row> parse_csv(const std::string& text, const std::string& path) {
  std::vector<std::vector<std::string>> records(1);
  std::string cell;
  bool quoted = false, after_quote = false;
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == '"' && cell.empty() && !after_quote) {
      quoted = true;
    } else if (c == ',') {
      records.back().push_back(std::move(cell));
      cell.clear();
      after_quote = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      records.back().push_back(std::move(cell));
      cell.clear();
      after_quote = false;
      records.emplace_back();
      ++line;
    } else {
      if (after_quote) throw convert_error(path + ":" + std::to_string(line) + ": text after a closing quote");
      cell += c;
    }
  }
  if (quoted) throw convert_error(path + ": a quoted field is not closed");
  if (!cell.empty() || !records.back().empty()) records.back().push_back(std::move(cell));
  while (!records.empty() && (records.back().empty() || (records.back().size() == 1 && records.back()[0].empty()))) {
    records.pop_back();
  }
  if (records.empty()) throw convert_error(path + ": no header row");
  const auto& header = records.front();
  std::vector<row> rows;
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != header.size()) {
      throw convert_error(path + ": record " + std::to_string(r + 1) + " has " + std::to_string(records[r].size()) +
                          " fields, the header " + std::to_string(header.size()));
    }
    row x;
    for (std::size_t c = 0; c < header.size(); ++c) x[header[c]] = records[r][c];
    rows.push_back(std::move(x));
  }
  return rows;
}

/// Fills "{column}" placeholders from the row; the export's "missing" marker reads as empty.
std::string fill(const std::string& tmpl, const row& r, const std::string& missing) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{') {
      const auto close = tmpl.find('}', i);
      if (close != std::string::npos) {
        auto it = r.find(tmpl.substr(i + 1, close - i - 1));
        if (it != r.end() && it->second != missing) out += it->second;
        i = close;
        continue;
      }
    }
    out += tmpl[i];
  }
  return out;
}

std::string str(const json& m, const char* key, const std::string& fallback = {}) {
  if (!m.contains(key)) return fallback;
  if (!m[key].is_string()) throw convert_error(std::string("map.") + key + ": expected a string");
  return m[key].get<std::string>();
}

/// A time column as RFC 3339 UTC text: by the mapping's strptime format (taken as UTC), or as
/// RFC 3339 with an offset (fractions of a second dropped).
std::string utc_text(const std::string& text, const json& m, const std::string& where) {
  const std::string format = str(m, "time_format");
  if (!format.empty()) {
    if (str(m, "time_zone", "UTC") != "UTC") throw convert_error("map.time_zone: only UTC is supported");
    std::istringstream in(text);
    std::tm tm{};
    in >> std::get_time(&tm, format.c_str());
    if (in.fail()) throw convert_error(where + ": '" + text + "' does not match time_format '" + format + "'");
    return itsm::format_utc(itsm::from_civil_utc(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                                                 static_cast<unsigned>(tm.tm_mday), tm.tm_hour, tm.tm_min, tm.tm_sec));
  }
  std::string t = text;
  const auto dot = t.find_first_of(".,", 19);
  if (t.size() > 19 && dot == 19) {
    auto end = t.find_first_not_of("0123456789", 20);
    t.erase(19, (end == std::string::npos ? t.size() : end) - 19);
  }
  const auto at = itsm::parse_utc(t, where);
  if (!at) throw convert_error(at.error_value().message);
  return itsm::format_utc(*at);
}

using ticket_rows = std::vector<std::pair<std::string, std::vector<row>>>;

ticket_rows csv_tickets(const std::string& path, const json& m) {
  const auto rows = parse_csv(read_utf8_file(path), path);
  const std::string id_col = str(m, "ticket"), order = str(m, "order");
  if (id_col.empty()) throw convert_error("map.ticket: the ticket id column is required for CSV");
  ticket_rows out;
  std::map<std::string, std::size_t> index;
  for (const auto& r : rows) {
    auto it = r.find(id_col);
    if (it == r.end()) throw convert_error(path + ": no column '" + id_col + "' (map.ticket)");
    auto [pos, fresh] = index.emplace(it->second, out.size());
    if (fresh) out.push_back({it->second, {}});
    out[pos->second].second.push_back(r);
  }
  if (!order.empty()) {
    for (auto& [id, trows] : out) {
      std::stable_sort(trows.begin(), trows.end(), [&](const row& a, const row& b) {
        return std::stoll(a.at(order)) < std::stoll(b.at(order));
      });
    }
  }
  return out;
}

ticket_rows xes_tickets(const std::string& path) {
  namespace pt = boost::property_tree;
  std::istringstream in(read_utf8_file(path));
  pt::ptree tree;
  try {
    pt::read_xml(in, tree);
  } catch (const pt::xml_parser_error& e) {
    throw convert_error(path + ":" + std::to_string(e.line()) + ": " + e.message());
  }
  auto attrs = [](const pt::ptree& node) {
    row r;
    for (const auto& [tag, child] : node) {
      if (tag == "event" || tag == "<xmlattr>") continue;
      auto key = child.get_optional<std::string>("<xmlattr>.key");
      auto value = child.get_optional<std::string>("<xmlattr>.value");
      if (key && value) r[*key] = *value;
    }
    return r;
  };
  ticket_rows out;
  const auto log = tree.get_child_optional("log");
  if (!log) throw convert_error(path + ": no <log> element (not XES)");
  for (const auto& [tag, trace] : *log) {
    if (tag != "trace") continue;
    std::vector<row> events;
    for (const auto& [etag, ev] : trace) {
      if (etag == "event") events.push_back(attrs(ev));
    }
    out.push_back({attrs(trace)["concept:name"], std::move(events)});
  }
  return out;
}

void convert(const ticket_rows& tickets, const json& m, std::ostream& out, std::size_t& skipped) {
  const std::string missing = str(m, "missing", "\x01no-missing-marker");
  const std::string workflow = str(m, "workflow"), state_tmpl = str(m, "state"), at_col = str(m, "at");
  const std::string initial = str(m, "initial_state");
  if (workflow.empty() || state_tmpl.empty() || at_col.empty()) {
    throw convert_error("map: workflow, state and at are required");
  }
  const json& states = m.contains("states") ? m["states"] : throw convert_error("map.states: required");
  const json fields_map = m.value("fields", json::object());
  const json values = m.value("values", json::object());
  const json state_fields = m.value("state_fields", json::object());
  for (const auto& [id, rows] : tickets) {
    bool created = false;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const row& r = rows[i];
      const std::string where = "ticket " + id + " row " + std::to_string(i + 1);
      const std::string src = fill(state_tmpl, r, missing);
      if (!states.contains(src)) throw convert_error(where + ": source state '" + src + "' is not in map.states");
      if (states[src].is_null()) {
        ++skipped;
        continue;
      }
      const std::string state = states[src].get<std::string>();
      json fields = json::object();
      for (auto it = fields_map.begin(); it != fields_map.end(); ++it) {
        const std::string v = fill(it->get<std::string>(), r, missing);
        if (v.empty()) continue;
        const json* table = values.contains(it.key()) ? &values[it.key()] : nullptr;
        fields[it.key()] = table && table->contains(v) ? (*table)[v] : json(v);
      }
      const json extra = state_fields.value(src, json::object());
      for (auto it = extra.begin(); it != extra.end(); ++it) fields[it.key()] = fill(it->get<std::string>(), r, missing);
      auto column = [&](const std::string& c) -> const std::string& {
        auto f = r.find(c);
        if (f == r.end()) throw convert_error(where + ": no column '" + c + "'");
        return f->second;
      };
      const std::string at = utc_text(column(at_col), m, where + " " + at_col);
      std::string actor = fill(str(m, "actor"), r, missing);
      if (actor.empty()) actor = "import";
      if (!created) {
        created = true;
        std::string created_at = at;
        if (m.contains("created_at")) {
          const std::string c = str(m, "created_at");
          created_at = std::min(utc_text(column(c), m, where + " " + c), at);
        }
        std::string creator = fill(str(m, "created_by", str(m, "actor")), r, missing);
        if (creator.empty()) creator = "import";
        json base = json::object();
        for (auto it = fields.begin(); it != fields.end(); ++it)
          if (!extra.contains(it.key())) base[it.key()] = *it;
        out << json{{"ticket", id}, {"workflow", workflow}, {"at", created_at}, {"create", true}, {"actor", creator},
                    {"fields", base}}.dump()
            << '\n';
        if (state == initial) continue;
      }
      out << json{{"ticket", id}, {"at", at}, {"to", state}, {"actor", actor}, {"fields", fields}}.dump() << '\n';
    }
  }
}

struct convert_options {
  std::string kind, file, map_path;
};

int run_convert(const convert_options& o) {
  std::string map_text, why;
  if (!read_file(o.map_path, map_text, why)) {
    std::fprintf(stderr, "itsmctl convert: cannot read '%s': %s\n", o.map_path.c_str(), why.c_str());
    return exit_usage;
  }
  const json m = json::parse(map_text, nullptr, false);
  if (m.is_discarded() || !m.is_object()) {
    std::fprintf(stderr, "itsmctl convert: %s: not a JSON object\n", o.map_path.c_str());
    return exit_usage;
  }
  try {
    const ticket_rows tickets = o.kind == "xes" ? xes_tickets(o.file) : csv_tickets(o.file, m);
    std::ostringstream out;
    std::size_t skipped = 0;
    convert(tickets, m, out, skipped);
    std::fputs(out.str().c_str(), stdout);
    std::fprintf(stderr, "itsmctl convert: %zu ticket(s), %zu row(s) skipped (mapped to null)\n", tickets.size(), skipped);
  } catch (const convert_error& e) {
    std::fprintf(stderr, "itsmctl convert: %s\n", e.what());
    return exit_usage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "itsmctl convert: %s: %s\n", o.file.c_str(), e.what());
    return exit_usage;
  }
  return exit_ok;
}

}  // namespace

std::function<int()> declare_convert(CLI::App& app) {
  auto o = std::make_shared<convert_options>();
  app.add_option("kind", o->kind, "the export's form")
      ->required()
      ->check(CLI::IsMember({"servicenow-csv", "xes"}))
      ->type_name("servicenow-csv|xes");
  app.add_option("file", o->file, "the export (plain or gzip)")->required()->type_name("FILE");
  app.add_option("--map", o->map_path, "the mapping from the export to event lines")->required()->type_name("MAP.json");
  app.footer(convert_footer);
  return [o] { return run_convert(*o); };
}

}  // namespace itsmctl
