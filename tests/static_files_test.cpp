// Static files of simsel-web: index.html for "/", content types, and no way out of the root
// (.., encoded .., backslashes, NUL, symbolic links).
#include "frontend/server/static_files.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "tests/cluster_fixture.h"

using namespace simsel::web;
using simsel::testing::TempDir;

namespace {
void write(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << text;
}
}  // namespace

TEST_CASE("static files are served with their content type, / as index.html", "[web][static]") {
  TempDir dir("static");
  write(dir.path / "web/index.html", "<html>");
  write(dir.path / "web/js/app.js", "let a;");
  write(dir.path / "web/data.bin", "x");
  StaticFiles files(dir.path / "web");
  auto index = files.find("/");
  REQUIRE(index);
  CHECK(index->body == "<html>");
  CHECK(index->content_type == "text/html; charset=utf-8");
  CHECK(files.find("/js/app.js")->content_type == "text/javascript; charset=utf-8");
  CHECK(files.find("/js/%61pp.js")->body == "let a;");
  CHECK(files.find("/data.bin")->content_type == "application/octet-stream");
  CHECK_FALSE(files.find("/missing.html"));
  CHECK_FALSE(files.find("/js"));  // a directory without index.html
}

TEST_CASE("malformed: paths that leave the static directory are refused",
          "[web][static][malformed]") {
  TempDir dir("traversal");
  write(dir.path / "web/index.html", "<html>");
  write(dir.path / "secret.txt", "secret");
  std::filesystem::create_symlink(dir.path / "secret.txt", dir.path / "web/link.txt");
  StaticFiles files(dir.path / "web");
  CHECK_FALSE(files.find("/../secret.txt"));
  CHECK_FALSE(files.find("/%2e%2e/secret.txt"));
  CHECK_FALSE(files.find("/..%2fsecret.txt"));
  CHECK_FALSE(files.find("/..\\secret.txt"));
  CHECK_FALSE(files.find("/index.html%00.js"));
  CHECK_FALSE(files.find("/%zz"));
  CHECK_FALSE(files.find("/link.txt"));
}
