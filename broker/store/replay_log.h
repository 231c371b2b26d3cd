// ReplayLog: what a job must keep to be resumed after the broker stops, as bytes for the job
// store. Procedures are deterministic functions of the outputs they are given (see procedure.h),
// so a job's state is rebuilt by handing a fresh procedure the same outputs again, and a
// user's EXTEND at the same point among them: the log holds exactly that, in arrival order.
// Two records:
//   outputs  'O' system:u64 rep_begin:u64 count:u32 value:f64 x count
//   extend   'X' length:u32 JSON text of the EXTEND fields
// in the host's byte order (little-endian: the file is read back by a broker on the same
// machine). Not the procedure's state: a procedure needs no serializer of its own, at the cost
// of 8 bytes per replication kept until the job ends (docs/RELIABILITY.md).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "common/util/result.h"

namespace simsel {

class ReplayLog {
 public:
  void append_outputs(std::uint64_t system, std::uint64_t rep_begin,
                      std::span<const double> values);
  void append_extend(const nlohmann::json& fields);

  bool empty() const { return bytes_.empty(); }
  std::size_t size() const { return bytes_.size(); }
  // The records since the last take, cleared.
  std::string take();

 private:
  std::string bytes_;
};

// One checkpoint of a job: the log records since the previous checkpoint, and the job's counters
// and users' settings (Job::take_checkpoint) at the time.
struct JobCheckpoint {
  std::string records;
  nlohmann::json counters;
};

// What a resumed job is rebuilt from: the counters of its last checkpoint and its log, as the
// segments its checkpoints wrote, oldest first, read one at a time (a job's whole log can be far
// larger than what should be in memory at once: 640 MB for 10^6 systems and 61.7 M replications).
struct ReplaySource {
  nlohmann::json counters;
  std::size_t segments = 0;
  std::function<Result<std::string>(std::size_t segment)> read;
};

struct ReplayVisitor {
  std::function<void(std::uint64_t system, std::uint64_t rep_begin, std::span<const double>)>
      outputs;
  std::function<void(const nlohmann::json& fields)> extend;
};

// Calls the visitor for each record of `bytes`, in order. Errors name the byte offset of a
// truncated or unknown record; the records before it have been visited.
Status replay(std::string_view bytes, const ReplayVisitor& visitor);

}  // namespace simsel
