// See static_files.h. The path is checked segment by segment before it touches the file
// system, then the resolved file must still lie under the resolved root (symbolic links).
#include "frontend/server/static_files.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

namespace simsel::web {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Relative path of the request inside the root, or nothing if any segment is unsafe.
std::optional<std::filesystem::path> safe_relative(std::string_view decoded) {
  std::filesystem::path relative;
  std::size_t start = 0;
  while (start <= decoded.size()) {
    const auto slash = decoded.find('/', start);
    std::string_view segment =
        decoded.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (segment == ".." || segment.find('\\') != std::string_view::npos) return std::nullopt;
    if (!segment.empty() && segment != ".") relative /= std::string(segment);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return relative;
}

bool is_inside(const std::filesystem::path& file, const std::filesystem::path& root) {
  return std::mismatch(root.begin(), root.end(), file.begin(), file.end()).first == root.end();
}

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}

std::optional<std::string> decode_path(std::string_view path) {
  std::string decoded;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      decoded += path[i];
      continue;
    }
    if (i + 2 >= path.size()) return std::nullopt;
    const int high = hex_value(path[i + 1]), low = hex_value(path[i + 2]);
    if (high < 0 || low < 0 || (high == 0 && low == 0)) return std::nullopt;
    decoded += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return decoded;
}

std::optional<StaticFile> StaticFiles::find(std::string_view path) const {
  auto decoded = decode_path(path);
  if (!decoded) return std::nullopt;
  auto relative = safe_relative(*decoded);
  if (!relative) return std::nullopt;
  std::error_code error;
  const auto root = std::filesystem::canonical(root_, error);
  if (error) return std::nullopt;
  auto file = std::filesystem::weakly_canonical(root / *relative, error);
  if (error || !is_inside(file, root)) return std::nullopt;
  if (std::filesystem::is_directory(file, error)) file /= "index.html";
  file = std::filesystem::canonical(file, error);
  if (error || !is_inside(file, root) || !std::filesystem::is_regular_file(file, error))
    return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  return StaticFile{std::string(content_type_for(file)), body.str()};
}

std::string_view content_type_for(const std::filesystem::path& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".csv", "text/csv; charset=utf-8"},
      {".woff2", "font/woff2"},
      {".wasm", "application/wasm"},
  }};
  const std::string extension = file.extension().string();
  for (const auto& [known, type] : kTypes) {
    if (extension == known) return type;
  }
  return "application/octet-stream";
}

}  // namespace simsel::web
