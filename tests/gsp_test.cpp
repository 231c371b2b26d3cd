// GspProcedure: the stages and their targets on hand-made data (batch sizes, stage 0 left out of
// the statistics, n0 = 0), elimination in screening, at most r_bar rounds, determinism under
// arrival order, and the probability of correct selection in the slippage configuration.
#include "broker/procedures/gsp.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "broker/procedures/gsp_constant.h"
#include "broker/procedures/rinott_constant.h"
#include "tests/fake_sampler.h"

using namespace simsel;

namespace {

ProcedureSpec gsp_spec(std::uint32_t n0, double delta = 0.1, double alpha = 0.05) {
  ProcedureSpec spec;
  spec.name = "gsp";
  spec.delta = delta;
  spec.alpha = alpha;
  spec.n0 = n0;
  return spec;
}

GspSettings settings_for(std::uint64_t systems, const ProcedureSpec& spec, std::uint32_t n1 = 50,
                         std::uint32_t r_bar = 10, double beta = 100) {
  GspSettings settings;
  settings.n1 = n1;
  settings.r_bar = r_bar;
  settings.beta = beta;
  settings.alpha1 = settings.alpha2 = spec.alpha / 2;
  auto eta = gsp_eta(systems, settings.alpha1, n1);
  auto h = rinott_h(systems, 1 - settings.alpha2, n1 - 1);
  REQUIRE(eta.ok());
  REQUIRE(h.ok());
  settings.eta = *eta;
  settings.h = *h;
  return settings;
}

// Puts every output the procedure wants and has not got yet, then advances once: one wave.
template <class OutputSource>
void feed_wave(Procedure& procedure, SampleStore& store, OutputSource& output) {
  const auto targets = procedure.targets();
  for (std::uint64_t system = 0; system < targets.size(); ++system) {
    for (std::uint64_t rep = store.contiguous(system); rep < targets[system]; ++rep) {
      store.put(system, rep, output(system, rep));
    }
  }
  procedure.advance(store);
}

struct Trace {
  std::vector<std::string> stages;  // after each wave, with the round when screening
  Selection selection;
};

template <class OutputSource>
Trace run_in_waves(Procedure& procedure, std::uint64_t systems, OutputSource& output) {
  SampleStore store(systems);
  Trace trace;
  for (int wave = 0; wave < 1000 && !procedure.finished(); ++wave) {
    feed_wave(procedure, store, output);
    const ProcedureProgress progress = procedure.progress();
    trace.stages.push_back(progress.stage + (progress.round > 0
                                                 ? " " + std::to_string(progress.round) + "/" +
                                                       std::to_string(progress.rounds)
                                                 : ""));
  }
  REQUIRE(procedure.finished());
  trace.selection = procedure.selection();
  return trace;
}

// Stage-1 outputs with sample standard deviation exactly sd * sqrt(n1 / (n1 - 1)): -sd, +sd, ...
double alternating(double mean, double sd, std::uint64_t output) {
  return mean + (output % 2 == 0 ? -sd : sd);
}

}  // namespace

TEST_CASE("GSP: batch sizes follow beta S_i / mean S", "[procedures]") {
  const ProcedureSpec spec = gsp_spec(0);
  GspProcedure procedure(spec, 2, settings_for(2, spec));
  CHECK(procedure.targets()[0] == 50);
  CHECK(procedure.progress().stage == "stage 1");
  SampleStore store(2);
  auto output = [](std::uint64_t system, std::uint64_t rep) {
    return alternating(0, system == 0 ? 1.0 : 2.0, rep);
  };
  feed_wave(procedure, store, output);
  // S_1 = 2 S_0, mean S = 1.5 S_0: b_0 = ceil(100 / 1.5) = 67, b_1 = ceil(200 / 1.5) = 134.
  // Equal means: nobody is eliminated, round 1 asks for one batch each.
  CHECK(procedure.targets()[0] == 50 + 67);
  CHECK(procedure.targets()[1] == 50 + 134);
  const ProcedureProgress progress = procedure.progress();
  CHECK(progress.stage == "screening");
  CHECK(progress.round == 1);
  CHECK(progress.rounds == 10);
  CHECK(progress.survivors == 2);
  CHECK(progress.replications == 100);
}

TEST_CASE("GSP: clearly inferior systems go in the first screen", "[procedures]") {
  const ProcedureSpec spec = gsp_spec(0);
  GspProcedure procedure(spec, 5, settings_for(5, spec));
  testing::NormalOutputs output({0, -10, -10, -10, -10}, std::vector<double>(5, 1.0), 7);
  const Trace trace = run_in_waves(procedure, 5, output);
  CHECK(trace.stages == std::vector<std::string>{"done"});
  CHECK(trace.selection.best.system == 0);
  CHECK(trace.selection.total_replications == 5 * 50);
  CHECK(trace.selection.guarantee ==
        "with probability at least 95%, its mean is within 0.1 of the best");
}

