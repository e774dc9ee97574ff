#pragma once
/// Supervision for every HireHub actor tree (CAF 0.17 has no supervisor object).
///
/// A supervisor actor starts its children in order, monitors them and, when one
/// ends abnormally, restarts it (one_for_one) or stops and restarts all of them
/// (all_for_one) after an exponential backoff. More than `max_restarts` restarts
/// inside `window` escalate: the supervisor stops its children and exits with an
/// error, which its own parent (another supervisor, or main) handles.
/// When the supervisor exits for any reason its children are stopped.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

namespace hirehub {

class config;

enum class restart_strategy { one_for_one, all_for_one };

struct restart_policy {
  int max_restarts = 5;
  std::chrono::milliseconds window{60000};
  std::chrono::milliseconds backoff{100};
  std::chrono::milliseconds backoff_max{10000};

  /// Reads supervisor.* from the configuration.
  static restart_policy from(const config& cfg);
};

enum class restart_mode {
  permanent,  ///< always restarted, even after a normal exit
  transient,  ///< restarted only after an abnormal exit
};

/// What a child is, for the actor tree of the admin API: a supervisor and the
/// entity registry answer `tree_atom` and `stop_atom` themselves; a pool lists
/// its workers (`caf::actor_pool`).
enum class child_kind { worker, supervisor, pool, registry };

struct child_spec {
  std::string name;  ///< also the key in the actor system registry when `registered` is set
  std::function<caf::actor(caf::actor_system&)> start;
  restart_mode mode = restart_mode::transient;
  bool registered = false;  ///< put into system.registry() under atom_from_string(name) (<= 10 chars)
  child_kind kind = child_kind::worker;
};

/// Per-child view for the admin API and tests.
struct child_status {
  std::string name;
  bool running = false;
  int restarts = 0;  ///< total since the supervisor started
};

/// Spawns a supervisor. Its handle answers
/// - `stats_atom` with its children (name, running, restarts) as a JSON array string;
/// - `tree_atom` with its subtree as a JSON object string: {name, kind, id,
///   strategy, mailbox, handled, rate, children: [{name, kind, id, running,
///   restarts, mode, mailbox, handled, rate, children?}]}, nested supervisors,
///   pools and the registry asked in turn (`tree_timeout` each);
/// - `(stop_atom, actor_id)` by stopping that actor if it is in its subtree
///   (a child is killed, and restarted by the rules of its spec; an entity is
///   killed and activated again on demand) with {"stopped": {...}} as a JSON
///   string, or a not_found error. Workers of a pool are not stopped
///   (a pool does not replace them): conflict.
caf::actor spawn_supervisor(caf::actor_system& sys, std::string name, restart_strategy strategy, restart_policy policy,
                            std::vector<child_spec> children);

/// How long a supervisor waits for a nested part of the tree.
constexpr std::chrono::milliseconds tree_timeout{2000};
/// Backoff before the n-th restart (n >= 1) in the current window.
std::chrono::milliseconds restart_delay(const restart_policy& p, int n);

}  // namespace hirehub
