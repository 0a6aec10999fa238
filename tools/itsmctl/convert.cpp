// itsmctl convert: real ITSM exports (a ServiceNow-style CSV audit log, an XES event log, plain
// or gzip) into event lines, through a user-written mapping (examples/itsmctl/maps/*.json).

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iomanip>
#include <map>
#include <set>
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
    "row (a UTF-8 byte-order mark is accepted), or an XES log (.xes or .xes.gz). Each row is the\n"
    "state its ticket was in after that update (a \"to\" event, so move_to finds the transition); a\n"
    "ticket's first row creates it first.\n"
    "The mapping (tools/itsmctl/maps/ has the two shipped logs'); any other key is an error:\n"
    "  \"description\"    free text about the mapping (ignored)\n"
    "  \"format\"         \"csv\" or \"xes\": the export's form (must fit the command's)\n"
    "  \"workflow\"       the workflow of every ticket: built in, or added with --workflow FILE\n"
    "  \"ticket\"         CSV: the ticket id column (XES: the trace's concept:name)\n"
    "  \"order\"          CSV: a numeric column ordering a ticket's rows (optional)\n"
    "  \"state\"          a template of the source state, e.g. \"{incident_state}\"\n"
    "  \"states\"         source state -> workflow state (null: skip the row); an unmapped state is an error\n"
    "  \"at\", \"created_at\" the time columns; \"time_format\" (strptime) when not RFC 3339\n"
    "  \"time_zone\"      the zone time_format's times are in: only \"UTC\" (the default)\n"
    "  \"actor\", \"created_by\" templates of who did it (default \"import\")\n"
    "  \"fields\"         field -> template\n"
    "  \"values\"         field -> {source value: value}: a value mapping (say \"1 - Critical\" -> 1);\n"
    "                   a value it does not list is an error\n"
    "  \"state_fields\"   source state -> {field: template} set with that state\n"
    "  \"missing\"        the text the export uses for an empty value\n"
    "  \"initial_state\"  the workflow's initial state (a first row in it only creates)\n"
    "A template names columns as {column}; a column the export does not have is an error.\n"
    "Exit status: 0, or 2 when a file cannot be read (named: a directory, a truncated gzip, not\n"
    "UTF-8), the mapping is wrong (the key, column, state or workflow named), a row does not fit it,\n"
    "or the output cannot be written.";

/// An error naming where: thrown inside, caught by the command.
struct convert_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string read_maybe_gzip(const std::string& path) {
  std::string text, why;
  if (!read_file(path, text, why)) throw convert_error("cannot read '" + path + "': " + why);
  const bool gzip = text.size() >= 2 && static_cast<unsigned char>(text[0]) == 0x1f &&
                    static_cast<unsigned char>(text[1]) == 0x8b;
  if (!gzip) return text;
  if (text.size() > UINT_MAX) throw convert_error("'" + path + "': a gzip file over 4 GiB is not supported");
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) throw convert_error("'" + path + "': cannot start gzip decompression");
  std::string out;
  char buf[1 << 16];
  z.next_in = reinterpret_cast<Bytef*>(text.data());
  z.avail_in = static_cast<uInt>(text.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (rc == Z_STREAM_END && z.avail_in > 0) {  // concatenated gzip members, as gzip -c a b writes
      rc = inflateReset(&z);
      continue;
    }
    if (rc == Z_BUF_ERROR || (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0)) {
      inflateEnd(&z);
      throw convert_error("'" + path + "': truncated gzip (the file ends inside the compressed data)");
    }
    if (rc != Z_OK && rc != Z_STREAM_END) {
      const std::string msg = z.msg ? z.msg : "corrupt data";
      inflateEnd(&z);
      throw convert_error("'" + path + "': bad gzip data (" + msg + ")");
    }
  }
  inflateEnd(&z);
  return out;
}

/// The file's text, refused naming the line when it is not UTF-8: every value read from it ends up
/// in JSON event lines (exports from older tools are often Latin-1 or Windows-1252).
std::string read_utf8_file(const std::string& path) {
  std::string text = read_maybe_gzip(path);
  // Windows tools write a byte-order mark before the header row; it is not part of the first column's name.
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
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

/// A CSV file: its header and its records by column name.
struct csv_table {
  std::vector<std::string> header;
  std::vector<row> rows;
};

/// RFC 4180 CSV: a header row, then records; quoted fields may hold commas, quotes and newlines.
csv_table parse_csv(const std::string& text, const std::string& path) {
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
  csv_table table{records.front(), {}};
  const auto& header = table.header;
  auto& rows = table.rows;
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != header.size()) {
      throw convert_error(path + ": record " + std::to_string(r + 1) + " has " + std::to_string(records[r].size()) +
                          " fields, the header " + std::to_string(header.size()));
    }
    row x;
    for (std::size_t c = 0; c < header.size(); ++c) x[header[c]] = records[r][c];
    rows.push_back(std::move(x));
  }
  return table;
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

