// libFuzzer harness: the job spec parsers. The first byte picks TOML or JSON, the rest is the job
// file's text; what parses goes through the job-spec checks and, if they pass, is made into a job
// (systems, model schema, procedure parameters) as a SUBMIT would. Errors are answers; a crash or
// a sanitizer report is a bug. Large jobs are cut off by the job's own limits (10^7 systems).
#include <cstdint>
#include <string>

#include "broker/server/job.h"
#include "common/jobspec/job_spec.h"
#include "common/models/model_catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const char* name = (data[0] & 1) ? "fuzz.json" : "fuzz.toml";
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto document = simsel::parse_job_text(name, text);
  if (!document || !document.value().is_object()) return 0;
  if (!simsel::parse_job_spec(document.value())) return 0;
  // Generated system sets can be large; keep an input's work bounded (libFuzzer's -timeout
  // catches what is still slow, and that is worth knowing too).
  const auto systems = document.value().find("systems");
  if (systems != document.value().end() && systems->is_object()) {
    const auto k = systems->find("k");
    if (k != systems->end() && k->is_number() && k->get<double>() > 1e5) return 0;
  }
  const std::string model = document.value().value("model", std::string());
  (void)simsel::Job::create(1, document.value(), simsel::find_builtin_model(model), 0);
  return 0;
}
