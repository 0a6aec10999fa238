// Event lines (`itsmctl replay`'s input) through the library's event store: each line is applied
// or refused, and a refused event leaves its ticket exactly as it was.
#include <string>

#include "fuzz.hpp"
#include "itsm/event.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  itsm::event_store store;
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
    const auto* found = store.find(id);
    const std::string before = found ? found->snapshot().dump() : std::string();
    const auto outcome = store.apply(event, line);
    FUZZ_CHECK(outcome.line == line);
    if (!outcome.ok()) {
      const auto refusal = itsm::to_json(outcome);
      FUZZ_CHECK(refusal.contains("code") && refusal.contains("message") && refusal["line"] == line);
      const auto* now = store.find(id);
      if (!before.empty()) FUZZ_CHECK(now != nullptr && now->snapshot().dump() == before);
      else FUZZ_CHECK(now == nullptr || id.empty());
    }
  }
  FUZZ_CHECK(store.counts().events == store.counts().applied + store.counts().refused);
  FUZZ_CHECK(store.refusals().size() == store.counts().refused);
  return 0;
}
