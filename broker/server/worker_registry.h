// WorkerRegistry: the broker's view of connected workers — their slots, credits, in-flight
// tasks, which job definitions they hold, and when they were last heard from and written to.
// A worker session is a small state machine (docs/PROTOCOL.md, "Worker conversation"):
// unknown --READY--> ready --(silence | DISCONNECT | protocol error)--> gone.
// Touched only by the broker loop (not thread-safe).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace simsel {

struct WorkerSession {
  std::string identity;  // ROUTER routing id
  std::string name;      // host:pid, for people
  std::uint32_t slots = 1;
  std::set<std::string> models;                 // names of the models it runs (READY.models)
  std::uint32_t credit_limit = 1;               // slots + prefetch
  std::unordered_set<std::uint64_t> in_flight;  // task ids
  std::set<std::uint64_t> known_jobs;           // jobs whose JOB message it has
  double last_heard = 0;                        // seconds (steady clock)
  double last_sent = 0;
  std::uint64_t replications_done = 0;

  std::uint32_t free_credit() const {
    return in_flight.size() >= credit_limit
               ? 0
               : credit_limit - static_cast<std::uint32_t>(in_flight.size());
  }
};

class WorkerRegistry {
 public:
  WorkerSession* find(const std::string& identity);
  WorkerSession& add(WorkerSession session);
  // Removes the worker; returns the task ids it still held.
  std::vector<std::uint64_t> remove(const std::string& identity);

  std::uint32_t total_slots() const;
  std::size_t size() const { return sessions_.size(); }
  std::map<std::string, WorkerSession>& sessions() { return sessions_; }
  const std::map<std::string, WorkerSession>& sessions() const { return sessions_; }

 private:
  std::map<std::string, WorkerSession> sessions_;
};

}  // namespace simsel
