#pragma once
/// A fixed port for the embedded broker (see broker_port.cpp): the next bind of an
/// IPv4 socket to port 0 in this process takes `port` instead.

namespace hirehub::persistence {

void take_port_once(int port);

/// True once the armed port was used (or none was armed).
bool port_taken();

}  // namespace hirehub::persistence
