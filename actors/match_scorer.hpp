#pragma once
/// The match scorer (service "matchscorer"): the handler of the `matching` consumer
/// group (resume.processed, resume.deleted, user.matching_changed, job.created,
/// job.updated, application.status_changed). For a batch it refreshes the node's match index, then, in one
/// transaction on the "db" pool (scoring runs there too, off the scheduler):
///
/// - per jobseeker named: their pool resume against every open job: the pairs that
///   enter a job's top-k are written (persistence::matches::store_resume), the best
///   jobs at or above the threshold recommended (at most per_day a day), the rows of
///   resumes no longer in the pool removed; a jobseeker out of the pool (matching
///   off, no ready resume) loses every row but those of jobs they applied to;
/// - per job named: if open, its top-k over the whole pool replaces its rows
///   (store_job) and the candidates at or above the threshold are recommended;
/// - per application accepted or rejected: `hired` or `rejected` feedback on its match;
/// - the batch's outbox rows confirmed for the group.
///
/// Every row written or recommended goes out as `match.calculated` or
/// `match.recommended`, every row removed as `match.removed`, in the same transaction;
/// the match actors learn of them from those events (actors/match_router), never from
/// the scorer directly. Writes are idempotent (upserts fenced by versions), so a
/// redelivered batch changes nothing.

#include <string>

#include <caf/fwd.hpp>

#include "domain/matching.hpp"

namespace hirehub::matching {

struct scorer_options {
  int top_k = 200;
  int recommend_top = 20;
  double recommend_threshold = 80;
  int recommend_per_day = 3;
  double step = 0.5;
  domain::matching::weights weights;
};

caf::actor spawn_scorer(caf::actor_system& sys, scorer_options o);

/// The topics the `matching` group reads.
const std::vector<std::string>& scorer_topics();

/// A frame of the `recommendations` topic: {"type":"recommendation","seq",...row}.
std::string recommendation_frame(const std::string& row_json);

/// The hub topic of a job's match changes.
std::string job_topic(const std::string& job_id);

}  // namespace hirehub::matching
