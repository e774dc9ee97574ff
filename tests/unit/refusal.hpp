#pragma once
// What a pure rule threw: its code and field (errc::ok and "" when it threw nothing).
#include <functional>
#include <string>
#include <utility>

#include <caf/error.hpp>

#include "runtime/errors.hpp"

namespace hirehub::test {

inline std::pair<error_code, std::string> refusal(const std::function<void()>& rule) {
  try {
    rule();
  } catch (const caf::error& e) {
    auto v = view(e);
    return {v.code, v.field};
  }
  return {errc::ok, ""};
}

}  // namespace hirehub::test
