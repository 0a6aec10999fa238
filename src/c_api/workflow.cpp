// The C ABI of workflow definitions: loading, the built-in processes, validation and the
// JSON and DOT forms.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "internal.hpp"
#include "itsm/workflow.hpp"

namespace itsm::c_api {
namespace {
const std::vector<std::string>& builtin_names() {
  static const std::vector<std::string> names = itsm::builtin_workflow_names();
  return names;
}
}  // namespace
}  // namespace itsm::c_api

using namespace itsm::c_api;

extern "C" {

int itsm_workflow_from_json(itsm_workflow** out, const char* json_text, size_t len) {
  return new_from_json(out, json_text, len, [](std::string_view text) { return itsm::workflow::from_json(text); });
}

int itsm_workflow_builtin(itsm_workflow** out, const char* name) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    if (int code = need_text(name, "name"); code != ITSM_OK) return code;
    return give_handle(itsm::builtin_workflow(name), out);
  });
}

size_t itsm_workflow_builtin_count(void) {
  size_t n = 0;
  guarded([&]() -> int {
    n = builtin_names().size();
    return ITSM_OK;
  });
  return n;
}

const char* itsm_workflow_builtin_name(size_t i) {
  const char* name = nullptr;
  guarded([&]() -> int {
    const auto& names = builtin_names();
    if (i >= names.size()) {
      return set_error(ITSM_ERANGE, "i: " + std::to_string(i) + " is past the last built-in workflow (there are " +
                                        std::to_string(names.size()) + ")");
    }
    name = names[i].c_str();
    return ITSM_OK;
  });
  return name;
}

void itsm_workflow_free(itsm_workflow* wf) { release(wf, "wf"); }

int itsm_workflow_validate(const char* json_text, size_t len, char** problems) {
  return guarded([&] {
    if (!problems) return set_error(ITSM_ENULL, "problems: NULL");
    *problems = nullptr;
    if (!json_text) return set_error(ITSM_ENULL, "json: NULL");
    auto def = itsm::workflow::parse(std::string_view(json_text, len));
    json list = json::array();
    itsm::detail::json_release_guard guard(list);
    // One problem as an object, built so that a failed allocation frees nothing that allocates.
    const auto add = [&list](const char* severity, const std::string& where, const std::string& message) {
      json one = json::object();
      itsm::detail::json_release_guard one_guard(one);
      one["severity"] = severity;
      one["where"] = where;
      one["message"] = message;
      list.get_ptr<json::array_t*>()->reserve(list.size() + 1);
      list.push_back(std::move(one));
    };
    if (!def) {
      // A document that is JSON but not a definition is one problem; text that is not JSON
      // is a parse error with no list, and running out of memory is no problem of the document.
      if (def.error_value().code == itsm::errc::parse_error || def.error_value().code == itsm::errc::out_of_memory) {
        return from_error(def.error_value());
      }
      add("error", "definition", def.error_value().message);
      const int code = give_text(list.dump(), problems);
      return code != ITSM_OK ? code : set_error(ITSM_EDEFINITION, def.error_value().message);
    }
    std::size_t errors = 0;
    std::string first;
    for (const auto& p : itsm::workflow::check(*def)) {
      const bool is_error = p.level == itsm::problem::severity::error;
      if (is_error && errors++ == 0) first = p.to_string();
      add(is_error ? "error" : "warning", p.where, p.message);
    }
    const int code = give_text(list.dump(), problems);
    if (code != ITSM_OK) return code;
    if (errors == 0) return set_ok();
    return set_error(ITSM_EDEFINITION, std::to_string(errors) + (errors == 1 ? " error, the first: " : " errors, the first: ") + first);
  });
}

const char* itsm_workflow_name(const itsm_workflow* wf) {
  if (!live(wf)) {
    bad_handle(wf, "wf");
    return nullptr;
  }
  return wf->value->name().c_str();
}

int itsm_workflow_to_json(const itsm_workflow* wf, char** out) {
  return text_out(wf, "wf", out, [](const itsm_workflow& w) { return dump_of([&] { return w.value->to_json(); }, 2); });
}

int itsm_workflow_to_dot(const itsm_workflow* wf, const char* current_state, char** out) {
  return guarded([&] {
    if (current_state) {
      if (int code = need_text(current_state, "current_state"); code != ITSM_OK) return code;
      if (live(wf) && wf->value->find_state(current_state) == itsm::workflow::npos) {
        return set_error(ITSM_ENOT_FOUND, std::string("current_state: '") + current_state + "' is not a state of " +
                                              wf->value->name());
      }
    }
    return text_out(wf, "wf", out, [&](const itsm_workflow& w) {
      return w.value->to_dot(current_state ? std::string_view(current_state) : std::string_view());
    });
  });
}

}  // extern "C"
