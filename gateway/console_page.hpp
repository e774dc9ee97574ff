#pragma once
/// The cluster admin console (`GET /admin`): one self-contained page
/// (gateway/console.html, compiled in by CMake) that signs an admin in, follows
/// the `cluster` WebSocket topic and calls the admin API for its actions.

#include <string_view>

namespace hirehub::gateway {

std::string_view console_page_html();

}  // namespace hirehub::gateway
