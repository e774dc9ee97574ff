// Hardening: what an attacker with an account (or none) can do to a node.
// Real hirehub processes, PostgreSQL and the embedded broker.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "gateway/jwt.hpp"
#include "support/harness.hpp"

using namespace hh_test;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

// The upgrade used to authenticate twice (before accepting and again when the socket
// opened, on the I/O thread, outside any guard): a token expiring between the two
// threw out of the I/O loop and aborted the node. Sockets are opened without pause
// from four threads across the token's expiry second; the node must keep serving.
TEST(hardening, sockets_opened_across_a_token_expiry_leave_the_node_serving) {
  database db;
  broker kafka;
  node n{db, kafka};
  // Expires at the start of the second after next: the loop runs across it.
  auto sub = uuid();
  auto ttl = static_cast<int>(2);
  auto tok = token(sub, "jobseeker", "", ttl);
  auto expiry = unix_now() + ttl;

  // One socket opened now is closed with 4001 once the token expires.
  ws_client early{n.port, "", "?access_token=" + tok};
  ASSERT_TRUE(early.open());

  std::atomic<int> accepted{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      while (std::chrono::steady_clock::now() < until) {
        try {
          ws_client c{n.port, "", "?access_token=" + tok};
          if (c.open())
            ++accepted;
          else if (c.declined())
            ++refused;
          else if (++other == 1)
            ADD_FAILURE() << "the upgrade failed without an answer";
        } catch (const std::exception& e) {
          if (++other == 1)  // connection refused or reset: the node is gone
            ADD_FAILURE() << "cannot connect: " << e.what();
        }
      }
    });
  for (auto& t : threads)
    t.join();
  EXPECT_GT(accepted.load(), 0);
  EXPECT_GT(refused.load(), 0) << "the loop did not cross the token's expiry";
  EXPECT_EQ(other.load(), 0);
  ASSERT_TRUE(n.alive()) << "the node died; see " << n.log_path();
  http_client http{n.port};
  EXPECT_EQ(http.get("/health").status, 200);
  EXPECT_GE(unix_now(), expiry);

  // The early socket was closed by the node with 4001 (token expired).
  EXPECT_FALSE(early.read(std::chrono::seconds(5)).has_value());
  EXPECT_EQ(early.close_code(), 4001);
  EXPECT_EQ(read_file(n.log_path()).find("terminate called"), std::string::npos);
  // What the refused ones were told.
  auto raw = http.raw("GET /ws?access_token=" + tok +
                      " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  EXPECT_EQ(raw.rfind("HTTP/1.1 401", 0), 0u) << raw;
  EXPECT_NE(raw.find("token expired"), std::string::npos) << raw;
}

// A node must not sign tokens with a secret anybody can know: it refuses to start
// with an empty, short, shipped or placeholder secret, naming what to set, unless
// it runs in development mode.
TEST(hardening, serve_refuses_a_missing_short_shipped_or_placeholder_secret) {
  auto dir = temp_dir();
  struct probe {
    std::string secret;
    std::string why;
  };
  for (auto& p : std::vector<probe>{{"", "it is empty"},
                                    {"only-twenty-bytes-xx", "shorter than 32 bytes"},
                                    {"dev-secret-change-me", "shipped with HireHub"},
                                    {"CHANGE-ME-at-least-32-bytes-of-random", "placeholder"}}) {
    auto log = dir + "/serve-" + std::to_string(p.secret.size()) + ".log";
    process proc{{hirehub_bin(), "serve"},
                 {{"HIREHUB_AUTH_JWT_SECRET", p.secret},
                  {"HIREHUB_AUTH_JWT_SECRET_FILE", dir + "/no-such-file"},
                  {"HIREHUB_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9"},
                  {"HIREHUB_DB_URL", "postgresql://nobody@127.0.0.1:9/none"},
                  {"HIREHUB_HTTP_PORT", std::to_string(free_port())}},
                 log};
    ASSERT_TRUE(eventually(std::chrono::seconds(20), [&] { return !proc.alive(); })) << p.secret;
    auto status = proc.stop();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << p.secret;
    auto out = read_file(log);
    EXPECT_NE(out.find("refusing to sign access tokens"), std::string::npos) << out;
    EXPECT_NE(out.find(p.why), std::string::npos) << out;
    EXPECT_NE(out.find("HIREHUB_AUTH_JWT_SECRET"), std::string::npos) << out;
  }
}

