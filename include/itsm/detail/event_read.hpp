#pragma once
// Reading a whole event log (see itsm/event.hpp, read_events): the data-quality counts, the read
// options, and the read itself: check every line, order the events, cut at `now`, apply.

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <optional>
#include <system_error>
#include <unordered_map>

namespace itsm {
inline namespace v1 {

// --- data_quality ------------------------------------------------------------------------------

inline void data_quality::merge(const data_quality& other) {
  read += other.read;
  skipped += other.skipped;
  skipped_lines.insert(skipped_lines.end(), other.skipped_lines.begin(), other.skipped_lines.end());
  // By line, so that the merged list does not depend on the order of merging.
  std::stable_sort(skipped_lines.begin(), skipped_lines.end(),
                   [](const bad_line& a, const bad_line& b) { return a.line < b.line; });
  after_now += other.after_now;
  applied += other.applied;
  refused += other.refused;
  for (const auto& [code, n] : other.refused_by_code) refused_by_code[code] += n;
  reordered += other.reordered;
  creates_refused += other.creates_refused;
}

inline nlohmann::json data_quality::to_json() const {
  // Built member by member into values released on the way out: an initializer list's pairs are
  // arrays whose destruction allocates (detail/json_release.hpp).
  nlohmann::json j = nlohmann::json::object();
  detail::json_release_guard j_guard(j);
  j["read"] = read;
  j["skipped"] = skipped;
  nlohmann::json& lines = j["skipped_lines"] = nlohmann::json::array();
  for (const auto& b : skipped_lines) {
    nlohmann::json entry = nlohmann::json::object();
    detail::json_release_guard entry_guard(entry);
    entry["line"] = b.line;
    entry["cause"] = b.cause;
    detail::json_push(lines, std::move(entry));
  }
  j["after_now"] = after_now;
  j["applied"] = applied;
  j["refused"] = refused;
  nlohmann::json& by_code = j["refused_by_code"] = nlohmann::json::object();
  for (const auto& [code, n] : refused_by_code) by_code[code] = n;
  j["reordered"] = reordered;
  j["creates_refused"] = creates_refused;
  j_guard.dismiss();
  return j;
}

inline result<data_quality> data_quality::from_json(const nlohmann::json& j) {
  return detail::capture<data_quality>([&] {
    using detail::need_integer;
    constexpr std::int64_t most = std::numeric_limits<std::int64_t>::max();
    const auto count = [&](const char* key) {
      if (!j.contains(key)) detail::fail(errc::invalid_argument, std::string("data_quality.") + key + ": missing");
      return static_cast<std::size_t>(need_integer(j[key], std::string("data_quality.") + key, 0, most));
    };
    detail::need_object(j, "data_quality");
    detail::only_keys(j, "data_quality", {"read", "skipped", "skipped_lines", "after_now", "applied", "refused",
                                          "refused_by_code", "reordered", "creates_refused"});
    data_quality q;
    q.read = count("read");
    q.skipped = count("skipped");
    q.after_now = count("after_now");
    q.applied = count("applied");
    q.refused = count("refused");
    q.reordered = count("reordered");
    q.creates_refused = count("creates_refused");
    const nlohmann::json& lines = j.contains("skipped_lines") ? j["skipped_lines"] : nlohmann::json::array();
    if (!lines.is_array()) detail::wrong_type("data_quality.skipped_lines", "an array", lines);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string field = "data_quality.skipped_lines[" + std::to_string(i) + "]";
      detail::need_object(lines[i], field);
      detail::only_keys(lines[i], field, {"line", "cause"});
      if (!lines[i].contains("line") || !lines[i].contains("cause")) detail::fail(errc::invalid_argument, field + ": needs line and cause");
      q.skipped_lines.push_back({static_cast<std::size_t>(need_integer(lines[i]["line"], field + ".line", 0, most)),
                                 detail::need_string(lines[i]["cause"], field + ".cause")});
    }
    const nlohmann::json& codes = j.contains("refused_by_code") ? j["refused_by_code"] : nlohmann::json::object();
    detail::need_object(codes, "data_quality.refused_by_code");
    for (auto it = codes.begin(); it != codes.end(); ++it) {
      q.refused_by_code[it.key()] =
          static_cast<std::size_t>(need_integer(it.value(), "data_quality.refused_by_code." + it.key(), 0, most));
    }
    return q;
  });
}

inline std::string data_quality::strict_failure() const {
  if (refused == 0 && skipped == 0) return "";
  std::string why;
  if (refused) why = std::to_string(refused) + " event(s) refused";
  if (skipped) why += (why.empty() ? "" : ", ") + std::to_string(skipped) + " line(s) skipped";
  return why;
}

inline std::string data_quality::warning() const {
  const std::size_t events = applied + refused;
  // More than 5 %: refused * 20 > events, in whole numbers.
  if (events == 0 || refused * 20 <= events) return "";
  char share[32];
  std::snprintf(share, sizeof share, "%.1f", 100.0 * static_cast<double>(refused) / static_cast<double>(events));
  return std::to_string(refused) + " of " + std::to_string(events) + " events (" + share +
         " %) were refused: the figures describe only the events that applied";
}

// --- read_options ------------------------------------------------------------------------------

inline result<read_options> read_options::from_json(const nlohmann::json& j) {
  return detail::capture<read_options>([&] {
    detail::need_object(j, "read options");
    detail::only_keys(j, "read options", {"order", "now", "skip_bad_lines"});
    read_options o;
    if (const auto it = j.find("order"); it != j.end()) {
      const std::string& name = detail::need_string(*it, "read options.order");
      if (name == "time") {
        o.order = event_order::time;
      } else if (name == "file") {
        o.order = event_order::file;
      } else {
        detail::fail(errc::invalid_argument, "read options.order: '" + name + "' is not one of time, file");
      }
    }
    if (const auto it = j.find("now"); it != j.end() && !it->is_null()) {
      o.now = detail::parse_utc_field(*it, "read options.now");
    }
    if (const auto it = j.find("skip_bad_lines"); it != j.end()) {
      o.skip_bad_lines = detail::need_bool(*it, "read options.skip_bad_lines");
    }
    return o;
  });
}

inline nlohmann::json read_options::to_json() const {
  return {{"order", order == event_order::time ? "time" : "file"},
          {"now", now ? nlohmann::json(format_utc(*now)) : nlohmann::json()},
          {"skip_bad_lines", skip_bad_lines}};
}

namespace detail {

/// What the reads count about a store that `event_store::apply` cannot see.
struct event_store_access {
  static data_quality& quality(event_store& store) { return store.state_->quality; }
  using store_state = event_store::state;
  static store_state& state_of(event_store& store) { return *store.state_; }
};

/// Undoes a read that did not finish: unless `commit` was called, the destructor puts the store
/// back as it was when this was made (tickets, refusals, counts, quality, the schedule's
/// bookings). `before_change(id)` keeps ticket `id` as it is, before a line changes it.
class read_transaction {
 public:
  explicit read_transaction(event_store& store)
      : s_(event_store_access::state_of(store)),
        counts_(s_.counts),
        quality_(s_.quality),
        refusals_(s_.refusals.size()),
        refused_creates_(s_.refused_creates),
        bookings_(s_.schedule.bookings()),
        was_empty_(s_.tickets.empty()) {}
  read_transaction(const read_transaction&) = delete;
  read_transaction& operator=(const read_transaction&) = delete;
  ~read_transaction() {
    if (!committed_) rollback();
  }

