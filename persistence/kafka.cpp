#include "persistence/kafka.hpp"

#include <fstream>
#include <map>

#include <librdkafka/rdkafkacpp.h>

#include "persistence/kafka_conf.hpp"
#include "runtime/config.hpp"

namespace hirehub::persistence {

const std::vector<std::string>& kafka_topics() {
  static const std::vector<std::string> topics = {
      "application.submitted",
      "application.status_changed",
      "interview.scheduled",
      "interview.rescheduled",
      "interview.completed",
      "interview.cancelled",
      "job.created",
      "job.updated",
      "resume.uploaded",
      "resume.processed",
      "resume.deleted",
      "match.calculated",
      "match.recommended",
      "match.removed",
      "user.matching_changed",
      "user.registered",
      "company.created",
      "company.updated",
      "company.member_invited",
  };
  return topics;
}

std::string resolve_bootstrap(const config& cfg) {
  auto servers = cfg.get_string("kafka.bootstrap_servers");
  if (!servers.empty())
    return servers;
  auto file = cfg.get_string("kafka.bootstrap_file");
  std::ifstream in{file};
  std::string addr;
  if (in)
    std::getline(in, addr);
  while (!addr.empty() && std::isspace(static_cast<unsigned char>(addr.back())))
    addr.pop_back();
  if (addr.empty())
    throw config_error(
        "no Kafka address: set kafka.bootstrap_servers (HIREHUB_KAFKA_BOOTSTRAP_SERVERS) or start "
        "`hirehub broker` so that it writes kafka.bootstrap_file (" +
        file + ")");
  return addr;
}

namespace detail {

std::unique_ptr<RdKafka::Conf> make_conf(const std::map<std::string, std::string>& kv) {
  std::unique_ptr<RdKafka::Conf> conf{RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL)};
  std::string err;
  for (auto& [k, v] : kv)
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK)
      throw std::runtime_error("kafka setting " + k + ": " + err);
  return conf;
}

}  // namespace detail

struct kafka_probe::impl {
  std::string bootstrap;
  std::unique_ptr<RdKafka::Producer> producer;
};

kafka_probe::kafka_probe(const std::string& bootstrap) : impl_(std::make_unique<impl>()) {
  impl_->bootstrap = bootstrap;
}

kafka_probe::~kafka_probe() = default;

bool kafka_probe::reachable(std::chrono::milliseconds timeout) {
  try {
    if (!impl_->producer) {
      auto conf = detail::make_conf({{"bootstrap.servers", impl_->bootstrap}, {"client.id", "hirehub-health"}});
      std::string err;
      impl_->producer.reset(RdKafka::Producer::create(conf.get(), err));
      if (!impl_->producer)
        return false;
    }
    RdKafka::Metadata* md = nullptr;
    auto rc = impl_->producer->metadata(true, nullptr, &md, static_cast<int>(timeout.count()));
    std::unique_ptr<RdKafka::Metadata> owned{md};
    return rc == RdKafka::ERR_NO_ERROR && md && !md->brokers()->empty();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace hirehub::persistence
