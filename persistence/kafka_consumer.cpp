// The Kafka consumer actor (persistence/kafka.hpp: spawn_kafka_consumer).
#include "persistence/kafka.hpp"

#include <atomic>
#include <map>

#include <caf/all.hpp>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>
#include <pqxx/pqxx>

#include "persistence/outbox.hpp"
#include "persistence/types.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"
#include "persistence/kafka_conf.hpp"

namespace hirehub::persistence {

namespace {

using detail::make_conf;

using poll_atom = caf::atom_constant<caf::atom("poll")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using watch_atom = caf::atom_constant<caf::atom("watch")>;

/// Takes the partitions the group assigns (eager protocol: all of them at once) and
/// shows how many this member holds: `hirehub_kafka_assigned_partitions{group}` (0
/// until the group's first join ends, which takes seconds after a start).
class assignment_gauge : public RdKafka::RebalanceCb {
 public:
  explicit assignment_gauge(const std::string& group)
      : gauge_(metrics::get_gauge("hirehub_kafka_assigned_partitions",
                                  "Partitions this node's consumer holds in its group (0 until it joined)",
                                  {{"group", group}})),
        group_(group) {}

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      consumer->assign(partitions);
      gauge_.set(static_cast<int64_t>(partitions.size()));
      log::info("consumer: partitions assigned", {{"group", group_}, {"partitions", partitions.size()}});
    } else {
      consumer->unassign();
      gauge_.set(0);
    }
  }

 private:
  metrics::gauge& gauge_;
  std::string group_;
};

struct consumer_state {
  consumer_options opts;
  std::unique_ptr<assignment_gauge> rebalance;  // outlives the consumer (declared before it)
  std::string handler;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer;
  std::vector<kafka_record> batch;
  std::map<std::pair<std::string, int32_t>, int64_t> next_offsets;
  // The batch with the handler: its number (a late answer to an earlier one is
  // ignored), since when, and whether the watchdog timer is set.
  uint64_t batch_no = 0;
  bool outstanding = false;
  std::chrono::steady_clock::time_point sent_at;
  bool watching = false;
  metrics::histogram* batch_size = nullptr;
  metrics::histogram* batch_time = nullptr;
  const char* name = "kafka_consumer";
  ~consumer_state() {
    if (consumer)
      consumer->close();
  }
};

using consumer_actor = observed_actor<consumer_state>;

void deliver_batch(consumer_actor* self);

void commit_batch(consumer_actor* self) {
  auto& st = self->state;
  std::vector<RdKafka::TopicPartition*> parts;
  for (auto& [tp, off] : st.next_offsets)
    parts.push_back(RdKafka::TopicPartition::create(tp.first, tp.second, off));
  // Asynchronous: the handler already succeeded, so a lost commit only means a
  // redelivery, which handlers deduplicate by event id.
  auto rc = st.consumer->commitAsync(parts);
  for (auto* p : parts)
    delete p;
  if (rc != RdKafka::ERR_NO_ERROR)
    log::warn("consumer: offset commit failed; the batch may be delivered again",
              {{"group", st.opts.group_id}, {"error", RdKafka::err2str(rc)}});
  st.batch.clear();
  st.next_offsets.clear();
}

void poll_batch(consumer_actor* self) {
  auto& st = self->state;
  auto first = true;
  while (st.batch.size() < st.opts.batch_max) {
    std::unique_ptr<RdKafka::Message> msg{st.consumer->consume(first ? static_cast<int>(st.opts.poll.count()) : 0)};
    first = false;
    if (msg->err() == RdKafka::ERR__TIMED_OUT || msg->err() == RdKafka::ERR__PARTITION_EOF)
      break;
    if (msg->err() != RdKafka::ERR_NO_ERROR) {
      log::warn("consumer: poll error", {{"group", st.opts.group_id}, {"error", msg->errstr()}});
      break;
    }
    kafka_record r;
    r.topic = msg->topic_name();
    r.partition = msg->partition();
    r.offset = msg->offset();
    if (msg->key())
      r.key = *msg->key();
    r.payload.assign(static_cast<const char*>(msg->payload()), msg->len());
    if (auto* headers = msg->headers()) {
      auto h = headers->get_last(outbox::id_header);
      if (h.err() == RdKafka::ERR_NO_ERROR && h.value() != nullptr && h.value_size() > 0 && h.value_size() < 20) {
        std::string text(static_cast<const char*>(h.value()), h.value_size());
        char* end = nullptr;
        auto id = std::strtoll(text.c_str(), &end, 10);
        if (end && *end == '\0' && id > 0)
          r.outbox_id = id;
      }
    }
    st.next_offsets[{r.topic, r.partition}] = r.offset + 1;
    st.batch.push_back(std::move(r));
  }
  if (st.batch.empty()) {
    self->send(self, poll_atom::value);
    return;
  }
  deliver_batch(self);
}

