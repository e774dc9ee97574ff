// The outbox relay (persistence/kafka.hpp: spawn_outbox_relay).
#include "persistence/kafka.hpp"

#include <atomic>
#include <map>
#include <set>

#include <caf/all.hpp>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>
#include <pqxx/pqxx>

#include "persistence/db.hpp"
#include "persistence/outbox.hpp"
#include "persistence/types.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"
#include "persistence/kafka_conf.hpp"

namespace hirehub::persistence {

namespace {

using detail::make_conf;

struct delivery_tracker : RdKafka::DeliveryReportCb {
  std::vector<int>* results = nullptr;  // 0 pending, 1 ok, -1 failed
  void dr_cb(RdKafka::Message& msg) override {
    auto idx = reinterpret_cast<intptr_t>(msg.msg_opaque());
    if (results && idx >= 0 && static_cast<size_t>(idx) < results->size())
      (*results)[idx] = msg.err() == RdKafka::ERR_NO_ERROR ? 1 : -1;
    if (msg.err() != RdKafka::ERR_NO_ERROR)
      last_error = msg.errstr();
  }
  std::string last_error;
};

/// What the relay and its keeper both hold: a PostgreSQL connection and a producer.
struct outbox_client {
  relay_options opts;
  std::unique_ptr<pqxx::connection> conn;
  delivery_tracker tracker;
  std::unique_ptr<RdKafka::Producer> producer;
  ~outbox_client() {
    if (producer)
      producer->flush(2000);
  }
};

/// The relay publishes; nothing else runs on its thread, so a commit's rows wait
/// for a round at most, never for a sweep or a check of the broker.
struct relay_state : outbox_client {
  caf::actor keeper;  // checks the broker's marker and sweeps (keeper_impl)
  bool run_queued = false;
  bool timer_pending = false;
  bool backing_off = false;
  const char* name = "outbox_relay";
};

/// The keeper, linked to its relay: every `epoch_check` it makes sure the broker
/// still holds the marker recorded in PostgreSQL (and has every kept row published
/// again when it does not); every `sweep` it deletes what every group confirmed.
/// Both can take seconds on a busy database or a slow broker: off the relay's path.
struct keeper_state : outbox_client {
  caf::actor relay;
  std::unique_ptr<RdKafka::KafkaConsumer> marker_reader;  // reads the broker's marker back
  std::string epoch;  // the marker found in the broker at the last check ("": not checked yet)
  int sweeps = 0;
  const char* name = "outbox_keeper";
  ~keeper_state() {
    if (marker_reader)
      marker_reader->close();
  }
};

using keeper_actor = observed_actor<keeper_state>;
using check_atom = caf::atom_constant<caf::atom("epochchk")>;
using sweep_atom = caf::atom_constant<caf::atom("outsweep")>;

using relay_actor = observed_actor<relay_state>;

void make_producer(outbox_client& st, const std::string& role, bool idempotent) {
  auto conf = make_conf({{"bootstrap.servers", st.opts.bootstrap},
                         {"client.id", st.opts.client_id + "-" + role},
                         {"enable.idempotence", idempotent ? "true" : "false"},
                         // A message failed for good fails the producer rather than leave a gap
                         // before the key's later messages (relay_round then marks nothing).
                         {"enable.gapless.guarantee", idempotent ? "true" : "false"},
                         {"linger.ms", "1"},
                         {"message.timeout.ms", std::to_string(st.opts.message_timeout.count())}});
  std::string err;
  if (conf->set("dr_cb", &st.tracker, err) != RdKafka::Conf::CONF_OK)
    throw std::runtime_error(err);
  st.producer.reset(RdKafka::Producer::create(conf.get(), err));
  if (!st.producer)
    throw std::runtime_error("cannot create Kafka producer: " + err);
}

void ensure_connection(outbox_client& st, const char* application_name = "hirehub-outbox-relay") {
  if (st.conn)
    return;
  st.conn = connect(st.opts.db_url, application_name);
  // Marking rows published need not wait for an fsync: if that mark is lost in a
  // crash the rows are published again, and consumers deduplicate by event id.
  pqxx::nontransaction setup{*st.conn};
  setup.exec("SET synchronous_commit = off");
  // Published rows leave dead entries in the pending index until VACUUM. A plain
  // index scan marks them dead as it passes, so the next round skips them; the
  // bitmap scan the planner prefers for a small pending set visits every one of
  // them again in each round (1.5-3.5 ms a round at 50k published rows vs 0.3).
  setup.exec("SET enable_bitmapscan = off");
}

struct round_result {
  size_t selected = 0;
  size_t published = 0;
  size_t deferred = 0;  // rows of a key that had a row of another topic in this round, and after them
  size_t failed = 0;
};

/// One round: publishes up to opts.batch rows. Only the oldest pending row of
/// each key is produced in a round, so a key's next message is sent only after
/// its previous one was acknowledged: a key's messages can never overtake each
/// other, even when one times out and is retried.
round_result relay_round(relay_actor* self) {
  static auto& produced = metrics::get_counter("hirehub_outbox_published_total", "Outbox rows published to Kafka");
  static auto& errors = metrics::get_counter("hirehub_kafka_produce_errors_total", "Kafka produce failures");
  // A row committed while a round runs waits for the next one: this is most of the
  // outbox's share of the time from a commit to its consumers.
  static auto& round_time = metrics::get_histogram(
      "hirehub_outbox_round_seconds", "Outbox relay rounds that found rows: select, produce, every ack, mark, commit");
  auto started = std::chrono::steady_clock::now();
  auto& st = self->state;
  round_result out;
  ensure_connection(st);
  if (!st.producer)
    make_producer(st, "relay", true);
  pqxx::work txn{*st.conn};
  // With several nodes, one relay publishes per round (the others skip it): two
  // relays working on different rows of one key could reorder that key's messages.
  if (!txn.exec("SELECT pg_try_advisory_xact_lock(4857385211843772162)")[0][0].as<bool>()) {
    txn.commit();
    return out;
  }
  auto rows = txn.exec_params(
      "SELECT id, topic, key, payload::text FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1 "
      "FOR UPDATE SKIP LOCKED",
      static_cast<int64_t>(st.opts.batch));
  out.selected = rows.size();
  if (rows.empty()) {
    txn.commit();
    return out;
  }
  std::vector<int> results(rows.size(), 0);
  // A key's rows of one topic go in one round: one partition, in produce order (the
  // idempotent producer keeps it through retries; a gap is fatal, and then nothing of
  // the round is marked). A key's row of another topic waits for the next round, after
  // these were acknowledged, and so does everything after it of that key, and after a
  // row that could not be queued.
  std::map<std::string, std::string> topic_of_key;
  std::set<std::string> stopped;
  st.tracker.results = &results;
  for (size_t i = 0; i < rows.size(); ++i) {
    auto key = rows[i][2].as<std::string>();
    auto topic = rows[i][1].as<std::string>();
    auto [first, fresh] = topic_of_key.emplace(key, topic);
    if (stopped.count(key) || (!fresh && first->second != topic)) {
      stopped.insert(key);
      results[i] = 2;  // deferred to the next round
      ++out.deferred;
      continue;
    }
    auto payload = rows[i][3].as<std::string>();
    auto row_id = rows[i][0].as<std::string>();
    for (;;) {
      // Consumers confirm the row by this id (outbox::confirm); the headers belong to
      // librdkafka once produce succeeds.
      auto* headers = RdKafka::Headers::create();
      headers->add(outbox::id_header, row_id);
      auto rc = st.producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                     payload.data(), payload.size(), key.data(), key.size(), 0, headers,
                                     reinterpret_cast<void*>(static_cast<intptr_t>(i)));
      if (rc != RdKafka::ERR_NO_ERROR)
        delete headers;
      if (rc == RdKafka::ERR__QUEUE_FULL) {
        st.producer->poll(10);
        continue;
      }
      if (rc != RdKafka::ERR_NO_ERROR) {
        results[i] = -1;
        stopped.insert(key);
      }
      break;
    }
  }
  st.producer->flush(static_cast<int>(st.opts.message_timeout.count()) + 2000);
  st.tracker.results = nullptr;
  std::string fatal;
  if (st.producer->fatal_error(fatal) != RdKafka::ERR_NO_ERROR) {
    // The idempotent producer gave up (e.g. a broker that forgot its producer id after
    // a restart): nothing of this round is marked; a new producer and a check of the
    // broker's marker come first in the next round.
    log::warn("relay: the producer failed for good; making a new one", {{"error", fatal}});
    st.producer.reset();
    if (st.keeper)
      self->send(st.keeper, check_atom::value);
    for (auto& r : results)
      if (r == 1)
        r = -1;
  }
  // Nothing of a key after a row of it that failed is marked (it goes again, after that row).
  std::set<std::string> failed_keys;
  for (size_t i = 0; i < rows.size(); ++i) {
    auto key = rows[i][2].as<std::string>();
    if (results[i] == 1 && failed_keys.count(key))
      results[i] = -1;
    else if (results[i] == -1 || results[i] == 0)
      failed_keys.insert(key);
  }
  std::string ids;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (results[i] == 1) {
      ids += (ids.empty() ? "" : ",") + rows[i][0].as<std::string>();
      ++out.published;
    } else if (results[i] != 2) {
      ++out.failed;
    }
  }
  if (!ids.empty())
    // When the acknowledgements were in (now() would be the round's start, before producing).
    txn.exec("UPDATE outbox SET published_at = statement_timestamp() WHERE id IN (" + ids + ")");
  txn.commit();
  round_time.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  produced.inc(out.published);
  if (out.failed > 0) {
    errors.inc(out.failed);
    log::warn("relay: messages not delivered, will retry",
              {{"failed", out.failed}, {"published", out.published}, {"error", st.tracker.last_error}});
  }
  return out;
}

