/// hirehubctl: the cluster admin API from a terminal.
///
///   hirehubctl nodes                 the nodes: status, shards, coordinator, heartbeat age, uptime, entities
///   hirehubctl shards                the shard map: owner and epoch of each shard
///   hirehubctl drain NODE            move a node's shards to the others (then stop it)
///   hirehubctl actors NODE           the node's actor tree: supervisors, children, mailbox depth, msgs/s, restarts
///   hirehubctl stop NODE ACTOR_ID    stop one actor (its supervisor decides what happens next)
///   hirehubctl entity KIND ID        one entity's live state (application: PII masked; resume: its stage)
///   hirehubctl dead-letters          resumes whose pipeline failed, notifications that could not be delivered
///   hirehubctl replay ID             run a failed resume pipeline again, or retry a failed notification
///
/// The node's URL comes from --url, $HIREHUB_HTTP, or var/run/endpoints.env
/// (written by deploy/run.sh); the admin's access token from --token or
/// $HIREHUB_TOKEN. --json prints the API's answer as it is.
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "runtime/http_post.hpp"

namespace {

using nlohmann::json;

struct client {
  std::string url, token;
  bool raw = false;

  /// Calls the API; prints the error and returns null unless the status is 2xx
  /// (or `allow_404` and it is 404, answered as {"not_found": true}).
  json call(const std::string& method, const std::string& path, const json& body = nullptr,
            bool allow_404 = false) const {
    std::vector<std::string> headers = {"Authorization: Bearer " + token, "Accept: application/json"};
    auto a = hirehub::http::call(method, url + path, headers, body.is_null() ? std::string{} : body.dump(),
                                 std::chrono::seconds(15));
    if (a.status == 0) {
      std::cerr << "hirehubctl: cannot reach " << url << ": " << a.error << '\n';
      return nullptr;
    }
    if (allow_404 && a.status == 404)
      return json{{"not_found", true}};
    auto parsed = json::parse(a.body, nullptr, false);
    if (a.status < 200 || a.status >= 300) {
      std::string msg =
          parsed.is_object() && parsed.contains("error") ? parsed["error"].value("message", a.body) : a.body;
      std::cerr << "hirehubctl: " << method << ' ' << path << ": " << a.status << ' ' << msg << '\n';
      return nullptr;
    }
    return parsed.is_discarded() ? json::object() : parsed;
  }
};

std::string age(int64_t ms) {
  std::ostringstream o;
  if (ms < 10000)
    o << std::fixed << std::setprecision(1) << static_cast<double>(ms) / 1000.0 << "s";
  else if (ms < 60000)
    o << ms / 1000 << "s";
  else if (ms < 3600000)
    o << ms / 60000 << "m" << (ms / 1000) % 60 << "s";
  else
    o << ms / 3600000 << "h" << (ms / 60000) % 60 << "m";
  return o.str();
}

void table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> w(head.size());
  for (size_t i = 0; i < head.size(); ++i)
    w[i] = head[i].size();
  for (auto& r : rows)
    for (size_t i = 0; i < r.size() && i < w.size(); ++i)
      w[i] = std::max(w[i], r[i].size());
  auto line = [&](const std::vector<std::string>& r) {
    for (size_t i = 0; i < r.size(); ++i)
      std::cout << std::left << std::setw(static_cast<int>(w[i]) + 2) << r[i];
    std::cout << '\n';
  };
  line(head);
  for (auto& r : rows)
    line(r);
}

std::string str(const json& v) {
  if (v.is_null())
    return "-";
  if (v.is_string())
    return v.get<std::string>();
  return v.dump();
}

std::string default_url() {
  if (const char* e = std::getenv("HIREHUB_HTTP"); e && *e)
    return e;
  std::ifstream in("var/run/endpoints.env");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("HIREHUB_HTTP=", 0) == 0)
      return line.substr(13);
  return "http://127.0.0.1:8080";
}

/// GETs a listing; with --json prints it as it is. Returns its items to format,
/// or nothing when it is done (`rc` says how it went).
std::optional<json> listing(const client& c, const std::string& path, int& rc) {
  auto v = c.call("GET", path);
  rc = v.is_null() ? 1 : 0;
  if (v.is_null())
    return std::nullopt;
  if (c.raw) {
    std::cout << v.dump(2) << '\n';
    return std::nullopt;
  }
  return v["items"];
}