// Development mode starts without a secret (the well-known development one) and
// with a secret file (as ./deploy/run.sh writes one per var/).
TEST(hardening, development_mode_and_a_secret_file_start) {
  database db;
  broker kafka;
  {
    node n{db, kafka, {{"HIREHUB_AUTH_JWT_SECRET", ""}, {"HIREHUB_DEV", "1"}}};
    http_client http{n.port};
    // Tokens signed with the development secret are accepted; the test's own are not.
    EXPECT_EQ(http.get("/api/v1/me", token(uuid(), "admin")).status, 401);
    hirehub::jwt::claims c{uuid(), "admin", "", "hirehub", unix_now(), unix_now() + 60, ""};
    EXPECT_NE(http.get("/api/v1/me", hirehub::jwt::sign(c, "dev-secret-change-me")).status, 401);
    EXPECT_NE(read_file(n.log_path()).find("development mode"), std::string::npos);
  }
  auto dir = temp_dir();
  {
    std::ofstream out{dir + "/jwt.secret"};
    out << jwt_secret() << "\n";
  }
  node n{db, kafka, {{"HIREHUB_AUTH_JWT_SECRET", ""}, {"HIREHUB_AUTH_JWT_SECRET_FILE", dir + "/jwt.secret"}}};
  http_client http{n.port};
  auto me = http.get("/api/v1/me", token(uuid(), "admin"));
  EXPECT_NE(me.status, 401) << me.body;
}

namespace {

const std::string boundary = "hardening-boundary-7f3a";

std::string form(const std::string& filename, const std::string& bytes) {
  return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename +
         "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + bytes + "\r\n--" + boundary + "--\r\n";
}

http_result upload(http_client& http, const std::string& tok, const std::string& body) {
  return http.request(
      "POST", "/api/v1/resumes", body,
      {{"Authorization", "Bearer " + tok}, {"Content-Type", "multipart/form-data; boundary=" + boundary}});
}

}  // namespace

// Files built to exhaust the reader (a Flate bomb, form XObjects fanning out, a ZIP
// bomb, elements nested 400,000 deep) are read by a child process with a
// budget: each is answered 422 saying why, nothing is stored, the node is unaffected
// and a good resume uploaded afterwards is processed.
TEST(hardening, resume_bombs_are_refused_with_422_and_the_node_goes_on) {
  database db;
  broker kafka;
  node n{db,
         kafka,
         {{"HIREHUB_RESUME_EXTRACT_CPU_S", "2"},
          {"HIREHUB_RESUME_EXTRACT_TIMEOUT_MS", "10000"},
          {"HIREHUB_RESUME_UPLOADS_PER_USER", "2"}}};
  http_client http{n.port};
  auto me = sign_up(http);
  auto dir = temp_dir();
  auto cmd = std::string{"/usr/bin/python3 "} + HIREHUB_SOURCE_DIR "/tests/support/bombs.py " + dir;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  for (auto name : {"flate.pdf", "xobjects.pdf", "zip.docx", "nested.docx"}) {
    auto bytes = read_file(dir + "/" + name);
    ASSERT_GT(bytes.size(), 1000u) << name;
    auto r = upload(http, me.tok, form(name, bytes));
    EXPECT_EQ(r.status, 422) << name << ": " << r.body;
    EXPECT_EQ(r.json_body["error"]["details"]["field"], "file") << name;
    EXPECT_FALSE(r.json_body["error"]["message"].get<std::string>().empty()) << name;
    ASSERT_TRUE(n.alive()) << name;
  }
  EXPECT_EQ(db.count("SELECT count(*) FROM resumes WHERE user_id = '" + me.id + "'"), 0);
  auto slow = read_file(dir + "/xobjects.pdf");
  // One jobseeker has at most two uploads in progress on a node: a third at once is 429.
  std::vector<int> statuses(3);
  {
    std::vector<std::thread> at_once;
    for (int i = 0; i < 3; ++i)
      at_once.emplace_back([&, i] {
        http_client c{n.port};
        statuses[i] = upload(c, me.tok, form("slow.pdf", slow)).status;
      });
    for (auto& t : at_once)
      t.join();
  }
  std::sort(statuses.begin(), statuses.end());
  EXPECT_EQ(statuses, (std::vector<int>{422, 422, 429}));
  // Another jobseeker's good resume is processed meanwhile and after.
  auto other = sign_up(http);
  auto good = upload(http, other.tok,
                     form("cv.txt", "이름: 김민준\n경력\n네이버 | 백엔드 개발자 | 2020.01 ~ 현재\n기술\nC++, Kafka\n"));
  ASSERT_EQ(good.status, 202) << good.body;
  auto id = good.json_body["id"].get<std::string>();
  std::string status;
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] {
    status = http.get("/api/v1/resumes/" + id, other.tok).json_body.value("status", "");
    return status != "processing";
  }));
  EXPECT_EQ(status, "ready");
  EXPECT_EQ(http.get("/health").status, 200);
}

