#pragma once
// The hash-chained history export: each record carries the previous record's SHA-256, so that a
// removed, reordered or edited record shows when the chain is verified.

#include <string>
#include <string_view>
#include <unordered_map>

#include "itsm/detail/json_util.hpp"
#include "itsm/detail/sha256.hpp"
#include "itsm/detail/ticket_json.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {
/// The `prev` of a ticket's first record: no record came before it.
inline const std::string zero_hash(64, '0');

/// Calls `each(line_no, line)` for every line of JSON Lines `text` with something on it (numbered
/// from 1 over all lines, blank ones included); stops early when `each` returns false.
template <class Each>
void for_each_line(std::string_view text, Each&& each) {
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (!each(line_no, line)) return;
  }
}
}  // namespace detail

inline std::string ticket::export_history() const {
  std::string out;
  std::string prev = detail::zero_hash;
  for (const auto& r : history_) {
    nlohmann::json j = record_to_json(r);
    detail::json_release_guard guard(j);
    j["ticket"] = id_;
    j["workflow"] = wf_->name();
    j["prev"] = prev;
    prev = detail::sha256_hex(j.dump());
    j["hash"] = prev;
    out += j.dump();
    out += '\n';
  }
  return out;
}

inline result<chain_report> verify_history(std::string_view text) {
  return detail::capture<chain_report>([&]() -> chain_report {
    struct chain {
      std::string head = detail::zero_hash;
      std::uint64_t seq = 0;
    };
    std::unordered_map<std::string, chain> chains;
    chain_report report;
    detail::for_each_line(text, [&](std::size_t line_no, std::string_view line) {
      const std::string where = "line " + std::to_string(line_no);
      detail::check_json_text_limits(line, where);
      nlohmann::json j = detail::parse_json_released(line, false);
      detail::json_release_guard guard(j);
      if (j.is_discarded() || !j.is_object()) detail::fail(errc::tampered, where + ": not a JSON object");
      for (const char* k : {"ticket", "seq", "prev", "hash"}) {
        if (!j.contains(k)) detail::fail(errc::tampered, where + ": missing key '" + k + "'");
      }
      if (!j["ticket"].is_string() || !j["prev"].is_string() || !j["hash"].is_string() || !j["seq"].is_number_unsigned()) {
        detail::fail(errc::tampered, where + ": ticket, prev and hash must be strings and seq a positive integer");
      }
      const std::string ticket_id = j["ticket"].get<std::string>();
      const std::string hash = j["hash"].get<std::string>();
      const auto seq = j["seq"].get<std::uint64_t>();
      auto& c = chains[ticket_id];
      const std::string label = where + " (ticket " + ticket_id + ", seq " + std::to_string(seq) + ")";
      if (seq != c.seq + 1) {
        detail::fail(errc::tampered, label + ": expected seq " + std::to_string(c.seq + 1) +
                                         " (a record was removed, inserted or reordered)");
      }
      if (j["prev"].get<std::string>() != c.head) {
        detail::fail(errc::tampered, label + ": prev does not match the hash of the ticket's previous record "
                                             "(a record was removed, inserted or reordered)");
      }
      j.erase("hash");
      if (detail::sha256_hex(j.dump()) != hash) {
        detail::fail(errc::tampered, label + ": the record does not match its hash (it was edited)");
      }
      c.head = hash;
      c.seq = seq;
      ++report.records;
      return true;
    });
    report.tickets = chains.size();
    return report;
  });
}

}  // namespace v1
}  // namespace itsm
