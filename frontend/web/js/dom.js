// Small DOM helpers shared by the views: build an element tree, empty a node.

// el("td", {class: "num", dataset: {testid: "x"}}, "text", childNode, ...)
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name in node && typeof value !== "string") node[name] = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

// A progress bar: `fraction` in [0, 1], or null for "unknown" (an indeterminate bar).
export function progressBar(fraction) {
  const bar = el("div", { class: fraction === null ? "bar unknown" : "bar", role: "progressbar" });
  if (fraction !== null) bar.setAttribute("aria-valuenow", String(Math.round(fraction * 100)));
  bar.append(el("span", { style: `width: ${fraction === null ? 30 : Math.round(fraction * 100)}%` }));
  return bar;
}