/// The last marker in the broker's epoch topic ("" when it holds none). Throws when
/// the broker cannot be asked.
std::string read_marker(keeper_state& st) {
  int64_t low = 0, high = 0;
  auto rc = st.producer->query_watermark_offsets(outbox::epoch_topic, 0, &low, &high, 5000);
  if (rc == RdKafka::ERR_UNKNOWN_TOPIC_OR_PART)
    return {};
  if (rc != RdKafka::ERR_NO_ERROR)
    throw std::runtime_error(std::string{"cannot read the broker's marker: "} + RdKafka::err2str(rc));
  if (high <= low)
    return {};
  if (!st.marker_reader) {
    auto conf = make_conf({{"bootstrap.servers", st.opts.bootstrap},
                           {"client.id", st.opts.client_id + "-relay-epoch"},
                           {"group.id", st.opts.client_id + "-relay-epoch"},
                           {"enable.auto.commit", "false"},
                           {"enable.partition.eof", "true"}});
    std::string err;
    st.marker_reader.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
    if (!st.marker_reader)
      throw std::runtime_error("cannot create the marker reader: " + err);
  }
  std::vector<RdKafka::TopicPartition*> parts{RdKafka::TopicPartition::create(outbox::epoch_topic, 0, high - 1)};
  st.marker_reader->assign(parts);
  delete parts[0];
  std::string marker;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  bool found = false;
  while (!found && std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> msg{st.marker_reader->consume(100)};
    if (msg->err() == RdKafka::ERR_NO_ERROR) {
      marker.assign(static_cast<const char*>(msg->payload()), msg->len());
      found = true;
    } else if (msg->err() == RdKafka::ERR__PARTITION_EOF) {
      found = true;  // gone meanwhile
    } else if (msg->err() != RdKafka::ERR__TIMED_OUT) {
      st.marker_reader->unassign();
      throw std::runtime_error("cannot read the broker's marker: " + msg->errstr());
    }
  }
  st.marker_reader->unassign();
  if (!found)
    throw std::runtime_error("cannot read the broker's marker: no answer in 5 s");
  return marker;
}

