// The job form: a model (its parameters from GET /api/models), its systems (a generator, a
// pasted table or an uploaded CSV/JSON file), a procedure with its parameters and the common
// fields, each with its default and help. Checked in the page (validate.js) before it is sent;
// the server's errors are shown next to the field they name. Also: the one-click example job.

import { api } from "./api.js";
import { clear, el } from "./dom.js";
import { GRID, GRID_HELP, buildSpec, gridParams, serverErrorsByField } from "./validate.js";

// The example job: ten normal systems in the slippage configuration; system 0 is the best.
export const EXAMPLE_JOB = {
  model: "normal", procedure: "kn",
  fields: { delta: "0.1", alpha: "0.05", n0: "20", seed: "42" },
  systems: { source: "generator", generator: "configuration",
    params: { k: "10", means: "slippage", delta: "0.1", variances: "equal" } },
};

function describe(schema) {
  const help = (schema.help || "").trim();
  const sentence = help && !/[.!?]$/.test(help) ? `${help}.` : help;
  return schema.default !== undefined ? `${sentence} Default ${schema.default}.`.trim() : sentence;
}

// The form key of a spec path: "systems.k" -> "gen:k", "params.budget" -> "param:budget",
// "systems.list" -> "table", "systems.grid.mu" -> "grid:mu", "delta" -> "field:delta".
function formKey(path) {
  if (path === "systems.list") return "table";
  if (path.startsWith("systems.grid.")) return `grid:${path.slice(13)}`;
  if (path === "systems.constraints") return "grid-constraints";
  if (path.startsWith("systems.")) return `gen:${path.slice(8)}`;
  if (path.startsWith("params.")) return `param:${path.slice(7)}`;
  return `field:${path}`;
}

function specPath(key) {
  if (key === "table") return "systems.list";
  if (key.startsWith("grid:")) return `systems.grid.${key.slice(5)}`;
  if (key === "grid-constraints") return "systems.constraints";
  if (key.startsWith("gen:")) return `systems.${key.slice(4)}`;
  if (key.startsWith("param:")) return `params.${key.slice(6)}`;
  return key.slice(6);
}

// The common fields in the order a person decides them; others after, as the server lists them.
const FIELD_ORDER = ["delta", "alpha", "n0", "seed", "crn", "maximize"];
function fieldRank(path) {
  const rank = FIELD_ORDER.indexOf(path);
  return rank < 0 ? FIELD_ORDER.length : rank;
}

// Drops the inputs under `prefix` (their part of the form is being redrawn).
function forget(form, prefix) {
  for (const key of [...form.inputs.keys()]) if (key.startsWith(prefix)) form.inputs.delete(key);
  for (const key of [...form.errors.keys()]) if (key.startsWith(prefix)) form.errors.delete(key);
}

// One labelled input for `schema`, registered under form key `path` for values and errors.
function field(form, path, label, schema) {
  const id = `f-${path.replace(/[^\w]/g, "-")}`;
  let input;
  if (schema.type === "boolean" && schema.default !== undefined) {
    input = el("input", { type: "checkbox", id, checked: schema.default === true });
  } else if (schema.type === "boolean") {  // no default: "absent" must stay possible
    input = el("select", { id }, el("option", { value: "" }, "(not set)"),
      el("option", { value: "true" }, "true"), el("option", { value: "false" }, "false"));
  } else if (schema.enum) {
    input = el("select", { id }, el("option", { value: "" }, schema.default !== undefined ? `(default ${schema.default})` : "—"),
      schema.enum.map((v) => el("option", { value: String(v) }, String(v))));
  } else {
    input = el("input", { type: "text", id, inputmode: schema.type === "string" ? "text" : "decimal",
      placeholder: schema.default !== undefined ? String(schema.default) : "" });
  }
  input.dataset.path = path;
  const error = el("div", { class: "field-error", dataset: { errorFor: path } });
  form.inputs.set(path, input);
  form.errors.set(path, { input, error });
  return el("div", { class: "field" }, el("label", { for: id }, label), input, el("div", { class: "help" }, describe(schema)), error);
}

function readInputs(form, prefix) {
  const values = {};
  for (const [path, input] of form.inputs) {
    if (!path.startsWith(prefix)) continue;
    values[path.slice(prefix.length)] = input.type === "checkbox" ? input.checked : input.value;
  }
  return values;
}

export class SubmitView {
  constructor(root, onSubmitted) {
    this.root = root;
    this.onSubmitted = onSubmitted;
    this.catalog = null;
  }

  // Loads the catalog each time: the models users bring come and go with the nodes offering
  // them. The form is redrawn only when the list of models changed.
  async show() {
    if (!this.catalog) clear(this.root).append(el("p", { class: "muted" }, "Loading models…"));
    let catalog;
    try {
      catalog = await api.models();
    } catch (e) {
      if (!this.catalog) clear(this.root).append(el("p", { class: "form-error" }, `Cannot load the models: ${e.message}`));
      return;
    }
    const names = (c) => JSON.stringify(c.models.map((m) => [m.name, m.kind, m.schema]));
    if (this.catalog && names(this.catalog) === names(catalog)) return;
    this.catalog = catalog;
    this.render();
  }

