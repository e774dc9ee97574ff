#pragma once
/// Notification rows beyond the in-app inbox: who the people of an event are
/// (names, time zones), delivery of e-mail/push/SMS rows (claim the due ones,
/// mark the outcome, back off, dead-letter), and the lists a user and an admin
/// read. Functions over a transaction; run by a db pool or a channel actor.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "persistence/db_task.hpp"

namespace pqxx {
class transaction_base;
}

namespace hirehub {
struct notification_draft;
struct stored_notification;
struct kafka_record;
}  // namespace hirehub

namespace hirehub::persistence::notifications {

/// SQL for the in-app inbox item of row alias `n` (what the WebSocket and the inbox show), as text.
const char* inbox_json_sql();

/// The statements `store` runs prepared (persistence::connect declares them on every connection).
inline constexpr const char* lock_inboxes_statement = "hh_lock_inboxes";
inline constexpr const char* store_statement = "hh_store_notifications";
const std::string& lock_inboxes_sql();
const std::string& store_sql();

/// Stores the drafts the user's settings and reachability allow (at most one per
/// event, user and channel); returns the in-app ones stored now, numbered per
/// user (`seq` is the inbox number), by user and number.
std::vector<stored_notification> store(pqxx::transaction_base& txn, const std::vector<notification_draft>& drafts);

struct person {
  std::string name;       ///< jobseeker profile or company member name (or "")
  std::string time_zone;  ///< users.time_zone (or "")
  bool phone = false;     ///< a jobseeker profile with a phone number (sms)
  bool device = false;    ///< an active device token (push)
};

/// The active template of an event type and channel, if any: {id, subject, body}.
std::optional<std::vector<std::string>> active_template(pqxx::transaction_base& txn, const std::string& event_type,
                                                        const std::string& channel);

/// Stores one e-mail to an address that has no account yet (pending, for the
/// email sender); at most one per event and address.
void store_addressed_email(pqxx::transaction_base& txn, const std::string& event_id, const std::string& event_type,
                           const std::string& address, const std::string& template_id, const std::string& title,
                           const std::string& content, const nlohmann::json& data);

/// Users and companies by id; unknown ids are absent (a user found has an e-mail).
void lookup(pqxx::transaction_base& txn, const std::vector<std::string>& user_ids,
            const std::vector<std::string>& company_ids, std::map<std::string, person>& users,
            std::map<std::string, std::string>& companies);

/// A claimed row to deliver, with where to deliver it.
struct delivery {
  std::string id;
  std::string user_id;
  std::string event_type;
  std::string title;
  std::string content;
  std::string data;      ///< JSON
  int32_t attempts = 0;  ///< including this one
  std::string email;
  std::string phone;
  std::vector<std::string> device_tokens;
};

/// Claims up to `limit` due pending rows of `channel`: attempts + 1 and
/// next_attempt_at = now + lease, so a crashed sender's rows come back after
/// the lease and no other sender takes them meanwhile (SKIP LOCKED).
std::vector<delivery> claim_due(pqxx::transaction_base& txn, const std::string& channel, int limit, int64_t lease_ms);

/// The provider took it: sent (or delivered, when the provider says so).
void mark_sent(pqxx::transaction_base& txn, const std::string& id, bool delivered, const std::string& recipient,
               const std::string& provider_ref);

/// Try again after `delay_ms` (error kept for the user and admins).
void mark_retry(pqxx::transaction_base& txn, const std::string& id, const std::string& error, int64_t delay_ms);

/// The dead letter: no more attempts.
void mark_failed(pqxx::transaction_base& txn, const std::string& id, const std::string& error);

/// Gives a claimed row back without counting the attempt (rate limit reached).
void release(pqxx::transaction_base& txn, const std::string& id, int64_t delay_ms);

struct list_query {
  std::string user_id;  ///< "" (admins): everyone's
  std::string channel;  ///< "" = every channel
  std::string status;   ///< ""  = every status
  int64_t after_seq = 0;
  int limit = 50;
};

/// `{"notifications": [...], "last_seq": n}` in seq order, with delivery fields.
nlohmann::json list(pqxx::transaction_base& txn, const list_query& q);

/// Puts a failed row back to pending with fresh attempts; not_found unless it is failed.
nlohmann::json retry(pqxx::transaction_base& txn, const std::string& id);

struct template_fields {
  std::string name;
  std::string event_type;
  std::string channel;
  std::string subject;  ///< "" = none (SMS)
  std::string body;
  bool active = true;
};

/// Every template, by event type and channel.
nlohmann::json list_templates(pqxx::transaction_base& txn);

/// Inserts or replaces the template `name` (already checked against the event's
/// variables); activating it retires the other active one of its event type
/// and channel, so each event renders one text per channel.
nlohmann::json save_template(pqxx::transaction_base& txn, const template_fields& t);

// ---- a delivery channel's store ---------------------------------------------------------

/// A delivery channel's own connection (`hirehub-delivery-<channel>`); each call is
/// one transaction and throws std::exception when the database fails (the next call
/// connects again).
class delivery_store {
 public:
  delivery_store(std::string db_url, std::string channel);
  ~delivery_store();
  delivery_store(const delivery_store&) = delete;
  delivery_store& operator=(const delivery_store&) = delete;

  /// `claim_due` for this channel.
  std::vector<delivery> claim_due(int limit, int64_t lease_ms);
  /// `release` of each of `ids`.
  void release(const std::vector<std::string>& ids, int64_t delay_ms);
  void mark_sent(const std::string& id, bool delivered, const std::string& recipient, const std::string& provider_ref);
  void mark_retry(const std::string& id, const std::string& error, int64_t delay_ms);
  void mark_failed(const std::string& id, const std::string& error);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// ---- the dispatcher's batch, as one task for the notification pool ---------------------

/// The people of a batch of events, as the dispatcher renders for them.
struct directory {
  std::map<std::string, person> people;              ///< by user id
  std::map<std::string, std::string> company_names;  ///< by company id
};

/// Renders a batch's notifications once its people are known (pure: no I/O).
using drafter = std::function<std::vector<notification_draft>(const directory&)>;

/// In one transaction: looks `user_ids` and `company_ids` up, lets `draft` render,
/// stores the drafts and confirms the consumed records for `group`. Answers the
/// stored in-app rows as [{"id", "seq", "user_id", "json"}].
db_fn store_batch_command(std::vector<std::string> user_ids, std::vector<std::string> company_ids, drafter draft,
                          std::string group, std::vector<kafka_record> consumed);

// ---- the API's requests, as tasks for the db pool ------------------------------------

/// A page of `list`.
db_fn list_request(list_query q);
/// `retry` of one failed notification (answers its row).
db_fn retry_command(std::string id);
/// {"templates": [...]}.
db_fn templates_query();
/// `save_template` (answers the saved row).
db_fn save_template_command(template_fields t);

}  // namespace hirehub::persistence::notifications
