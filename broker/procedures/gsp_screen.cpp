// See gsp_screen.h. The systems are sorted by q and cut into blocks of kBlockSize; a binary tree
// over the blocks keeps, per node, the best score and the smallest p and largest q below it.
// For system a, every b under a node has threshold(a, b) >= c (p_a + p_min) / sqrt(q_a + q_max)
// (the threshold grows with p_b and shrinks with q_b), so score_b - threshold(a, b) is at most
// best_score - that bound: when this is <= score_a, nothing under the node can eliminate a and
// the node is skipped whole. Otherwise its best system is tried exactly, then its children, the
// more promising first. The bound is computed with the same operations as the threshold, and
// rounding is monotone, so it never exceeds any threshold it stands for: skipping is exact.
//
// Why it is cheap: p and q are both about S_i^2 over a sample size, so systems close in q are
// close in p, and a node spanning a narrow range of q has a bound close to the true thresholds.
// A system that survives comfortably is cleared at the root or a few levels down; one that is
// clearly beaten meets its eliminator in the first nodes tried (the best scores). Only systems
// within rounding of their elimination edge go down to many blocks. The worst case is still
// O(k^2) pair checks (adversarial variances), but on normal data with k = 10^6 a screen takes
// O(k log k) time (tests/gsp_screen_test.cpp counts the checks).
#include "broker/procedures/gsp_screen.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace simsel {
namespace {

constexpr std::size_t kBlockSize = 16;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct Node {
  double best_score = -kInfinity;  // -inf: an empty node
  std::uint32_t best = 0;          // input index of the best-scoring system below
  double p_min = kInfinity;
  double q_max = 0;
};

class ScreenTree {
 public:
  ScreenTree(std::span<const ScreenedSystem> systems, double c);
  bool trails_someone(std::uint32_t a);
  std::uint64_t pair_checks() const { return pair_checks_; }

 private:
  Node block_node(std::size_t block) const;
  static Node combined(const Node& left, const Node& right);
  bool beats(std::uint32_t b, std::uint32_t a);
  double bound(const Node& node, const ScreenedSystem& a) const;
  bool block_has_eliminator(std::size_t block, std::uint32_t a);

  std::span<const ScreenedSystem> systems_;
  double c_;
  std::vector<std::uint32_t> order_;  // input indices by increasing q
  std::size_t leaves_ = 1;            // power of two >= number of blocks
  std::vector<Node> nodes_;           // heap layout: root 1, children 2n and 2n + 1
  std::vector<std::size_t> pending_;  // depth-first stack, kept to avoid reallocations
  std::uint64_t pair_checks_ = 0;
};

ScreenTree::ScreenTree(std::span<const ScreenedSystem> systems, double c)
    : systems_(systems), c_(c), order_(systems.size()) {
  std::iota(order_.begin(), order_.end(), 0u);
  std::sort(order_.begin(), order_.end(), [&](std::uint32_t x, std::uint32_t y) {
    return systems[x].q < systems[y].q || (systems[x].q == systems[y].q && x < y);
  });
  const std::size_t blocks = (systems.size() + kBlockSize - 1) / kBlockSize;
  while (leaves_ < blocks) leaves_ *= 2;
  nodes_.assign(2 * leaves_, Node{});
  for (std::size_t block = 0; block < blocks; ++block) nodes_[leaves_ + block] = block_node(block);
  for (std::size_t node = leaves_ - 1; node >= 1; --node) {
    nodes_[node] = combined(nodes_[2 * node], nodes_[2 * node + 1]);
  }
}

Node ScreenTree::block_node(std::size_t block) const {
  Node node;
  const std::size_t end = std::min(order_.size(), (block + 1) * kBlockSize);
  for (std::size_t position = block * kBlockSize; position < end; ++position) {
    const std::uint32_t system = order_[position];
    const ScreenedSystem& entry = systems_[system];
    if (entry.score > node.best_score) {
      node.best_score = entry.score;
      node.best = system;
    }
    node.p_min = std::min(node.p_min, entry.p);
    node.q_max = std::max(node.q_max, entry.q);
  }
  return node;
}

Node ScreenTree::combined(const Node& left, const Node& right) {
  Node node = right.best_score > left.best_score ? right : left;
  node.p_min = std::min(left.p_min, right.p_min);
  node.q_max = std::max(left.q_max, right.q_max);
  return node;
}

bool ScreenTree::beats(std::uint32_t b, std::uint32_t a) {
  if (b == a) return false;
  ++pair_checks_;
  return systems_[b].score - pair_threshold(c_, systems_[a], systems_[b]) > systems_[a].score;
}

// The largest score_b - threshold(a, b) any b below `node` can reach. pair_threshold's own
// expression with p_b lowered to p_min and q_b raised to q_max.
double ScreenTree::bound(const Node& node, const ScreenedSystem& a) const {
  const double q_sum = a.q + node.q_max;
  const double smallest_threshold = q_sum > 0 ? c_ * (a.p + node.p_min) / std::sqrt(q_sum) : 0.0;
  return node.best_score - smallest_threshold;
}

bool ScreenTree::block_has_eliminator(std::size_t block, std::uint32_t a) {
  const std::size_t end = std::min(order_.size(), (block + 1) * kBlockSize);
  for (std::size_t position = block * kBlockSize; position < end; ++position) {
    if (beats(order_[position], a)) return true;
  }
  return false;
}

bool ScreenTree::trails_someone(std::uint32_t a) {
  const ScreenedSystem& entry = systems_[a];
  pending_.assign(1, 1);
  while (!pending_.empty()) {
    const std::size_t index = pending_.back();
    pending_.pop_back();
    const Node& node = nodes_[index];
    if (node.best_score == -kInfinity || bound(node, entry) <= entry.score) continue;
    if (beats(node.best, a)) return true;
    if (index >= leaves_) {
      if (block_has_eliminator(index - leaves_, a)) return true;
      continue;
    }
    const std::size_t left = 2 * index, right = 2 * index + 1;
    const bool left_first = bound(nodes_[left], entry) >= bound(nodes_[right], entry);
    pending_.push_back(left_first ? right : left);
    pending_.push_back(left_first ? left : right);
  }
  return false;
}

}  // namespace

ScreenOutcome gsp_screen(std::span<const ScreenedSystem> systems, double c) {
  ScreenOutcome outcome;
  outcome.eliminated.assign(systems.size(), false);
  if (systems.size() < 2) return outcome;
  ScreenTree tree(systems, c);
  for (std::uint32_t a = 0; a < systems.size(); ++a) outcome.eliminated[a] = tree.trails_someone(a);
  outcome.pair_checks = tree.pair_checks();
  return outcome;
}

}  // namespace simsel
