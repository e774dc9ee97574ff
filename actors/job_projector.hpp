#pragma once
/// The job search projector: the read side of jobs' CQRS. It answers
/// `(batch_atom, std::vector<kafka_record>)` from a kafka_consumer subscribed to
/// job.created, job.updated and application.submitted: it recounts
/// applies_count of the jobs applied to, then rebuilds the `job_search` rows of
/// every job the batch names from the write model, in one transaction on the
/// "db" pool. Rebuilding from the current row makes redelivery and reordering
/// harmless. It answers once committed, so offsets are committed only then.

#include <caf/fwd.hpp>

namespace hirehub::jobs {

caf::actor spawn_projector(caf::actor_system& sys);

}  // namespace hirehub::jobs