/// Writes `marker` into the broker's epoch topic and waits for its acknowledgement.
void write_marker(keeper_state& st, const std::string& marker) {
  std::vector<int> result(1, 0);
  st.tracker.results = &result;
  std::string key = "epoch";
  auto rc =
      st.producer->produce(outbox::epoch_topic, 0, RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(marker.data()),
                           marker.size(), key.data(), key.size(), 0, reinterpret_cast<void*>(intptr_t{0}));
  if (rc == RdKafka::ERR_NO_ERROR)
    st.producer->flush(static_cast<int>(st.opts.message_timeout.count()) + 2000);
  st.tracker.results = nullptr;
  if (rc != RdKafka::ERR_NO_ERROR || result[0] != 1)
    throw std::runtime_error("cannot write the broker's marker: " +
                             (rc != RdKafka::ERR_NO_ERROR ? RdKafka::err2str(rc) : st.tracker.last_error));
}

/// Makes sure the broker still holds what the outbox published to it: it must
/// carry the marker recorded in PostgreSQL. A broker without it lost its log (the
/// embedded broker restarted, the topics were re-created): a new marker is
/// written, and every row still kept (not yet confirmed by every group) is
/// published again. One relay decides at a time (the kafka_state row is locked).
void check_epoch(keeper_actor* self) {
  static auto& changes = metrics::get_counter("hirehub_kafka_broker_changes_total",
                                              "Brokers found without the outbox's marker (their log was lost)");
  static auto& republished = metrics::get_counter("hirehub_outbox_republished_total",
                                                  "Outbox rows published again because the broker lost its log");
  auto& st = self->state;
  auto marker = read_marker(st);
  if (!marker.empty() && marker == st.epoch)
    return;
  pqxx::work txn{*st.conn};
  // Not while another relay's round is marking rows.
  txn.exec("SELECT pg_advisory_xact_lock(4857385211843772162)");
  auto recorded = outbox::recorded_epoch(txn);
  marker = read_marker(st);  // again, under the lock: another relay may have just written one
  if (!marker.empty() && marker == recorded) {
    txn.commit();
    st.epoch = marker;
    return;
  }
  // Another relay wrote a marker and did not record it (it died): take it.
  auto next = marker.empty() ? ids::random_uuid() : marker;
  if (marker.empty())
    write_marker(st, next);
  // The first check against a database that never recorded a broker republishes nothing.
  bool lost = !recorded.empty();
  int64_t again = 0;
  if (lost) {
    outbox::sweep(txn, st.opts.retention);  // what every group confirmed is not sent again
    again = outbox::change_epoch(txn, next, true);
  } else {
    outbox::change_epoch(txn, next, false);
  }
  txn.commit();
  st.epoch = next;
  if (lost) {
    changes.inc();
    republished.inc(again);
    self->send(st.relay, kick_atom::value);
    log::warn(
        "the Kafka broker lost what the outbox published to it: publishing again what consumers had not "
        "confirmed",
        {{"rows", again}, {"marker", next}});
  } else {
    log::info("the outbox publishes to a broker it marked", {{"marker", next}});
  }
}

