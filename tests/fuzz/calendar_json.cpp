// Calendar JSON: any text either loads or is refused with a message; a loaded calendar writes a
// canonical form that loads to the same form, and its arithmetic keeps its laws:
// between(t, add(t, d)) == d for d >= 0, add never goes backwards; counting working days and
// listing holidays answer or refuse.
#include "fuzz.hpp"
#include "itsm/calendar.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::reader in(data, size);
  const std::int64_t start = in.number(-2'000'000'000, 4'000'000'000);
  const std::int64_t delta = in.number(0, 40'000'000);
  const std::string_view text = in.rest();
  auto cal = itsm::calendar::from_json(text);
  if (!cal) {
    FUZZ_CHECK(!cal.error_value().message.empty());
    return 0;
  }
  const auto canonical = cal->to_json();
  auto again = itsm::calendar::from_json(canonical.dump());
  FUZZ_CHECK(again && again->to_json() == canonical);
  const itsm::sys_seconds t{std::chrono::seconds{start}};
  auto due = cal->add(t, std::chrono::seconds{delta});
  if (due) {
    FUZZ_CHECK(*due >= t);
    auto span = cal->between(t, *due);
    FUZZ_CHECK(span && span->count() == delta);
  }
  (void)cal->next_open(t);
  (void)cal->prev_close(t);
  // Up to 25,000 working days either way: a century, which must cost no more than its days.
  (void)cal->add_working_days(t, static_cast<int>(delta % 50'001) - 25'000);
  (void)cal->holidays(static_cast<int>(1970 + start % 100));
  return 0;
}