namespace {

/// A plain TCP connection to a node, for requests sent piece by piece.
class tcp_conn {
 public:
  explicit tcp_conn(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~tcp_conn() { ::close(fd_); }
  bool connected() const { return connected_; }
  bool send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  /// The response (head and Content-Length body), or what arrived before the
  /// peer closed or 5 s passed.
  std::string response() {
    std::string out;
    char buf[4096];
    for (;;) {
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0)
        return out;
      out.append(buf, static_cast<size_t>(n));
      auto end = out.find("\r\n\r\n");
      if (end == std::string::npos)
        continue;
      auto cl = out.find("Content-Length: ");
      if (cl == std::string::npos || out.size() >= end + 4 + std::stoul(out.substr(cl + 16)))
        return out;
    }
  }
  /// True when the peer closed the connection (read returns 0 or a reset) within 5 s.
  bool closed_by_peer() {
    char c;
    auto n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

std::string upload_head(const std::string& tok, size_t length) {
  return "POST /api/v1/resumes HTTP/1.1\r\nHost: x\r\n" +
         (tok.empty() ? std::string{} : "Authorization: Bearer " + tok + "\r\n") +
         "Content-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: " + std::to_string(length) +
         "\r\n\r\n";
}

size_t files_in(const std::string& dir) {
  size_t n = 0;
  if (auto* d = ::opendir(dir.c_str())) {
    while (auto* e = ::readdir(d))
      n += e->d_name[0] != '.';
    ::closedir(d);
  }
  return n;
}

}  // namespace

// An upload is refused on its headers (401 without a token, 403 for another role)
// before one byte of its body is read; an accepted one is streamed to a temporary file
// that is gone once it was read; at most http.max_large_bodies are received at once.
TEST(hardening, uploads_are_authenticated_before_their_body_and_received_to_a_file) {
  database db;
  broker kafka;
  auto tmp = temp_dir();
  node n{db, kafka, {{"HIREHUB_HTTP_UPLOAD_TMP_DIR", tmp}, {"HIREHUB_HTTP_MAX_LARGE_BODIES", "1"}}};
  http_client http{n.port};
  auto me = sign_up(http);
  auto company = sign_up(http, "company");
  const size_t big = 5 * 1024 * 1024;
  // Headers announcing 5 MiB, no body sent: answered at once, and the connection closed.
  for (auto [tok, status] :
       {std::pair<std::string, const char*>{"", "401"}, {"not-a-token", "401"}, {company.tok, "403"}}) {
    tcp_conn c{n.port};
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.send(upload_head(tok, big)));
    auto r = c.response();
    EXPECT_EQ(r.rfind(std::string{"HTTP/1.1 "} + status, 0), 0u) << r;
    EXPECT_NE(r.find("\"error\""), std::string::npos) << r;
    EXPECT_TRUE(c.closed_by_peer());
  }
  EXPECT_EQ(files_in(tmp), 0u);
  // A jobseeker's upload in progress holds the node's one large-body slot: a second is
  // refused with 503 before its body, the first completes, and no file is left behind.
  auto body = form("cv.txt", "이름: 김민준\n기술\nC++, Kafka\n" + std::string(512 * 1024, ' ') + "끝\n");
  tcp_conn first{n.port};
  ASSERT_TRUE(first.send(upload_head(me.tok, body.size()) + body.substr(0, 1000)));
  ASSERT_TRUE(eventually(std::chrono::seconds(5), [&] { return files_in(tmp) == 1; }));
  {
    tcp_conn second{n.port};
    ASSERT_TRUE(second.send(upload_head(me.tok, body.size())));
    auto r = second.response();
    EXPECT_EQ(r.rfind("HTTP/1.1 503", 0), 0u) << r;
    EXPECT_NE(r.find("Retry-After"), std::string::npos) << r;
  }
  ASSERT_TRUE(first.send(body.substr(1000)));
  auto r = first.response();
  EXPECT_EQ(r.rfind("HTTP/1.1 202", 0), 0u) << r;
  EXPECT_EQ(files_in(tmp), 0u);
  // A body cut off midway leaves nothing behind either.
  {
    tcp_conn cut{n.port};
    ASSERT_TRUE(cut.send(upload_head(me.tok, body.size()) + body.substr(0, 5000)));
    ASSERT_TRUE(eventually(std::chrono::seconds(5), [&] { return files_in(tmp) == 1; }));
  }
  EXPECT_TRUE(eventually(std::chrono::seconds(5), [&] { return files_in(tmp) == 0; }));
  EXPECT_EQ(db.count("SELECT count(*) FROM resumes WHERE user_id = '" + me.id + "'"), 1);
}

// One client address may hold http.max_connections_per_address connections at once;
// the next is refused at accept, and a closed one frees its place.
TEST(hardening, connections_are_capped_per_client_address) {
  database db;
  broker kafka;
  node n{db, kafka, {{"HIREHUB_HTTP_MAX_CONNECTIONS_PER_ADDRESS", "3"}}};
  auto tok = token(uuid(), "jobseeker");
  std::vector<std::unique_ptr<ws_client>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<ws_client>(n.port, tok));
    ASSERT_TRUE(open.back()->open());
    open.back()->send(R"({"op":"ping"})");
    ASSERT_TRUE(open.back()->read());
  }
  {
    tcp_conn fourth{n.port};
    fourth.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(fourth.response(), "");
  }
  open.pop_back();
  ASSERT_TRUE(eventually(std::chrono::seconds(5), [&] {
    tcp_conn again{n.port};
    again.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    return again.response().rfind("HTTP/1.1 200", 0) == 0;
  }));
}

