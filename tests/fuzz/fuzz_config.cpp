// libFuzzer harness: the config parser (conf/*.toml). Any text is either a config or an error
// naming file:line:column and the key; a crash or a sanitizer report is a bug.
#include <cstdint>
#include <string_view>

#include "common/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)simsel::parse_config(text, "fuzz.toml");
  return 0;
}
