// The engine against a model of the documented semantics (ticket_model.hpp, written from
// docs/workflows.md): random valid definitions and the eight built-ins, random sequences of 10-40
// events (fire, move_to, approve, reject, update; back-dated times, bad fields, strangers,
// excluded approvers, trusted importers, hooks present or not). After every event the outcome
// (code and details) must be the predicted one, a refusal must leave the snapshot unchanged, the
// snapshot must equal the model's, and allowed() for two actors must be the model's. Then, for
// one actor, every transition id is fired on a copy: those allowed() lists are never refused for
// the state or the actor, the others always are.

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <sstream>

#include "itsm/ticket.hpp"
#include "ticket_model.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace ticket_model_test {

namespace {

using itsm::errc;
using nlohmann::json;

struct rng {
  std::uint64_t s;
  std::uint64_t next() {  // splitmix64
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool one_in(std::size_t n) { return below(n) == 0; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
};

const std::vector<std::string> role_pool{"agent", "lead", "cab", "fin"};
const std::vector<std::string> name_pool{"ann", "bob", "cy", "dee"};  // hooks refuse dee's guards
const std::vector<std::string> id_pool{"go", "next", "back", "veto", "close", "fix", "redo", "halt"};
const std::vector<std::string> guard_pool{"g_check", "g_more", "unreg_gate"};
const std::vector<std::string> action_pool{"a_note", "a_throw", "unreg_hook"};

template <class T>
std::vector<T> some_of(rng& r, const std::vector<T>& pool, std::size_t max) {
  std::vector<T> out;
  if (pool.empty()) return out;
  for (std::size_t n = r.below(max + 1); n > 0; --n) {
    const T& v = r.pick(pool);
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

/// A random definition meant to pass the build checks: a spine s0 -> s1 -> ... -> done keeps every
/// state reachable and trap-free; extra normal, reject, revert, reopen, "*" and self-loop
/// transitions with random roles, fields, approvals, distinct, set, guards and actions.
itsm::workflow_definition random_definition(rng& r) {
  itsm::workflow_definition d;
  d.name = "random";
  d.version = 1 + static_cast<int>(r.below(3));
  if (!r.one_in(3)) {
    d.fields = std::vector<itsm::field_def>{};
    for (const char* f : {"requested_by", "owner", "reason", "notes", "plan", "impact", "urgency", "priority", "flag"}) {
      d.fields->push_back({f, {}});
    }
    d.fields->push_back({"risk", {"low", "high"}});
  }
  if (r.one_in(2)) d.roles = role_pool;
  if (r.one_in(2)) d.guards = guard_pool;
  if (r.one_in(2)) d.actions = action_pool;
  if (r.one_in(3)) {
    d.priority_matrix.resize(1 + r.below(4));
    for (auto& row : d.priority_matrix) {
      row.resize(1 + r.below(4));
      for (auto& e : row) e = 1 + static_cast<int>(r.below(5));
    }
  }
  const std::size_t n = 2 + r.below(4);  // s0 .. s{n-1}, then done (and maybe cancelled)
  std::vector<std::string> open;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string id = "s" + std::to_string(i);
    auto& s = d.add_state(id, i == 0 ? itsm::state_category::new_
                                     : r.pick(std::vector<itsm::state_category>{itsm::state_category::open,
                                                                                itsm::state_category::waiting,
                                                                                itsm::state_category::resolved}));
    s.initial = i == 0;
    if (i == 0 && r.one_in(3)) s.required_fields = {"requested_by"};
    if (i > 0) s.required_fields = some_of(r, std::vector<std::string>{"reason", "notes", "plan", "risk", "impact"}, 2);
    open.push_back(id);
  }
  d.add_state("done", itsm::state_category::closed).terminal = true;
  if (r.one_in(4)) d.states.back().required_fields = {"notes"};
  std::vector<std::string> terminal{"done"};
  if (r.one_in(2)) {
    d.add_state("cancelled", itsm::state_category::cancelled).terminal = true;
    terminal.push_back("cancelled");
  }
  std::vector<std::string> later(open.begin() + 1, open.end());
  later.insert(later.end(), terminal.begin(), terminal.end());

  std::map<std::string, std::set<std::string>> used;  // ids per from-state
  auto add = [&](std::vector<std::string> from, const std::string& to, itsm::transition_kind kind) {
    const bool any = from.size() == 1 && from[0] == "*";
    std::vector<std::string> sources = from;
    if (any) {
      sources.clear();
      for (const auto& s : open)
        if (s != to) sources.push_back(s);
      if (sources.empty()) return;
    }
    std::string id;
    for (int tries = 0; tries < 8 && id.empty(); ++tries) {
      const std::string& c = r.pick(id_pool);
      if (std::none_of(sources.begin(), sources.end(), [&](const std::string& s) { return used[s].count(c) > 0; })) id = c;
    }
    if (id.empty()) id = "t" + std::to_string(d.transitions.size());
    for (const auto& s : sources) used[s].insert(id);
    auto& t = d.add_transition(id, std::move(from), to);
    t.kind = kind;
    if (!r.one_in(2)) t.roles = some_of(r, role_pool, 2);
    if (r.one_in(3)) t.required_fields = some_of(r, std::vector<std::string>{"reason", "notes", "plan"}, 1);
    if (r.one_in(4)) {
      itsm::approval_rule rule;
      rule.role = r.pick(role_pool);
      rule.min = 1 + static_cast<int>(r.below(r.one_in(4) ? 3 : 2));
      rule.exclude = some_of(r, std::vector<std::string>{"requested_by", "owner"}, 2);
      rule.automatic = !r.one_in(3);
      t.approvals = rule;
    }
    if (r.one_in(6)) t.distinct_fields = {"requested_by", "owner"};
    if (r.one_in(6)) {
      t.set = r.pick(std::vector<json>{{{"notes", "set by the transition"}}, {{"impact", 1}}, {{"flag", "up"}},
                                       {{"owner", "ann"}}, {{"risk", "high"}}, {{"reason", ""}}});
    }
    if (r.one_in(5)) t.guards = some_of(r, guard_pool, 2);
    if (r.one_in(4)) t.actions = some_of(r, action_pool, 2);
  };
  for (std::size_t i = 0; i + 1 < open.size(); ++i) add({open[i]}, open[i + 1], itsm::transition_kind::normal);
  add({open.back()}, "done", itsm::transition_kind::normal);
  for (std::size_t extra = r.below(8); extra > 0; --extra) {
    switch (r.below(9)) {
      case 0: case 1: case 2: {
        std::vector<std::string> from = r.one_in(6) ? std::vector<std::string>{"*"} : some_of(r, open, 2);
        if (from.empty()) from = {open[0]};
        add(from, r.pick(later), itsm::transition_kind::normal);
        break;
      }
      case 3: case 4: {
        std::vector<std::string> all = open;
        all.insert(all.end(), terminal.begin(), terminal.end());
        add({r.pick(open)}, r.pick(all), itsm::transition_kind::reject);
        break;
      }
      case 5:
        if (open.size() > 1) add({open[1 + r.below(open.size() - 1)]}, open[0], itsm::transition_kind::revert);
        break;
      case 6: add({r.pick(terminal)}, r.pick(open), itsm::transition_kind::reopen); break;
      case 7: add({"*"}, r.pick(terminal), itsm::transition_kind::normal); break;
      default:
        if (open.size() > 1) {
          const std::string& s = open[1 + r.below(open.size() - 1)];
          add({s}, s, itsm::transition_kind::normal);
        }
    }
  }
  return d;
}

/// The hooks of the model's convention for every guard and action name the workflow uses.
itsm::hooks hooks_for(const itsm::workflow_definition& d) {
  itsm::hooks h;
  for (const auto& t : d.transitions) {
    for (const auto& g : t.guards) {
      if (!model::registered(g)) continue;
      h.guard(g, [](const itsm::guard_context& c) -> std::optional<std::string> {
        if (model::guard_refuses(c.who.name, c.fields_after)) return std::string("refused by the test hooks");
        return std::nullopt;
      });
    }
    for (const auto& a : t.actions) {
      if (!model::registered(a)) continue;
      const bool throws = model::action_throws(a);
      h.action(a, [throws](const itsm::ticket&, const itsm::history_record&) {
        if (throws) throw std::runtime_error("boom");
      });
    }
  }
  return h;
}

/// What one sequence draws from: the workflow's roles, fields and ids.
struct vocabulary {
  std::vector<std::string> roles, fields, people, ids, states;
  std::map<std::string, std::vector<std::string>> values;

  explicit vocabulary(const itsm::workflow_definition& d) {
    std::set<std::string> r, f, p, i;
    auto note_fields = [&](const std::vector<std::string>& v) { f.insert(v.begin(), v.end()); };
    for (const auto& s : d.states) {
      states.push_back(s.id);
      note_fields(s.required_fields);
    }
    for (const auto& t : d.transitions) {
      r.insert(t.roles.begin(), t.roles.end());
      i.insert(t.id);
      note_fields(t.required_fields);
      note_fields(t.distinct_fields);
      p.insert(t.distinct_fields.begin(), t.distinct_fields.end());
      if (t.approvals) {
        r.insert(t.approvals->role);
        note_fields(t.approvals->exclude);
        p.insert(t.approvals->exclude.begin(), t.approvals->exclude.end());
      }
    }
    if (d.fields) {
      for (const auto& fd : *d.fields) {
        f.insert(fd.id);
        if (!fd.values.empty()) values[fd.id] = fd.values;
      }
    } else {
      f.insert({"impact", "urgency", "priority", "flag", "colour"});
    }
    if (d.roles) r.insert(d.roles->begin(), d.roles->end());
    roles.assign(r.begin(), r.end());
    fields.assign(f.begin(), f.end());
    people.assign(p.begin(), p.end());
    ids.assign(i.begin(), i.end());
  }

  bool is_person(const std::string& f) const { return std::find(people.begin(), people.end(), f) != people.end(); }

  /// A value for `field`: mostly a good one, sometimes missing, sometimes a bad one.
  json value(rng& r, const std::string& field, bool good) const {
    const std::size_t roll = good ? 0 : r.below(10);
    if (roll >= 8) return r.pick(std::vector<json>{"", nullptr, json::array(), json::object()});
    const bool bad = roll == 7;
    if (field == "impact" || field == "urgency" || field == "priority") {
      if (bad) return r.pick(std::vector<json>{"high", 0, 100, "P", "2x", -1, 2.5});
      return r.pick(std::vector<json>{1, 2, 3, 4, 5, 7, "2 - High", "P3", "p1", "4-Low"});
    }
    if (auto it = values.find(field); it != values.end()) return bad ? json("bogus") : json(r.pick(it->second));
    if (is_person(field) || field == "flag") {
      if (field == "flag") return "up";
      if (r.one_in(6)) return json::array({r.pick(name_pool), r.pick(name_pool)});
      return r.pick(name_pool);
    }
    return r.pick(std::vector<json>{"x", "y", "a longer note", 1, true});
  }
};

struct sequence_stats {
  std::map<errc, int> codes;
  int events = 0, automatic_fires = 0, rejections = 0, sequences = 0, builtins = 0, probes = 0;
};

/// Runs one sequence; on the first disagreement, fails with the definition and the events so far.
void run_sequence(std::uint64_t seed, sequence_stats& stats) {
  rng r{seed};
  itsm::workflow_ptr wf;
  const auto builtins = itsm::builtin_workflow_names();
  if (r.one_in(3)) {
    wf = *itsm::builtin_workflow(r.pick(builtins));
    ++stats.builtins;
  } else {
    for (int tries = 0; !wf; ++tries) {
      auto built = itsm::workflow::build(random_definition(r));
      if (built) wf = *built;
      else if (tries > 20) FAIL("seed " << seed << ": the generator keeps making invalid definitions: " << built.error_value().message);
    }
  }
  const auto& def = wf->definition();
  const vocabulary vocab(def);
  const itsm::hooks host = hooks_for(def);
  std::vector<std::string> log;
  auto fail = [&](const std::string& what) {
    std::ostringstream o;
    o << "seed " << seed << ", workflow " << wf->to_json().dump() << "\n";
    for (const auto& l : log) o << "  " << l << "\n";
    o << what;
    FAIL(o.str());
  };

  // Creation with the initial state's fields, and perhaps a few more.
  json initial = json::object();
  for (const auto& s : def.states) {
    if (!s.initial) continue;
    for (const auto& f : s.required_fields) initial[f] = vocab.value(r, f, true);
  }
  for (std::size_t k = r.below(3); k > 0; --k) {
    const auto& f = r.pick(vocab.fields);
    initial[f] = vocab.value(r, f, true);
  }
  auto created = itsm::ticket::create(wf, "T" + std::to_string(seed % 1000), itsm::actor::trusted("creator"),
                                      itsm::sys_seconds{std::chrono::seconds{1772445600}}, initial);
  if (!created) fail("create refused: " + created.error_value().message);
  itsm::ticket t = std::move(*created);
  model::ticket m(def, t.id(), "creator", 0, initial);
  json snapshot = t.snapshot();  // the engine's, after the last event
  if (snapshot != m.snapshot()) fail("after create: engine " + snapshot.dump() + "\nmodel " + m.snapshot().dump());

  auto random_actor = [&](bool may_be_malformed) {
    if (r.one_in(6)) return itsm::actor::trusted(r.pick(name_pool));
    itsm::actor a{may_be_malformed && r.one_in(60) ? std::string("e\xff") : r.pick(name_pool), some_of(r, vocab.roles, 2)};
    return a;
  };
  const itsm::actor watcher_a = random_actor(false);
  const itsm::actor watcher_b = itsm::actor::trusted(r.pick(name_pool));

  const std::size_t events = 10 + r.below(31);
  for (std::size_t e = 0; e < events; ++e) {
    itsm::actor who = random_actor(true);
    // Half the time the actor holds what the event needs, so sequences get somewhere.
    auto lend = [&](const std::string& role) {
      if (who.check_roles && !role.empty() && r.one_in(2)) who.roles.push_back(role);
    };
    auto lend_one_of = [&](const std::vector<std::string>& roles) {
      if (!roles.empty()) lend(r.pick(roles));
    };
    const long at = r.one_in(10) ? m.last_at() - 1 - static_cast<long>(r.below(5)) : m.last_at() + static_cast<long>(r.below(3));
    const itsm::sys_seconds when{std::chrono::seconds{1772445600 + at * 60}};
    const std::string comment = r.one_in(40) ? "bad\xff" : r.one_in(4) ? "note" : "";
    const bool hooked = !r.one_in(6);
    const itsm::hooks* hooks = hooked ? &host : nullptr;
    json fields = json::object();
    for (std::size_t k = r.below(3); k > 0; --k) {
      const auto& f = r.pick(vocab.fields);
      fields[f] = vocab.value(r, f, false);
    }
    if (r.one_in(30)) fields["colour"] = "red";  // not a field where the workflow declares its fields
    if (r.one_in(50)) fields = json::array({1});
    const auto leaving = m.leaving();
    std::vector<const itsm::transition_def*> rules, rejects;
    for (const auto* tr : leaving) {
      if (tr->approvals) rules.push_back(tr);
      if (tr->kind == itsm::transition_kind::reject) rejects.push_back(tr);
    }
    auto fill_for = [&](const itsm::transition_def& tr) {
      if (!fields.is_object() || r.one_in(3)) return;
      for (const auto* list : {&tr.required_fields, &def.states[wf->find_state(tr.to)].required_fields}) {
        for (const auto& f : *list) fields[f] = vocab.value(r, f, true);
      }
    };

    const json before = std::move(snapshot);
    itsm::outcome got;
    itsm::outcome want;
    // The engine's call, then the model's prediction of it, committed to the model when it applies.
    auto both = [&](auto&& engine_call, auto&& model_call) {
      got = engine_call();
      const model::prediction p = model_call();
      want = p.out;
      m.commit(p);
      return p;
    };
    std::ostringstream what;
    what << "#" << e << " ";
    std::size_t op = r.below(100);
    if ((op >= 55 && op < 75 && rules.empty()) || (op >= 75 && op < 87 && rejects.empty())) {
      if (!r.one_in(4)) op = r.below(55);  // mostly something that can happen here
    }
    if (op < 43) {  // mostly a transition leaving the state, else any id or an unknown one
      std::string id = r.one_in(4) ? std::string("nope") : r.pick(vocab.ids);
      if (op < 35 && !leaving.empty()) {
        const auto& tr = *leaving[r.below(leaving.size())];
        fill_for(tr);
        lend_one_of(tr.roles);
        id = tr.id;
      }
      what << "fire " << id;
      both([&] { return t.fire(id, who, when, fields, comment, hooks); },
           [&] { return m.fire(id, who, at, fields, comment, hooked); });
    } else if (op < 55) {
      std::string state = r.one_in(10) ? std::string("limbo") : r.pick(vocab.states);
      if (!leaving.empty() && r.one_in(2)) state = leaving[r.below(leaving.size())]->to;
      for (const auto* tr : leaving) {
        if (tr->to != state) continue;
        fill_for(*tr);
        lend_one_of(tr->roles);
      }
      what << "move_to " << state;
      both([&] { return t.move_to(state, who, when, fields, comment, hooks); },
           [&] { return m.move_to(state, who, at, fields, comment, hooked); });
    } else if (op < 75) {
      if (!rules.empty()) lend(r.pick(rules)->approvals->role);
      what << "approve";
      got = t.approve(who, when, comment, hooks);
      want = m.approve(who, at, comment, hooked);
      if (!got.fired.empty()) ++stats.automatic_fires;
    } else if (op < 87) {
      if (!rules.empty()) lend(r.pick(rules)->approvals->role);
      for (const auto* tr : rejects) {
        fill_for(*tr);
        lend_one_of(tr->roles);
      }
      what << "reject";
      both([&] { return t.reject(who, when, fields, comment, hooks); },
           [&] { return m.reject(who, at, fields, comment, hooked); });
      if (got.ok()) ++stats.rejections;
    } else {
      what << "update";
      const auto p = both([&] { return t.update(who, when, fields, comment); },
                          [&] { return m.update(who, at, fields, comment); });
      if (p.out.ok() && !p.appends && got.message != "nothing changed") fail("an update that changes nothing says: " + got.message);
    }
    what << " by " << who.name << (who.check_roles ? " " + json(who.roles).dump() : std::string(" (trusted)"))
         << " at " << at << (hooked ? "" : " without hooks");
    what << ": " << fields.dump() << (comment.empty() ? "" : " comment") << " -> " << itsm::to_json(got).dump();
    log.push_back(what.str());
    ++stats.events;
    ++stats.codes[got.code];

    json want_json = itsm::to_json(want);
    json got_json = itsm::to_json(got);
    got_json.erase("message");
    want_json.erase("message");
    if (got_json != want_json) fail("outcome: engine " + got_json.dump() + ", model " + want_json.dump());
    if (!got.ok() && got.message.empty()) fail("a refusal without a message");
    snapshot = t.snapshot();
    if (!got.ok() && snapshot.dump() != before.dump()) fail("a refusal changed the ticket");
    if (snapshot != m.snapshot()) fail("snapshot: engine " + snapshot.dump() + "\nmodel  " + m.snapshot().dump());
    for (const auto* a : {&watcher_a, &watcher_b}) {
      if (t.allowed(*a) != m.allowed(*a)) {
        fail("allowed(" + a->name + "): engine " + json(t.allowed(*a)).dump() + ", model " + json(m.allowed(*a)).dump());
      }
    }

    // allowed() is exactly what may be fired: each id on a copy, as one random actor, now (with
    // a well-formed name: a name that is not UTF-8 is refused before the actor's roles).
    const itsm::actor prober = random_actor(false);
    const auto listed = t.allowed(prober);
    const itsm::sys_seconds now{std::chrono::seconds{1772445600 + m.last_at() * 60}};
    std::vector<std::string> ids = vocab.ids;
    ids.push_back("nope");
    for (const auto& id : ids) {
      itsm::ticket copy = t;
      const auto out = copy.fire(id, prober, now, json::object(), {}, &host);
      const auto p = m.fire(id, prober, m.last_at(), json::object(), "", true);
      ++stats.probes;
      const bool is_listed = std::find(listed.begin(), listed.end(), id) != listed.end();
      const bool refused_for_state_or_actor = p.step == 2 || p.step == 4;
      if (out.code != p.out.code || is_listed == refused_for_state_or_actor ||
          (is_listed && (out.code == errc::not_allowed_from_state || out.code == errc::unknown_transition ||
                         out.code == errc::role_denied))) {
        fail("probe fire " + id + " by " + prober.name + ": engine " + itsm::to_json(out).dump() + ", model " +
             itsm::to_json(p.out).dump() + " (step " + std::to_string(p.step) + "), allowed " + json(listed).dump());
      }
    }
  }
  ++stats.sequences;
}

void run_block(std::uint64_t block, std::size_t count) {
  sequence_stats stats;
  for (std::size_t k = 0; k < count; ++k) run_sequence(block * 1000003ULL + k, stats);
  INFO("events " << stats.events << ", probes " << stats.probes << ", built-ins " << stats.builtins);
  CHECK(stats.sequences == static_cast<int>(count));
  CHECK(stats.builtins > static_cast<int>(count) / 5);
  // The sequences reach every outcome the model predicts, so agreement is not a vacuous one.
  for (errc c : {errc::ok, errc::unknown_transition, errc::not_allowed_from_state, errc::role_denied,
                 errc::missing_fields, errc::approvals_pending, errc::guard_failed, errc::time_went_backwards,
                 errc::segregation_of_duties, errc::ambiguous, errc::not_found, errc::invalid_argument}) {
    INFO(itsm::to_string(c));
    CHECK(stats.codes[c] > 0);
  }
  CHECK(stats.automatic_fires > 0);
  CHECK(stats.rejections > 0);
}

}  // namespace

// 5 x 1,000 sequences, each a test of its own so ctest can spread them.
TEST_CASE("model: sequences 1 (1,000 random sequences against the documented semantics)") { run_block(1, 1000); }
TEST_CASE("model: sequences 2 (1,000 random sequences against the documented semantics)") { run_block(2, 1000); }
TEST_CASE("model: sequences 3 (1,000 random sequences against the documented semantics)") { run_block(3, 1000); }
TEST_CASE("model: sequences 4 (1,000 random sequences against the documented semantics)") { run_block(4, 1000); }
TEST_CASE("model: sequences 5 (1,000 random sequences against the documented semantics)") { run_block(5, 1000); }

}  // namespace ticket_model_test
