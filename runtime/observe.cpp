#include "runtime/observe.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "runtime/log.hpp"
#include "runtime/metrics.hpp"

namespace hirehub {

namespace {

int64_t now_second() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

caf::error log_actor_exception(caf::local_actor* self, std::exception_ptr& ep) {
  std::string what = "unknown exception";
  try {
    std::rethrow_exception(ep);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (const caf::error& e) {
    what = caf::to_string(e);
  } catch (...) {
  }
  try {
    static auto& failures =
        metrics::get_counter("hirehub_actor_exceptions_total", "Exceptions that ended an actor (its supervisor decides)");
    failures.inc();
    log::error("actor failed with an exception", {{"actor", self->name()}, {"actor_id", self->id()}, {"error", what}});
  } catch (...) {
  }
  return caf::make_error(caf::sec::runtime_error, std::move(what));
}

void actor_counters::on_take() {
  auto n = handled_.fetch_add(1, std::memory_order_relaxed) + 1;
  auto now = now_second();
  auto cur = second_.load(std::memory_order_relaxed);
  if (now != cur) {
    // Only the actor's own thread gets here, so plain stores are enough.
    auto started = handled_at_second_.load(std::memory_order_relaxed);
    last_second_.store(now == cur + 1 ? n - 1 - started : 0, std::memory_order_relaxed);
    handled_at_second_.store(n - 1, std::memory_order_relaxed);
    second_.store(now, std::memory_order_relaxed);
  }
}

uint64_t actor_counters::rate() const {
  auto now = now_second();
  auto cur = second_.load(std::memory_order_relaxed);
  if (now == cur)
    return last_second_.load(std::memory_order_relaxed);
  if (now == cur + 1) {
    // Read without the actor's thread: a torn pair of values reads as 0, never as a wrap-around.
    auto at = handled_at_second_.load(std::memory_order_relaxed);
    auto h = handled();
    return h > at ? h - at : 0;
  }
  return 0;
}

activity activity_of(const caf::actor& handle) {
  activity out;
  if (!handle)
    return out;
  const auto* o = dynamic_cast<const observable*>(caf::actor_cast<caf::abstract_actor*>(handle));
  if (!o)
    return out;
  auto enq = o->counters.enqueued();
  out.handled = o->counters.handled();
  out.mailbox = enq > out.handled ? enq - out.handled : 0;
  out.rate = o->counters.rate();
  return out;
}

nlohmann::json sample(const caf::actor& handle) {
  if (!handle)
    return nullptr;
  auto* a = caf::actor_cast<caf::abstract_actor*>(handle);
  nlohmann::json out = {{"id", handle.id()}};
  const auto* o = dynamic_cast<const observable*>(a);
  if (!o)
    return out;
  const auto& c = o->counters;
  auto enq = c.enqueued();
  auto done = c.handled();
  out["mailbox"] = enq > done ? enq - done : 0;
  out["handled"] = done;
  out["rate"] = c.rate();
  return out;
}

nlohmann::json sample_entity(const caf::actor& handle, const std::string& kind, const std::string& id) {
  auto x = sample(handle);
  x["name"] = kind + "/" + id;
  x["kind"] = "entity";
  return x;
}

}  // namespace hirehub
