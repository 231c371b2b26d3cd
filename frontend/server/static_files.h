// The page's static files for simsel-web: maps a request path to a file under the configured
// directory (no escaping it: ".." segments, backslashes, NUL and symbolic links that lead out
// are refused) and names its content type. Reads files; no sockets.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace simsel::web {

struct StaticFile {
  std::string content_type;
  std::string body;
};

class StaticFiles {
 public:
  // `root` need not exist yet (every path is then 404).
  explicit StaticFiles(std::filesystem::path root);

  // The file for `path` ("/" and directories: their index.html); empty when there is none or
  // the path is refused.
  std::optional<StaticFile> find(std::string_view path) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

// Content type by file extension ("text/html; charset=utf-8", ...; default
// application/octet-stream).
std::string_view content_type_for(const std::filesystem::path& file);

// Percent-decodes a URL path; empty when the encoding is broken or decodes to a NUL byte.
std::optional<std::string> decode_path(std::string_view path);

}  // namespace simsel::web