  /// Keeps ticket `id` (or that it did not exist) before its first change; may throw, before
  /// the change.
  void before_change(const std::string& id) {
    if (was_empty_ || id.empty() || kept_.count(id) != 0) return;  // from empty, every ticket is new
    const auto it = s_.tickets.find(id);
    if (it == s_.tickets.end()) {
      kept_.emplace(id, std::nullopt);
    } else {
      kept_.emplace(id, it->second);
    }
  }
  void commit() noexcept { committed_ = true; }

 private:
  // Moves, erasures and swaps only: nothing here allocates.
  void rollback() noexcept {
    if (was_empty_) {
      s_.tickets.clear();
    } else {
      for (auto& [id, before] : kept_) {
        if (before) {
          s_.tickets.find(id)->second = std::move(*before);  // a read never removes a ticket
        } else {
          s_.tickets.erase(id);
        }
      }
    }
    s_.counts = counts_;
    s_.quality = std::move(quality_);
    s_.refusals.erase(s_.refusals.begin() + static_cast<std::ptrdiff_t>(refusals_), s_.refusals.end());
    s_.refused_creates = std::move(refused_creates_);
    change_schedule_access::swap_bookings(s_.schedule, bookings_);
  }

  event_store_access::store_state& s_;
  event_counts counts_;
  data_quality quality_;
  std::size_t refusals_;
  std::set<std::string> refused_creates_;
  std::vector<planned_change> bookings_;
  bool was_empty_;
  bool committed_ = false;
  std::unordered_map<std::string, std::optional<ticket>> kept_;  // nullopt: created by the read
};

/// One event line held between reading and applying: its text, number, and what the order needs.
struct held_line {
  std::string text;
  std::size_t line = 0;
  std::string ticket;         // "" when the line names none
  std::int64_t at = 0;        // the sort key: its time, or that of the line before it
  bool has_time = false;      // `at` is the line's own, valid time
  bool create = false;
  std::uint64_t seq = 0;      // the line's `seq`, ordering events of one instant (0: none)
};

/// Why `text` is not an event line, or "" when it is one (a JSON object; whether it fits the
/// event form is the store's to say). On an event line, fills `held`'s ticket, time and kind.
inline std::string check_event_line(std::string_view text, held_line& held) {
  try {
    check_json_text_limits(text, "the line");
  } catch (const failure& f) {
    return f.what();
  }
  if (const auto bad = invalid_utf8_at(text); bad != utf8_ok) {
    return "not UTF-8 (byte " + std::to_string(bad + 1) + " of the line)";
  }
  json ev;
  json_release_guard ev_guard(ev);  // freeing it must not allocate (detail/json_release.hpp)
  try {
    ev = parse_json_released(text, true);
  } catch (const json::parse_error& e) {
    return "not JSON (syntax error at byte " + std::to_string(e.byte) + ")";
  } catch (const json::exception&) {  // out_of_range: a number like 1e400
    return "not JSON (a number out of range)";
  }
  if (!ev.is_object()) {
    const std::string kind = ev.is_array() ? "an array" : ev.is_null() ? "null" : std::string("a ") + ev.type_name();
    return "not a JSON object (" + kind + ")";
  }
  if (const auto t = ev.find("ticket"); t != ev.end() && t->is_string()) held.ticket = t->get<std::string>();
  if (const auto at = ev.find("at"); at != ev.end() && at->is_string()) {
    try {
      const auto tt = parse_text_time(at->get_ref<const std::string&>(), "event.at");
      if (tt.has_offset) {
        held.at = tt.seconds;
        held.has_time = true;
      }
    } catch (const failure&) {
      // the store refuses the line, naming the bad time
    }
  }
  held.create = ev.contains("create");
  if (const auto seq = ev.find("seq"); seq != ev.end() && seq->is_number_unsigned()) held.seq = seq->get<std::uint64_t>();
  return "";
}

/// Per ticket, the fewest events whose moving turns file order into the applied order: the
/// ticket's events minus the longest run of them still in file order (a longest increasing
/// subsequence of their file positions, in applied order).
inline std::size_t count_reordered(const std::vector<held_line>& applied_order) {
  std::unordered_map<std::string, std::vector<std::size_t>> tails;  // patience-sort piles per ticket
  std::unordered_map<std::string, std::size_t> events;
  for (const auto& h : applied_order) {
    if (h.ticket.empty()) continue;
    ++events[h.ticket];
    auto& piles = tails[h.ticket];
    auto it = std::lower_bound(piles.begin(), piles.end(), h.line);
    if (it == piles.end()) {
      piles.push_back(h.line);
    } else {
      *it = h.line;
    }
  }
  std::size_t moved = 0;
  for (const auto& [id, n] : events) moved += n - tails[id].size();
  return moved;
}

/// Calls `progress` every 4096 items, so a bar costs nothing per line.
inline void tick(const progress_fn& progress, std::string_view phase, std::uint64_t done, std::uint64_t total) {
  if (progress && (done & 4095) == 0) progress(phase, done, total);
}

/// Calls `fn` on every ticket of `store`, telling `progress` how far it got in `phase`.
template <class F>
void each_ticket(const event_store& store, std::string_view phase, const progress_fn& progress, F&& fn) {
  const std::uint64_t total = store.tickets().size();
  std::uint64_t done = 0;
  if (progress) progress(phase, 0, total);
  for (const auto& [id, t] : store.tickets()) {
    fn(t);
    tick(progress, phase, ++done, total);
  }
  if (progress) progress(phase, total, total);
}

/// The read over whatever `next_line(text, line_no, bytes)` gives (false at the end; it sets the
/// line's number and the bytes read so far); `read_failed(line_no)` is the error of a source that
/// failed, if it did. The read undoes itself when it throws; within `outer` (not null), undoing
/// is the caller's, who commits later.
template <class NextLine, class ReadFailed>
result<data_quality> read_lines(event_store& store, NextLine&& next_line, ReadFailed&& read_failed,
                                const std::string& source, const read_options& options,
                                const read_callbacks& callbacks, std::uint64_t total_bytes,
                                read_transaction* outer = nullptr) {
  const progress_fn& progress = callbacks.progress;
  data_quality found;
  std::vector<held_line> lines;
  std::vector<bad_line> bad;
  std::string text;
  std::size_t line_no = 0;
  std::uint64_t bytes = 0;
  std::int64_t last_time = std::numeric_limits<std::int64_t>::min();
  if (progress) progress("read", 0, total_bytes);
  for (std::size_t count = 1; next_line(text, line_no, bytes); ++count) {
    if (progress && (count & 4095) == 0) progress("read", bytes, total_bytes);
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++found.read;
    held_line held;
    if (std::string cause = check_event_line(text, held); !cause.empty()) {
      bad.push_back({line_no, std::move(cause)});
      continue;
    }
    if (!held.has_time) held.at = last_time;  // keeps its place among its neighbours
    last_time = held.at;
    held.line = line_no;
    held.text = std::move(text);
    lines.push_back(std::move(held));
  }
  if (std::optional<error> failed = read_failed(line_no)) return std::move(*failed);
  if (!bad.empty() && !options.skip_bad_lines) {
    std::string message = source + ":" + std::to_string(bad.front().line) + ": " + bad.front().cause;
    if (bad.size() > 1) message += " (and " + std::to_string(bad.size() - 1) + " more line(s) that are not event lines)";
    return error{errc::parse_error, message};
  }
  found.skipped = bad.size();
  for (const auto& b : bad) {
    if (callbacks.skipped) callbacks.skipped(b);
  }
  found.skipped_lines = std::move(bad);
  if (options.now) {
    const std::int64_t cut = options.now->time_since_epoch().count();
    const auto later = std::stable_partition(lines.begin(), lines.end(),
                                             [cut](const held_line& h) { return !h.has_time || h.at <= cut; });
    found.after_now = static_cast<std::size_t>(lines.end() - later);
    lines.erase(later, lines.end());
  }
  if (options.order == event_order::time) {
    if (progress) progress("sort", 0, lines.size());
    std::stable_sort(lines.begin(), lines.end(), [](const held_line& a, const held_line& b) {
      if (a.at != b.at) return a.at < b.at;
      if (a.create != b.create) return a.create;
      return a.seq < b.seq;
    });
    found.reordered = count_reordered(lines);
  }
  std::optional<read_transaction> local;
  if (!outer) local.emplace(store);
  read_transaction& tx = outer ? *outer : *local;
  const data_quality before = store.quality();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    tx.before_change(lines[i].ticket);
    const auto outcome = store.apply(lines[i].text, lines[i].line);
    if (callbacks.outcome) callbacks.outcome(outcome);
    tick(progress, "apply", i + 1, lines.size());
  }
  if (progress) progress("apply", lines.size(), lines.size());
  const data_quality after = store.quality();
  found.applied = after.applied - before.applied;
  found.refused = after.refused - before.refused;
  found.creates_refused = after.creates_refused - std::min(after.creates_refused, before.creates_refused);
  for (const auto& [code, n] : after.refused_by_code) {
    const auto was = before.refused_by_code.find(code);
    const std::size_t now_more = n - (was == before.refused_by_code.end() ? 0 : was->second);
    if (now_more) found.refused_by_code[code] = now_more;
  }
  // What apply could not count, into the store's own counts (apply counted the lines it read).
  auto& kept = event_store_access::quality(store);
  kept.read += found.skipped + found.after_now;
  kept.skipped += found.skipped;
  kept.skipped_lines.insert(kept.skipped_lines.end(), found.skipped_lines.begin(), found.skipped_lines.end());
  kept.after_now += found.after_now;
  kept.reordered += found.reordered;
  result<data_quality> answer(std::move(found));  // made before the commit: a copy could fail after it
  if (local) local->commit();
  return answer;
}

/// Sets badbit in a stream's exception mask for its lifetime. std::getline takes an exception
/// thrown while it reads (std::bad_alloc growing the line) for a failure of the stream: it sets
/// badbit and swallows it, unless badbit is in the mask; then it rethrows that very exception.
/// Running out of memory must not read as a read error.
class rethrow_from_stream {
 public:
  explicit rethrow_from_stream(std::istream& in) : in_(in), mask_(in.exceptions()) {
    in.exceptions(mask_ | std::ios::badbit);  // throws std::ios_base::failure when already bad
  }
  rethrow_from_stream(const rethrow_from_stream&) = delete;
  rethrow_from_stream& operator=(const rethrow_from_stream&) = delete;
  ~rethrow_from_stream() {
    try {
      in_.exceptions(mask_);
    } catch (const std::ios_base::failure&) {
      // the caller's own mask names a state the stream is in: it learns of it from the state
    }
  }