TEST_CASE("GSP: a middling system goes during the rounds, then Rinott decides", "[procedures]") {
  const ProcedureSpec spec = gsp_spec(0);
  GspProcedure procedure(spec, 3, settings_for(3, spec));
  // System 2 trails by 0.5 sd: too close for stage 1 alone, far enough for the rounds.
  testing::NormalOutputs output({0.05, 0, -0.5}, std::vector<double>(3, 1.0), 11);
  const Trace trace = run_in_waves(procedure, 3, output);
  CHECK(trace.stages.front() == "screening 1/10");
  CHECK(trace.stages.back() == "done");
  CHECK(procedure.estimate(2).replications < procedure.estimate(0).replications);
  CHECK(trace.selection.best.system != 2);
}

TEST_CASE("GSP: at most r_bar rounds, then the Rinott stage", "[procedures]") {
  const ProcedureSpec spec = gsp_spec(0);
  GspProcedure procedure(spec, 4, settings_for(4, spec, 20, 3, 10));
  testing::NormalOutputs output({0, 0, 0, 0}, std::vector<double>(4, 1.0), 5);
  const Trace trace = run_in_waves(procedure, 4, output);
  CHECK(trace.stages == std::vector<std::string>{"screening 1/3", "screening 2/3", "screening 3/3",
                                                 "rinott stage", "done"});
  // The survivors end with max(n1 + 3 b_i, ceil((h S_i / delta)^2)) outputs: about 50 after the
  // rounds (b_i ~ beta = 10), about 1,000 S_i^2 from Rinott.
  for (std::uint64_t system = 0; system < 4; ++system) {
    CHECK(procedure.estimate(system).replications == procedure.targets()[system]);
    CHECK(procedure.estimate(system).replications > 200);
  }
}

TEST_CASE("GSP: stage 0 outputs time the systems and count, but decide nothing", "[procedures]") {
  const ProcedureSpec spec = gsp_spec(3);
  GspProcedure procedure(spec, 2, settings_for(2, spec));
  CHECK(procedure.targets()[0] == 3);
  CHECK(procedure.progress().stage == "stage 0");
  // Outputs 0..2 of system 1 are huge: if stage 0 counted, system 1 would win.
  auto output = [](std::uint64_t system, std::uint64_t rep) {
    if (rep < 3) return system == 1 ? 1e6 : 0.0;
    return system == 0 ? 100.0 : -100.0;
  };
  const Trace trace = run_in_waves(procedure, 2, output);
  CHECK(trace.stages == std::vector<std::string>{"stage 1", "done"});
  CHECK(trace.selection.best.system == 0);
  CHECK(trace.selection.best.mean == 100.0);
  CHECK(trace.selection.best.replications == 50);
  CHECK(trace.selection.total_replications == 2 * (3 + 50));
}

TEST_CASE("GSP: arrival order and worker count change neither the selection nor the total",
          "[procedures]") {
  const ProcedureSpec spec = gsp_spec(2);
  const GspSettings settings = settings_for(20, spec, 20, 5, 20);
  const auto run = [&](testing::DriveOptions options) {
    GspProcedure procedure(spec, 20, settings);
    SampleStore store(20);
    testing::NormalOutputs outputs = testing::slippage_configuration(20, 0.1, 42);
    testing::drive_until_finished(procedure, store, outputs, options);
    return procedure.selection();
  };
  const Selection first = run({1, 64, 8});
  for (const testing::DriveOptions options :
       {testing::DriveOptions{2, 1, 1}, testing::DriveOptions{3, 5000, 1000}}) {
    const Selection other = run(options);
    CHECK(other.best.system == first.best.system);
    CHECK(other.best.mean == first.best.mean);  // bit for bit
    CHECK(other.total_replications == first.total_replications);
  }
}

TEST_CASE("GSP: when smaller is better the smallest mean is selected", "[procedures]") {
  ProcedureSpec spec = gsp_spec(0);
  spec.maximize = false;
  GspProcedure procedure(spec, 3, settings_for(3, spec));
  testing::NormalOutputs output({5, -5, 0}, std::vector<double>(3, 1.0), 3);
  CHECK(run_in_waves(procedure, 3, output).selection.best.system == 1);
}

TEST_CASE("GSP: probability of correct selection in the slippage configuration", "[procedures]") {
  // k = 10, delta = 0.1, sigma = 1, PyPRS defaults (n1 = 50, r_bar = 10, beta = 100): about
  // 15,000 outputs a run.
  constexpr int kMacroReplications = 400;
  const ProcedureSpec spec = gsp_spec(0);
  const GspSettings settings = settings_for(10, spec);
  int correct = 0;
  for (int macro = 0; macro < kMacroReplications; ++macro) {
    GspProcedure procedure(spec, 10, settings);
    SampleStore store(10);
    testing::NormalOutputs outputs = testing::slippage_configuration(10, 0.1, 5000 + macro);
    testing::drive_until_finished(procedure, store, outputs, {std::uint64_t(macro), 512, 128});
    correct += procedure.selection().best.system == 0;
  }
  const double pcs = double(correct) / kMacroReplications;
  const double standard_error = std::sqrt(0.95 * 0.05 / kMacroReplications);
  INFO("estimated PCS " << pcs);
  CHECK(pcs >= 0.95 - 3 * standard_error);
}
