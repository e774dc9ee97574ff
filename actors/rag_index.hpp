#pragma once
/// The node's vector index actor ("ragindex"): holds the HNSW index of every
/// resume chunk (resume::vector_index), rebuilt from `resume_embeddings` in
/// pages when it starts, updated by the pipeline's embed stage, the RAG API
/// and resume deletion. Every update carries the resume's version (its seq
/// after the change was committed), so late or reordered updates are dropped
/// and a deleted resume never comes back.
///
/// Messages:
///   (update_ptr)                  -> int64_t  chunks now held for the resume, -1 when stale
///   (query_atom, query_ptr)       -> std::string  JSON array of hits; unavailable while loading
///   (stats_atom)                  -> std::string  JSON {chunks, resumes, capacity, loaded, skipped}

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include "actors/resume/vector_index.hpp"

namespace hirehub::rag {

struct update {
  std::string resume_id, user_id;
  int64_t version = 0;
  bool remove = false;  ///< drop the chunks (with vector_index::deleted_forever: the resume is gone)
  std::vector<resume::index_chunk> chunks;
};
using update_ptr = std::shared_ptr<const update>;

struct query {
  std::vector<float> vec;
  size_t k = 5;
  resume::index_filter filter;
};
using query_ptr = std::shared_ptr<const query>;

struct options {
  resume::vector_index_options index;
  std::string model;  ///< chunks stored with another model are not loaded (rag/index re-embeds them)
  std::chrono::milliseconds call_timeout{30000};
  int page_resumes = 500;
};

caf::actor spawn_index(caf::actor_system& sys, options o);

/// Sends an update to the node's index, if it runs (fire and forget).
void send_update(caf::actor_system& sys, update u);

/// A hit as the API shows it.
std::string hits_json(const std::vector<resume::index_hit>& hits);

}  // namespace hirehub::rag

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hirehub::rag::update_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hirehub::rag::query_ptr)