 private:
  std::istream& in_;
  std::ios::iostate mask_;
};

inline result<data_quality> read_events_from(event_store& store, std::istream& in, const std::string& source,
                                             const read_options& options, const read_callbacks& callbacks,
                                             std::uint64_t total_bytes, read_transaction* outer = nullptr) {
  bool failed = in.bad();
  std::optional<rethrow_from_stream> rethrow;
  if (!failed) rethrow.emplace(in);
  auto next_line = [&in, &failed](std::string& text, std::size_t& line_no, std::uint64_t& bytes) {
    if (failed) return false;
    try {
      if (!std::getline(in, text)) return false;
    } catch (const std::ios_base::failure&) {  // the stream's own failure, not one it passed on
      failed = true;
      return false;
    }
    ++line_no;
    bytes += text.size() + 1;
    return true;
  };
  auto read_failed = [&](std::size_t line_no) -> std::optional<error> {
    if (!failed) return std::nullopt;
    return error{errc::parse_error, source + ": read error after line " + std::to_string(line_no)};
  };
  return read_lines(store, next_line, read_failed, source, options, callbacks, total_bytes, outer);
}

}  // namespace detail

inline result<data_quality> read_events(event_store& store, std::istream& in, const std::string& source,
                                        const read_options& options, const read_callbacks& callbacks) {
  return detail::read_events_from(store, in, source, options, callbacks, 0);
}

