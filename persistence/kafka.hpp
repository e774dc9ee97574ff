#pragma once
/// Kafka access (librdkafka C++ API; its types stay in this folder's .cpp files):
/// the outbox relay, the consumer actor, and the embedded broker.
///
/// A real Kafka is a configuration change: set kafka.bootstrap_servers. When it
/// is empty the address is read from kafka.bootstrap_file, which `hirehub broker`
/// writes.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

namespace hirehub {
class config;
}

namespace hirehub::persistence {

/// Topics HireHub produces, with the partitions the embedded broker creates.
const std::vector<std::string>& kafka_topics();

/// kafka.bootstrap_servers, or the content of kafka.bootstrap_file.
/// Throws config_error naming both keys when neither gives an address.
std::string resolve_bootstrap(const config& cfg);

struct relay_options {
  std::string db_url;
  std::string bootstrap;
  std::string client_id = "hirehub";
  size_t batch = 500;
  std::chrono::milliseconds idle_poll{200};
  std::chrono::milliseconds retry{1000};
  std::chrono::milliseconds message_timeout{10000};
  std::chrono::milliseconds epoch_check{1000};  ///< how often it checks that the broker kept its log
  std::chrono::milliseconds sweep{2000};        ///< how often confirmed rows are deleted
  std::chrono::hours retention{168};            ///< rows not confirmed by every group are kept this long
};

/// The outbox relay: publishes unpublished outbox rows in id order with the
/// idempotent producer (key = entity id, header hirehub-outbox-id = the row) and
/// marks them published. Rows that fail stay and are retried; for a key, nothing
/// after a failed row is marked, so a key's messages never overtake each other.
/// Woken by `kick_atom` after each journal commit, and by a timer. Safe with
/// several relays (SKIP LOCKED).
///
/// A published row is kept until every consumer group reading its topic
/// confirmed it (persistence/outbox.hpp). The relay's keeper (its own detached
/// actor, linked, so publishing never waits for it) makes sure every
/// `epoch_check` that the broker still holds the marker it wrote there: a broker
/// without it lost its log (the embedded broker restarted), and every row still
/// kept is published again. The keeper also deletes confirmed rows every `sweep`.
caf::actor spawn_outbox_relay(caf::actor_system& sys, relay_options opts);

struct consumer_options {
  std::string db_url;  ///< where the group registers the topics it reads (outbox confirmations)
  std::string bootstrap;
  std::string group_id;
  std::vector<std::string> topics;
  std::string client_id = "hirehub";
  std::chrono::milliseconds poll{20};
  size_t batch_max = 500;
  std::chrono::milliseconds handler_timeout{30000};
  std::chrono::milliseconds retry{500};
  /// A member silent this long leaves the group (its partitions move on).
  std::chrono::milliseconds session_timeout{10000};
};

/// A consumer actor for one subscription: registers its group and topics
/// (outbox::register_group), polls, hands each batch as
/// `(batch_atom, group_id, std::vector<kafka_record>)` to the actor registered under
/// `handler` (looked up for every batch, so a restarted handler is found), and commits the
/// offsets only after the handler answered without error; on error it retries
/// the same batch after `retry`. Handlers deduplicate by event id and confirm the
/// records' outbox ids in the transaction of their effects (outbox::confirm).
caf::actor spawn_kafka_consumer(caf::actor_system& sys, consumer_options opts, std::string handler);

/// Runs librdkafka's mock cluster in this process until SIGINT/SIGTERM: creates
/// the topics, writes the bootstrap address to `bootstrap_file` (atomically).
/// `port` > 0 listens there (a restarted broker keeps its address, so running
/// clients reconnect to it); 0 takes any free port.
/// SIGUSR1 takes the broker down (connections refused), SIGUSR2 brings it up:
/// tests use this to simulate an outage without changing the address.
/// Its log is in memory only: a restart loses what it held (the outbox relay
/// notices and publishes again what consumers had not confirmed).
int run_mock_broker(const std::string& bootstrap_file, int partitions, int port = 0);

/// Checks that the broker answers a metadata request; keeps one client for
/// repeated checks (readiness).
class kafka_probe {
 public:
  explicit kafka_probe(const std::string& bootstrap);
  ~kafka_probe();
  bool reachable(std::chrono::milliseconds timeout);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace hirehub::persistence
