// The embedded broker: librdkafka's mock cluster in this process (`hirehub broker`).
#include "persistence/kafka.hpp"

#include <atomic>
#include <csignal>
#include <fstream>
#include <thread>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "persistence/broker_port.hpp"
#include "persistence/outbox.hpp"
#include "runtime/log.hpp"

namespace hirehub::persistence {

namespace {

std::atomic<int> broker_signal{0};

void on_signal(int sig) {
  broker_signal.store(sig);
}

}  // namespace

int run_mock_broker(const std::string& bootstrap_file, int partitions, int port) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The owner handle only hosts the mock cluster; it never connects anywhere.
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) {
    std::fprintf(stderr, "hirehub broker: %s\n", errstr);
    return 1;
  }
  if (port > 0)
    take_port_once(port);  // the mock cluster's listener (broker_port.cpp)
  rd_kafka_mock_cluster_t* mc = rd_kafka_mock_cluster_new(rk, 1);
  if (!mc) {
    if (port > 0)
      std::fprintf(stderr, "hirehub broker: cannot listen on 127.0.0.1:%d (--port): %s\n", port, std::strerror(errno));
    else
      std::fprintf(stderr, "hirehub broker: cannot create the mock cluster\n");
    rd_kafka_destroy(rk);
    return 1;
  }
  if (port > 0 && !port_taken()) {
    std::fprintf(stderr, "hirehub broker: the mock cluster did not listen where --port asked\n");
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
    return 1;
  }
  for (auto& t : kafka_topics())
    rd_kafka_mock_topic_create(mc, t.c_str(), partitions, 1);
  rd_kafka_mock_topic_create(mc, outbox::epoch_topic, 1, 1);
  std::string addr = rd_kafka_mock_cluster_bootstraps(mc);
  {
    auto tmp = bootstrap_file + ".tmp";
    std::ofstream out{tmp, std::ios::trunc};
    out << addr << '\n';
    out.close();
    if (!out || std::rename(tmp.c_str(), bootstrap_file.c_str()) != 0) {
      std::fprintf(stderr, "hirehub broker: cannot write %s\n", bootstrap_file.c_str());
      rd_kafka_mock_cluster_destroy(mc);
      rd_kafka_destroy(rk);
      return 1;
    }
  }
  log::info("embedded Kafka broker ready", {{"bootstrap", addr}, {"partitions", partitions}, {"file", bootstrap_file}});
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGUSR1, on_signal);
  std::signal(SIGUSR2, on_signal);
  for (;;) {
    int sig = broker_signal.exchange(0);
    if (sig == SIGINT || sig == SIGTERM)
      break;
    if (sig == SIGUSR1) {
      rd_kafka_mock_broker_set_down(mc, 1);
      log::warn("embedded broker: down (SIGUSR1)");
    } else if (sig == SIGUSR2) {
      rd_kafka_mock_broker_set_up(mc, 1);
      log::info("embedded broker: up (SIGUSR2)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  std::remove(bootstrap_file.c_str());
  return 0;
}

}  // namespace hirehub::persistence
