// Tests of js/validate.js: fields by schema, tables of systems, the spec, server errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildGrid, buildSpec, parseSystemsTable, readField, serverErrorsByField } from "../js/validate.js";

const catalog = {
  models: [{ name: "normal", schema: {
    params: { mu: { type: "number" }, sigma: { type: "number", exclusiveMinimum: 0 } },
    generators: { configuration: { params: { k: { type: "integer", minimum: 2, required: true },
      means: { type: "string", enum: ["slippage", "monotone"] } } } } } }],
  procedures: [{ name: "kn", params: {} },
    { name: "ocba", params: { budget: { type: "integer", minimum: 1, required: true }, increment: { type: "integer", minimum: 1 } } }],
  fields: { delta: { type: "number", exclusiveMinimum: 0, default: 0.1 }, alpha: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
    crn: { type: "boolean" }, "limits.max_replications": { type: "integer", minimum: 1 } },
};

test("fields are read by their schema", () => {
  assert.deepEqual(readField({ type: "number", exclusiveMinimum: 0 }, "0.5"), { value: 0.5 });
  assert.deepEqual(readField({ type: "number", exclusiveMinimum: 0 }, "0"), { error: "must be > 0" });
  assert.deepEqual(readField({ type: "integer", minimum: 2 }, "2.5"), { error: "must be an integer" });
  assert.deepEqual(readField({ type: "integer", minimum: 2 }, "1"), { error: "must be >= 2" });
  assert.deepEqual(readField({ type: "number" }, "abc"), { error: "must be a number" });
  assert.deepEqual(readField({ type: "number" }, "  "), { value: undefined });
  assert.deepEqual(readField({ type: "number", required: true }, ""), { error: "required" });
  assert.deepEqual(readField({ type: "boolean" }, true), { value: true });
  assert.deepEqual(readField({ type: "boolean" }, "false"), { value: false });
  assert.deepEqual(readField({ type: "boolean" }, ""), { value: undefined });
  assert.deepEqual(readField({ type: "string", enum: ["a", "b"] }, "c"), { error: "must be one of a, b" });
});

test("tables of systems: CSV, TSV, JSON, and errors that name the row", () => {
  assert.deepEqual(parseSystemsTable("mu,sigma\n0.1,1\n0,2\n").list, [{ mu: 0.1, sigma: 1 }, { mu: 0, sigma: 2 }]);
  assert.deepEqual(parseSystemsTable("mu\tsigma\n0.5\t1").list, [{ mu: 0.5, sigma: 1 }]);
  assert.deepEqual(parseSystemsTable('[{"mu": 1, "sigma": 1}]').list, [{ mu: 1, sigma: 1 }]);
  assert.deepEqual(parseSystemsTable('{"list": [{"mu": 1, "sigma": 1}]}').list, [{ mu: 1, sigma: 1 }]);
  assert.equal(parseSystemsTable("mu,sigma\n0.1\n").error, "row 2: expected 2 values, got 1");
  assert.match(parseSystemsTable("[1, 2]").error, /array of objects/);
  assert.match(parseSystemsTable("").error, /empty/);
});

test("a complete form gives the spec the server expects", () => {
  const { spec, errors } = buildSpec({
    model: "normal", procedure: "ocba",
    fields: { delta: "0.2", alpha: "", crn: true, "limits.max_replications": "100000" },
    procedureParams: { budget: "1500", increment: "" },
    systems: { source: "generator", generator: "configuration", params: { k: "10", means: "slippage" } },
  }, catalog);
  assert.deepEqual(errors, {});
  assert.deepEqual(spec, { model: "normal", procedure: "ocba", delta: 0.2, crn: true,
    limits: { max_replications: 100000 }, params: { budget: 1500 },
    systems: { generator: "configuration", k: 10, means: "slippage" } });
});

test("every bad field is named, with a table checked against the model's parameters", () => {
  const { errors } = buildSpec({
    model: "normal", procedure: "ocba", fields: { delta: "-1" }, procedureParams: {},
    systems: { source: "table", table: "mu,sigma\n0.1,0\n" },
  }, catalog);
  assert.deepEqual(errors, { delta: "must be > 0", "params.budget": "required",
    "systems.list": "system 1: sigma must be > 0" });
  const unknown = buildSpec({ model: "normal", procedure: "kn", fields: {},
    systems: { source: "table", table: "mu,sigma,rho\n1,1,1" } }, catalog);
  assert.match(unknown.errors["systems.list"], /unknown parameter rho/);
});

test("server errors go next to the field their path names", () => {
  const message = "invalid job spec:\n  systems.k: must be an integer >= 2\n  systems.list[3].mu: must be a number\n  delta: must be > 0\n  something odd";
  const { fields, general } = serverErrorsByField(message, ["delta", "systems.k", "systems.list"]);
  assert.deepEqual(fields, { "systems.k": ["must be an integer >= 2"], "systems.list": ["must be a number"], delta: ["must be > 0"] });
  assert.deepEqual(general, ["something odd"]);
});

test("a grid over any model's parameters: ranges, single values, defaults, constraints", () => {
  const params = { r1: { type: "integer", minimum: 1 }, rate: { type: "number", exclusiveMinimum: 0 },
    cost: { type: "number", default: 4 }, label: { type: "string", default: "x" } };
  const { systems } = buildGrid({ params: { r1: { min: "1", max: "5" }, rate: { min: "0.5", max: "1.5", step: "0.25" } },
    constraints: "r1 + rate <= 5\n\n" }, params);
  assert.deepEqual(systems, { generator: "grid", params: [
    { name: "r1", min: 1, max: 5, step: 1, type: "integer" },
    { name: "rate", min: 0.5, max: 1.5, step: 0.25, type: "number" }], constraints: ["r1 + rate <= 5"] });
  assert.deepEqual(buildGrid({ params: { r1: { min: "2" }, rate: { min: "1" } } }, params).systems.params,
    [{ name: "r1", min: 2, max: 2, step: 1, type: "integer" }, { name: "rate", min: 1, max: 1, step: 1, type: "number" }]);
  assert.deepEqual(buildGrid({ params: { rate: { min: "1", max: "2" } } }, params).errors,
    { "systems.grid.r1": "required: give min (and max and step for a range)", "systems.grid.rate": "give a step for a range of numbers" });
  assert.deepEqual(buildGrid({ params: { r1: { min: "0" }, rate: { min: "1", max: "0.5", step: "0.1" } } }, params).errors,
    { "systems.grid.r1": "min must be >= 1", "systems.grid.rate": "max must be >= min" });
});

test("a table may leave out a parameter that has a default", () => {
  const withDefault = { models: [{ name: "m", schema: { params: { mu: { type: "number" }, sigma: { type: "number", default: 1 } } } }],
    procedures: catalog.procedures, fields: {} };
  const { spec, errors } = buildSpec({ model: "m", procedure: "kn", fields: {},
    systems: { source: "table", table: "mu\n1\n2" } }, withDefault);
  assert.deepEqual(errors, {});
  assert.deepEqual(spec.systems, { list: [{ mu: 1 }, { mu: 2 }] });
});