int nodes(const client& c) {
  int rc = 0;
  auto items = listing(c, "/admin/api/nodes", rc);
  if (!items)
    return rc;
  std::vector<std::vector<std::string>> rows;
  for (auto& n : *items)
    rows.push_back({str(n["node_id"]), str(n["status"]), str(n["shards"]), n.value("coordinator", false) ? "yes" : "",
                    age(n.value("heartbeat_age_ms", int64_t{0})), age(n.value("uptime_s", int64_t{0}) * 1000),
                    n["load"].contains("entities") ? str(n["load"]["entities"]) : "-", str(n["http_url"])});
  table({"NODE", "STATUS", "SHARDS", "COORDINATOR", "HEARTBEAT", "UPTIME", "ENTITIES", "URL"}, rows);
  return 0;
}

int shards(const client& c) {
  int rc = 0;
  auto items = listing(c, "/admin/api/shards", rc);
  if (!items)
    return rc;
  std::vector<std::vector<std::string>> rows;
  std::map<std::string, int> per_owner;
  for (auto& s : *items) {
    rows.push_back({str(s["shard"]), str(s["owner"]), str(s["epoch"]), s.value("releasing", false) ? "releasing" : ""});
    ++per_owner[str(s["owner"])];
  }
  table({"SHARD", "OWNER", "EPOCH", ""}, rows);
  std::cout << '\n';
  for (auto& [owner, n] : per_owner)
    std::cout << owner << ": " << n << " shards\n";
  return 0;
}

int drain(const client& c, const std::string& node) {
  auto v = c.call("POST", "/admin/api/nodes/" + node + "/drain", json::object());
  if (v.is_null())
    return 1;
  if (c.raw)
    std::cout << v.dump(2) << '\n';
  else
    std::cout << "draining " << node << ": its " << str(v["shards"])
              << " shards move to the other nodes; `hirehubctl nodes` shows 0 when it can be stopped\n";
  return 0;
}

void tree_rows(const json& a, const std::string& indent, bool last, std::vector<std::vector<std::string>>& rows) {
  auto n = [&](const char* k) { return a.contains(k) && !a[k].is_null() ? str(a[k]) : std::string("-"); };
  std::string name = indent + (indent.empty() ? "" : (last ? "`- " : "|- ")) + str(a.value("name", json("?")));
  std::string note = a.contains("error") ? "error: " + str(a["error"]) : "";
  if (a.contains("total") && a.contains("children") && a["total"] != json(a["children"].size()))
    note = "showing " + std::to_string(a["children"].size()) + " of " + str(a["total"]) + " entities";
  if (a.value("running", true) == false)
    note = "not running";
  rows.push_back({name, n("kind"), n("id"), n("mailbox"), n("rate"), n("handled"), n("restarts"), note});
  if (!a.contains("children"))
    return;
  auto child_indent = indent.empty() ? std::string(" ") : indent + (last ? "   " : "|  ");
  const auto& kids = a["children"];
  for (size_t i = 0; i < kids.size(); ++i)
    tree_rows(kids[i], child_indent, i + 1 == kids.size(), rows);
}