/// Deletes confirmed rows (every sweep) and refreshes the unconfirmed gauges (every fifth).
void sweep_outbox(keeper_actor* self) {
  static auto& swept = metrics::get_counter("hirehub_outbox_swept_total",
                                            "Outbox rows deleted: confirmed by every group, or past the retention");
  static auto& waiting =
      metrics::get_gauge("hirehub_outbox_unconfirmed", "Published outbox rows some consumer group has not confirmed");
  static auto& oldest = metrics::get_gauge("hirehub_outbox_unconfirmed_oldest_seconds",
                                           "Age of the oldest published outbox row not yet confirmed by every group");
  auto& st = self->state;
  pqxx::work txn{*st.conn};
  swept.inc(outbox::sweep(txn, st.opts.retention));
  if (st.sweeps++ % 5 == 0) {
    auto p = outbox::pending(txn);
    waiting.set(p.rows);
    oldest.set(static_cast<int64_t>(p.oldest_age_s));
  }
  txn.commit();
}

void update_backlog(relay_actor* self) {
  static auto& backlog = metrics::get_gauge("hirehub_outbox_backlog", "Outbox rows not yet published");
  try {
    auto& st = self->state;
    ensure_connection(st);
    pqxx::nontransaction txn{*st.conn};
    backlog.set(txn.exec("SELECT count(*) FROM outbox WHERE published_at IS NULL")[0][0].as<int64_t>());
  } catch (const std::exception&) {
    self->state.conn.reset();
  }
}

