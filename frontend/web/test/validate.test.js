// Tests of js/validate.js: fields by schema, tables of systems, the spec, server errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildSpec, parseSystemsTable, readField, serverErrorsByField } from "../js/validate.js";

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