// A WebSocket's frames are rate-limited (each subscribe may load an entity): past the
// burst they are refused with an error frame, and a socket that keeps on is closed.
TEST(hardening, websocket_frames_are_rate_limited_per_socket) {
  database db;
  broker kafka;
  node n{db, kafka, {{"HIREHUB_WS_OPS_PER_SECOND", "5"}}};
  auto tok = token(uuid(), "jobseeker");
  ws_client ws{n.port, tok};
  ASSERT_TRUE(ws.open());
  for (int i = 0; i < 30; ++i)
    ws.send(R"({"op":"ping"})");
  int pongs = 0, limited = 0;
  for (int i = 0; i < 30; ++i) {
    auto f = ws.read(std::chrono::seconds(5));
    ASSERT_TRUE(f.has_value()) << i;
    if ((*f)["type"] == "pong")
      ++pongs;
    else if ((*f)["type"] == "error" && (*f)["error"]["code"] == "rate_limited")
      ++limited;
  }
  EXPECT_GE(pongs, 10);  // the burst
  EXPECT_LE(pongs, 12);  // and what refilled meanwhile
  EXPECT_EQ(pongs + limited, 30);
  // One that goes on is closed.
  for (int i = 0; i < 200; ++i)
    ws.send(R"({"op":"ping"})");
  while (ws.read(std::chrono::seconds(5))) {
  }
  EXPECT_EQ(ws.close_code(), 1008);
  // Another socket of the same user is not affected.
  ws_client other{n.port, tok};
  other.send(R"({"op":"ping"})");
  auto pong = other.read();
  ASSERT_TRUE(pong.has_value());
  EXPECT_EQ((*pong)["type"], "pong");
}

