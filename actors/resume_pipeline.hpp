#pragma once
/// The resume pipeline: one actor per resume (kind "resume" in the entity
/// registry), a supervisor over one child per stage, run in order:
/// extract -> mask -> parse -> embed -> summarise.
///
/// Each stage child runs its stage and commits its output on the "resumedb"
/// pool in one transaction fenced on the stage before (resumes.stage), with
/// its ai_tasks row; then reports to the pipeline, which publishes a progress
/// frame on the hub topic `resume:<id>` and starts the next stage. A child
/// that fails transiently (database, file store, a remote model) exits
/// abnormally and is restarted after the runtime's backoff, at most
/// supervisor.max_restarts times in supervisor.window_ms; then, or at once
/// for a permanent failure (an empty, encrypted or corrupt file), the resume
/// ends in `error` with the reason (a dead letter an admin can replay).
///
/// `(process_atom)` starts or continues a pipeline: from the stage after the
/// last committed one, so a pipeline interrupted by a crash resumes there and
/// the fence makes sure only one result and one `resume.processed` exist.
/// `(process_atom, raw_text, user_id, file_type)` comes from the upload right
/// after its commit: the pipeline starts without reading the row, and the
/// extract stage takes the upload's own extraction instead of parsing the
/// stored file a second time.
/// Raw extracted text lives only in the pipeline's memory; from the masking
/// stage on only masked text is stored or published.

#include <chrono>
#include <memory>

#include <caf/fwd.hpp>

#include "actors/resume/isolated.hpp"
#include "actors/resume/pipeline.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/supervisor.hpp"

namespace hirehub::persistence {
class file_store;
}
namespace hirehub::resume {
class embedder;
class summariser;
}  // namespace hirehub::resume

namespace hirehub::resume_pipeline {

struct options {
  std::shared_ptr<persistence::file_store> store;
  resume::pipeline_options stages;
  resume::isolation extraction;  ///< the child process that reads a stored file again
  std::shared_ptr<resume::embedder> embedder;      ///< local, or a remote model (blocking calls)
  std::shared_ptr<resume::summariser> summariser;  ///< the provider chain ending in the local summary
  restart_policy policy;
  std::chrono::milliseconds call_timeout{30000};
  std::string node_id;  ///< shown by the admin API's entity view
};

entity_factory make_factory(options opts);

/// Finds resumes left `processing` (a crash, a restart, a lost start message)
/// every `period` and sends them `(process_atom)` through the registry; a
/// running pipeline ignores it.
caf::actor spawn_recovery_sweep(caf::actor_system& sys, std::chrono::milliseconds period,
                                std::chrono::milliseconds call_timeout);

/// The hub topic of a resume's progress frames.
std::string topic_of(const std::string& resume_id);

/// A progress frame: {"type":"resume","resume_id","seq","stage","percent","status"[,"error"]}.
std::string progress_frame(const std::string& resume_id, int64_t seq, const std::string& stage, int percent,
                           const std::string& status, const std::string& error_code = {},
                           const std::string& error_message = {});

}  // namespace hirehub::resume_pipeline
