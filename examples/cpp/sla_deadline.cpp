// When is a P2 incident opened on Friday afternoon due, on a Berlin service desk's hours?
#include <cstdio>

#include "itsm/itsm.hpp"

int main() {
  auto cal = itsm::calendar::from_json(R"({
    "timezone": "Europe/Berlin",
    "week": {"mon": [["08:00", "18:00"]], "tue": [["08:00", "18:00"]], "wed": [["08:00", "18:00"]],
             "thu": [["08:00", "18:00"]], "fri": [["08:00", "16:00"]]},
    "holidays": ["--12-25", "--12-26", {"easter": -2}, {"easter": 1}]
  })");
  if (!cal) {
    std::fprintf(stderr, "calendar: %s\n", cal.error_value().message.c_str());
    return 1;
  }
  const auto opened = cal->parse_time("2026-04-02T15:00:00");  // Thursday before Good Friday
  const auto due = cal->add(*opened, std::chrono::hours{8});
  if (!due) {
    std::fprintf(stderr, "add: %s\n", due.error_value().message.c_str());
    return 1;
  }
  std::printf("opened %s, 8 business hours -> due %s\n", cal->format(*opened).c_str(),
              cal->format(*due).c_str());
  return cal->format(*due) == "2026-04-07T13:00:00+02:00" ? 0 : 1;
}
