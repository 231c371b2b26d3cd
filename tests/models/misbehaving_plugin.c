/* A plugin that breaks the contract of sdk/c/simsel_plugin.h in the way the environment
 * variable SIMSEL_MISBEHAVING_PLUGIN names, for tests/task_runner_test.cpp: the node must refuse
 * it at load with a message naming what is wrong, or fail its task with the plugin's message,
 * and never crash. The entry point picks one static struct per behaviour; nothing else here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsel_plugin.h"

#define BODY(params) \
  "\"name\": \"misbehaving_plugin\", \"output\": \"y\", \"larger_is_better\": true, " \
  "\"params\": {" params "}}"
static const char good_json[] = "{\"protocol\": 1, " BODY("\"x\": {\"type\": \"number\"}");
static const char string_param_json[] = "{\"protocol\": 1, " BODY("\"x\": {\"type\": \"string\"}");
static const char protocol_string_json[] = "{\"protocol\": \"1\", " BODY("\"x\": {}");
static const char* const one_name[] = {"x"};
static const char* const two_names[] = {"x", "y"};

static int fails(const double* params, uint64_t system, uint64_t first, uint32_t count,
                 const uint64_t* states, double* outputs, char* error, size_t error_size) {
  (void)params, (void)system, (void)first, (void)count, (void)states, (void)outputs;
  snprintf(error, error_size, "bad luck in replication %llu", (unsigned long long)first);
  return 1;
}

static const struct {
  const char* behaviour;
  simsel_model_plugin plugin;
} behaviours[] = {
    {"abi", {99, good_json, 1, one_name, fails}},
    {"not_object", {SIMSEL_PLUGIN_ABI_VERSION, "[1, 2]", 1, one_name, fails}},
    {"not_json", {SIMSEL_PLUGIN_ABI_VERSION, "{\"protocol\": 1,", 1, one_name, fails}},
    {"protocol_string", {SIMSEL_PLUGIN_ABI_VERSION, protocol_string_json, 1, one_name, fails}},
    {"no_simulate", {SIMSEL_PLUGIN_ABI_VERSION, good_json, 1, one_name, NULL}},
    {"count_mismatch", {SIMSEL_PLUGIN_ABI_VERSION, good_json, 2, two_names, fails}},
    {"no_names", {SIMSEL_PLUGIN_ABI_VERSION, good_json, 1, NULL, fails}},
    {"string_param", {SIMSEL_PLUGIN_ABI_VERSION, string_param_json, 1, one_name, fails}},
    {"fails", {SIMSEL_PLUGIN_ABI_VERSION, good_json, 1, one_name, fails}},
};

const simsel_model_plugin* simsel_model_plugin_v1(void) {
  const char* wanted = getenv("SIMSEL_MISBEHAVING_PLUGIN");
  for (size_t i = 0; wanted && i < sizeof behaviours / sizeof behaviours[0]; i++)
    if (strcmp(behaviours[i].behaviour, wanted) == 0) return &behaviours[i].plugin;
  return NULL;
}
