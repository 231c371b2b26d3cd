// libFuzzer harness: the wire decoders (docs/PROTOCOL.md). Any bytes a peer can send as a frame
// go to both decoders; a decoded message is encoded and decoded again and must come back the
// same. A crash, a sanitizer report or a mismatch is a bug.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/protocol/messages.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  using namespace simsel::protocol;
  if (auto message = decode_worker_message(frame)) {
    const std::string again = encode(message.value());
    auto decoded = decode_worker_message(again);
    if (!decoded || encode(decoded.value()) != again) std::abort();
  }
  if (auto document = decode_document(frame)) {
    const std::string again = encode(document.value());
    auto decoded = decode_document(again);
    if (!decoded || decoded.value().command != document.value().command) std::abort();
  }
  return 0;
}
