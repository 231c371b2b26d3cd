/* simsel_plugin.h: the C ABI, version 1, of a native model plugin: a shared library that a simsel
 * node loads with dlopen and calls in its own threads, for models whose replications are too
 * short to pay a pipe round trip each (the other way, a model process, is docs/MODEL_PROTOCOL.md;
 * docs/MODELS.md compares the two). Usable from C99 and C++. It owns no state: the MRG32k3a
 * helper at the end is a value type, one per replication. Not here: loading (the node's side).
 *
 * The contract, point by point:
 * - A plugin defines one function, declared below with C linkage and default visibility (so a
 *   definition that includes this header is exported even under -fvisibility=hidden), named
 *   SIMSEL_PLUGIN_ENTRY_SYMBOL. The node calls it once after dlopen. The struct it returns, and
 *   all that the struct points to, must stay valid and unchanged until dlclose: static storage.
 * - The node first checks abi_version == SIMSEL_PLUGIN_ABI_VERSION, and reads no other field of
 *   a struct that fails. A future version 2 gets a new symbol (simsel_model_plugin_v2), so a
 *   node never reads one version's struct as another's.
 * - describe_json is the body of the model's HELLO of MODEL_PROTOCOL.md as a JSON object, and is
 *   checked as a HELLO is: protocol 1, name equal to the node config's, params, output,
 *   larger_is_better, optional description and streams.
 * - param_names lists describe_json's params, each once, in the order simulate receives them (a
 *   JSON object has no order the node must keep, hence the list). Every parameter must have type
 *   integer or number: this version passes doubles only (integers are exact up to 2^53), so a
 *   plugin with a string parameter is refused at load. param_names may be NULL when
 *   param_count is 0.
 * - simulate runs `count` >= 1 consecutive replications, first .. first + count - 1, of system
 *   `system`; see its field for the arrays. Exactly as a model process, it is a pure function of
 *   its arguments: all randomness from `states`, never the clock or a global seed. Every output
 *   must be finite, or the task fails naming the replication.
 * - The node calls simulate from several threads at once, each with its own arrays: it must be
 *   thread-safe (no mutable globals) and must return rather than throw, exit or abort: a plugin
 *   runs inside the node, so its crash is the node's. C++ plugins catch everything.
 */
#ifndef SIMSEL_SDK_C_SIMSEL_PLUGIN_H
#define SIMSEL_SDK_C_SIMSEL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SIMSEL_PLUGIN_ABI_VERSION 1

/* The one symbol the node looks up with dlsym. */
#define SIMSEL_PLUGIN_ENTRY_SYMBOL "simsel_model_plugin_v1"

/* simulate's error buffer holds at least this many bytes, NUL included. */
#define SIMSEL_PLUGIN_MIN_ERROR_SIZE 256

#if defined(__GNUC__)
#define SIMSEL_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define SIMSEL_PLUGIN_EXPORT
#endif

typedef struct simsel_model_plugin {
  uint32_t abi_version;      /* SIMSEL_PLUGIN_ABI_VERSION */
  const char* describe_json; /* the HELLO body: protocol, name, description, params, output,
                                larger_is_better, streams */
  uint32_t param_count;      /* numeric parameters passed to simulate, in this order: */
  const char* const* param_names;
  /* Runs `count` replications of one system. params[param_count]: the system's parameters in
   * param_names order (defaults filled in by the node). states: 6 * streams * count integers,
   * as RUN's `states` (for each replication in turn, for each of its generators in turn, six
   * words). outputs[count]: filled. Returns 0, or nonzero after writing a NUL-terminated message
   * into error[error_size]. Called concurrently from several threads: must be thread-safe. */
  int (*simulate)(const double* params, uint64_t system, uint64_t first, uint32_t count,
                  const uint64_t* states, double* outputs, char* error, size_t error_size);
} simsel_model_plugin;

/* What a plugin defines, and the type of what the node's dlsym returns. */
SIMSEL_PLUGIN_EXPORT const simsel_model_plugin* simsel_model_plugin_v1(void);
typedef const simsel_model_plugin* (*simsel_model_plugin_entry)(void);

/* One MRG32k3a generator (L'Ecuyer 1999, RngStreams conventions), started from a state of
 * `states`: s = x1[n-3], x1[n-2], x1[n-1], x2[n-3], x2[n-2], x2[n-1]. */
typedef struct {
  uint64_t s[6];
} simsel_mrg32k3a;

/* REQUIRES: state[0..2] < m1 and state[3..5] < m2, as the node's always are. */
static inline simsel_mrg32k3a simsel_mrg32k3a_from(const uint64_t* state) {
  simsel_mrg32k3a g;
  for (int i = 0; i < 6; i++) g.s[i] = state[i];
  return g;
}

/* The next uniform in (0, 1), exactly as MODEL_PROTOCOL.md draws it; from the state 12345 x 6
 * the first is 0.12701112204657714. The products stay below 2^53: int64 arithmetic is exact. */
static inline double simsel_mrg32k3a_next(simsel_mrg32k3a* g) {
  const int64_t m1 = INT64_C(4294967087), a12 = 1403580, a13n = 810728;
  const int64_t m2 = INT64_C(4294944443), a21 = 527612, a23n = 1370589;
  int64_t p1 = (a12 * (int64_t)g->s[1] - a13n * (int64_t)g->s[0]) % m1;
  if (p1 < 0) p1 += m1;
  int64_t p2 = (a21 * (int64_t)g->s[5] - a23n * (int64_t)g->s[3]) % m2;
  if (p2 < 0) p2 += m2;
  g->s[0] = g->s[1], g->s[1] = g->s[2], g->s[2] = (uint64_t)p1;
  g->s[3] = g->s[4], g->s[4] = g->s[5], g->s[5] = (uint64_t)p2;
  return (double)(p1 > p2 ? p1 - p2 : p1 - p2 + m1) * 2.328306549295727688e-10;
}

#ifdef __cplusplus
}
#endif

#endif /* SIMSEL_SDK_C_SIMSEL_PLUGIN_H */