/// The "{column}" names of a template.
std::vector<std::string> placeholders(const std::string& tmpl) {
  std::vector<std::string> names;
  for (std::size_t open = tmpl.find('{'); open != std::string::npos; open = tmpl.find('{', open + 1)) {
    const auto close = tmpl.find('}', open);
    if (close == std::string::npos) break;
    names.push_back(tmpl.substr(open + 1, close - open - 1));
    open = close;
  }
  return names;
}

/// A mapping (see convert_footer), its keys, types and names checked before any row is read.
struct mapping {
  std::string format, workflow, ticket, order, state, at, created_at, time_format, actor, created_by, initial;
  std::string missing = "\x01no-missing-marker";
  json states = json::object(), fields = json::object(), values = json::object(), state_fields = json::object();

  /// Every column the mapping reads and the key that names it, for checking against the log.
  std::vector<std::pair<std::string, std::string>> columns() const {
    std::vector<std::pair<std::string, std::string>> out;
    auto add_template = [&](const std::string& key, const std::string& tmpl) {
      for (auto& c : placeholders(tmpl)) out.emplace_back(key, std::move(c));
    };
    for (const auto& [key, column] : {std::pair<const char*, const std::string*>{"ticket", &ticket}, {"order", &order},
                                      {"at", &at}, {"created_at", &created_at}}) {
      if (!column->empty()) out.emplace_back(std::string("map.") + key, *column);
    }
    add_template("map.state", state);
    add_template("map.actor", actor);
    add_template("map.created_by", created_by);
    for (auto it = fields.begin(); it != fields.end(); ++it) add_template("map.fields." + it.key(), it->get<std::string>());
    for (auto s = state_fields.begin(); s != state_fields.end(); ++s) {
      for (auto it = s->begin(); it != s->end(); ++it) {
        add_template("map.state_fields." + s.key() + "." + it.key(), it->get<std::string>());
      }
    }
    return out;
  }
};

mapping load_mapping(const json& m, const std::string& kind, const itsm::event_store& known) {
  static const std::vector<std::string> keys = {
      "description", "format",  "workflow", "ticket", "order",   "state",   "states",       "at",      "created_at",
      "time_format", "time_zone", "actor",  "created_by", "fields", "values", "state_fields", "missing", "initial_state"};
  for (auto it = m.begin(); it != m.end(); ++it) {
    if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) {
      std::string list;
      for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
      throw convert_error("map: unknown key '" + it.key() + "' (allowed: " + list + ")");
    }
  }
  auto text = [&](const char* key, std::string& into) {
    if (!m.contains(key)) return;
    if (!m[key].is_string()) throw convert_error(std::string("map.") + key + ": expected a string");
    into = m[key].get<std::string>();
  };
  auto object = [&](const char* key, json& into) {
    if (!m.contains(key)) return;
    if (!m[key].is_object()) throw convert_error(std::string("map.") + key + ": expected an object");
    into = m[key];
  };
  mapping out;
  std::string description, time_zone;
  for (const auto& [key, into] : {std::pair<const char*, std::string*>{"description", &description},
                                  {"format", &out.format}, {"workflow", &out.workflow}, {"ticket", &out.ticket},
                                  {"order", &out.order}, {"state", &out.state}, {"at", &out.at},
                                  {"created_at", &out.created_at}, {"time_format", &out.time_format},
                                  {"time_zone", &time_zone}, {"actor", &out.actor}, {"created_by", &out.created_by},
                                  {"missing", &out.missing}, {"initial_state", &out.initial}}) {
    text(key, *into);
  }
  if (!m.contains("created_by")) out.created_by = out.actor;
  for (const auto& [key, into] : {std::pair<const char*, json*>{"states", &out.states}, {"fields", &out.fields},
                                  {"values", &out.values}, {"state_fields", &out.state_fields}}) {
    object(key, *into);
  }
  const std::string expected_format = kind == "xes" ? "xes" : "csv";
  if (!out.format.empty() && out.format != expected_format) {
    throw convert_error("map.format: '" + out.format + "', but " + kind + " reads " + expected_format);
  }
  if (out.workflow.empty() || out.state.empty() || out.at.empty() || !m.contains("states")) {
    throw convert_error("map: workflow, state, states and at are required");
  }
  if (kind != "xes" && out.ticket.empty()) throw convert_error("map.ticket: the ticket id column is required for CSV");
  if (!time_zone.empty() && time_zone != "UTC") throw convert_error("map.time_zone: only UTC is supported");
  const itsm::workflow_ptr* wf = known.find_workflow(out.workflow);
  if (!wf) {
    std::string list;
    for (const auto& n : itsm::builtin_workflow_names()) list += (list.empty() ? "" : ", ") + n;
    throw convert_error("map.workflow: no workflow named '" + out.workflow + "' (built in: " + list +
                        "; add yours with --workflow FILE)");
  }
  auto need_state = [&](const std::string& key, const std::string& state) {
    if ((*wf)->find_state(state) == itsm::workflow::npos) {
      throw convert_error(key + ": '" + state + "' is not a state of workflow '" + out.workflow + "'");
    }
  };
  for (auto it = out.states.begin(); it != out.states.end(); ++it) {
    if (it->is_null()) continue;
    if (!it->is_string()) throw convert_error("map.states." + it.key() + ": expected a state name or null");
    need_state("map.states." + it.key(), it->get<std::string>());
  }
  if (!out.initial.empty()) need_state("map.initial_state", out.initial);
  for (auto it = out.fields.begin(); it != out.fields.end(); ++it) {
    if (!it->is_string()) throw convert_error("map.fields." + it.key() + ": expected a template string");
  }
  for (auto it = out.values.begin(); it != out.values.end(); ++it) {
    if (!it->is_object()) throw convert_error("map.values." + it.key() + ": expected an object {source value: value}");
    if (!out.fields.contains(it.key())) {
      throw convert_error("map.values." + it.key() + ": no field '" + it.key() + "' in map.fields to translate");
    }
  }
  for (auto s = out.state_fields.begin(); s != out.state_fields.end(); ++s) {
    if (!s->is_object()) throw convert_error("map.state_fields." + s.key() + ": expected an object");
    for (auto it = s->begin(); it != s->end(); ++it) {
      if (!it->is_string()) {
        throw convert_error("map.state_fields." + s.key() + "." + it.key() + ": expected a template string");
      }
    }
  }
  return out;
}

