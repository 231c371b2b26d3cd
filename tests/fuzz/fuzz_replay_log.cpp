// libFuzzer harness: the broker's replay log decoder (broker/store/replay_log.h) on any bytes a
// damaged database could hold: it visits records or returns an error, never reads out of bounds.
#include <cstdint>
#include <string_view>

#include "broker/store/replay_log.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::size_t values = 0;
  (void)simsel::replay(std::string_view(reinterpret_cast<const char*>(data), size),
                       {[&](auto, auto, auto outputs) { values += outputs.size(); },
                        [&](const nlohmann::json&) { ++values; }});
  return 0;
}
