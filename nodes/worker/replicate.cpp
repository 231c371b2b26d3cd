// See replicate.h. One stream cursor per entry, positioned from the previous entry's stream
// (StreamWalker); then each further replication is one substream jump.
#include "nodes/worker/replicate.h"

namespace simsel {

Result<std::vector<double>> run_replications(const Model& model, const ReplicationStreams& streams,
                                             const protocol::Task& task) {
  std::vector<double> values;
  values.reserve(task.replication_count());
  StreamWalker walker(streams);
  for (std::size_t e = 0; e < task.systems.size(); ++e) {
    const std::uint64_t system = task.systems[e];
    if (system >= model.system_count())
      return make_error("TASK.systems[" + std::to_string(e) + "]: system " +
                            std::to_string(system) + " out of range (the job has " +
                            std::to_string(model.system_count()) + ")",
                        protocol::kBadMessage);
    ReplicationCursor cursor = walker.cursor(system, task.rep_begins[e]);
    for (std::uint32_t r = 0; r < task.rep_counts[e]; ++r) {
      Mrg32k3a rng = cursor.next();
      values.push_back(model.simulate(system, rng));
    }
  }
  return values;
}

}  // namespace simsel
