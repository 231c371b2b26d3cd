// The job form's logic without the DOM: reading a field by its schema (GET /api/models), reading
// a pasted or uploaded table of systems, building the job spec, and placing the server's error
// messages next to the field they name. Pure functions, tested with `node --test`.

// Reads `raw` (the text of an input, or a boolean for a checkbox) by `schema` ({type, minimum,
// maximum, exclusiveMinimum, enum, required}). Returns {value} (value undefined when left empty
// and not required: the server's default applies) or {error} in words.
export function readField(schema, raw) {
  const text = typeof raw === "string" ? raw.trim() : raw;
  if (text === "" || text === undefined || text === null)
    return schema.required ? { error: "required" } : { value: undefined };
  if (schema.type === "boolean") return { value: text === true || text === "true" };
  if (schema.type === "string") {
    if (schema.enum && !schema.enum.includes(text)) return { error: `must be one of ${schema.enum.join(", ")}` };
    return { value: text };
  }
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: "must be a number" };
  if (schema.type === "integer" && !Number.isInteger(value)) return { error: "must be an integer" };
  if (schema.minimum !== undefined && value < schema.minimum) return { error: `must be >= ${schema.minimum}` };
  if (schema.maximum !== undefined && value > schema.maximum) return { error: `must be <= ${schema.maximum}` };
  if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
    return { error: `must be > ${schema.exclusiveMinimum}` };
  if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
    return { error: `must be < ${schema.exclusiveMaximum}` };
  if (schema.enum && !schema.enum.includes(value)) return { error: `must be one of ${schema.enum.join(", ")}` };
  return { value };
}

function cell(text) {
  const trimmed = text.trim();
  const number = Number(trimmed);
  return trimmed !== "" && Number.isFinite(number) ? number : trimmed;
}

// Reads a table of systems: JSON (an array of objects, or {"list": [...]}) or CSV/TSV text
// with a header row of parameter names. Returns {list} or {error} naming the row.
export function parseSystemsTable(text) {
  const source = (text || "").trim();
  if (source === "") return { error: "empty: give a header row of parameter names and one row per system" };
  if (source.startsWith("[") || source.startsWith("{")) {
    let parsed;
    try { parsed = JSON.parse(source); } catch (e) { return { error: `not valid JSON (${e.message})` }; }
    const list = Array.isArray(parsed) ? parsed : parsed.list;
    if (!Array.isArray(list) || list.some((row) => !row || typeof row !== "object" || Array.isArray(row)))
      return { error: "JSON must be an array of objects, one per system" };
    return { list };
  }
  const lines = source.split(/\r?\n/).filter((line) => line.trim() !== "");
  const separator = lines[0].includes("\t") ? "\t" : lines[0].includes(";") ? ";" : ",";
  const header = lines[0].split(separator).map((name) => name.trim());
  if (header.some((name) => name === "")) return { error: "row 1: an empty column name" };
  const list = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(separator);
    if (cells.length !== header.length)
      return { error: `row ${i + 1}: expected ${header.length} values, got ${cells.length}` };
    list.push(Object.fromEntries(header.map((name, c) => [name, cell(cells[c])])));
  }
  if (list.length === 0) return { error: "no systems: only a header row" };
  return { list };
}

// Checks each system of `list` against the model's per-system parameter schemas.
export function checkSystems(list, paramSchemas) {
  for (let i = 0; i < list.length; i++) {
    for (const [name, schema] of Object.entries(paramSchemas)) {
      if (!(name in list[i])) {
        if (schema.default !== undefined) continue;  // the model's default applies
        return `system ${i + 1}: missing ${name}`;
      }
      const read = readField({ ...schema, required: true }, String(list[i][name]));
      if (read.error) return `system ${i + 1}: ${name} ${read.error}`;
      list[i][name] = read.value;
    }
    const unknown = Object.keys(list[i]).find((name) => !(name in paramSchemas));
    if (unknown) return `system ${i + 1}: unknown parameter ${unknown} (known: ${Object.keys(paramSchemas).join(", ")})`;
  }
  return null;
}

function setPath(object, path, value) {
  const keys = path.split(".");
  let at = object;
  for (const key of keys.slice(0, -1)) at = at[key] ??= {};
  at[keys[keys.length - 1]] = value;
}

// Builds the job spec from the form's raw values:
//   form = {model, procedure, fields: {path: raw}, procedureParams: {name: raw},
//           systems: {source: "generator"|"table", generator, params: {name: raw}, table,
//                     grid: {params: {name: {min, max, step}}, constraints: text}}}
// and the catalog of GET /api/models. Returns {spec, errors}: errors maps a field path
// ("delta", "params.budget", "systems.k", "systems.list") to a message; spec is complete
// only when errors is empty.
export function buildSpec(form, catalog) {
  const errors = {};
  const spec = { model: form.model, procedure: form.procedure };
  const model = catalog.models.find((m) => m.name === form.model);
  const procedure = catalog.procedures.find((p) => p.name === form.procedure);
  if (!model) errors.model = "choose a model";
  if (!procedure) errors.procedure = "choose a procedure";
  const read = (path, schema, raw, target) => {
    const result = readField(schema, raw);
    if (result.error) errors[path] = result.error;
    else if (result.value !== undefined) setPath(spec, target, result.value);
  };
  for (const [path, schema] of Object.entries(catalog.fields || {})) {
    // n0's least value is the procedure's own (2 where it estimates variances, 0 for gsp).
    const fieldSchema = path === "n0" && procedure ? { ...schema, minimum: procedure.smallest_n0 } : schema;
    if (path in (form.fields || {})) read(path, fieldSchema, form.fields[path], path);
  }
  for (const [name, schema] of Object.entries((procedure && procedure.params) || {}))
    read(`params.${name}`, schema, (form.procedureParams || {})[name], `params.${name}`);
  if (model) buildSystems(form.systems || {}, model.schema, spec, errors, read);
  return { spec, errors };
}

