// Runs the replications one task asks for: the computing heart of a worker, with no sockets
// and no threads, so the in-process runner and the tests call exactly what a node runs.
#pragma once

#include <vector>

#include "common/protocol/messages.h"
#include "common/rng/replication_streams.h"
#include "nodes/models/model.h"

namespace simsel {

// Outputs in entry order, then replication order (the RESULT layout of docs/PROTOCOL.md).
// Returns an error naming the entry if a system index is out of range.
Result<std::vector<double>> run_replications(const Model& model, const ReplicationStreams& streams,
                                             const protocol::Task& task);

}  // namespace simsel
