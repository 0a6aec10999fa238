#include <cstdio>

#include <itsm/itsm.hpp>

int main() {
  auto cal = itsm::calendar::from_json(R"({"week": {"mon": [["09:00", "17:00"]]}})");
  if (!cal) return 1;
  auto t = cal->parse_time("2026-01-05T16:00:00Z");
  auto due = cal->add(*t, std::chrono::hours{2});
  std::printf("itsm %s (C++): due %s\n", itsm::version.string, cal->format(*due).c_str());
  return cal->format(*due) == "2026-01-12T10:00:00+00:00" ? 0 : 1;
}