function buildSystems(systems, schema, spec, errors, read) {
  if (systems.source === "table") {
    const table = parseSystemsTable(systems.table);
    const problem = table.error || checkSystems(table.list, schema.params || {});
    if (problem) errors["systems.list"] = problem;
    else spec.systems = { list: table.list };
    return;
  }
  if (systems.generator === GRID) {
    const grid = buildGrid(systems.grid || {}, schema.params || {});
    if (grid.errors) Object.assign(errors, grid.errors);
    else spec.systems = grid.systems;
    return;
  }
  const generator = (schema.generators || {})[systems.generator];
  if (!generator) {
    errors["systems.generator"] = "choose a generator";
    return;
  }
  spec.systems = { generator: systems.generator };
  for (const [name, fieldSchema] of Object.entries(generator.params || {}))
    read(`systems.${name}`, fieldSchema, (systems.params || {})[name], `systems.${name}`);
}

// Splits the server's error message ("invalid job spec:\n  systems.k: must be ...\n  delta: ...")
// into messages per field: a problem goes to the longest known path that begins its own path
// ("systems.list[3].mu" -> "systems.list"); the rest are general.
export function serverErrorsByField(message, knownPaths) {
  const fields = {}, general = [];
  for (const rawLine of (message || "").split("\n")) {
    const line = rawLine.trim();
    if (line === "" || /^invalid job spec:?$/.test(line)) continue;
    const match = /^([A-Za-z_][\w.\[\]]*): (.*)$/.exec(line);
    const path = match && longestKnownPrefix(match[1], knownPaths);
    if (path) (fields[path] ??= []).push(match[2]);
    else general.push(line);
  }
  return { fields, general };
}

function longestKnownPrefix(path, knownPaths) {
  let best = null;
  for (const known of knownPaths) {
    const matches = path === known || path.startsWith(`${known}.`) || path.startsWith(`${known}[`);
    if (matches && (!best || known.length > best.length)) best = known;
  }
  return best;
}

// The generator every model has: a grid over its numeric parameters (docs/JOBSPEC.md).
export const GRID = "grid";
export const GRID_HELP = "Every combination of the parameters' values from min to max by step " +
  "(a single value: min alone), kept where every constraint holds (one per line, linear: r1 + r2 + r3 == 20).";

// The numeric parameters a grid can range over (string parameters cannot).
export function gridParams(paramSchemas) {
  return Object.entries(paramSchemas).filter(([, schema]) => schema.type !== "string");
}

// Reads the grid form: {params: {name: {min, max, step}}, constraints: text}. Returns
// {systems} (the spec's `systems`) or {errors} keyed "systems.grid.NAME" or "systems.constraints".
export function buildGrid(grid, paramSchemas) {
  const errors = {}, params = [];
  for (const [name, schema] of gridParams(paramSchemas)) {
    const raw = (grid.params || {})[name] || {};
    const path = `systems.grid.${name}`;
    const parts = {};
    for (const key of ["min", "max", "step"]) {
      const text = String(raw[key] ?? "").trim();
      if (text === "") continue;
      const read = readField(key === "step" ? { type: schema.type, exclusiveMinimum: 0 } : schema, text);
      if (read.error) { errors[path] = `${key} ${read.error}`; break; }
      parts[key] = read.value;
    }
    if (errors[path]) continue;
    if (parts.min === undefined) {
      if (parts.max !== undefined || parts.step !== undefined) errors[path] = "give min (alone for a single value)";
      else if (schema.default === undefined) errors[path] = "required: give min (and max and step for a range)";
      continue;  // left to the model's default
    }
    const max = parts.max ?? parts.min;
    if (max < parts.min) { errors[path] = "max must be >= min"; continue; }
    const step = parts.step ?? (schema.type === "integer" || max === parts.min ? 1 : undefined);
    if (step === undefined) { errors[path] = "give a step for a range of numbers"; continue; }
    params.push({ name, min: parts.min, max, step, type: schema.type === "integer" ? "integer" : "number" });
  }
  if (params.length === 0 && Object.keys(errors).length === 0)
    errors["systems.grid"] = "give at least one parameter's values";
  const constraints = String(grid.constraints || "").split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  if (Object.keys(errors).length) return { errors };
  const systems = { generator: GRID, params };
  if (constraints.length) systems.constraints = constraints;
  return { systems };
}
