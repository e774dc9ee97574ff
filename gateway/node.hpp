#pragma once
/// A HireHub node: migrations, the actor system with its supervision tree,
/// the gateway, readiness checks, and an orderly stop on SIGINT/SIGTERM.

namespace hirehub {
class config;
}

namespace hirehub::gateway {

/// Runs until a signal or until the root supervisor escalates; returns the exit code.
int run_node(const config& cfg);

}  // namespace hirehub::gateway
