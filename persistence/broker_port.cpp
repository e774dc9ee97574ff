// A fixed port for the embedded broker.
//
// librdkafka's mock cluster always listens on a port the kernel picks
// (rd_kafka_mock_cluster_new binds 127.0.0.1:0 and has no option for a port). A
// broker restarted on another port strands every client that knew the old one,
// so `hirehub broker --port P` makes that one bind take P instead: this
// definition of bind(2) is found before libc's for every caller in the process
// (librdkafka included), passes every call through unchanged, except the first
// bind of an IPv4 socket to port 0 after `take_port_once(P)`, which gets P (and
// SO_REUSEADDR, so a restarted broker can take its port while old connections
// linger in TIME_WAIT). Only `hirehub broker` ever arms it.

#include "persistence/broker_port.hpp"

#include <atomic>

#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace hirehub::persistence {

namespace {
std::atomic<int> armed_port{0};
}  // namespace

void take_port_once(int port) {
  armed_port.store(port);
}

bool port_taken() {
  return armed_port.load() == 0;
}

}  // namespace hirehub::persistence

extern "C" int bind(int fd, const struct sockaddr* addr, socklen_t len) {
  using bind_fn = int (*)(int, const struct sockaddr*, socklen_t);
  static const auto real = reinterpret_cast<bind_fn>(dlsym(RTLD_NEXT, "bind"));
  if (hirehub::persistence::armed_port.load(std::memory_order_relaxed) != 0 && addr != nullptr &&
      addr->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in in = *reinterpret_cast<const sockaddr_in*>(addr);
    if (in.sin_port == 0) {
      int port = hirehub::persistence::armed_port.exchange(0);
      if (port != 0) {
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        in.sin_port = htons(static_cast<uint16_t>(port));
        return real(fd, reinterpret_cast<const sockaddr*>(&in), sizeof in);
      }
    }
  }
  return real(fd, addr, len);
}
