// Remote models against a real HTTP server speaking the OpenAI-compatible API
// (tests/support/openai_server.py): the chat and embeddings clients (keys,
// errors, timeouts, malformed answers), the summary chain (fallback, circuit
// breaker, masking of what a model answers, the local summary last), and a
// node whose pipeline and RAG queries use them: providers see masked text
// only, ai_tasks records the model used and the providers passed over.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "actors/resume/llm.hpp"
#include "support/harness.hpp"

using namespace hh_test;
namespace r = hirehub::resume;
using namespace std::chrono_literals;

namespace {

std::string script() {
  return std::string{HIREHUB_SOURCE_DIR} + "/tests/support/openai_server.py";
}

/// One openai_server.py process on a free port, with its request log.
struct model_server {
  int port = free_port();
  std::string dir = temp_dir();
  std::string log = dir + "/requests.jsonl";
  std::unique_ptr<process> proc;

  explicit model_server(std::vector<std::string> args) {
    std::vector<std::string> argv = {"/usr/bin/python3", script(), "--port", std::to_string(port), "--file", log};
    argv.insert(argv.end(), args.begin(), args.end());
    proc = std::make_unique<process>(argv, std::map<std::string, std::string>{}, dir + "/server.log");
    EXPECT_TRUE(eventually(20s, [&] {
      try {
        http_client c{port};
        c.raw("GET / HTTP/1.0\r\n\r\n");  // connects (throws while nothing listens)
        return true;
      } catch (const std::exception&) {
        return false;
      }
    })) << "the model server did not start";
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/v1"; }
  std::vector<json> requests() const {
    std::vector<json> out;
    std::ifstream in{log};
    for (std::string line; std::getline(in, line);)
      out.push_back(json::parse(line));
    return out;
  }
  std::string all_requests() const {
    std::ifstream in{log};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

r::provider_config cfg(const std::string& name, const std::string& url, std::chrono::milliseconds timeout = 5s,
                       const std::string& key = {}) {
  return {name, url, key, "model-" + name, timeout};
}

std::string closed_url() {
  return "http://127.0.0.1:" + std::to_string(free_port()) + "/v1";  // nothing listens there
}

bool transient_error(const std::function<void()>& call, bool& transient) {
  try {
    call();
  } catch (const r::provider_error& e) {
    transient = e.transient();
    return true;
  }
  return false;
}

}  // namespace

TEST(llm_clients, ChatSendsTheModelAndKeyAndReturnsTheContent) {
  model_server s{{"--api-key", "sk-test", "--model-tag", "A"}};
  r::chat_client c{cfg("a", s.url(), 5s, "sk-test")};
  auto text = c.complete("system words", "user words", 100);
  EXPECT_EQ(text.rfind("[A] model-a", 0), 0u) << text;
  auto reqs = s.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0]["path"], "/v1/chat/completions");
  EXPECT_EQ(reqs[0]["authorization"], "Bearer sk-test");
  EXPECT_EQ(reqs[0]["body"]["model"], "model-a");
  EXPECT_EQ(reqs[0]["body"]["max_tokens"], 100);
  EXPECT_EQ(reqs[0]["body"]["messages"][1]["content"], "user words");

