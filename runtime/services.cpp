#include "runtime/services.hpp"

#include <map>
#include <shared_mutex>
#include <utility>

#include <caf/actor.hpp>

namespace hirehub::services {

namespace {

struct directory {
  std::shared_mutex mtx;
  std::map<std::pair<const caf::actor_system*, std::string>, caf::actor, std::less<>> entries;
};

directory& dir() {
  static directory d;
  return d;
}

}  // namespace

caf::actor find(caf::actor_system& sys, const std::string& name) {
  auto& d = dir();
  std::shared_lock<std::shared_mutex> lock{d.mtx};
  auto it = d.entries.find(std::make_pair(static_cast<const caf::actor_system*>(&sys), name));
  return it == d.entries.end() ? caf::actor{} : it->second;
}

void put(caf::actor_system& sys, const std::string& name, const caf::actor& handle) {
  auto& d = dir();
  std::unique_lock<std::shared_mutex> lock{d.mtx};
  d.entries[std::make_pair(static_cast<const caf::actor_system*>(&sys), name)] = handle;
}

void erase(caf::actor_system& sys, const std::string& name) {
  auto& d = dir();
  std::unique_lock<std::shared_mutex> lock{d.mtx};
  d.entries.erase(std::make_pair(static_cast<const caf::actor_system*>(&sys), name));
}

}  // namespace hirehub::services
