#pragma once
/// A HireHub node: migrations, the actor system with its supervision tree,
/// the gateway, readiness checks, and an orderly stop on SIGINT/SIGTERM.

namespace hirehub {
class config;
}

namespace hirehub::node {

/// Runs until a signal or until the root supervisor escalates; returns the exit code.
/// `dev`: development mode (a missing or weak JWT secret is allowed).
int run_node(const config& cfg, bool dev);

}  // namespace hirehub::node
