// Result<T>: a value or an Error that names what went wrong.
// Input faults (bad frames, bad specs, bad config) travel as Result values, never as
// exceptions; exceptions are kept for start-up and system failures.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace simsel {

struct Error {
  int code = 0;         // protocol status code where one applies (see docs/PROTOCOL.md), else 0
  std::string message;  // names the bad field or frame and the reason
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

  // REQUIRES: !ok()
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

// For operations that return nothing on success.
struct Ok {};
using Status = Result<Ok>;

inline Error make_error(std::string message, int code = 0) {
  return Error{code, std::move(message)};
}

}  // namespace simsel
