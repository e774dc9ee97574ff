#pragma once
/// Records exchanged with the persistence actors: journal events, appends,
/// outbox rows, job lookups, notifications. Plain structs with CAF 0.17
/// `inspect` overloads; every one is announced in `announce_message_types`.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace hirehub {

/// One event of an application's journal (table application_events).
struct journal_event {
  std::string event_id;
  std::string application_id;
  int64_t seq = 0;
  std::string type;  ///< "submitted" or "status_changed"
  std::string from_status;
  std::string to_status;
  std::string actor_id;
  std::string actor_type;  ///< jobseeker, company, admin, system
  std::string reason;
  std::string payload;  ///< JSON object with the event's data (submitted: job, user, resume ...)
  int64_t created_at_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, journal_event& x) {
  return f(caf::meta::type_name("journal_event"), x.event_id, x.application_id, x.seq, x.type, x.from_status,
           x.to_status, x.actor_id, x.actor_type, x.reason, x.payload, x.created_at_ms);
}

/// A row of the outbox: published to Kafka by the relay.
struct outbox_row {
  std::string topic;
  std::string key;
  std::string payload;  ///< JSON
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbox_row& x) {
  return f(caf::meta::type_name("outbox_row"), x.topic, x.key, x.payload);
}

/// The read-model row created with an application's first event.
struct application_row {
  std::string id;
  std::string job_id;
  std::string user_id;
  std::string company_id;
  std::string resume_id;
  std::string cover_letter;
  std::string status;
  double match_score = -1;  ///< -1: none (NULL)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, application_row& x) {
  return f(caf::meta::type_name("application_row"), x.id, x.job_id, x.user_id, x.company_id, x.resume_id,
           x.cover_letter, x.status, x.match_score);
}

/// An interview as the read model stores it (table interviews).
struct interview_row {
  std::string id;
  std::string application_id;
  std::string interview_type;
  int64_t scheduled_at_ms = 0;
  int32_t duration_minutes = 0;
  std::string time_zone;
  std::string location;
  std::string notes;
  std::string status;
  std::string feedback;
  int32_t rating = 0;
  std::string cancel_reason;
  int32_t version = 1;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, interview_row& x) {
  return f(caf::meta::type_name("interview_row"), x.id, x.application_id, x.interview_type, x.scheduled_at_ms,
           x.duration_minutes, x.time_zone, x.location, x.notes, x.status, x.feedback, x.rating, x.cancel_reason,
           x.version, x.created_at_ms, x.updated_at_ms);
}

/// One entity's command for the journal writer: all of it commits or none of it.
struct append_request {
  std::string request_id;
  std::string application_id;
  bool create = false;  ///< insert `row` into applications (first event)
  application_row row;
  std::vector<journal_event> events;
  std::string new_status;  ///< update applications.status ("" = unchanged)
  std::vector<outbox_row> outbox;
  std::vector<interview_row> interviews;  ///< created or changed by the events (upserted)
  /// With `create`: the caller did not read the job. The commit takes its facts from the
  /// job row (the one it checks is open): company_id, job_owner_id and job_title of the
  /// events' and outbox messages' payloads, and answers them in append_result::job.
  bool job_facts = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, append_request& x) {
  return f(caf::meta::type_name("append_request"), x.request_id, x.application_id, x.create, x.row, x.events,
           x.new_status, x.outbox, x.interviews, x.job_facts);
}

/// Answer to a successful append: which group commit carried it.
/// What an application needs to know about a job.
struct job_info {
  std::string id;
  std::string company_id;
  std::string owner_user_id;
  std::string title;
  std::string status;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_info& x) {
  return f(caf::meta::type_name("job_info"), x.id, x.company_id, x.owner_user_id, x.title, x.status);
}

struct append_result {
  int64_t batch_id = 0;
  int32_t batch_size = 0;
  job_info job;  ///< with append_request::job_facts: the job's facts as committed (status "open")
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, append_result& x) {
  return f(caf::meta::type_name("append_result"), x.batch_id, x.batch_size, x.job);
}

/// A notification to store (one per event, user and channel).
struct notification_draft {
  std::string event_id;
  std::string event_type;
  std::string user_id;
  std::string channel;
  std::string template_id;
  std::string title;
  std::string content;
  std::string data;  ///< JSON
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, notification_draft& x) {
  return f(caf::meta::type_name("notification_draft"), x.event_id, x.event_type, x.user_id, x.channel, x.template_id,
           x.title, x.content, x.data);
}

/// A notification as stored: `seq` orders a user's notifications for WebSocket resume.
struct stored_notification {
  std::string id;
  int64_t seq = 0;
  std::string user_id;
  std::string json;  ///< the API representation
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_notification& x) {
  return f(caf::meta::type_name("stored_notification"), x.id, x.seq, x.user_id, x.json);
}

/// A notification template row.
struct template_row {
  std::string id;
  std::string name;
  std::string event_type;
  std::string channel;
  std::string subject;
  std::string body;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, template_row& x) {
  return f(caf::meta::type_name("template_row"), x.id, x.name, x.event_type, x.channel, x.subject, x.body);
}

/// A message consumed from Kafka.
struct kafka_record {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string payload;
  int64_t outbox_id = 0;  ///< the outbox row it was published from (header hirehub-outbox-id); 0: none
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, kafka_record& x) {
  return f(caf::meta::type_name("kafka_record"), x.topic, x.partition, x.offset, x.key, x.payload, x.outbox_id);
}

}  // namespace hirehub
