// See list_systems.h. The numbers of every entry are laid out once in a dense row-major table,
// so numbers() is a copy, not a lookup by name.
#include "common/models/list_systems.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "common/models/spec_reader.h"

namespace simsel {
namespace {

class ListSystems final : public SystemSet {
 public:
  ListSystems(nlohmann::json list, std::vector<std::string> names)
      : list_(std::move(list)), names_(std::move(names)) {
    table_.assign(list_.size() * names_.size(), std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i = 0; i < list_.size(); ++i) {
      for (std::size_t k = 0; k < names_.size(); ++k) {
        const auto it = list_[i].find(names_[k]);
        if (it == list_[i].end()) continue;
        if (it->is_number())
          table_[i * names_.size() + k] = it->get<double>();
        else
          all_numbers_ = false;
      }
    }
  }

  std::uint64_t size() const override { return list_.size(); }
  const std::vector<std::string>& param_names() const override { return names_; }
  nlohmann::json params(std::uint64_t i) const override { return list_[i]; }
  bool numbers(std::uint64_t i, std::span<double> out) const override {
    std::copy_n(table_.begin() + static_cast<std::ptrdiff_t>(i * names_.size()), names_.size(),
                out.begin());
    return all_numbers_;
  }

 private:
  nlohmann::json list_;
  std::vector<std::string> names_;
  std::vector<double> table_;  // list_.size() rows of names_.size() values
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
