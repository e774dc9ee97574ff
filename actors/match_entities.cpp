#include "actors/match_entities.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <unordered_map>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/match_atoms.hpp"
#include "actors/match_index.hpp"
#include "actors/match_scorer.hpp"
#include "persistence/db_task.hpp"
#include "persistence/matches.hpp"
#include "runtime/entity_passivate.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"
#include "runtime/observe.hpp"
#include "runtime/services.hpp"

namespace hirehub::matching {

namespace {

using nlohmann::json;
namespace pm = persistence::matches;

struct caller {
  std::string user_id, role, company_id;
};

caller caller_of(const json& q) {
  auto by = q.value("by", json::object());
  return {by.value("user_id", ""), by.value("role", ""), by.value("company_id", "")};
}

/// Keyset position in a list sorted by (overall desc, id asc): "87.50:<uuid>".
struct position {
  double overall = 0;
  std::string id;
};

std::optional<position> cursor_of(const std::string& c) {
  auto colon = c.find(':');
  if (colon == std::string::npos || !ids::is_uuid(c.substr(colon + 1)))
    throw make_error(errc::bad_request, "cursor: not a cursor this list gave");
  try {
    size_t used = 0;
    double v = std::stod(c.substr(0, colon), &used);
    if (used != colon || v < 0 || v > 100)
      throw std::invalid_argument("range");
    return position{v, c.substr(colon + 1)};
  } catch (const std::logic_error&) {
    throw make_error(errc::bad_request, "cursor: not a cursor this list gave");
  }
}

std::string cursor_at(double overall, const std::string& id) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", overall);
  return std::string(buf) + ":" + id;
}

bool after(const position& p, double overall, const std::string& id) {
  // Scores are stored with two decimals: compare them so.
  auto a = std::llround(overall * 100), b = std::llround(p.overall * 100);
  return a < b || (a == b && id > p.id);
}

// ---------------------------------------------------------------- a job's matches

/// A row as the actor keeps it: what it is sorted and filtered by, and the item the
/// API shows, serialised once (a parsed JSON tree costs several times more memory).
struct held_row {
  std::string resume_id;
  double overall = 0;
  int64_t seq = 0;
  std::string item;  ///< the row's JSON without the candidate
};

struct job_state {
  const char* name = "job_match";
  entity_context ctx;
  caf::actor registry;
  entity_options opts;
  bool loading = false, loaded = false, passivating = false;
  caf::error failed;  ///< the load failed: every command answers it, then the actor goes
  std::string company_id, status;
  std::vector<held_row> rows;                          ///< best first
  std::unordered_map<std::string, std::string> views;  ///< resume -> candidate view (JSON text)
  int64_t last_seq = 0;
  int64_t removed_seq = 0;  ///< the newest number a row left the list at (a resume from before it resyncs)
  std::vector<std::function<void()>> waiting;  ///< commands that came before the load ended
};

using job_actor = observed_actor<job_state>;

void sort_rows(std::vector<held_row>& rows) {
  std::sort(rows.begin(), rows.end(), [](const held_row& a, const held_row& b) {
    return a.overall != b.overall ? a.overall > b.overall : a.resume_id < b.resume_id;
  });
}

void require_company(const job_state& s, const caller& by) {
  if (by.role == "admin" || (by.role == "company" && by.company_id == s.company_id))
    return;
  throw make_error(errc::forbidden, "only the job's company sees its matches");
}

json item_of(const json& row) {
  json out = row;
  out.erase("job_version");
  out.erase("resume_seq");
  out.erase("user_id");  // a company sees a candidate's resume, never who they are, until they apply
  out.erase("job_id");
  return out;
}

held_row held_of(const json& row) {
  return {row["resume_id"].get<std::string>(), row["overall_score"].get<double>(), row["seq"].get<int64_t>(),
          item_of(row).dump()};
}

/// "[a,b,...]" of serialised items.
std::string array_of(const std::vector<const std::string*>& items) {
  std::string out = "[";
  for (const auto* i : items) {
    if (out.size() > 1)
      out += ',';
    out += *i;
  }
  return out + "]";
}

void load(job_actor* self);

/// Runs `work` now when the state is loaded, else when it is (the first such command
/// starts the load).
template <class F>
void when_loaded(job_actor* self, F work) {
  auto& s = self->state;
  if (s.loaded) {
    work();
    return;
  }
  s.waiting.push_back(std::move(work));
  if (!s.loading) {
    s.loading = true;
    load(self);
  }
}

void load(job_actor* self) {
  auto db = services::find(self->system(), "db");
  auto fail = [self](const caf::error& err) {
    auto& s = self->state;
    s.failed = err;
    s.loaded = true;
    for (auto& w : s.waiting)
      w();
    s.waiting.clear();
    passivate_entity(self);
  };
  if (!db) {
    fail(make_error(errc::unavailable, "the database pool is restarting"));
    return;
  }
  auto& s = self->state;
  persistence::db_task task{pm::job_state_query(s.ctx.id, s.opts.top_k)};
  self->request(db, s.opts.call_timeout, std::move(task))
      .then(
          [self, fail](persistence::db_reply& r) {
            if (r.error) {
              fail(r.error);
              return;
            }
            auto& s = self->state;
            s.company_id = r.value["company_id"].get<std::string>();
            s.status = r.value["status"].get<std::string>();
            s.removed_seq = r.value.value("removed_seq", int64_t{0});
            s.last_seq = s.removed_seq;
            for (const auto& row : r.value["rows"]) {
              s.rows.push_back(held_of(row));
              s.last_seq = std::max(s.last_seq, s.rows.back().seq);
            }
            s.loaded = true;
            for (auto& w : s.waiting)
              w();
            s.waiting.clear();
          },
          [fail](caf::error& err) { fail(err); });
}

/// A page of the list: the rows after the cursor at or above min_score whose resume
/// is still in the pool; candidate views read for rows not shown before.
void answer_page(job_actor* self, caf::typed_response_promise<std::string> rp, const json& q, const pool_ptr& p) {
  auto& s = self->state;
  size_t limit = q.value("limit", 20);
  double min_score = q.value("min_score", 0.0);
  std::optional<position> from;
  auto cursor = q.value("cursor", "");
  if (!cursor.empty())
    from = cursor_of(cursor);
  std::vector<const held_row*> page;
  bool more = false;
  for (const auto& r : s.rows) {
    if (r.overall < min_score)
      break;
    if (from && !after(*from, r.overall, r.resume_id))
      continue;
    if (!p->candidate(r.resume_id))
      continue;  // deleted, replaced, or matching switched off: appears nowhere
    if (page.size() == limit) {
      more = true;
      break;
    }
    page.push_back(&r);
  }
  auto finish = [self, rp, page, more]() mutable {
    auto& s = self->state;
    // The page as text: each held item with its candidate view spliced in.
    std::string out = "{\"items\":[";
    for (size_t i = 0; i < page.size(); ++i) {
      const auto& item = page[i]->item;
      auto v = s.views.find(page[i]->resume_id);
      if (i)
        out += ',';
      out.append(item, 0, item.size() - 1);
      out += ",\"candidate\":";
      out += v == s.views.end() ? "null" : v->second;
      out += '}';
    }
    out += "],\"next_cursor\":";
    out += more && !page.empty() ? json(cursor_at(page.back()->overall, page.back()->resume_id)).dump() : "null";
    out += '}';
    rp.deliver(std::move(out));
  };
  std::vector<std::string> missing;
  for (const auto* r : page)
    if (!s.views.count(r->resume_id))
      missing.push_back(r->resume_id);
  if (missing.empty()) {
    finish();
    return;
  }
  auto db = services::find(self->system(), "db");
  if (!db) {
    rp.deliver(make_error(errc::unavailable, "the database pool is restarting"));
    return;
  }
  persistence::db_task task{pm::candidate_views_query(missing)};
  self->request(db, s.opts.call_timeout, std::move(task))
      .then(
          [self, finish, rp](persistence::db_reply& r) mutable {
            if (r.error) {
              rp.deliver(r.error);
              return;
            }
            for (auto& [id, v] : r.value.items())
              self->state.views[id] = v.dump();
            finish();
          },
          [rp](caf::error& err) mutable { rp.deliver(err); });
}

void list(job_actor* self, caf::typed_response_promise<std::string> rp, const std::string& query) {
  auto& s = self->state;
  if (s.failed) {
    rp.deliver(s.failed);
    return;
  }
  auto q = json::parse(query, nullptr, false);
  try {
    require_company(s, caller_of(q));
  } catch (const caf::error& e) {
    rp.deliver(e);
    return;
  }
  auto index = services::find(self->system(), "matchindex");
  if (!index) {
    rp.deliver(make_error(errc::unavailable, "the match index is restarting"));
    return;
  }
  self->request(index, s.opts.call_timeout, snapshot_atom::value)
      .then(
          [self, rp, q](const pool_ptr& p) mutable {
            try {
              answer_page(self, rp, q, p);
            } catch (const caf::error& e) {
              rp.deliver(e);
            }
          },
          [rp](caf::error& err) mutable { rp.deliver(err); });
}

void apply_delta(job_actor* self, const std::string& delta_json) {
  auto& s = self->state;
  if (s.failed)
    return;
  auto d = json::parse(delta_json, nullptr, false);
  if (!d.is_object())
    return;
  std::unordered_map<std::string, size_t> at;
  for (size_t i = 0; i < s.rows.size(); ++i)
    at[s.rows[i].resume_id] = i;
  std::vector<std::string> changed;
  for (const auto& r : d.value("changed", json::array())) {
    if (!r.is_object() || !r["resume_id"].is_string() || !r["overall_score"].is_number() ||
        !r["seq"].is_number_integer())
      continue;  // not a row (the router sends rows as the table has them)
    auto row = held_of(r);
    auto it = at.find(row.resume_id);
    if (it == at.end()) {
      at[row.resume_id] = s.rows.size();
      s.rows.push_back(row);
    } else if (s.rows[it->second].seq < row.seq) {
      s.rows[it->second] = row;
    } else {
      continue;  // an older delta than what is held
    }
    changed.push_back(row.item);
  }
  // A removal names the number it was made at: a row held with a newer number came
  // back since and stays.
  std::set<std::string> removed;
  for (const auto& x : d.value("removed", json::array())) {
    if (!x.is_object())
      continue;
    auto id = x.value("resume_id", std::string{});
    auto it = at.find(id);
    if (it == at.end() || s.rows[it->second].seq >= x.value("seq", int64_t{0}))
      continue;
    removed.insert(id);
    s.views.erase(id);
  }
  s.rows.erase(
      std::remove_if(s.rows.begin(), s.rows.end(), [&](const held_row& r) { return removed.count(r.resume_id) > 0; }),
      s.rows.end());
  sort_rows(s.rows);
  while (static_cast<int>(s.rows.size()) > s.opts.top_k) {
    s.views.erase(s.rows.back().resume_id);
    s.rows.pop_back();
  }
  auto seq = d.value("seq", int64_t{0});
  if (!removed.empty())
    s.removed_seq = std::max(s.removed_seq, seq);
  if (seq <= s.last_seq || (changed.empty() && removed.empty()))
    return;
  s.last_seq = seq;
  std::vector<const std::string*> items;
  for (const auto& c : changed)
    items.push_back(&c);
  if (auto hub = services::find(self->system(), "hub"))
    self->send(hub, publish_atom::value, job_topic(s.ctx.id), seq,
               matches_frame(s.ctx.id, seq, array_of(items), json(removed).dump()));
}

/// A delta for an actor that holds no state: its frame for the job's watchers, from
/// the delta alone (the table already has it; a later read loads from there).
void pass_on(job_actor* self, const std::string& delta_json) {
  auto d = json::parse(delta_json, nullptr, false);
  auto seq = d.is_object() ? d.value("seq", int64_t{0}) : 0;
  if (seq <= 0)
    return;
  std::vector<std::string> items;
  for (const auto& r : d.value("changed", json::array()))
    items.push_back(item_of(r).dump());
  std::vector<const std::string*> ptrs;
  for (const auto& i : items)
    ptrs.push_back(&i);
  json removed = json::array();
  for (const auto& x : d.value("removed", json::array()))
    if (x.is_object())
      removed.push_back(x.value("resume_id", std::string{}));
  if (auto hub = services::find(self->system(), "hub"))
    self->send(hub, publish_atom::value, job_topic(self->state.ctx.id), seq,
               matches_frame(self->state.ctx.id, seq, array_of(ptrs), removed.dump()));
}

/// Throws the refusal (caf::error).
std::string catch_up(job_actor* self, const std::string& by_json, int64_t after_seq) {
  auto& s = self->state;
  if (s.failed)
    throw s.failed;
  require_company(s, caller_of(json{{"by", json::parse(by_json, nullptr, false)}}));
  json frames = json::array();
  if (after_seq >= 0 && after_seq < s.removed_seq) {
    // Rows left the list since: removals leave nothing to replay, so the whole list.
    std::vector<const std::string*> all;
    for (const auto& r : s.rows)
      all.push_back(&r.item);
    frames.push_back({s.last_seq, matches_frame(s.ctx.id, s.last_seq, array_of(all), "[]", true)});
  } else if (after_seq >= 0) {
    std::vector<const std::string*> changed;
    int64_t top = 0;
    for (const auto& r : s.rows)
      if (r.seq > after_seq) {
        changed.push_back(&r.item);
        top = std::max(top, r.seq);
      }
    if (!changed.empty())
      frames.push_back({top, matches_frame(s.ctx.id, top, array_of(changed), "[]")});
  }
  return json{{"last_seq", s.last_seq}, {"frames", frames}}.dump();
}

caf::behavior job_impl(job_actor* self, entity_context ctx, caf::actor registry, entity_options o) {
  auto& s = self->state;
  s.ctx = std::move(ctx);
  s.registry = std::move(registry);
  s.opts = o;
  // Loaded by the first read; a delta that finds the actor not loaded (nobody read the
  // list since it started) is only passed on to the job's watchers.
  return {
      [self](matches_atom, const std::string& query) -> caf::result<std::string> {
        auto rp = self->make_response_promise<std::string>();
        when_loaded(self, [self, rp, query]() mutable { list(self, rp, query); });
        return rp;
      },
      [self](update_atom, const std::string& delta) -> caf::result<void> {
        // Answered once the delta is applied (or passed on): the router confirms its
        // events only then.
        auto& s = self->state;
        if (s.loaded || s.loading) {
          auto rp = self->make_response_promise();
          when_loaded(self, [self, rp, delta]() mutable {
            apply_delta(self, delta);
            rp.deliver(caf::unit);
          });
          return rp;
        }
        pass_on(self, delta);
        passivate_entity(self);
        return caf::unit;
      },
      [self](catchup_atom, const std::string& by, int64_t after_seq) -> caf::result<std::string> {
        auto rp = self->make_response_promise<std::string>();
        when_loaded(self, [self, rp, by, after_seq]() mutable {
          try {
            rp.deliver(catch_up(self, by, after_seq));
          } catch (const caf::error& e) {
            rp.deliver(e);
          }
        });
        return rp;
      },
      [self](passivate_atom) { passivate_entity(self); },
  };
}

// ---------------------------------------------------------------- a jobseeker's recommendations

struct user_state {
  const char* name = "recommendations";
  entity_context ctx;
  caf::actor registry;
  entity_options opts;
  bool passivating = false;
  uint64_t generation = 0;         ///< of the pool the list was computed from (0: never)
  std::vector<std::string> items;  ///< serialised once, best first
};

using user_actor = observed_actor<user_state>;

void recompute(user_actor* self, const pool& p) {
  auto& s = self->state;
  s.items.clear();
  s.generation = p.generation;
  const auto* c = p.candidate_of_user(s.ctx.id);
  if (!c)
    return;  // no ready resume, or matching switched off
  for (const auto& r : score_jobs(p, c->form, static_cast<size_t>(s.opts.recommend_top), s.opts.weights)) {
    const auto& j = *p.jobs()[r.index];
    auto b = dm::breakdown(j.profile, c->form, s.opts.weights);
    s.items.push_back(json{{"job_id", j.job_id},
                           {"title", j.title},
                           {"company_id", j.company_id},
                           {"company_name", j.company_name},
                           {"location", j.location},
                           {"status", "open"},
                           {"resume_id", c->resume_id},
                           {"overall_score", r.s.overall},
                           {"skill_score", r.s.skill},
                           {"experience_score", r.s.experience},
                           {"culture_score", r.s.culture},
                           {"breakdown", b},
                           {"reasoning", dm::reasoning(b, j.profile.korean)}}
                          .dump());
  }
}

caf::result<std::string> recommendations(user_actor* self, const std::string& query) {
  auto q = json::parse(query, nullptr, false);
  auto by = caller_of(q);
  if (by.role != "admin" && by.user_id != self->state.ctx.id)
    return make_error(errc::forbidden, "recommendations are their jobseeker's own");
  size_t limit = q.value("limit", 20);
  size_t from = 0;
  auto cursor = q.value("cursor", "");
  if (!cursor.empty()) {
    if (cursor.size() > 6 || cursor.find_first_not_of("0123456789") != std::string::npos)
      return make_error(errc::bad_request, "cursor: not a cursor this list gave");
    from = std::stoul(cursor);
  }
  auto index = services::find(self->system(), "matchindex");
  if (!index)
    return make_error(errc::unavailable, "the match index is restarting");
  auto rp = self->make_response_promise<std::string>();
  self->request(index, self->state.opts.call_timeout, snapshot_atom::value)
      .then(
          [self, rp, limit, from](const pool_ptr& p) mutable {
            auto& s = self->state;
            if (p->generation != s.generation)
              recompute(self, *p);
            std::vector<const std::string*> page;
            for (size_t i = from; i < s.items.size() && page.size() < limit; ++i)
              page.push_back(&s.items[i]);
            auto next =
                from + limit < s.items.size() ? "\"" + std::to_string(from + limit) + "\"" : std::string{"null"};
            rp.deliver("{\"items\":" + array_of(page) + ",\"next_cursor\":" + next + "}");
          },
          [rp](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

caf::behavior user_impl(user_actor* self, entity_context ctx, caf::actor registry, entity_options o) {
  auto& s = self->state;
  s.ctx = std::move(ctx);
  s.registry = std::move(registry);
  s.opts = o;
  return {
      [self](recommend_atom, const std::string& query) { return recommendations(self, query); },
      [self](passivate_atom) { passivate_entity(self); },
  };
}

}  // namespace

std::string matches_frame(const std::string& job_id, int64_t seq, const std::string& changed_json,
                          const std::string& removed_json, bool reset) {
  json f{{"type", "matches"},
         {"job_id", job_id},
         {"seq", seq},
         {"changed", json::parse(changed_json)},
         {"removed", json::parse(removed_json)}};
  if (reset)
    f["reset"] = true;
  return f.dump();
}

entity_factory make_job_factory(entity_options o) {
  return [o](caf::actor_system& sys, const entity_context& ctx, caf::actor registry) {
    return sys.spawn(job_impl, ctx, std::move(registry), o);
  };
}

entity_factory make_user_factory(entity_options o) {
  return [o](caf::actor_system& sys, const entity_context& ctx, caf::actor registry) {
    return sys.spawn(user_impl, ctx, std::move(registry), o);
  };
}

}  // namespace hirehub::matching