  bool transient = true;
  r::chat_client wrong_key{cfg("a", s.url(), 5s, "sk-wrong")};
  EXPECT_TRUE(transient_error([&] { wrong_key.complete("s", "u", 10); }, transient));
  EXPECT_FALSE(transient) << "401 is not worth retrying";
}

TEST(llm_clients, OverloadTimeoutsAndRefusalsAreTransientMalformedAnswersAreNot) {
  model_server busy{{"--fail-first", "1"}};
  r::chat_client c{cfg("busy", busy.url())};
  bool transient = false;
  EXPECT_TRUE(transient_error([&] { c.complete("s", "u", 10); }, transient));
  EXPECT_TRUE(transient) << "503";
  EXPECT_FALSE(c.complete("s", "u", 10).empty()) << "the second call succeeds";

  model_server slow{{"--delay-ms", "2000"}};
  r::chat_client impatient{cfg("slow", slow.url(), 300ms)};
  transient = false;
  EXPECT_TRUE(transient_error([&] { impatient.complete("s", "u", 10); }, transient));
  EXPECT_TRUE(transient) << "timeout";

  r::chat_client nobody{cfg("nobody", closed_url())};
  transient = false;
  EXPECT_TRUE(transient_error([&] { nobody.complete("s", "u", 10); }, transient));
  EXPECT_TRUE(transient) << "connection refused";

  model_server odd{{"--malformed"}};
  r::chat_client confused{cfg("odd", odd.url())};
  transient = true;
  EXPECT_TRUE(transient_error([&] { confused.complete("s", "u", 10); }, transient));
  EXPECT_FALSE(transient);
  r::remote_embedder bad_embeddings{cfg("odd", odd.url()), 8};
  EXPECT_THROW(bad_embeddings.embed({"x"}), r::provider_error);
}

TEST(llm_clients, EmbeddingsAreNormalisedInInputOrderAndChecked) {
  model_server s{{"--dims", "8"}};
  r::remote_embedder e{cfg("emb", s.url()), 8};
  EXPECT_EQ(e.model(), "emb:model-emb");
  auto two = e.embed({"first text", "second text"});
  ASSERT_EQ(two.size(), 2u);
  for (const auto& v : two) {
    ASSERT_EQ(v.size(), 8u);
    double n = 0;
    for (float x : v)
      n += static_cast<double>(x) * x;
    EXPECT_NEAR(n, 1.0, 1e-5);
  }
  // The server answers in reverse order: the client goes by "index".
  EXPECT_EQ(e.embed({"first text"})[0], two[0]);
  EXPECT_EQ(e.embed({"second text"})[0], two[1]);
  EXPECT_NE(two[0], two[1]);
  r::remote_embedder wrong_dims{cfg("emb", s.url()), 16};
  EXPECT_THROW(wrong_dims.embed({"x"}), r::provider_error);
}

TEST(llm_chain, FallsBackInOrderOpensCircuitsAndEndsWithTheLocalSummary) {
  model_server failing{{"--status", "500"}};
  model_server good{{"--model-tag", "B", "--leak"}};
  r::summariser chain{{cfg("first", failing.url()), cfg("second", good.url())}, 2, 60s};
  EXPECT_TRUE(chain.remote());
  r::parsed_resume p;
  const std::string masked = "이름: ***\n경력\n카카오 | 백엔드 개발자 | 2019.03 ~ 현재\nGo 결제 시스템 운영.\n";
  for (int i = 0; i < 4; ++i) {
    auto out = chain.summarise(masked, p);
    EXPECT_EQ(out.model, "second:model-second");
    EXPECT_EQ(out.text.rfind("[B]", 0), 0u) << out.text;
    // The model's invented phone number is masked before anyone keeps it.
    EXPECT_EQ(out.text.find("010-2345-6789"), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("***"), std::string::npos) << out.text;
    ASSERT_EQ(out.errors.size(), 1u);
    if (i < 2) {
      EXPECT_EQ(out.errors[0], "first: HTTP 500");
    } else {
      EXPECT_EQ(out.errors[0], "first: circuit open");
    }
  }
  // Two failures opened the first provider's circuit: it got no more calls.
  EXPECT_EQ(failing.requests().size(), 2u);
  EXPECT_EQ(chain.states()[0], "first: open");
  EXPECT_EQ(chain.states()[1], "second: closed");
  // What the providers saw: the masked text.
  EXPECT_NE(good.all_requests().find("백엔드 개발자"), std::string::npos);

  r::summariser nobody{{cfg("x", closed_url()), cfg("y", closed_url())}, 3, 60s};
  auto out = nobody.summarise(masked, p);
  EXPECT_EQ(out.model, r::summariser::local_model);
  EXPECT_FALSE(out.text.empty());
  EXPECT_EQ(out.errors.size(), 2u);
}

TEST(llm_node, ThePipelineAndRagUseTheConfiguredModelsWithMaskedTextOnly) {
  database db;
  broker kafka;
  model_server chat{{"--api-key", "sk-node", "--model-tag", "N"}};
  model_server emb{{"--dims", "32"}};
  auto dir = temp_dir();
  node n{db,
         kafka,
         {{"HIREHUB_RESUME_STORAGE_DIR", dir + "/files"},
          {"HIREHUB_RESUME_EMBED_DIMS", "32"},
          {"HIREHUB_AI_LLM1_URL", closed_url()},
          {"HIREHUB_AI_LLM1_NAME", "down"},
          {"HIREHUB_AI_LLM2_URL", chat.url()},
          {"HIREHUB_AI_LLM2_NAME", "fallback"},
          {"HIREHUB_AI_LLM2_MODEL", "chat-model"},
          {"HIREHUB_AI_LLM2_API_KEY", "sk-node"},
          {"HIREHUB_AI_EMBEDDINGS_URL", emb.url()},
          {"HIREHUB_AI_EMBEDDINGS_NAME", "remote"},
          {"HIREHUB_AI_EMBEDDINGS_MODEL", "embed-model"}}};
  http_client http{n.port};
  auto tok = sign_up(http).tok;
  ASSERT_FALSE(tok.empty());
  const std::string cv =
      "이름: 김철수\n연락처: 010-2345-6789\n이메일: chulsoo.kim@example.com\n\n경력\n"
      "카카오 | 백엔드 개발자 | 2019.03 ~ 현재\nGo 마이크로서비스와 Kubernetes 운영.\n\n기술\nGo, Kubernetes\n";
  std::string body =
      "--bnd\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cv.txt\"\r\n\r\n" + cv + "\r\n--bnd--\r\n";
  auto up = http.request("POST", "/api/v1/resumes", body,
                         {{"Authorization", "Bearer " + tok}, {"Content-Type", "multipart/form-data; boundary=bnd"}});
  ASSERT_EQ(up.status, 202) << up.body;
  std::string id = up.json_body["id"];
  json v;
  ASSERT_TRUE(eventually(30s, [&] {
    v = http.get("/api/v1/resumes/" + id, tok).json_body;
    return v.value("status", "") != "processing";
  }));
  ASSERT_EQ(v["status"], "ready") << v.dump();
  EXPECT_EQ(v["summary"].get<std::string>().rfind("[N] chat-model", 0), 0u) << v["summary"];

  auto task = [&](const std::string& type, const std::string& column) {
    return db.scalar("SELECT " + column + " FROM ai_tasks WHERE source_id = '" + id + "' AND task_type = '" + type +
                     "' AND status = 'completed'");
  };
  EXPECT_EQ(task("summary", "model_used"), "fallback:chat-model");
  auto output = json::parse(task("summary", "output_data::text"));
  ASSERT_EQ(output["passed_over"].size(), 1u) << output.dump();
  EXPECT_EQ(output["passed_over"][0].get<std::string>().rfind("down: ", 0), 0u);
  EXPECT_EQ(task("embedding", "model_used"), "remote:embed-model");
  EXPECT_EQ(db.scalar("SELECT DISTINCT model FROM resume_embeddings WHERE resume_id = '" + id + "'"),
            "remote:embed-model");
  EXPECT_EQ(
      db.count("SELECT count(*) FROM resume_embeddings WHERE resume_id = '" + id + "' AND length(embedding) <> 32 * 4"),
      0);

  // The providers saw masked text only.
  for (const auto* server : {&chat, &emb}) {
    auto seen = server->all_requests();
    EXPECT_FALSE(seen.empty());
    for (const char* raw : {"김철수", "010-2345-6789", "chulsoo.kim@example.com"})
      EXPECT_EQ(seen.find(raw), std::string::npos) << raw << " reached a model";
  }
  EXPECT_NE(chat.all_requests().find("Go 마이크로서비스와 Kubernetes 운영"), std::string::npos) << "the resume's text";
  EXPECT_NE(chat.all_requests().find("***"), std::string::npos) << "its masked values";
  EXPECT_EQ(chat.requests().at(0)["authorization"], "Bearer sk-node");

  // RAG queries are embedded by the same remote model.
  auto before = emb.requests().size();
  auto q = http.post("/api/v1/rag/query", {{"query", "Kubernetes 운영"}}, tok);
  ASSERT_EQ(q.status, 200) << q.body;
  EXPECT_EQ(q.json_body["model"], "remote:embed-model");
  ASSERT_FALSE(q.json_body["results"].empty());
  EXPECT_EQ(q.json_body["results"][0]["resume_id"], id);
  EXPECT_EQ(emb.requests().size(), before + 1);
  EXPECT_EQ(emb.requests().back()["body"]["input"][0], "Kubernetes 운영");
}