inline result<data_quality> read_event_lines(event_store& store, const std::vector<numbered_line>& lines,
                                             const std::string& source, const read_options& options,
                                             const read_callbacks& callbacks) {
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].line <= lines[i - 1].line) {
      return error{errc::invalid_argument, source + ": line numbers must increase (" +
                                               std::to_string(lines[i - 1].line) + " then " +
                                               std::to_string(lines[i].line) + ")"};
    }
  }
  std::size_t next = 0;
  auto next_line = [&](std::string& text, std::size_t& line_no, std::uint64_t& bytes) {
    if (next == lines.size()) return false;
    text = lines[next].text;
    line_no = lines[next].line;
    bytes += text.size() + 1;
    ++next;
    return true;
  };
  auto never_fails = [](std::size_t) -> std::optional<error> { return std::nullopt; };
  return detail::read_lines(store, next_line, never_fails, source, options, callbacks, 0);
}

inline result<data_quality> read_event_file(event_store& store, const std::string& path, const read_options& options,
                                            const read_callbacks& callbacks) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) return error{errc::invalid_argument, "'" + path + "' is a directory, not an event log"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return error{errc::not_found, "cannot open '" + path + "': " + std::strerror(errno)};
  const std::uintmax_t size = fs::is_regular_file(path, ec) ? fs::file_size(path, ec) : 0;
  return detail::read_events_from(store, in, path, options, callbacks, ec ? 0 : static_cast<std::uint64_t>(size));
}

}  // namespace v1
}  // namespace itsm
