// In-process runner: drives one R&S procedure to its end in the calling thread with the pieces a
// real job uses — SamplingPlan picks replications from the procedure's targets, run_replications
// computes them from the job's ReplicationStreams (exactly what a worker runs), a SampleStore
// holds them and Procedure::advance consumes them. No sockets, no clocks. Not thread-safe;
// separate runs on separate threads share nothing but the (const) model.
#pragma once

#include <cstdint>

#include "broker/procedures/procedure.h"
#include "common/rng/replication_streams.h"
#include "common/util/result.h"
#include "nodes/models/model.h"

namespace simsel {

struct InProcessOptions {
  // Each step hands every system that still wants replications up to this many more (the broker
  // sizes tasks by time instead). The selection and the replications consumed do not depend on
  // it; the replications simulated and the speed do: deeper steps spread the cost of a stream
  // jump over more replications, shallower ones waste less on systems eliminated mid-step.
  std::uint32_t replications_per_system = 32;
};

struct InProcessRun {
  Selection selection;
  std::uint64_t simulated_replications = 0;  // >= selection.total_replications
};

// Runs `procedure` (fresh, built for model.system_count() systems) until finished().
// REQUIRES: options.replications_per_system >= 1
// Returns an Error if a task fails (a system index out of range) or if the procedure stalls,
// wanting no more replications without having finished (a procedure bug).
Result<InProcessRun> run_in_process(const Model& model, const ReplicationStreams& streams,
                                    Procedure& procedure, const InProcessOptions& options = {});

}  // namespace simsel