/// A time column as RFC 3339 UTC text: by the mapping's strptime format (taken as UTC), or as
/// RFC 3339 with an offset (fractions of a second dropped).
std::string utc_text(const std::string& text, const mapping& m, const std::string& where) {
  if (!m.time_format.empty()) {
    std::istringstream in(text);
    std::tm tm{};
    in >> std::get_time(&tm, m.time_format.c_str());
    if (in.fail()) throw convert_error(where + ": '" + text + "' does not match time_format '" + m.time_format + "'");
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

/// A log's rows by ticket, and the columns it has (a CSV's header; every attribute key of an
/// XES log's events).
struct source_log {
  ticket_rows tickets;
  std::set<std::string> columns;
};

/// Fails naming the map key when the mapping reads a column `log` does not have: a typo in a
/// template would otherwise drop the field from every event.
void check_columns(const mapping& m, const source_log& log, const std::string& path, bool xes) {
  for (const auto& [key, column] : m.columns()) {
    if (xes && key == "map.ticket") continue;  // XES names tickets by the trace's concept:name
    if (log.columns.count(column)) continue;
    throw convert_error(key + ": " + (xes ? "no event of '" + path + "' has the attribute '"
                                          : "'" + path + "' has no column '") +
                        column + "'");
  }
}

long long row_order(const row& r, const std::string& column, const std::string& id) {
  const std::string& text = r.at(column);
  char* end = nullptr;
  errno = 0;
  const long long n = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || n < 0) {
    throw convert_error("ticket " + id + ": map.order column '" + column + "' holds '" + text +
                        "', not a whole number >= 0");
  }
  return n;
}

source_log csv_log(const std::string& path, const mapping& m) {
  auto table = parse_csv(read_utf8_file(path), path);
  source_log log;
  log.columns.insert(table.header.begin(), table.header.end());
  check_columns(m, log, path, false);
  std::map<std::string, std::size_t> index;
  for (auto& r : table.rows) {
    const std::string id = r.at(m.ticket);
    auto [pos, fresh] = index.emplace(id, log.tickets.size());
    if (fresh) log.tickets.push_back({id, {}});
    log.tickets[pos->second].second.push_back(std::move(r));
  }
  if (!m.order.empty()) {
    for (auto& [id, trows] : log.tickets) {
      for (const auto& r : trows) row_order(r, m.order, id);  // every value checked before the sort
      std::stable_sort(trows.begin(), trows.end(), [&, &ticket = id](const row& a, const row& b) {
        return row_order(a, m.order, ticket) < row_order(b, m.order, ticket);
      });
    }
  }
  return log;
}

source_log xes_log(const std::string& path, const mapping& m) {
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
  source_log log;
  const auto root = tree.get_child_optional("log");
  if (!root) throw convert_error(path + ": no <log> element (not XES)");
  for (const auto& [tag, trace] : *root) {
    if (tag != "trace") continue;
    std::vector<row> events;
    for (const auto& [etag, ev] : trace) {
      if (etag != "event") continue;
      events.push_back(attrs(ev));
      for (const auto& [key, value] : events.back()) log.columns.insert(key);
    }
    log.tickets.push_back({attrs(trace)["concept:name"], std::move(events)});
  }
  check_columns(m, log, path, true);
  return log;
}

void convert(const ticket_rows& tickets, const mapping& m, std::string& out, std::size_t& skipped) {
  for (const auto& [id, rows] : tickets) {
    // The times of the rows that are events: the create goes no later than the earliest, since
    // in time order an update before its ticket's creation could only be refused.
    std::vector<std::string> times(rows.size());
    std::string earliest;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const row& r = rows[i];
      const std::string where = "ticket " + id + " row " + std::to_string(i + 1);
      const std::string src = fill(m.state, r, m.missing);
      if (!m.states.contains(src)) throw convert_error(where + ": source state '" + src + "' is not in map.states");
      if (m.states[src].is_null()) continue;
      times[i] = utc_text(r.count(m.at) ? r.at(m.at) : std::string(), m, where + " " + m.at);
      if (earliest.empty() || times[i] < earliest) earliest = times[i];
    }
    bool created = false;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const row& r = rows[i];
      const std::string where = "ticket " + id + " row " + std::to_string(i + 1);
      const std::string src = fill(m.state, r, m.missing);
      if (m.states[src].is_null()) {
        ++skipped;
        continue;
      }
      const std::string state = m.states[src].get<std::string>();
      json fields = json::object();
      for (auto it = m.fields.begin(); it != m.fields.end(); ++it) {
        const std::string v = fill(it->get<std::string>(), r, m.missing);
        if (v.empty()) continue;
        if (!m.values.contains(it.key())) {
          fields[it.key()] = v;
          continue;
        }
        const json& table = m.values[it.key()];
        if (!table.contains(v)) {
          throw convert_error(where + ": map.values." + it.key() + " has no entry for '" + v + "'");
        }
        fields[it.key()] = table[v];
      }
      const json extra = m.state_fields.value(src, json::object());
      for (auto it = extra.begin(); it != extra.end(); ++it) fields[it.key()] = fill(it->get<std::string>(), r, m.missing);
      std::string actor = fill(m.actor, r, m.missing);
      if (actor.empty()) actor = "import";
      if (!created) {
        created = true;
        std::string created_at = earliest;
        if (!m.created_at.empty()) {
          const std::string c = r.count(m.created_at) ? r.at(m.created_at) : std::string();
          created_at = std::min(utc_text(c, m, where + " " + m.created_at), earliest);
        }
        std::string creator = fill(m.created_by, r, m.missing);
        if (creator.empty()) creator = "import";
        json base = json::object();
        for (auto it = fields.begin(); it != fields.end(); ++it)
          if (!extra.contains(it.key())) base[it.key()] = *it;
        out += json{{"ticket", id}, {"workflow", m.workflow}, {"at", created_at}, {"create", true},
                    {"actor", creator}, {"fields", base}}.dump();
        out += '\n';
        if (state == m.initial) continue;
      }
      json event = {{"ticket", id}, {"at", times[i]}, {"to", state}, {"actor", actor}, {"fields", fields}};
      // The export's own order of a ticket's updates settles those of one instant (minutes, often).
      if (!m.order.empty()) event["seq"] = row_order(r, m.order, id);
      out += event.dump();
      out += '\n';
    }
  }
}

