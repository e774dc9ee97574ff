#pragma once
/// Pure part of the notification flow: from one consumed event to the
/// notifications it causes (recipient, channel, rendered title and body).
///
///   application.submitted       -> the job's owner (company member)
///   application.status_changed  -> the applicant, only when their coarse stage
///                                  changes (new_status/old_status are stages)
///   interview.scheduled / .rescheduled / .cancelled -> the applicant
///   user.registered             -> the new user (a welcome)
///
/// Names (applicant, company) and the recipient's time zone come from the
/// database; `facts_for` says which ids to look up, `render_drafts` fills them.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "persistence/types.hpp"

namespace hirehub::notification {

/// What an event says, before names are looked up.
struct event_facts {
  std::string event_id;
  std::string topic;
  std::string recipient_id;
  std::string applicant_id;
  std::string company_id;
  std::map<std::string, std::string> vars;
  int64_t starts_at_ms = 0;  ///< interview events: rendered in the recipient's zone
  std::string data;          ///< JSON stored with the notification
};

struct facts_result {
  std::optional<event_facts> facts;  ///< empty: the event notifies no one (or is malformed)
  std::string error;                 ///< non-empty: malformed, skipped (logged)
};

/// `public_url` prefixes links in templates ("https://hirehub.example").
facts_result facts_for(const std::string& topic, const std::string& payload, const std::string& public_url);

/// What the database knows about the people of one event.
struct directory_entry {
  std::string recipient_name;
  std::string applicant_name;
  std::string company_name;
  std::string recipient_time_zone;  ///< IANA; empty: the interview's own zone
};

/// Renders the templates of `channels` for the event. A template that fails to
/// render (it cannot once saved through the API) is reported in `error`.
std::vector<notification_draft> render_drafts(const event_facts& f, const directory_entry& who,
                                              const std::vector<template_row>& templates,
                                              const std::vector<std::string>& channels, std::string* error);

/// An RFC 5322 message (CRLF lines, UTF-8 subject as an RFC 2047 encoded word,
/// base64 body). Message-ID is fixed per notification, so a retried send that
/// did reach the server the first time can be recognised as the same message.
std::string email_message(const std::string& from, const std::string& to, const std::string& subject,
                          const std::string& body, const std::string& notification_id, int64_t now_ms);

/// Back-off before attempt `attempts + 1`: base * 2^(attempts-1), capped.
int64_t retry_delay_ms(int32_t attempts, int64_t base_ms, int64_t max_ms);

struct drafts_result {
  std::vector<notification_draft> drafts;
  std::string error;
};

/// facts_for + render_drafts with no directory (names empty).
drafts_result drafts_for(const std::string& topic, const std::string& payload,
                         const std::vector<template_row>& templates, const std::vector<std::string>& channels);

}  // namespace hirehub::notification
