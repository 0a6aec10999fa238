// Event lines (`itsmctl replay`'s input) through itsmctl's own replay core: each line is applied
// or refused, and a refused event leaves its ticket exactly as it was.
#include <string>

#include "../../examples/itsmctl/replay.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  itsmctl::replay_state st;
  std::size_t pos = 0, line = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string event(text.substr(pos, end - pos));
    pos = end + 1;
    ++line;
    // The ticket the line names, if it exists, before the event.
    const auto ev = nlohmann::json::parse(event, nullptr, false);
    std::string id;
    if (ev.is_object() && ev.contains("ticket") && ev["ticket"].is_string()) id = ev["ticket"].get<std::string>();
    const auto found = st.tickets.find(id);
    const std::string before = found != st.tickets.end() ? found->second.snapshot().dump() : std::string();
    const auto refusal = itsmctl::apply_event(st, event, line);
    if (!refusal.is_null()) {
      FUZZ_CHECK(refusal.contains("code") && refusal.contains("message"));
      const auto now = st.tickets.find(id);
      if (!before.empty()) FUZZ_CHECK(now != st.tickets.end() && now->second.snapshot().dump() == before);
      else FUZZ_CHECK(now == st.tickets.end() || id.empty());
    }
  }
  return 0;
}
