#include "persistence/notifications.hpp"
#include "persistence/outbox.hpp"

#include <map>
#include <set>
#include <tuple>
#include <type_traits>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "persistence/db.hpp"
#include "persistence/types.hpp"
#include "runtime/errors.hpp"

namespace hirehub::persistence::notifications {

namespace {

std::string uuid_array(pqxx::transaction_base& txn, const std::vector<std::string>& ids) {
  std::string out = "ARRAY[";
  for (size_t i = 0; i < ids.size(); ++i)
    out += (i ? "," : "") + txn.quote(ids[i]);
  return out + "]::uuid[]";
}

const char* inbox_json =
    "json_build_object('id', n.id, 'seq', n.seq, 'inbox_seq', n.inbox_seq, 'event_id', n.event_id, "
    "'event_type', n.event_type, 'channel', n.channel, 'title', n.title, 'content', n.content, 'data', n.data, "
    "'status', n.status, "
    "'created_at', " HH_SQL_ISO("n.created_at") ", 'read_at', " HH_SQL_ISO("n.read_at") ")::text";

/// With the delivery fields (the per-channel lists).
const char* row_json =
    "json_build_object('id', n.id, 'seq', n.seq, 'inbox_seq', n.inbox_seq, 'event_id', n.event_id, "
    "'event_type', n.event_type, 'user_id', n.user_id, 'address', n.address, 'channel', n.channel, 'title', n.title, 'content', n.content, 'data', n.data, "
    "'status', n.status, 'attempts', n.attempts, 'error', n.error_message, 'recipient', n.recipient, "
    "'created_at', " HH_SQL_ISO("n.created_at") ", 'sent_at', " HH_SQL_ISO("n.sent_at") ", 'delivered_at', " HH_SQL_ISO(
        "n.delivered_at") ", 'read_at', " HH_SQL_ISO("n.read_at") ", 'next_attempt_at', " HH_SQL_ISO("n.next_attempt_at") ")::text";

}  // namespace

const char* inbox_json_sql() {
  return inbox_json;
}

// In-app rows are numbered per user (inbox_seq) as they are inserted. The
// users' counter rows are locked first (lock_inboxes), in user-id order (two
// writers never wait on each other in a cycle), and stay locked until the
// commit: every writer of a user's in-app rows holds that lock, so the existence
// check below is exact, no number is skipped, and a number is only handed out
// after the ones before it are visible.
const std::string& lock_inboxes_sql() {
  static const std::string sql =
      "INSERT INTO notification_inbox_counters AS c (user_id, last_seq) SELECT u, 0 FROM unnest($1::uuid[]) "
      "WITH ORDINALITY AS x(u, k) ORDER BY k ON CONFLICT (user_id) DO UPDATE SET last_seq = c.last_seq";
  return sql;
}

// The statement runs on one generic plan (its text never changes), made from the
// tables' statistics at its sixth call, and kept until an ANALYZE of one of them:
// made while `notifications` was nearly empty, it scanned the whole table for each
// batch once it had grown (measured: 5 -> 160 ms a batch at 100k rows; on a fresh
// database the benchmark sometimes ran a minute like that, PostgreSQL at ~1.5 ms of
// CPU per application and WebSocket frames 30 s late). So every lookup in it is an
// index probe per draft whatever the statistics say: the existence checks are
// correlated subqueries (OFFSET 0 keeps them from becoming joins or hashed
// subplans), the duplicate check leaves the unique (event_id, user_id, channel)
// index the only one it can use, and the store runs with sequential scans, hash
// and merge joins switched off (SET LOCAL in store()).
//
// Settings are read in the same statement: a disabled channel or event type
// stores nothing; neither does a channel the user cannot be reached on (no
// account e-mail, no phone, no active device token). The unique
// (event_id, user_id, channel) makes redelivery a no-op. In-app rows are
// delivered by being stored; the others wait for their channel actor. $1 is a
// JSON array of the drafts (one parameter: the text of the statement never
// changes, so it is planned once per connection).
const std::string& store_sql() {
  static const std::string sql =
      "WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(ord int, event_id uuid, event_type text, "
      "user_id uuid, channel text, template_id uuid, title text, content text, data text)), "
      "wanted AS (SELECT i.* FROM input i LEFT JOIN user_notification_settings s ON s.user_id = i.user_id "
      "WHERE COALESCE(CASE i.channel WHEN 'in_app' THEN s.in_app_enabled WHEN 'email' THEN s.email_enabled "
      "WHEN 'push' THEN s.push_enabled WHEN 'sms' THEN s.sms_enabled END, i.channel <> 'sms') "
      "AND NOT (i.event_type = ANY(COALESCE(s.disabled_event_types, '{}'::text[]))) "
      "AND (i.channel = 'in_app' "
      "OR (i.channel = 'email' AND EXISTS (SELECT 1 FROM users u WHERE u.id = i.user_id OFFSET 0)) "
      "OR (i.channel = 'sms' AND EXISTS (SELECT 1 FROM jobseeker_profiles p WHERE p.user_id = i.user_id "
      "AND COALESCE(p.phone, '') <> '' OFFSET 0)) "
      "OR (i.channel = 'push' AND EXISTS (SELECT 1 FROM device_tokens d WHERE d.user_id = i.user_id AND "
      "d.is_active OFFSET 0))) "
      "AND NOT EXISTS (SELECT 1 FROM notifications x WHERE x.event_id = i.event_id "
      "AND (x.user_id, x.channel) IS NOT DISTINCT FROM (i.user_id, i.channel::varchar) OFFSET 0)), "
      "numbered AS (SELECT w.*, CASE WHEN w.channel = 'in_app' THEN c.last_seq + row_number() OVER (PARTITION BY "
      "w.user_id, w.channel ORDER BY w.ord) END AS inbox_seq FROM wanted w LEFT JOIN notification_inbox_counters c "
      "ON c.user_id = w.user_id), "
      "ins AS (INSERT INTO notifications AS n (event_id, event_type, user_id, channel, template_id, title, "
      "content, data, status, sent_at, delivered_at, next_attempt_at, inbox_seq) "
      "SELECT i.event_id, i.event_type, i.user_id, i.channel, i.template_id, i.title, i.content, i.data::jsonb, "
      "CASE WHEN i.channel = 'in_app' THEN 'delivered' ELSE 'pending' END, "
      "CASE WHEN i.channel = 'in_app' THEN now() END, CASE WHEN i.channel = 'in_app' THEN now() END, "
      "CASE WHEN i.channel = 'in_app' THEN NULL ELSE now() END, i.inbox_seq FROM numbered i ORDER BY i.ord "
      "ON CONFLICT (event_id, user_id, channel) DO NOTHING RETURNING n.*), "
      "bump AS (UPDATE notification_inbox_counters c SET last_seq = m.last FROM (SELECT user_id, max(inbox_seq) AS "
      "last FROM ins WHERE inbox_seq IS NOT NULL GROUP BY user_id) m WHERE c.user_id = m.user_id) "
      "SELECT n.id::text, n.inbox_seq, n.user_id::text, " +
      std::string{inbox_json} + " FROM ins n WHERE n.channel = 'in_app' ORDER BY n.user_id, n.inbox_seq";
  return sql;
}

std::vector<stored_notification> store(pqxx::transaction_base& txn, const std::vector<notification_draft>& drafts) {
  std::vector<stored_notification> out;
  // At most one draft per event, user and channel (a redelivered event may repeat in a batch).
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  std::set<std::string> inbox_users;
  auto input = nlohmann::json::array();
  for (auto& d : drafts) {
    if (!seen.emplace(d.event_id, d.user_id, d.channel).second)
      continue;
    if (d.channel == "in_app")
      inbox_users.insert(d.user_id);
    input.push_back({{"ord", input.size()},
                     {"event_id", d.event_id},
                     {"event_type", d.event_type},
                     {"user_id", d.user_id},
                     {"channel", d.channel},
                     {"template_id", d.template_id.empty() ? nlohmann::json() : nlohmann::json(d.template_id)},
                     {"title", d.title},
                     {"content", d.content},
                     {"data", d.data}});
  }
  if (input.empty())
    return out;
  // The generic plan, always: left to choose, PostgreSQL plans this statement again at
  // every call (~1 ms of a 64-event batch's ~5), pricing its custom plan below it.
  txn.exec(
      "SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; "
      "SET LOCAL plan_cache_mode = force_generic_plan");
  if (!inbox_users.empty())
    txn.exec_prepared(lock_inboxes_statement,
                      uuid_array_literal(std::vector<std::string>(inbox_users.begin(), inbox_users.end())));
  for (auto row : txn.exec_prepared(store_statement, input.dump()))
    out.push_back({row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<std::string>(), row[3].as<std::string>()});
  return out;
}

std::optional<std::vector<std::string>> active_template(pqxx::transaction_base& txn, const std::string& event_type,
                                                        const std::string& channel) {
  auto r = txn.exec_params(
      "SELECT id::text, COALESCE(subject_template, ''), COALESCE(body_template, '') FROM notification_templates "
      "WHERE event_type = $1::text AND channel = $2::text AND is_active ORDER BY updated_at DESC LIMIT 1",
      event_type, channel);
  if (r.empty())
    return std::nullopt;
  return std::vector<std::string>{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<std::string>()};
}

void store_addressed_email(pqxx::transaction_base& txn, const std::string& event_id, const std::string& event_type,
                           const std::string& address, const std::string& template_id, const std::string& title,
                           const std::string& content, const nlohmann::json& data) {
  txn.exec_params(
      "INSERT INTO notifications (event_id, event_type, address, channel, template_id, title, content, data, status, "
      "next_attempt_at) VALUES ($1::uuid, $2::text, $3::text, 'email', $4::uuid, $5::text, $6::text, $7::jsonb, "
      "'pending', now()) ON CONFLICT DO NOTHING",
      event_id, event_type, address, template_id, title, content, data.dump());
}

void lookup(pqxx::transaction_base& txn, const std::vector<std::string>& user_ids,
            const std::vector<std::string>& company_ids, std::map<std::string, person>& users,
            std::map<std::string, std::string>& companies) {
  if (!user_ids.empty()) {
    auto r = txn.exec(
        "SELECT u.id::text, COALESCE(p.name, m.name, ''), u.time_zone, COALESCE(p.phone, '') <> '', "
        "EXISTS (SELECT 1 FROM device_tokens d WHERE d.user_id = u.id AND d.is_active) FROM users u "
        "LEFT JOIN jobseeker_profiles p ON p.user_id = u.id LEFT JOIN company_members m ON m.user_id = u.id "
        "WHERE u.id = ANY(" +
        uuid_array(txn, user_ids) + ")");
    for (auto row : r)
      users[row[0].as<std::string>()] = {row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<bool>(),
                                         row[4].as<bool>()};
  }
  if (!company_ids.empty()) {
    auto r = txn.exec("SELECT id::text, name FROM companies WHERE id = ANY(" + uuid_array(txn, company_ids) + ")");
    for (auto row : r)
      companies[row[0].as<std::string>()] = row[1].as<std::string>();
  }
}

std::vector<delivery> claim_due(pqxx::transaction_base& txn, const std::string& channel, int limit, int64_t lease_ms) {
  auto r = txn.exec_params(
      "WITH due AS (SELECT id FROM notifications WHERE channel = $1::text AND status = 'pending' AND next_attempt_at "
      "<= "
      "now() ORDER BY next_attempt_at LIMIT $2::int FOR UPDATE SKIP LOCKED) "
      "UPDATE notifications n SET attempts = n.attempts + 1, next_attempt_at = now() + make_interval(secs => "
      "$3::float8 "
      "/ 1000) FROM due WHERE n.id = due.id "
      "RETURNING n.id::text, COALESCE(n.user_id::text, ''), n.event_type, COALESCE(n.title, ''), COALESCE(n.content, "
      "''), "
      "COALESCE(n.data::text, '{}'), n.attempts, "
      "COALESCE((SELECT email FROM users u WHERE u.id = n.user_id), n.address), "
      "(SELECT phone FROM jobseeker_profiles p WHERE p.user_id = n.user_id), "
      "(SELECT COALESCE(array_to_json(array_agg(token ORDER BY created_at)), '[]')::text FROM device_tokens d "
      "WHERE d.user_id = n.user_id AND d.is_active)",
      channel, limit, lease_ms);
  std::vector<delivery> out;
  for (auto row : r) {
    delivery d;
    d.id = row[0].as<std::string>();
    d.user_id = row[1].as<std::string>();
    d.event_type = row[2].as<std::string>();
    d.title = row[3].as<std::string>();
    d.content = row[4].as<std::string>();
    d.data = row[5].as<std::string>();
    d.attempts = row[6].as<int32_t>();
    d.email = row[7].is_null() ? "" : row[7].as<std::string>();
    d.phone = row[8].is_null() ? "" : row[8].as<std::string>();
    for (auto& t : nlohmann::json::parse(row[9].as<std::string>()))
      d.device_tokens.push_back(t.get<std::string>());
    out.push_back(std::move(d));
  }
  return out;
}

void mark_sent(pqxx::transaction_base& txn, const std::string& id, bool delivered, const std::string& recipient,
               const std::string& provider_ref) {
  txn.exec_params(
      "UPDATE notifications SET status = CASE WHEN $2::boolean THEN 'delivered' ELSE 'sent' END, sent_at = now(), "
      "delivered_at = CASE WHEN $2::boolean THEN now() END, recipient = $3::text, provider_ref = NULLIF($4::text, ''), "
      "error_message = NULL, next_attempt_at = NULL, "
      // An e-mail to an address (an invitation) carries a one-time sign-up link: not kept once sent.
      "content = CASE WHEN user_id IS NULL THEN '(removed once sent: it held a one-time link)' ELSE content END "
      "WHERE id = $1::uuid AND status = 'pending'",
      id, delivered, recipient, provider_ref);
}

void mark_retry(pqxx::transaction_base& txn, const std::string& id, const std::string& error, int64_t delay_ms) {
  txn.exec_params(
      "UPDATE notifications SET error_message = $2::text, next_attempt_at = now() + make_interval(secs => $3::float8 / "
      "1000) "
      "WHERE id = $1::uuid AND status = 'pending'",
      id, error.substr(0, 1000), delay_ms);
}

void mark_failed(pqxx::transaction_base& txn, const std::string& id, const std::string& error) {
  txn.exec_params(
      "UPDATE notifications SET status = 'failed', error_message = $2::text, next_attempt_at = NULL "
      "WHERE id = $1::uuid AND status = 'pending'",
      id, error.substr(0, 1000));
}

void release(pqxx::transaction_base& txn, const std::string& id, int64_t delay_ms) {
  txn.exec_params(
      "UPDATE notifications SET attempts = greatest(attempts - 1, 0), next_attempt_at = now() + "
      "make_interval(secs => $2::float8 / 1000) WHERE id = $1::uuid AND status = 'pending'",
      id, delay_ms);
}

nlohmann::json list(pqxx::transaction_base& txn, const list_query& q) {
  std::string where = " WHERE n.seq > " + std::to_string(q.after_seq);
  if (!q.user_id.empty())
    where += " AND n.user_id = " + txn.quote(q.user_id) + "::uuid";
  if (!q.channel.empty())
    where += " AND n.channel = " + txn.quote(q.channel);
  if (!q.status.empty())
    where += " AND n.status = " + txn.quote(q.status);
  auto r = txn.exec(std::string{"SELECT "} + row_json + ", n.seq FROM notifications n" + where +
                    " ORDER BY n.seq LIMIT " + std::to_string(q.limit));
  auto items = nlohmann::json::array();
  int64_t last = q.after_seq;
  for (auto row : r) {
    items.push_back(nlohmann::json::parse(row[0].as<std::string>()));
    last = row[1].as<int64_t>();
  }
  return {{"notifications", items}, {"last_seq", last}};
}

nlohmann::json retry(pqxx::transaction_base& txn, const std::string& id) {
  auto r = txn.exec_params(std::string{"UPDATE notifications n SET status = 'pending', attempts = 0, "
                                       "next_attempt_at = now(), error_message = NULL WHERE n.id = $1::uuid AND "
                                       "n.status = 'failed' RETURNING "} +
                               row_json,
                           id);
  if (r.empty())
    throw make_error(errc::not_found, "no failed notification with this id");
  return nlohmann::json::parse(r[0][0].as<std::string>());
}

namespace {

const char* template_json =
    "json_build_object('name', name, 'event_type', event_type, 'channel', channel, 'subject', subject_template, "
    "'body', body_template, 'is_active', is_active, 'updated_at', " HH_SQL_ISO("updated_at") ")::text";

}  // namespace

nlohmann::json list_templates(pqxx::transaction_base& txn) {
  auto r = txn.exec(std::string{"SELECT "} + template_json +
                    " FROM notification_templates ORDER BY event_type, channel, name");
  auto items = nlohmann::json::array();
  for (auto row : r)
    items.push_back(nlohmann::json::parse(row[0].as<std::string>()));
  return items;
}

nlohmann::json save_template(pqxx::transaction_base& txn, const template_fields& t) {
  if (t.active)
    txn.exec_params(
        "UPDATE notification_templates SET is_active = false, updated_at = now() WHERE event_type = "
        "$1::text AND channel = $2::text AND name <> $3::text AND is_active",
        t.event_type, t.channel, t.name);
  auto r = txn.exec_params(
      std::string{"INSERT INTO notification_templates (name, event_type, channel, subject_template, body_template, "
                  "is_active) VALUES ($1::text, $2::text, $3::text, NULLIF($4::text, ''), $5::text, $6::boolean) ON "
                  "CONFLICT (name) DO UPDATE SET event_type = EXCLUDED.event_type, channel = EXCLUDED.channel, "
                  "subject_template = EXCLUDED.subject_template, body_template = EXCLUDED.body_template, is_active = "
                  "EXCLUDED.is_active, updated_at = now() RETURNING "} +
          template_json,
      t.name, t.event_type, t.channel, t.subject, t.body, t.active);
  return nlohmann::json::parse(r[0][0].as<std::string>());
}

// ---- a delivery channel's store ------------------------------------------------------------

struct delivery_store::impl {
  std::string db_url, channel;
  std::unique_ptr<pqxx::connection> conn;