  render() {
    const catalog = this.catalog;
    this.form = { inputs: new Map(), errors: new Map() };
    this.modelSelect = el("select", { id: "model", dataset: { path: "model" }, onchange: () => this.renderModel() },
      catalog.models.map((m) => el("option", { value: m.name }, m.kind && m.kind !== "built-in" ? `${m.name} (${m.kind})` : m.name)));
    this.procedureSelect = el("select", { id: "procedure", dataset: { path: "procedure" }, onchange: () => this.renderProcedure() },
      catalog.procedures.map((p) => el("option", { value: p.name }, p.name)));
    this.modelPart = el("div");
    this.procedurePart = el("div");
    this.formError = el("div", { class: "form-error", dataset: { testid: "form-error" } });
    const common = Object.entries(catalog.fields || {}).sort(([a], [b]) => fieldRank(a) - fieldRank(b))
      .map(([path, schema]) => field(this.form, `field:${path}`, path, schema));
    this.root.replaceChildren(
      el("h1", {}, "New job"),
      el("form", { id: "job-form", novalidate: true, onsubmit: (e) => { e.preventDefault(); this.submit(); } },
        el("fieldset", {}, el("legend", {}, "Model and systems"),
          el("div", { class: "field" }, el("label", { for: "model" }, "model"), this.modelSelect, el("div", { class: "help", id: "model-help" })),
          this.modelPart),
        el("fieldset", {}, el("legend", {}, "Procedure"),
          el("div", { class: "field" }, el("label", { for: "procedure" }, "procedure"), this.procedureSelect, el("div", { class: "help", id: "procedure-help" })),
          this.procedurePart),
        el("fieldset", {}, el("legend", {}, "Requirements and run"), common),
        this.formError,
        el("div", { class: "actions" },
          el("button", { type: "submit", id: "submit-job" }, "Submit job"),
          el("button", { type: "button", class: "secondary", id: "example-job", onclick: () => this.submitExample() }, "Run the example job"))));
    this.renderModel();
    this.renderProcedure();
  }

  model() { return this.catalog.models.find((m) => m.name === this.modelSelect.value); }

  // The systems part: a generator with its parameters, or a table (pasted or from a file).
  renderModel() {
    const model = this.model();
    document.getElementById("model-help").textContent = model.description || "";
    forget(this.form, "gen:");
    const generators = [...Object.keys(model.schema.generators || {}), GRID];
    const paramNames = Object.keys(model.schema.params || {});
    this.generatorSelect = el("select", { id: "generator", onchange: () => this.renderGenerator() },
      generators.map((name) => el("option", { value: name }, name)));
    this.generatorPart = el("div");
    this.table = el("textarea", { id: "systems-table", dataset: { path: "systems.list" },
      placeholder: `${paramNames.join(",")}\n${paramNames.map(() => "…").join(",")}` });
    const tableError = el("div", { class: "field-error", dataset: { errorFor: "systems.list" } });
    this.form.errors.set("table", { input: this.table, error: tableError });
    const file = el("input", { type: "file", id: "systems-file", accept: ".csv,.tsv,.txt,.json",
      onchange: async (e) => { if (e.target.files[0]) { this.table.value = await e.target.files[0].text(); this.setSource("table"); } } });
    const radio = (value, label) => el("label", {}, el("input", { type: "radio", name: "systems-source", value,
      checked: value === "generator", onchange: () => this.setSource(value) }), ` ${label} `);
    this.generatorBox = el("div", {}, el("div", { class: "field" }, el("label", { for: "generator" }, "generator"),
      this.generatorSelect, el("div", { class: "help", id: "generator-help" })), this.generatorPart);
    this.tableBox = el("div", { hidden: true },
      el("div", { class: "field" }, el("label", { for: "systems-table" }, "systems table"), this.table,
        el("div", { class: "help" }, `One row per system with a header row of parameter names (${paramNames.join(", ")}); CSV, TSV or JSON. Or load a file: `, file),
        tableError));
    this.modelPart.replaceChildren(el("div", { class: "field" }, el("span", {}, "systems from"),
      el("div", {}, radio("generator", "the model's generator"), radio("table", "a table or file"))), this.generatorBox, this.tableBox);
    this.renderGenerator();
  }

  setSource(source) {
    for (const r of this.root.querySelectorAll("input[name=systems-source]")) r.checked = r.value === source;
    this.generatorBox.hidden = source !== "generator";
    this.tableBox.hidden = source !== "table";
  }

  source() { return this.root.querySelector("input[name=systems-source]:checked").value; }

  renderGenerator() {
    forget(this.form, "grid");
    if (this.generatorSelect.value === GRID) return this.renderGrid();
    const generator = (this.model().schema.generators || {})[this.generatorSelect.value] || { params: {} };
    document.getElementById("generator-help").textContent = generator.help || "";
    forget(this.form, "gen:");
    this.generatorPart.replaceChildren(...Object.entries(generator.params || {})
      .map(([name, schema]) => field(this.form, `gen:${name}`, name, schema)));
  }

