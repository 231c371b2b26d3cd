// ListSystems: systems given one by one (the job spec's `systems.list`, or a CSV file that
// load_job_file turned into that list). Holds every entry; meant for lists a person or a
// script writes, not for 10^6 systems (those are grids or generators).
#pragma once

#include <memory>

#include "common/models/system_set.h"
#include "common/util/result.h"

namespace simsel {

// `list` must be a non-empty array of objects whose values are numbers or strings. Errors name
// the entry: "systems.list[3].rate: must be a number or a string".
Result<std::unique_ptr<SystemSet>> make_list_systems(const nlohmann::json& list);

}  // namespace simsel