  /// Runs `fn(txn)` in one transaction; a failure drops the connection.
  template <class F>
  auto in_txn(F fn) {
    try {
      if (!conn)
        conn = connect(db_url, "hirehub-delivery-" + channel);
      pqxx::work txn{*conn};
      if constexpr (std::is_void_v<decltype(fn(txn))>) {
        fn(txn);
        txn.commit();
      } else {
        auto out = fn(txn);
        txn.commit();
        return out;
      }
    } catch (...) {
      conn.reset();
      throw;
    }
  }
};

delivery_store::delivery_store(std::string db_url, std::string channel) : impl_(std::make_unique<impl>()) {
  impl_->db_url = std::move(db_url);
  impl_->channel = std::move(channel);
}

delivery_store::~delivery_store() = default;

std::vector<delivery> delivery_store::claim_due(int limit, int64_t lease_ms) {
  return impl_->in_txn(
      [&](pqxx::transaction_base& txn) { return notifications::claim_due(txn, impl_->channel, limit, lease_ms); });
}

void delivery_store::release(const std::vector<std::string>& ids, int64_t delay_ms) {
  impl_->in_txn([&](pqxx::transaction_base& txn) {
    for (auto& id : ids)
      notifications::release(txn, id, delay_ms);
  });
}

void delivery_store::mark_sent(const std::string& id, bool delivered, const std::string& recipient,
                               const std::string& provider_ref) {
  impl_->in_txn(
      [&](pqxx::transaction_base& txn) { notifications::mark_sent(txn, id, delivered, recipient, provider_ref); });
}

void delivery_store::mark_retry(const std::string& id, const std::string& error, int64_t delay_ms) {
  impl_->in_txn([&](pqxx::transaction_base& txn) { notifications::mark_retry(txn, id, error, delay_ms); });
}

void delivery_store::mark_failed(const std::string& id, const std::string& error) {
  impl_->in_txn([&](pqxx::transaction_base& txn) { notifications::mark_failed(txn, id, error); });
}

// ---- the dispatcher's batch --------------------------------------------------------------

db_fn store_batch_command(std::vector<std::string> user_ids, std::vector<std::string> company_ids, drafter draft,
                          std::string group, std::vector<kafka_record> consumed) {
  return [user_ids = std::move(user_ids), company_ids = std::move(company_ids), draft = std::move(draft),
          group = std::move(group), consumed = std::move(consumed)](pqxx::transaction_base& txn) {
    directory who;
    lookup(txn, user_ids, company_ids, who.people, who.company_names);
    auto drafts = draft(who);
    auto out = nlohmann::json::array();
    if (!drafts.empty())
      for (auto& n : store(txn, drafts))
        out.push_back({{"id", n.id}, {"seq", n.seq}, {"user_id", n.user_id}, {"json", n.json}});
    outbox::confirm(txn, group, consumed);
    return reply(std::move(out));
  };
}

// ---- the API's requests ----------------------------------------------------------------

db_fn list_request(list_query q) {
  return [q = std::move(q)](pqxx::transaction_base& txn) { return reply(list(txn, q)); };
}

db_fn retry_command(std::string id) {
  return [id = std::move(id)](pqxx::transaction_base& txn) { return reply(retry(txn, id)); };
}

db_fn templates_query() {
  return [](pqxx::transaction_base& txn) { return reply({{"templates", list_templates(txn)}}); };
}

db_fn save_template_command(template_fields t) {
  return [t = std::move(t)](pqxx::transaction_base& txn) { return reply(save_template(txn, t)); };
}

}  // namespace hirehub::persistence::notifications
