// The `normal` model's `configuration` generator: k systems in the classic configurations of
// REFERENCE.md 1.1 (slippage or monotone means; equal, increasing or decreasing variances),
// computed from the index on demand, so a million of them cost no memory. Each system carries
// `mu` and `sigma`, and `correlation` when the generator was given one (the simulator reads it;
// see nodes/models/normal.cpp).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "common/models/system_set.h"
#include "common/util/result.h"

namespace simsel {

// `spec` is the job spec's `systems` value with generator "configuration".
Result<std::unique_ptr<SystemSet>> make_normal_configuration(const nlohmann::json& spec);

}  // namespace simsel
