#pragma once
// librdkafka configuration for this folder's Kafka clients (internal: librdkafka's
// types never leave persistence/).

#include <map>
#include <memory>
#include <string>

#include <librdkafka/rdkafkacpp.h>

namespace hirehub::persistence::detail {

/// A global librdkafka configuration; throws std::runtime_error naming a bad setting.
std::unique_ptr<RdKafka::Conf> make_conf(const std::map<std::string, std::string>& kv);

}  // namespace hirehub::persistence::detail