int actors(const client& c, const std::string& node) {
  auto v = c.call("GET", "/admin/api/nodes/" + node + "/actors");
  if (v.is_null())
    return 1;
  if (c.raw) {
    std::cout << v.dump(2) << '\n';
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  tree_rows(v["root"], "", true, rows);
  for (auto& a : v["system"])
    tree_rows(a, "", true, rows);
  table({"ACTOR", "KIND", "ID", "MAILBOX", "MSG/S", "HANDLED", "RESTARTS", ""}, rows);
  return 0;
}

int stop(const client& c, const std::string& node, const std::string& actor) {
  auto v = c.call("POST", "/admin/api/nodes/" + node + "/actors/" + actor + "/stop", json::object());
  if (v.is_null())
    return 1;
  if (c.raw)
    std::cout << v.dump(2) << '\n';
  else
    std::cout << "stopped " << str(v["stopped"]["name"]) << " (" << actor << ") under "
              << str(v["stopped"]["supervisor"]) << ": " << str(v["stopped"]["then"]) << '\n';
  return 0;
}

int entity(const client& c, const std::string& kind, const std::string& id) {
  auto v = c.call("GET", "/admin/api/entities/" + kind + "/" + id);
  if (v.is_null())
    return 1;
  std::cout << v.dump(2) << '\n';
  return 0;
}

int dead_letters(const client& c) {
  auto resumes = c.call("GET", "/api/v1/admin/resumes/dead-letters?limit=100");
  auto notes = c.call("GET", "/api/v1/admin/notifications?status=failed&limit=100");
  if (resumes.is_null() || notes.is_null())
    return 1;
  if (c.raw) {
    std::cout << json{{"resumes", resumes}, {"notifications", notes}}.dump(2) << '\n';
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (auto& r : resumes["items"])
    rows.push_back({"resume", str(r["id"]), "stage " + str(r.value("stage", json(nullptr))),
                    r.contains("error") ? str(r["error"].value("message", json(nullptr))) : "-"});
  for (auto& n : notes["notifications"])
    rows.push_back({"notification", str(n["id"]), str(n["channel"]), str(n.value("error", json(nullptr)))});
  table({"KIND", "ID", "WHERE", "ERROR"}, rows);
  return 0;
}

int replay(const client& c, const std::string& id) {
  auto v = c.call("POST", "/api/v1/admin/resumes/" + id + "/replay", json::object(), true);
  if (v.is_null())
    return 1;
  std::string what = "resume pipeline";
  if (v.value("not_found", false)) {
    v = c.call("POST", "/api/v1/admin/notifications/" + id + "/retry", json::object());
    what = "notification";
    if (v.is_null())
      return 1;
  }
  if (c.raw)
    std::cout << v.dump(2) << '\n';
  else
    std::cout << what << ' ' << id << ": " << str(v.value("status", json("queued"))) << '\n';
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hirehubctl: the HireHub cluster from a terminal (admin token required)"};
  client c;
  c.url = default_url();
  if (const char* t = std::getenv("HIREHUB_TOKEN"))
    c.token = t;
  app.add_option("--url", c.url, "A node's base URL ($HIREHUB_HTTP, var/run/endpoints.env)")->capture_default_str();
  app.add_option("--token", c.token, "An admin access token ($HIREHUB_TOKEN)");
  app.add_flag("--json", c.raw, "Print the API's JSON");
  app.require_subcommand(1);
  auto* n = app.add_subcommand("nodes", "The nodes: status, shards, coordinator, heartbeat, uptime, entities");
  auto* s = app.add_subcommand("shards", "The shard map");
  std::string node, id;
  auto* d = app.add_subcommand("drain", "Move a node's shards to the other nodes");
  d->add_option("node", node, "Node id (see `hirehubctl nodes`)")->required();
  auto* ac =
      app.add_subcommand("actors", "A node's actor tree: supervisors, children, mailbox depth, msgs/s, restarts");
  ac->add_option("node", node, "Node id (see `hirehubctl nodes`)")->required();
  std::string actor_id, kind;
  auto* st = app.add_subcommand("stop", "Stop one actor of a node; its supervisor decides what happens next");
  st->add_option("node", node, "Node id")->required();
  st->add_option("actor", actor_id, "Actor id (see `hirehubctl actors NODE`)")->required();
  auto* en = app.add_subcommand("entity", "One entity's live state (PII masked)");
  en->add_option("kind", kind, "application or resume")->required()->check(CLI::IsMember({"application", "resume"}));
  en->add_option("id", id, "Entity id")->required();
  auto* dl = app.add_subcommand("dead-letters", "Failed resume pipelines and undelivered notifications");
  auto* r = app.add_subcommand("replay", "Run a failed resume pipeline again, or retry a failed notification");
  r->add_option("id", id, "Resume or notification id")->required();
  CLI11_PARSE(app, argc, argv);
  if (c.token.empty()) {
    std::cerr << "hirehubctl: give an admin access token with --token or $HIREHUB_TOKEN\n";
    return 2;
  }
  while (!c.url.empty() && c.url.back() == '/')
    c.url.pop_back();
  if (*n)
    return nodes(c);
  if (*s)
    return shards(c);
  if (*d)
    return drain(c, node);
  if (*ac)
    return actors(c, node);
  if (*st)
    return stop(c, node, actor_id);
  if (*en)
    return entity(c, kind, id);
  if (*dl)
    return dead_letters(c);
  if (*r)
    return replay(c, id);
  return 2;
}