/// The handler's deadline is kept by one watchdog timer, not by a timeout on each
/// batch's request: a request timeout is set and cancelled through CAF's single
/// clock thread, two wake-ups of it per batch (batches are a few messages at
/// a time under load). The watchdog looks every quarter of handler_timeout while
/// a batch is out; one out longer than that is retried, and its late answer ignored.
void watch_handler(consumer_actor* self) {
  auto& st = self->state;
  if (st.watching)
    return;
  st.watching = true;
  self->delayed_send(self, std::max(std::chrono::milliseconds(1), st.opts.handler_timeout / 4), watch_atom::value);
}

/// A handled batch's size and time (the handler's answer, not the poll).
void observe_batch(consumer_state& st) {
  if (!st.batch_size) {
    metrics::labels l{{"group", st.opts.group_id}};
    st.batch_size = &metrics::get_histogram("hirehub_kafka_batch_size", "Messages per batch a consumer's handler took",
                                            l, {1, 4, 16, 64, 256, 1024});
    st.batch_time =
        &metrics::get_histogram("hirehub_kafka_batch_seconds", "Time a consumer's handler took for a batch", l);
  }
  st.batch_size->observe(static_cast<double>(st.batch.size()));
  st.batch_time->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - st.sent_at).count());
}

void deliver_batch(consumer_actor* self) {
  static auto& consumed = metrics::get_counter("hirehub_kafka_consumed_total", "Kafka messages handled");
  auto& st = self->state;
  auto handler = services::find(self->system(), st.handler);
  if (!handler) {
    self->delayed_send(self, st.opts.retry, retry_atom::value);
    return;
  }
  auto no = ++st.batch_no;
  st.outstanding = true;
  st.sent_at = std::chrono::steady_clock::now();
  watch_handler(self);
  self->request(handler, caf::infinite, batch_atom::value, st.opts.group_id, st.batch)
      .then(
          [self, no]() {
            auto& st = self->state;
            if (no != st.batch_no || !st.outstanding)
              return;  // timed out and sent again
            st.outstanding = false;
            consumed.inc(st.batch.size());
            observe_batch(st);
            commit_batch(self);
            self->send(self, poll_atom::value);
          },
          [self, no](caf::error& err) {
            auto& st = self->state;
            if (no != st.batch_no || !st.outstanding)
              return;
            st.outstanding = false;
            log::warn("consumer: handler failed, retrying the batch",
                      {{"group", st.opts.group_id}, {"error", self->system().render(err)}});
            self->delayed_send(self, st.opts.retry, retry_atom::value);
          });
}

caf::behavior consumer_impl(consumer_actor* self, consumer_options opts, std::string handler) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.handler = std::move(handler);
  // The relay keeps what this group has not confirmed (for a broker that loses its log).
  if (!st.opts.db_url.empty())
    outbox::register_group(st.opts.db_url, st.opts.group_id, st.opts.topics);
  auto conf =
      make_conf({{"bootstrap.servers", st.opts.bootstrap},
                 {"client.id", st.opts.client_id + "-" + st.opts.group_id},
                 {"group.id", st.opts.group_id},
                 {"enable.auto.commit", "false"},
                 {"auto.offset.reset", "earliest"},
                 {"fetch.wait.max.ms", "5"},
                 {"session.timeout.ms", std::to_string(st.opts.session_timeout.count())},
                 {"heartbeat.interval.ms", std::to_string(std::max<int64_t>(st.opts.session_timeout.count() / 4, 100))},
                 {"enable.partition.eof", "false"}});
  std::string err;
  st.rebalance = std::make_unique<assignment_gauge>(st.opts.group_id);
  if (conf->set("rebalance_cb", st.rebalance.get(), err) != RdKafka::Conf::CONF_OK)
    throw std::runtime_error("cannot set the consumer's rebalance callback: " + err);
  st.consumer.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!st.consumer)
    throw std::runtime_error("cannot create Kafka consumer: " + err);
  auto rc = st.consumer->subscribe(st.opts.topics);
  if (rc != RdKafka::ERR_NO_ERROR)
    throw std::runtime_error("cannot subscribe: " + RdKafka::err2str(rc));
  self->send(self, poll_atom::value);
  return {
      [self](poll_atom) { poll_batch(self); },
      [self](retry_atom) { deliver_batch(self); },
      [self](watch_atom) {
        auto& st = self->state;
        st.watching = false;
        if (!st.outstanding)
          return;
        if (std::chrono::steady_clock::now() - st.sent_at < st.opts.handler_timeout) {
          watch_handler(self);
          return;
        }
        st.outstanding = false;
        log::warn("consumer: the handler did not answer in time, retrying the batch",
                  {{"group", st.opts.group_id}, {"timeout_ms", st.opts.handler_timeout.count()}});
        deliver_batch(self);
      },
  };
}

}  // namespace

caf::actor spawn_kafka_consumer(caf::actor_system& sys, consumer_options opts, std::string handler) {
  return sys.spawn<caf::detached>(consumer_impl, std::move(opts), std::move(handler));
}

}  // namespace hirehub::persistence
