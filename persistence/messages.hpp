#pragma once
/// Requests the persistence actors accept (besides `append_request`, see
/// journal_writer.hpp). All answers are the types of persistence/types.hpp or
/// JSON text for API representations.
///
/// db_worker pool:
///   (load_evts_atom, application_id)            -> std::vector<journal_event>
///   (list_notif_atom, user_id, after_seq, limit)-> std::vector<stored_notification>  in-app, by inbox_seq
///   (inbox_last_atom, user_id)                 -> int64_t  the user's last inbox_seq (0: none yet)
///   (read_notif_atom, user_id, notification_id) -> stored_notification | not_found
///   (store_notif_atom, std::vector<notification_draft>) -> std::vector<stored_notification> (new ones only)
///   (load_tmpl_atom)                            -> std::vector<template_row>
///   (health_atom)                               -> bool (SELECT 1 and migrations present)

#include <caf/atom.hpp>

namespace hirehub {

using load_evts_atom = caf::atom_constant<caf::atom("loadevts")>;
using list_notif_atom = caf::atom_constant<caf::atom("listnotif")>;
using inbox_last_atom = caf::atom_constant<caf::atom("inboxlast")>;
using read_notif_atom = caf::atom_constant<caf::atom("readnotif")>;
using store_notif_atom = caf::atom_constant<caf::atom("storenotif")>;
using load_tmpl_atom = caf::atom_constant<caf::atom("loadtmpl")>;

}  // namespace hirehub
