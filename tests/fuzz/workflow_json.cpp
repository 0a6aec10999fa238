// Workflow definitions: any text is read (or refused), checked without throwing, and a
// definition that builds round-trips through its JSON form and draws as DOT.
#include "fuzz.hpp"
#include "itsm/workflow.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto def = itsm::workflow::parse(text);
  if (!def) return 0;
  const auto problems = itsm::workflow::check(*def);
  auto built = itsm::workflow::build(*def);
  bool has_error = false;
  for (const auto& p : problems) has_error = has_error || p.level == itsm::problem::severity::error;
  FUZZ_CHECK(static_cast<bool>(built) == !has_error);
  if (!built) return 0;
  const auto j = (*built)->to_json();
  auto again = itsm::workflow::from_json(j);
  FUZZ_CHECK(again && (*again)->to_json() == j);
  FUZZ_CHECK(!(*built)->to_dot().empty());
  return 0;
}
