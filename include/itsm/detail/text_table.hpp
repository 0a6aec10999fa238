#pragma once
// Tables of report and audit output, printed as aligned text, Markdown or CSV.

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace itsm {
inline namespace v1 {
namespace detail {

/// A JSON figure as a table cell: `-` for null, floats with `decimals` places.
inline std::string cell_text(const nlohmann::json& v, int decimals = 1) {
  if (v.is_null()) return "-";
  if (v.is_number_float()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
    return buf;
  }
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

/// CSV quoting (RFC 4180): a cell with a comma, quote or newline is quoted, quotes doubled.
inline std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

/// A table: header and rows of cells.
struct text_table {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t text_columns = 2;  ///< leading columns of names (left-aligned); the rest are numbers

  std::string text() const {
    if (rows.empty()) return title + ": none\n";  // a header over nothing reads like a broken table
    std::vector<std::size_t> width(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
    for (const auto& r : rows)
      for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
    std::ostringstream o;
    o << title << "\n";
    auto line = [&](const std::vector<std::string>& cells) {
      for (std::size_t c = 0; c < cells.size(); ++c) {
        const bool left = c < text_columns;
        const std::string& cell = cells[c];
        const std::string pad(width[c] - cell.size(), ' ');
        o << (c ? "  " : "") << (left ? cell + pad : pad + cell);
      }
      o << "\n";
    };
    line(header);
    std::size_t total = 0;
    for (auto w : width) total += w + 2;
    o << std::string(total > 2 ? total - 2 : 0, '-') << "\n";
    for (const auto& r : rows) line(r);
    return o.str();
  }

  std::string markdown() const {
    if (rows.empty()) return "### " + title + "\n\nNone.\n";
    std::ostringstream o;
    o << "### " << title << "\n\n|";
    for (const auto& h : header) o << " " << h << " |";
    o << "\n|";
    for (std::size_t c = 0; c < header.size(); ++c) o << (c < text_columns ? " --- |" : " ---: |");
    o << "\n";
    for (const auto& r : rows) {
      o << "|";
      for (const auto& cell : r) o << " " << cell << " |";
      o << "\n";
    }
    return o.str();
  }

  std::string csv() const {
    std::ostringstream o;
    o << "# " << title << "\n";
    for (std::size_t c = 0; c < header.size(); ++c) o << (c ? "," : "") << csv_cell(header[c]);
    o << "\n";
    for (const auto& r : rows) {
      for (std::size_t c = 0; c < r.size(); ++c) o << (c ? "," : "") << csv_cell(r[c]);
      o << "\n";
    }
    return o.str();
  }
};

}  // namespace detail
}  // namespace v1
}  // namespace itsm
