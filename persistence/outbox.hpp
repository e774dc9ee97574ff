#pragma once
/// What the outbox keeps so that nothing is lost when the broker loses its log.
///
/// The relay stamps every message with its outbox row id (header
/// `hirehub-outbox-id`). Each consumer group confirms the ids it handled in the
/// transaction of its handler's effects (`confirm`), and registers the topics it
/// reads (`register_group`). A published row stays until every registered group
/// that reads its topic confirmed it, or until the retention passed (`sweep`).
/// The relay writes a marker into the broker it publishes to and records it in
/// `kafka_state`: a broker without that marker lost its log (the embedded broker
/// restarted, a topic was re-created), and every row still kept is published
/// again (`republish`); consumers deduplicate by event id.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace pqxx {
class transaction_base;
}

namespace hirehub {
struct kafka_record;
}

namespace hirehub::persistence::outbox {

/// The header that carries an outbox row's id on its Kafka message.
inline constexpr const char* id_header = "hirehub-outbox-id";

/// The topic the relay writes its broker marker to (one partition).
inline constexpr const char* epoch_topic = "hirehub.epoch";

/// Records that `group` reads `topics` (its confirmations count from now on).
void register_group(const std::string& db_url, const std::string& group, const std::vector<std::string>& topics);

/// Confirms, in the caller's transaction, the outbox rows of `batch` that `group`
/// handled (records without an outbox id are skipped).
void confirm(pqxx::transaction_base& txn, const std::string& group, const std::vector<kafka_record>& batch);

/// Deletes the rows every group reading their topic confirmed, and those older
/// than `retention`; forgets confirmations of rows that are gone. Returns the rows deleted.
int64_t sweep(pqxx::transaction_base& txn, std::chrono::hours retention);

struct unconfirmed {
  int64_t rows = 0;          ///< published rows some group has not confirmed yet
  double oldest_age_s = 0;   ///< age of the oldest of them (0 when none)
};
/// Published rows of topics some group reads that are not yet confirmed by all.
unconfirmed pending(pqxx::transaction_base& txn);

/// The marker recorded for the broker the outbox publishes to ("" when none yet);
/// locks the row until the transaction ends (one relay decides at a time).
std::string recorded_epoch(pqxx::transaction_base& txn);

/// Records a new broker marker and, when `republish`, sets every row still kept
/// to be published again. Returns the rows set.
int64_t change_epoch(pqxx::transaction_base& txn, const std::string& epoch, bool republish);

}  // namespace hirehub::persistence::outbox
