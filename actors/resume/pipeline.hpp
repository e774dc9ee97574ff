#pragma once
/// The resume pipeline's stages run one after another on one file, with no
/// database, broker or network: extract -> mask -> parse -> embed ->
/// summarise. `hirehub resume process FILE` prints its report, and the
/// quality tests and the benchmark call it. The pipeline actor runs the same
/// stage functions one supervised child at a time. Pure.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "actors/resume/embed.hpp"
#include "actors/resume/extract.hpp"
#include "actors/resume/parse.hpp"
#include "actors/resume/pii.hpp"

namespace hirehub::resume {

/// The stages in order, as named in progress frames and `ai_tasks.task_type`.
enum class stage { extract, mask, parse, embed, summarise };
constexpr int stage_count = 5;
const char* to_string(stage s);
/// The `ai_tasks.task_type` of a stage (the seed's names: pii_masking, parsing, ...).
const char* task_type(stage s);

struct pipeline_options {
  extract_limits limits;
  masking_options masking;
  parse_options parsing;
};

struct pipeline_output {
  extracted text;
  masking_result masking;
  parsed_resume parsed;
  std::vector<chunk> chunks;
  std::vector<std::vector<float>> vectors;
  std::string embed_model;
  std::string summary;
};

/// Runs every stage locally. Throws extract_error for files without usable text.
pipeline_output run_local(std::string_view bytes, const pipeline_options& options, embedder& emb);

/// The operator's report: text_length, masked_text, pii [{type, start, end,
/// score}] over the extracted text, parsed, summary, embedding_dims, chunks.
nlohmann::json report(const pipeline_output& out, int embedding_dims);

}  // namespace hirehub::resume