  // The grid: min, max and step for each numeric parameter, and linear constraints.
  renderGrid() {
    document.getElementById("generator-help").textContent = GRID_HELP;
    forget(this.form, "gen:");
    this.gridInputs = {};
    const rows = gridParams(this.model().schema.params || {}).map(([name, schema]) => {
      const id = (key) => `grid-${name.replace(/[^\w]/g, "-")}-${key}`;
      const inputs = Object.fromEntries(["min", "max", "step"].map((key) => [key,
        el("input", { type: "text", id: id(key), inputmode: "decimal", "aria-label": `${name} ${key}`,
          placeholder: key === "min" && schema.default !== undefined ? String(schema.default) : key })]));
      this.gridInputs[name] = inputs;
      const error = el("div", { class: "field-error", dataset: { errorFor: `grid:${name}` } });
      this.form.errors.set(`grid:${name}`, { input: inputs.min, error });
      return el("div", { class: "field" }, el("label", { for: id("min") }, name),
        el("div", { class: "grid-range" }, inputs.min, inputs.max, inputs.step),
        el("div", { class: "help" }, describe(schema)), error);
    });
    this.gridConstraints = el("textarea", { id: "grid-constraints", placeholder: "r1 + r2 + r3 == 20" });
    const constraintsError = el("div", { class: "field-error", dataset: { errorFor: "grid-constraints" } });
    this.form.errors.set("grid-constraints", { input: this.gridConstraints, error: constraintsError });
    this.generatorPart.replaceChildren(...rows, el("div", { class: "field" },
      el("label", { for: "grid-constraints" }, "constraints"), this.gridConstraints,
      el("div", { class: "help" }, "One per line, linear in the parameters; ==, <=, >=, < or >."), constraintsError));
  }

  gridValues() {
    if (this.generatorSelect.value !== GRID) return undefined;
    const params = Object.fromEntries(Object.entries(this.gridInputs).map(([name, inputs]) =>
      [name, Object.fromEntries(Object.entries(inputs).map(([key, input]) => [key, input.value]))]));
    return { params, constraints: this.gridConstraints.value };
  }

  renderProcedure() {
    const procedure = this.catalog.procedures.find((p) => p.name === this.procedureSelect.value);
    document.getElementById("procedure-help").textContent = [describe(procedure),
      procedure.guarantee_words ? `Guarantee: ${procedure.guarantee_words}.` : ""].join(" ").trim();
    forget(this.form, "param:");
    this.procedurePart.replaceChildren(...Object.entries(procedure.params || {})
      .map(([name, schema]) => field(this.form, `param:${name}`, `params.${name}`, schema)));
  }

  formValues() {
    return {
      model: this.modelSelect.value, procedure: this.procedureSelect.value,
      fields: readInputs(this.form, "field:"), procedureParams: readInputs(this.form, "param:"),
      systems: { source: this.source(), generator: this.generatorSelect.value, params: readInputs(this.form, "gen:"),
        table: this.table.value, grid: this.gridValues() },
    };
  }

  // Shows `errors` ({path: message or [messages]}) next to their fields; returns how many.
  showErrors(errors, general = []) {
    for (const { input, error } of this.form.errors.values()) { error.textContent = ""; input.classList.remove("invalid"); }
    const unplaced = [...general];
    for (const [path, message] of Object.entries(errors)) {
      const target = this.form.errors.get(formKey(path));
      const text = Array.isArray(message) ? message.join("; ") : message;
      if (!target) { unplaced.push(`${path}: ${text}`); continue; }
      target.error.textContent = text;
      target.input.classList.add("invalid");
    }
    this.formError.textContent = unplaced.join("\n");
    return Object.keys(errors).length + general.length;
  }

  knownPaths() {
    return [...this.form.errors.keys()].map(specPath);
  }

  async submit() {
    const { spec, errors } = buildSpec(this.formValues(), this.catalog);
    if (this.showErrors(errors)) return;
    const button = document.getElementById("submit-job");
    button.disabled = true;
    try {
      const accepted = await api.submit(spec);
      this.onSubmitted(accepted.job_id);
    } catch (e) {
      const { fields, general } = serverErrorsByField(e.message, this.knownPaths());
      this.showErrors(fields, general.length || Object.keys(fields).length ? general : [e.message]);
    } finally {
      button.disabled = false;
    }
  }

  // Fills the form with EXAMPLE_JOB and submits it.
  async submitExample() {
    this.fill(EXAMPLE_JOB);
    await this.submit();
  }

  fill(values) {
    this.modelSelect.value = values.model;
    this.renderModel();
    this.procedureSelect.value = values.procedure;
    this.renderProcedure();
    this.setSource(values.systems.source);
    this.generatorSelect.value = values.systems.generator;
    this.renderGenerator();
    const set = (prefix, entries) => {
      for (const [name, value] of Object.entries(entries || {})) {
        const input = this.form.inputs.get(`${prefix}${name}`);
        if (!input) continue;
        if (input.type === "checkbox") input.checked = value === true || value === "true";
        else input.value = value;
      }
    };
    set("field:", values.fields);
    set("gen:", values.systems.params);
    set("param:", values.procedureParams);
  }
}
