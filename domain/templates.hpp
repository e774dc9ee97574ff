#pragma once
/// Notification templates: `{{variable}}` placeholders (spaces inside the braces
/// allowed). Pure functions, no I/O.

#include <map>
#include <string>
#include <vector>

namespace hirehub::templates {

struct render_result {
  bool ok = false;
  std::string text;
  std::string error;  ///< names the variable or the position of a syntax error
};

/// Variables a template uses, in order of first appearance; fails on syntax errors.
render_result variables(const std::string& tmpl, std::vector<std::string>& out);

/// Substitutes every placeholder; a variable missing from `vars` is an error.
render_result render(const std::string& tmpl, const std::map<std::string, std::string>& vars);

/// Checks a template against the variables an event type provides (used when a
/// template is saved, so that sending never meets a missing variable).
render_result check(const std::string& tmpl, const std::vector<std::string>& provided);

/// The variables each event type provides to its templates (empty: the event
/// notifies no one).
const std::vector<std::string>& provided_variables(const std::string& event_type);

/// The event types that notify someone through Kafka (the topics the dispatcher consumes).
const std::vector<std::string>& notifying_event_types();

/// Every event type with templates: the above and company.member_invited, whose
/// e-mail is written in the invitation's own transaction (its sign-up link must
/// not travel on Kafka).
const std::vector<std::string>& templated_event_types();

}  // namespace hirehub::templates
