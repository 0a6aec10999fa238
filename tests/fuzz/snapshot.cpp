// Ticket snapshots: any text restores or is refused; a restored ticket's snapshot restores to
// itself, replays to itself, and its hash-chained export verifies.
#include "fuzz.hpp"
#include "itsm/ticket.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::reader in(data, size);
  const auto names = itsm::builtin_workflow_names();
  auto wf = *itsm::builtin_workflow(names[in.pick(names.size())]);
  auto t = itsm::ticket::restore(wf, in.rest());
  if (!t) return 0;
  const auto snap = t->snapshot();
  auto again = itsm::ticket::restore(wf, snap);
  FUZZ_CHECK(again && again->snapshot() == snap);
  auto text = itsm::ticket::restore(wf, std::string_view(snap.dump()));
  FUZZ_CHECK(text && text->snapshot() == snap);
  auto replayed = itsm::ticket::replay(wf, t->id(), snap);
  if (replayed) FUZZ_CHECK(replayed->snapshot() == snap);
  auto chain = itsm::verify_history(t->export_history());
  FUZZ_CHECK(chain && chain->records == t->history().size());
  return 0;
}
