#pragma once
/// Pure part of the notification flow: from one consumed event to the
/// notifications it causes (recipient, channel, rendered title and body).

#include <string>
#include <vector>

#include "persistence/types.hpp"

namespace hirehub::notification {

struct drafts_result {
  std::vector<notification_draft> drafts;
  std::string error;  ///< non-empty: the event is malformed and is skipped (logged)
};

/// `channels`: the channels this node delivers (in_app here).
drafts_result drafts_for(const std::string& topic, const std::string& payload,
                         const std::vector<template_row>& templates, const std::vector<std::string>& channels);

}  // namespace hirehub::notification