// A node told to stop (SIGTERM) with a request still running answers it 503 with
// Retry-After once its grace is over: the client retries on another node. It was a 500
// ("request actor ended without answering").
TEST(hardening, a_stopping_node_answers_its_unfinished_requests_503_never_500) {
  database db;
  broker kafka;
  node n{db,
         kafka,
         {{"HIREHUB_HTTP_REQUEST_TIMEOUT_MS", "30000"},
          {"HIREHUB_HTTP_SHUTDOWN_GRACE_MS", "1000"},
          {"HIREHUB_CLUSTER_DRAIN_TIMEOUT_MS", "500"}}};
  http_client http{n.port};
  auto company = token(uuid(), "company");
  auto job = http.post("/api/v1/jobs", {{"title", "SRE"}}, company);
  ASSERT_EQ(job.status, 201) << job.body;
  std::string id = job.json_body["id"];
  std::mutex mx;
  std::condition_variable cv;
  bool locked = false, release = false;
  std::thread holder([&] {
    pqxx::connection conn{db.url};
    pqxx::work txn{conn};
    txn.exec("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE");
    std::unique_lock lk{mx};
    locked = true;
    cv.notify_all();
    cv.wait_for(lk, std::chrono::seconds(30), [&] { return release; });
    txn.abort();
  });
  {
    std::unique_lock lk{mx};
    cv.wait(lk, [&] { return locked; });
  }
  http_result r;
  std::thread request([&] { r = http.get("/api/v1/jobs/" + id, company); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  n.signal(SIGTERM);
  request.join();
  {
    std::lock_guard lk{mx};
    release = true;
  }
  cv.notify_all();
  holder.join();
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.json_body["error"]["code"], "unavailable") << r.body;
  EXPECT_FALSE(r.headers["Retry-After"].empty());
  EXPECT_EQ(read_file(n.log_path()).find("ended without answering"), std::string::npos);
  EXPECT_EQ(n.stop(), 0);
}

namespace {

/// Runs the rogue CAF peer against `port`; its output.
std::string rogue(int port, const std::string& args) {
  auto out = temp_dir() + "/rogue.out";
  auto cmd = std::string{ROGUE_PEER_BIN} + " 127.0.0.1 " + std::to_string(port) + " " + args + " > " + out + " 2>&1";
  std::system(cmd.c_str());
  return read_file(out);
}

}  // namespace

// The cluster port takes nodes of the cluster only: a peer without a certificate, or
// with one of another CA, is refused at the TLS handshake; a peer with a certificate
// of the cluster's CA that is not a member (never was, or was removed) is refused by
// the ingress; exit messages from outside cannot stop the ingress.
TEST(hardening, the_cluster_port_serves_members_with_a_cluster_certificate_only) {
  database db;
  broker kafka;
  node n{db, kafka};
  auto caf_port = std::stoi(db.scalar("SELECT caf_port FROM cluster_nodes"));
  auto& certs = test_certs();
  auto plain = rogue(caf_port, "");
  EXPECT_EQ(plain.rfind("connect: refused", 0), 0u) << plain;
  auto other_dir = temp_dir() + "/other";
  ASSERT_EQ(std::system((hirehub_bin() + " cluster certs --out " + other_dir + " --nodes 1 > /dev/null").c_str()), 0);
  auto foreign = rogue(
      caf_port, "--cert " + other_dir + "/node-1.pem --key " + other_dir + "/node-1.key --ca " + other_dir + "/ca.pem");
  EXPECT_EQ(foreign.rfind("connect: refused", 0), 0u) << foreign;
  // The cluster's own certificate, but not a member; then a member; then removed.
  auto insider =
      rogue(caf_port, "--cert " + certs.cert + " --key " + certs.key + " --ca " + certs.ca + " --db " + db.url);
  EXPECT_NE(insider.find("ask: refused"), std::string::npos) << insider;
  EXPECT_NE(insider.find("not a member"), std::string::npos) << insider;
  EXPECT_NE(insider.find("member: ok"), std::string::npos) << insider;
  EXPECT_NE(insider.find("removed: refused"), std::string::npos) << insider;
  // Still refusing after the exit messages (user_shutdown, kill): the ingress lives.
  auto after = insider.find("after-exit: ");
  ASSERT_NE(after, std::string::npos) << insider;
  EXPECT_NE(insider.find("not a member", after), std::string::npos) << "the ingress stopped: " << insider;
  ASSERT_TRUE(n.alive());
  http_client http{n.port};
  EXPECT_EQ(http.get("/ready").status, 200);
  // A node that listens beyond loopback without the cluster's certificates does not start.
  auto log = temp_dir() + "/open.log";
  process open{{hirehub_bin(), "serve"},
               {{"HIREHUB_AUTH_JWT_SECRET", jwt_secret()},
                {"HIREHUB_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrap},
                {"HIREHUB_DB_URL", db.url},
                {"HIREHUB_HTTP_PORT", std::to_string(free_port())},
                {"HIREHUB_CLUSTER_CAF_ADDRESS", "0.0.0.0"}},
               log};
  ASSERT_TRUE(eventually(std::chrono::seconds(20), [&] { return !open.alive(); }));
  EXPECT_NE(read_file(log).find("cluster.tls_cert"), std::string::npos) << read_file(log);
}