void relay_run(relay_actor* self) {
  auto& st = self->state;
  st.run_queued = false;
  if (st.backing_off)
    return;
  try {
    ensure_connection(st);
    if (!st.producer)
      make_producer(st, "relay", true);
    for (;;) {
      auto r = relay_round(self);
      if (r.failed > 0) {
        st.backing_off = true;
        if (!st.timer_pending) {
          st.timer_pending = true;
          self->delayed_send(self, st.opts.retry, tick_atom::value);
        }
        return;
      }
      if (r.deferred == 0 && r.selected < st.opts.batch)
        break;
    }
  } catch (const std::exception& e) {
    log::error("relay: round failed, backing off", {{"error", e.what()}});
    st.tracker.results = nullptr;
    st.conn.reset();
    st.backing_off = true;
    if (!st.timer_pending) {
      st.timer_pending = true;
      self->delayed_send(self, st.opts.retry, tick_atom::value);
    }
    return;
  }
  if (!st.timer_pending) {
    st.timer_pending = true;
    self->delayed_send(self, st.opts.idle_poll, tick_atom::value);
  }
}

/// Runs `step` on the keeper's connection; a failure is logged and the connection
/// dropped (the next run connects again).
template <class F>
void keeper_step(keeper_actor* self, const char* what, F step) {
  auto& st = self->state;
  try {
    ensure_connection(st, "hirehub-outbox-keeper");
    step();
  } catch (const std::exception& e) {
    log::warn(std::string{"outbox keeper: "} + what + " failed; trying again later", {{"error", e.what()}});
    st.conn.reset();
  }
}

caf::behavior keeper_impl(keeper_actor* self, relay_options opts, caf::actor relay) {
  self->state.opts = std::move(opts);
  self->state.relay = std::move(relay);
  self->send(self, tick_atom::value);
  // The first sweep one period after the start, like every later one (a node that
  // restarts does not empty the confirmed rows at once).
  self->delayed_send(self, self->state.opts.sweep, sweep_atom::value);
  auto check = [self] {
    keeper_step(self, "checking the broker's marker", [self] {
      auto& st = self->state;
      if (!st.producer)
        make_producer(st, "outbox-keeper", false);
      check_epoch(self);
    });
  };
  return {
      // On a timer, and at once when the relay's producer failed for good.
      [self, check](check_atom) { check(); },
      [self, check](tick_atom) {
        check();
        self->delayed_send(self, self->state.opts.epoch_check, tick_atom::value);
      },
      [self](sweep_atom) {
        keeper_step(self, "sweeping", [self] { sweep_outbox(self); });
        self->delayed_send(self, self->state.opts.sweep, sweep_atom::value);
      },
  };
}

caf::behavior relay_impl(relay_actor* self, relay_options opts) {
  self->state.opts = opts;
  self->state.keeper =
      self->spawn<caf::detached + caf::linked>(keeper_impl, std::move(opts), caf::actor_cast<caf::actor>(self));
  self->send(self, tick_atom::value);
  self->state.timer_pending = true;
  return {
      [self](kick_atom) {
        auto& st = self->state;
        if (!st.run_queued && !st.backing_off) {
          st.run_queued = true;
          self->send(self, flush_atom::value);
        }
      },
      [self](flush_atom) {
        static auto& depth = metrics::get_gauge("hirehub_persistence_queue_depth",
                                                "Commands waiting in a persistence actor (mailbox + batch queue)",
                                                {{"actor", "outbox_relay"}});
        depth.set(static_cast<int64_t>(self->mailbox().size()));
        relay_run(self);
      },
      [self](tick_atom) {
        auto& st = self->state;
        st.timer_pending = false;
        st.backing_off = false;
        update_backlog(self);
        relay_run(self);
      },
  };
}

}  // namespace

caf::actor spawn_outbox_relay(caf::actor_system& sys, relay_options opts) {
  return sys.spawn<caf::detached>(relay_impl, std::move(opts));
}

}  // namespace hirehub::persistence
