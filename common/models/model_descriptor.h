// ModelDescriptor: what simsel knows of a model without running it — its name, the schema of a
// system's parameters, what its output measures and which sense of "best" it has, and how many
// random generators a replication uses. Built-in models describe themselves in
// model_catalog.cpp; external ones in their HELLO (docs/MODEL_PROTOCOL.md), which a node passes
// on in READY (docs/PROTOCOL.md). Pure data and checks; linked by broker, nodes and web front.
// Not here: simulation (nodes/models) or the systems themselves (system_set.h).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/models/system_set.h"
#include "common/util/result.h"

namespace simsel {

inline constexpr std::uint32_t kMaxModelStreams = 64;

struct ModelDescriptor {
  std::string name;
  std::string description;  // one sentence
  std::string output;       // what the output measures, e.g. "throughput"
  bool larger_is_better = true;
  std::uint32_t streams = 1;  // MRG32k3a generators per replication
  // {"params": {name: {type, minimum, maximum, exclusiveMinimum, exclusiveMaximum, enum,
  //  default, help}}, "generators": {...}}: generators only for built-in models.
  nlohmann::json schema;
  std::string kind = "built-in";  // "built-in", "process" or "plugin"

  // The form of READY.models and GET /api/models: {name, description, output,
  // larger_is_better, streams, kind, schema}.
  nlohmann::json to_json() const;
};

// Reads a descriptor from its to_json() form or from a model's HELLO body (where `params` sits
// at the top level instead of under `schema`). Errors name the field under `path`:
// "HELLO.params.mu.type: must be one of integer, number, string".
Result<ModelDescriptor> descriptor_from_json(const nlohmann::json& document, std::string_view path);

// A model name: 1..64 characters of letters, digits, '_', '-' and '.'.
bool is_valid_model_name(std::string_view name);

// Checks every system of `set` against the descriptor's parameter schema: no unknown
// parameter, every parameter without a default present, types and bounds. `systems` is the
// job spec's value the set was built from (a grid is checked by its declared ranges, not point
// by point; a built-in model's own generator is not checked). Errors name the field: "systems.list[3].rate: must be >= 0.1".
Status check_systems(const ModelDescriptor& model, const SystemSet& set,
                     const nlohmann::json& systems);

}  // namespace simsel
