#include "persistence/outbox.hpp"

#include <pqxx/pqxx>

#include "persistence/db.hpp"
#include "persistence/types.hpp"

namespace hirehub::persistence::outbox {

void register_group(const std::string& db_url, const std::string& group, const std::vector<std::string>& topics) {
  auto conn = connect(db_url, "hirehub-consumer-groups");
  pqxx::work txn{*conn};
  std::string array = "{";
  for (size_t i = 0; i < topics.size(); ++i)
    array += (i ? "," : "") + txn.quote_name(topics[i]);
  array += "}";
  txn.exec_params(
      "INSERT INTO consumer_groups (group_id, topics) VALUES ($1, $2::text[]) "
      "ON CONFLICT (group_id) DO UPDATE SET topics = EXCLUDED.topics",
      group, array);
  txn.commit();
}

void confirm(pqxx::transaction_base& txn, const std::string& group, const std::vector<kafka_record>& batch) {
  std::string ids;
  for (auto& r : batch)
    if (r.outbox_id > 0)
      ids += (ids.empty() ? "{" : ",") + std::to_string(r.outbox_id);
  if (ids.empty())
    return;
  ids += "}";
  txn.exec_params("INSERT INTO outbox_acks (group_id, ids) VALUES ($1, $2::bigint[])", group, ids);
}

int64_t sweep(pqxx::transaction_base& txn, std::chrono::hours retention) {
  // Confirmed by every group that reads the row's topic (a topic no group reads is
  // kept for the retention: other services may read it).
  auto confirmed = txn.exec(
      "WITH acked AS MATERIALIZED (SELECT DISTINCT group_id, unnest(ids) AS id FROM outbox_acks) "
      "DELETE FROM outbox o WHERE o.id IN (SELECT id FROM acked) AND o.published_at IS NOT NULL "
      "AND EXISTS (SELECT 1 FROM consumer_groups g WHERE o.topic = ANY (g.topics)) "
      "AND NOT EXISTS (SELECT 1 FROM consumer_groups g WHERE o.topic = ANY (g.topics) "
      "  AND NOT EXISTS (SELECT 1 FROM acked a WHERE a.group_id = g.group_id AND a.id = o.id))");
  // Past the retention, from the oldest rows (ids grow with time): a group that stopped
  // for good, topics only other services read.
  auto expired = txn.exec_params(
      "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT 5000) "
      "AND published_at IS NOT NULL AND created_at < now() - make_interval(hours => $1)",
      static_cast<int>(retention.count()));
  // Confirmations whose rows are all gone.
  txn.exec("DELETE FROM outbox_acks a WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = ANY (a.ids))");
  return static_cast<int64_t>(confirmed.affected_rows() + expired.affected_rows());
}

unconfirmed pending(pqxx::transaction_base& txn) {
  auto r = txn.exec1(
      "SELECT count(*), COALESCE(extract(epoch FROM now() - min(created_at)), 0)::float8 FROM outbox o "
      "WHERE o.published_at IS NOT NULL AND EXISTS (SELECT 1 FROM consumer_groups g WHERE o.topic = ANY (g.topics))");
  return {r[0].as<int64_t>(), r[1].as<double>()};
}

std::string recorded_epoch(pqxx::transaction_base& txn) {
  auto r = txn.exec("SELECT COALESCE(epoch::text, '') FROM kafka_state WHERE id = 1 FOR UPDATE");
  return r.empty() ? std::string{} : r[0][0].as<std::string>();
}

int64_t change_epoch(pqxx::transaction_base& txn, const std::string& epoch, bool republish) {
  int64_t again = 0;
  if (republish)
    again = static_cast<int64_t>(
        txn.exec("UPDATE outbox SET published_at = NULL WHERE published_at IS NOT NULL").affected_rows());
  txn.exec_params("UPDATE kafka_state SET epoch = $1::uuid, changed_at = now() WHERE id = 1", epoch);
  return again;
}

}  // namespace hirehub::persistence::outbox