struct convert_options {
  std::string kind, file, map_path;
  std::vector<std::string> workflows;
};

int run_convert(const convert_options& o) {
  const char* who = "itsmctl convert";
  nlohmann::json m;
  if (!load_json_file(o.map_path, "map", who, m)) return exit_usage;
  if (!m.is_object()) {
    std::fprintf(stderr, "%s: %s: not a JSON object\n", who, o.map_path.c_str());
    return exit_usage;
  }
  itsm::event_store known;  // the workflows a map may name
  if (!add_workflow_files(known, o.workflows, who)) return exit_usage;
  try {
    const mapping map = load_mapping(m, o.kind, known);
    const source_log log = o.kind == "xes" ? xes_log(o.file, map) : csv_log(o.file, map);
    std::string events;
    std::size_t skipped = 0;
    convert(log.tickets, map, events, skipped);
    out(events);  // only once every row converted: a bad row leaves no partial output
    std::fprintf(stderr, "%s: %zu ticket(s), %zu row(s) skipped (mapped to null)\n", who, log.tickets.size(), skipped);
  } catch (const convert_error& e) {
    std::fprintf(stderr, "%s: %s\n", who, e.what());
    return exit_usage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s: %s\n", who, o.file.c_str(), e.what());
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
  app.add_option("--workflow", o->workflows, "adds a workflow definition (by its name) a map may name")
      ->type_name("FILE");
  app.footer(convert_footer);
  return [o] { return run_convert(*o); };
}

}  // namespace itsmctl
