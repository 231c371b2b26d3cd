// See list_systems.h. numbers() looks each name up in the entry (a few map lookups per system
// per task, nothing next to a replication) rather than keeping a dense systems x names table,
// whose size a list with many distinct keys would make quadratic in the spec's.
#include "common/models/list_systems.h"

#include <algorithm>
#include <limits>
#include <set>

#include "common/models/spec_reader.h"

namespace simsel {
namespace {

class ListSystems final : public SystemSet {
 public:
  ListSystems(nlohmann::json list, std::vector<std::string> names)
      : list_(std::move(list)), names_(std::move(names)) {
    for (const auto& entry : list_)
      for (const auto& [key, value] : entry.items())
        if (!value.is_number()) all_numbers_ = false;
  }

  std::uint64_t size() const override { return list_.size(); }
  const std::vector<std::string>& param_names() const override { return names_; }
  nlohmann::json params(std::uint64_t i) const override { return list_[i]; }
  bool numbers(std::uint64_t i, std::span<double> out) const override {
    const nlohmann::json& entry = list_[i];
    for (std::size_t k = 0; k < names_.size(); ++k) {
      const auto it = entry.find(names_[k]);
      out[k] = it != entry.end() && it->is_number() ? it->get<double>()
                                                     : std::numeric_limits<double>::quiet_NaN();
    }
    return all_numbers_;
  }

 private:
  nlohmann::json list_;
  std::vector<std::string> names_;
  bool all_numbers_ = true;
};

}  // namespace

Result<std::unique_ptr<SystemSet>> make_list_systems(const nlohmann::json& list) {
  if (!list.is_array() || list.empty())
    return field_error("systems.list", "must be a non-empty array");
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = item_path("systems.list", i);
    if (!list[i].is_object()) return field_error(path, "must be an object");
    for (const auto& [key, value] : list[i].items()) {
      if (!value.is_number() && !value.is_string())
        return field_error(field_path(path, key), "must be a number or a string");
      names.insert(key);
    }
  }
  return std::unique_ptr<SystemSet>(
      std::make_unique<ListSystems>(list, std::vector<std::string>(names.begin(), names.end())));
}

}  // namespace simsel
