// See worker_registry.h.
#include "broker/server/worker_registry.h"

namespace simsel {

WorkerSession* WorkerRegistry::find(const std::string& identity) {
  auto it = sessions_.find(identity);
  return it == sessions_.end() ? nullptr : &it->second;
}

WorkerSession& WorkerRegistry::add(WorkerSession session) {
  std::string identity = session.identity;
  return sessions_.insert_or_assign(identity, std::move(session)).first->second;
}

std::vector<std::uint64_t> WorkerRegistry::remove(const std::string& identity) {
  std::vector<std::uint64_t> orphans;
  auto it = sessions_.find(identity);
  if (it == sessions_.end()) return orphans;
  orphans.assign(it->second.in_flight.begin(), it->second.in_flight.end());
  sessions_.erase(it);
  return orphans;
}

std::uint32_t WorkerRegistry::total_slots() const {
  std::uint32_t slots = 0;
  for (const auto& [identity, session] : sessions_) slots += session.slots;
  return slots;
}

}  // namespace simsel
