// SLA query lines (`itsmctl sla eval`'s input): every line gets exactly one answer line, a JSON
// object with "id" and either "result" or "error".
#include <nlohmann/json.hpp>

#include "fuzz.hpp"
#include "itsm/query.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  itsm::query_evaluator queries(4);
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string answer = queries.evaluate_line(text.substr(pos, end - pos));
    const auto j = nlohmann::json::parse(answer, nullptr, false);
    FUZZ_CHECK(j.is_object() && j.contains("id") && (j.contains("result") != j.contains("error")));
    pos = end + 1;
  }
  return 0;
}
