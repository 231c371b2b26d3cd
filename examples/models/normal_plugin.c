/* normal_plugin: the normal model as a native plugin, written against sdk/c/simsel_plugin.h
 * alone. Model "normal_plugin": each replication returns mu + sigma * Phi^-1(u), u the first
 * uniform of its one generator, the same numbers as normal_model.c's "normal_c" process.
 * Thread-safe: nothing but constants outside simulate's arguments.
 */
#include <math.h>
#include <stdio.h>

#include "inverse_normal.h"
#include "simsel_plugin.h"

static const char describe_json[] =
    "{\"protocol\": 1, \"name\": \"normal_plugin\","
    " \"description\": \"A normal variate N(mu, sigma^2) per replication, by inversion.\","
    " \"params\": {"
    "\"mu\": {\"type\": \"number\", \"default\": 0, \"help\": \"mean\"},"
    " \"sigma\": {\"type\": \"number\", \"exclusiveMinimum\": 0, \"default\": 1,"
    " \"help\": \"standard deviation\"}},"
    " \"output\": \"x\", \"larger_is_better\": true, \"streams\": 1}";

static const char* const param_names[] = {"mu", "sigma"};

static int simulate(const double* params, uint64_t system, uint64_t first, uint32_t count,
                    const uint64_t* states, double* outputs, char* error, size_t error_size) {
  const double mu = params[0], sigma = params[1];
  (void)system, (void)first; /* the numbers come from the states alone */
  if (!(sigma > 0) || !isfinite(sigma) || !isfinite(mu)) {
    snprintf(error, error_size, "sigma must be > 0 and both finite (mu %g, sigma %g)", mu, sigma);
    return 1;
  }
  for (uint32_t k = 0; k < count; k++) {
    simsel_mrg32k3a generator = simsel_mrg32k3a_from(states + 6 * (size_t)k);
    outputs[k] = mu + sigma * inverse_normal_cdf(simsel_mrg32k3a_next(&generator));
  }
  return 0;
}

static const simsel_model_plugin plugin = {
    .abi_version = SIMSEL_PLUGIN_ABI_VERSION,
    .describe_json = describe_json,
    .param_count = 2,
    .param_names = param_names,
    .simulate = simulate,
};

const simsel_model_plugin* simsel_model_plugin_v1(void) {
  return &plugin;
}
