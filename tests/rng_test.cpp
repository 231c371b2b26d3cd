// Tests for common/rng: MRG32k3a against the RngStreams test vectors, stream jumps,
// the replication-stream mapping and the variates.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "common/rng/mrg32k3a.h"
#include "common/rng/replication_streams.h"
#include "common/rng/variates.h"

namespace simsel {
namespace {

const Mrg32k3a::State kDefaultSeed{12345, 12345, 12345, 12345, 12345, 12345};

}  // namespace

TEST_CASE("Mrg32k3a matches the RngStreams test vectors", "[rng]") {
  Mrg32k3a rng(kDefaultSeed);

  SECTION("first five outputs") {
    const double expected[] = {0.12701112204657714, 0.3185275653967945, 0.3091860155832701,
                               0.8258468629271136, 0.2216299157820229};
    for (double e : expected) CHECK(rng.next_uniform() == Approx(e).epsilon(1e-15));
  }
  SECTION("state after 99 draws") {
    for (int i = 0; i < 99; ++i) rng.next_uniform();
    CHECK(rng.state() ==
          Mrg32k3a::State{2937268593, 1819035667, 3047838441, 3193417629, 1641899773, 1738356667});
  }
  SECTION("start of stream 2") {
    rng.jump_streams(1);
    CHECK(rng.state() ==
          Mrg32k3a::State{3692455944, 1366884236, 2968912127, 335948734, 4161675175, 475798818});
  }
  SECTION("start of stream 3") {
    rng.jump_streams(2);
    CHECK(rng.state() ==
          Mrg32k3a::State{1015873554, 1310354410, 2249465273, 994084013, 2912484720, 3876682925});
  }
  SECTION("second substream of stream 1") {
    rng.jump_substreams(1);
    CHECK(rng.state() ==
          Mrg32k3a::State{870504860, 2641697727, 884013853, 339352413, 2374306706, 3651603887});
  }
}

TEST_CASE("Mrg32k3a jumps compose", "[rng]") {
  SECTION("two single stream jumps equal one double jump") {
    Mrg32k3a once(kDefaultSeed), twice(kDefaultSeed);
    once.jump_streams(2);
    twice.jump_streams(1);
    twice.jump_streams(1);
    CHECK(once.state() == twice.state());
  }
  SECTION("2^51 substreams make one stream") {
    Mrg32k3a by_substreams(kDefaultSeed), by_stream(kDefaultSeed);
    by_substreams.jump_substreams(std::uint64_t{1} << 51);
    by_stream.jump_streams(1);
    CHECK(by_substreams.state() == by_stream.state());
  }
  SECTION("a jump of 2^63 streams (the top bit) equals two of 2^62") {
    Mrg32k3a direct(kDefaultSeed), split(kDefaultSeed);
    direct.jump_streams(std::uint64_t{1} << 63);
    split.jump_streams(std::uint64_t{1} << 62);
    split.jump_streams(std::uint64_t{1} << 62);
    CHECK(direct.state() == split.state());
    CHECK(direct.state() != Mrg32k3a(kDefaultSeed).state());
  }
  SECTION("jumps by a large odd count compose") {
    Mrg32k3a direct(kDefaultSeed), split(kDefaultSeed);
    direct.jump_substreams(1000003);
    split.jump_substreams(1000000);
    split.jump_substreams(3);
    CHECK(direct.state() == split.state());
  }
}

TEST_CASE("Mrg32k3a seed validation", "[rng]") {
  CHECK(Mrg32k3a::is_valid_seed(kDefaultSeed));
  CHECK_FALSE(Mrg32k3a::is_valid_seed({0, 0, 0, 1, 1, 1}));
  CHECK_FALSE(Mrg32k3a::is_valid_seed({1, 1, 1, 0, 0, 0}));
  CHECK_FALSE(Mrg32k3a::is_valid_seed({Mrg32k3a::kM1, 1, 1, 1, 1, 1}));
  CHECK_FALSE(Mrg32k3a::is_valid_seed({1, 1, 1, 1, 1, Mrg32k3a::kM2}));
  CHECK(Mrg32k3a::is_valid_seed({Mrg32k3a::kM1 - 1, 0, 0, Mrg32k3a::kM2 - 1, 0, 0}));
}

TEST_CASE("ReplicationStreams maps (system - replication) to fixed streams", "[rng]") {
  const ReplicationStreams streams(42, /*crn=*/false);

  SECTION("the same seed gives the same numbers") {
    Mrg32k3a a = streams.for_replication(7, 3);
    Mrg32k3a b = ReplicationStreams(42, false).for_replication(7, 3);
    for (int i = 0; i < 10; ++i) CHECK(a.next_uniform() == b.next_uniform());
  }
  SECTION("the mapping is stream = system, substream = replication") {
    Mrg32k3a expected(streams.base());
    expected.jump_streams(7);
    expected.jump_substreams(3);
    CHECK(streams.for_replication(7, 3).state() == expected.state());
  }
  SECTION("a cursor visits the same states as direct lookups") {
    ReplicationCursor cursor = streams.cursor(5, 10);
    for (std::uint64_t rep = 10; rep < 20; ++rep) {
      REQUIRE(cursor.replication() == rep);
      CHECK(cursor.next().state() == streams.for_replication(5, rep).state());
    }
  }
  SECTION("distinct systems and replications get distinct states") {
    std::set<Mrg32k3a::State> seen;
    for (std::uint64_t system = 0; system < 20; ++system)
      for (std::uint64_t rep = 0; rep < 20; ++rep)
        seen.insert(streams.for_replication(system, rep).state());
    CHECK(seen.size() == 400);
  }
  SECTION("different job seeds give different bases") {
    CHECK(ReplicationStreams(1, false).base() != ReplicationStreams(2, false).base());
    CHECK(Mrg32k3a::is_valid_seed(ReplicationStreams(0, false).base()));
  }
}

TEST_CASE("ReplicationStreams with CRN share streams across systems", "[rng]") {
  const ReplicationStreams crn(42, /*crn=*/true);
  CHECK(crn.for_replication(0, 4).state() == crn.for_replication(999999, 4).state());
  CHECK(crn.for_replication(3, 4).state() != crn.for_replication(3, 5).state());
  CHECK(crn.cursor(17, 4).next().state() == crn.for_replication(0, 4).state());
  CHECK(crn.for_replication(0, 4).state() ==
        ReplicationStreams(42, false).for_replication(0, 4).state());
}

TEST_CASE("StreamWalker positions cursors exactly as ReplicationStreams does", "[rng]") {
  // Increasing systems (its fast path), a repeat, steps back to a smaller system (a restart from
  // the base), large indices and gaps, each with and without CRN.
  const std::uint64_t systems[] = {0, 1, 2, 2, 9, 1000, 999, 3, 1000000, 1000001, 0, 123456789};
  for (const bool crn : {false, true}) {
    const ReplicationStreams streams(42, crn);
    StreamWalker walker(streams);
    std::uint64_t rep = 0;
    for (std::uint64_t system : systems) {
      rep = (rep * 7 + 3) % 40;
      ReplicationCursor walked = walker.cursor(system, rep);
      ReplicationCursor direct = streams.cursor(system, rep);
      INFO("crn " << crn << ", system " << system << ", replication " << rep);
      CHECK(walked.replication() == rep);
      for (int i = 0; i < 3; ++i) CHECK(walked.next().state() == direct.next().state());
    }
  }
}

TEST_CASE("Variates have the right first two moments", "[rng]") {
  Mrg32k3a rng(kDefaultSeed);
  const int n = 200000;
  double sum = 0, sum_sq = 0;
  const auto record = [&](double x) {
    sum += x;
    sum_sq += x * x;
  };
  const auto mean = [&] { return sum / n; };
  const auto variance = [&] { return sum_sq / n - mean() * mean(); };

  SECTION("exponential(rate 4): mean 0.25, variance 0.0625") {
    for (int i = 0; i < n; ++i) record(exponential(rng, 4.0));
    CHECK(mean() == Approx(0.25).margin(0.003));
    CHECK(variance() == Approx(0.0625).margin(0.002));
  }
  SECTION("standard normal: mean 0, variance 1") {
    for (int i = 0; i < n; ++i) record(standard_normal(rng));
    CHECK(mean() == Approx(0).margin(0.01));
    CHECK(variance() == Approx(1).margin(0.02));
  }
  SECTION("Poisson(25): mean 25, variance 25") {
    for (int i = 0; i < n; ++i) record(static_cast<double>(poisson(rng, 25.0)));
    CHECK(mean() == Approx(25).margin(0.06));
    CHECK(variance() == Approx(25).margin(0.5));
  }
}

TEST_CASE("Variates are monotone in their uniform", "[rng]") {
  // Pairs of generators one draw apart; each variate must order as their uniforms do.
  Mrg32k3a rng(kDefaultSeed);
  for (int i = 0; i < 1000; ++i) {
    const Mrg32k3a a = rng;
    rng.next_uniform();
    const Mrg32k3a b = rng;
    const auto first = [](Mrg32k3a g, auto variate) { return variate(g); };
    const bool b_larger = first(b, [](Mrg32k3a& g) { return g.next_uniform(); }) >
                          first(a, [](Mrg32k3a& g) { return g.next_uniform(); });
    const auto expo = [](Mrg32k3a& g) { return exponential(g, 1.0); };
    const auto normal = [](Mrg32k3a& g) { return standard_normal(g); };
    const auto pois = [](Mrg32k3a& g) { return poisson(g, 25.0); };
    CHECK((first(b, expo) > first(a, expo)) == b_larger);
    CHECK((first(b, normal) > first(a, normal)) == b_larger);
    const long pa = first(a, pois), pb = first(b, pois);
    CHECK((b_larger ? pb >= pa : pb <= pa));
  }
}

TEST_CASE("standard_normal inverts the normal CDF to near double precision", "[rng]") {
  // Phi(z) = erfc(-z / sqrt 2) / 2 must give back the uniform the variate was drawn from.
  Mrg32k3a rng(kDefaultSeed);
  double worst = 0;
  for (int i = 0; i < 100000; ++i) {
    Mrg32k3a copy = rng;
    const double u = copy.next_uniform();
    const double z = standard_normal(rng);
    const double phi = 0.5 * std::erfc(-z / std::sqrt(2.0));
    worst = std::max(worst, std::abs(phi - u) / std::min(u, 1 - u));
  }
  CHECK(worst < 1e-13);
}

}  // namespace simsel
