// LiveFigures: what an operator wants to see of a job while it runs, computed from the stream
// of its job documents: the stage in words, survivors, replications, replications per second,
// the fraction of the stage done and the estimated time left in it. Shared by `simsel watch`
// and simsel-mon. Pure: no sockets, no clock (the caller passes the time of each document).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace simsel {

struct JobFigures {
  std::uint64_t job_id = 0;
  std::string state;
  std::string procedure;
  std::string stage;  // "screening round 3 of 10", "first stage", "done"
  std::uint64_t systems = 0;
  std::uint64_t survivors = 0;
  std::uint64_t replications = 0;      // simulated so far
  double replications_per_second = 0;  // the broker's smoothed rate
  double wall_seconds = 0;
  std::optional<double> fraction;      // of the current stage (1 once the job ended)
  std::optional<double> seconds_left;  // in the current stage, at its pace so far

  nlohmann::json to_json() const;  // the fields above; unknown ones as null
};

// True for the states a job ends in: succeeded, failed, cancelled, stopped.
bool is_final_state(std::string_view state);

// The fraction of the current stage done, when the document tells: 1 once the job ended;
// replications over n0 x systems in the first stage; completed rounds over rounds when the
// stage has a bound. Otherwise (an unbounded stage) none.
std::optional<double> stage_fraction(const nlohmann::json& document);

// "screening round 3 of 10", "allocation round 4", "first stage".
std::string stage_words(const nlohmann::json& document);

// Remembers, per job, where and when its current stage was first seen, so that the time left
// follows the stage's own pace rather than the job's.
class LiveFigures {
 public:
  // The figures of `document` (a job document) seen at `seconds` (any monotonic clock).
  JobFigures update(const nlohmann::json& document, double seconds);

 private:
  struct StageStart {
    std::string stage;
    double seconds = 0;
    double fraction = 0;
  };
  std::map<std::uint64_t, StageStart> stage_starts_;
};

// "12.3 s", "4 min 05 s", "2 h 03 min".
std::string duration_words(double seconds);

}  // namespace simsel
