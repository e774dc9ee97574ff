#include "actors/message_types.hpp"

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "persistence/types.hpp"
#include "domain/errors.hpp"
#include "runtime/errors.hpp"

namespace hirehub {

void announce_message_types(caf::actor_system_config& cfg) {
  using namespace application;
  cfg.add_message_type<journal_event>("hirehub.journal_event");
  cfg.add_message_type<std::vector<journal_event>>("hirehub.journal_events");
  cfg.add_message_type<outbox_row>("hirehub.outbox_row");
  cfg.add_message_type<application_row>("hirehub.application_row");
  cfg.add_message_type<append_request>("hirehub.append_request");
  cfg.add_message_type<append_result>("hirehub.append_result");
  cfg.add_message_type<job_info>("hirehub.job_info");
  cfg.add_message_type<notification_draft>("hirehub.notification_draft");
  cfg.add_message_type<std::vector<notification_draft>>("hirehub.notification_drafts");
  cfg.add_message_type<stored_notification>("hirehub.stored_notification");
  cfg.add_message_type<std::vector<stored_notification>>("hirehub.stored_notifications");
  cfg.add_message_type<template_row>("hirehub.template_row");
  cfg.add_message_type<std::vector<template_row>>("hirehub.template_rows");
  cfg.add_message_type<kafka_record>("hirehub.kafka_record");
  cfg.add_message_type<std::vector<kafka_record>>("hirehub.kafka_records");
  cfg.add_message_type<principal>("hirehub.principal");
  cfg.add_message_type<submit_application>("hirehub.submit_application");
  cfg.add_message_type<change_status>("hirehub.change_status");
  cfg.add_message_type<get_application>("hirehub.get_application");
  cfg.add_message_type<get_history>("hirehub.get_history");
  cfg.add_message_type<application_view>("hirehub.application_view");
  cfg.add_message_type<history_view>("hirehub.history_view");
  cfg.add_message_type<interview_row>("hirehub.interview_row");
  cfg.add_message_type<std::vector<interview_row>>("hirehub.interview_rows");
  cfg.add_message_type<interview_command>("hirehub.interview_command");
  cfg.add_message_type<interview_action>("hirehub.interview_action");
  cfg.add_message_type<get_interview>("hirehub.get_interview");
  cfg.add_message_type<interview_view>("hirehub.interview_view");
  namespace cat = error_categories;
  for (auto category : {cat::common, cat::accounts, cat::jobs, cat::applications, cat::resumes, cat::cluster})
    cfg.add_error_category(category, [](uint8_t code, caf::atom_value category, const caf::message& ctx) {
      std::string out = to_string(category) + ":" + name_of(error_code{category, code});
      if (ctx.match_elements<std::string, std::string>() && !ctx.get_as<std::string>(0).empty())
        out += " (" + ctx.get_as<std::string>(0) + ")";
      return out;
    });
}

}  // namespace hirehub
