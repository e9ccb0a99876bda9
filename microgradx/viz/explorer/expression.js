// The Expression tab: the Graphviz picture made in Python, brought to life.
//
// Sliders and number boxes set the input leaves; every node's data and grad follow live. The
// walk steps through the forward and the backward pass node by node: the current node is
// highlighted, each edge shows `local ∂ × upstream = contribution`, a node read by several
// others (fan-out) shows its running sum, and near-zero local derivatives are greyed.

import { Value, backward, fmt, ruleFor } from "./engine.js";
import { Walk } from "./stepper.js";

/** |local ∂| below this is "vanishing": the edge is greyed. */
export const VANISHING = 1e-2;

/** The graph of a tape written by explore.py: Values in topological order, root last. */
export function buildGraph(tape) {
  const values = [];
  for (const entry of tape) {
    const parents = (entry.inputs ?? []).map((j) => values[j]);
    let fn = null;
    if (entry.primitive) fn = pythonRule(entry);
    else if (entry.op) fn = ruleFor(entry.op, entry.param ?? null);
    const [a, b] = [parents[0] ?? null, parents[1] ?? null];
    values.push(new Value(entry.data, entry.label, fn, a, b, entry.constant === true));
  }
  return values;
}

/** A user-defined primitive (Python only): its value and local ∂ as Python computed them. */
function pythonRule(entry) {
  const local = entry.local.map((d) => d ?? NaN);
  const vjps = local.map((d) => (g) => g * d);
  return { name: entry.op, arity: local.length, forward: () => entry.data, vjps, symbol: entry.op };
}

/** Recompute every op node's data from its inputs, in order (the forward pass). */
export function forward(values) {
  for (const v of values) {
    if (v.fn === null) continue;
    const out = v.fn.arity === 1 ? v.fn.forward(v.a.data) : v.fn.forward(v.a.data, v.b.data);
    if (!Number.isFinite(out)) {
      throw new RangeError(`${v.fn.name}: result is not a finite float`);
    }
    v.data = out;
  }
}

/** The forward pass, then a full backward from the root with every grad starting at 0. */
export function evaluate(values) {
  forward(values);
  for (const v of values) v.grad = 0.0;
  backward(values[values.length - 1]);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

function nodeName(v, i) {
  return v.label || `node ${i}`;
}

export class ExpressionTab {
  /** `root`: the tab's element; `data.nodes`: the tape; `inputs`: labels given sliders (all). */
  constructor(root, data, inputs = null) {
    this.root = root;
    this.values = buildGraph(data.nodes);
    this.walk = new Walk(this.values);
    this.cursor = this.walk.total;
    this.leaves = this.values
      .map((v, i) => ({ v, i }))
      .filter(({ v }) => v.fn === null && v.label && (inputs === null || inputs.includes(v.label)));
    this.bindSvg(root.querySelector(".graph svg"));
    this.buildInputs(root.querySelector(".inputs"));
    this.buildNudge(root.querySelector(".nudge"));
    this.bindSteps();
    this.error = root.querySelector(".error");
    this.recompute();
  }

  // -- the picture ------------------------------------------------------------------------

  /** Shrink a wide picture to fit its box, but never below 60%: beyond that, scroll. */
  fit(svg) {
    const natural = svg.getBoundingClientRect().width;
    const room = svg.parentElement.clientWidth - 2;
    if (room > 0 && natural > room) {
      svg.style.width = `${natural * Math.max(room / natural, 0.6)}px`;
      svg.style.height = "auto";
    }
  }

  bindSvg(svg) {
    this.fit(svg);
    const byTitle = new Map();
    for (const g of svg.querySelectorAll("g.node, g.edge")) {
      const title = g.querySelector("title").textContent;
      if (!byTitle.has(title)) byTitle.set(title, []);
      byTitle.get(title).push(g);
    }
    const one = (title) => (byTitle.get(title) ?? [null])[0];
    this.boxes = this.values.map((v, i) => {
      const box = one(`n${i}`);
      const texts = box.querySelectorAll("text");
      const first = v.label ? 1 : 0;
      return { box, op: one(`o${i}`), data: texts[first], grad: texts[first + 1] };
    });
    // Edges parent → op; a node used twice by one op (x*x) has two edges with one title.
    const seen = new Map();
    this.edges = this.values.map((v, i) =>
      this.walk.inputs[i].map((j) => {
        const title = `n${j}->o${i}`;
        const k = seen.get(title) ?? 0;
        seen.set(title, k + 1);
        const g = byTitle.get(title)[k];
        return { g, text: g.querySelector("text") };
      }),
    );
  }

  render() {
    const view = this.walk.view(this.cursor);
    this.values.forEach((v, i) => {
      const b = this.boxes[i];
      b.data.textContent = `data ${view.known[i] ? fmt(v.data) : "—"}`;
      b.grad.textContent = `grad ${this.gradText(view, i)}`;
      const current = view.current === i;
      b.box.classList.toggle("current", current);
      b.op?.classList.toggle("current", current);
      this.edges[i].forEach((edge, slot) => {
        const step = this.walk.stepAt(i);
        const local = step.locals[slot];
        let label = "";
        if (view.done[i]) {
          label = `∂ ${fmt(local)} × ${fmt(step.upstream)} = ${fmt(step.sent[slot])}`;
        } else if (view.known[i]) {
          label = `∂=${fmt(local)}`;
        }
        edge.text.textContent = label;
        edge.g.classList.toggle("current", current && view.phase === "backward");
        edge.g.classList.toggle("vanishing", view.known[i] && Math.abs(local) < VANISHING);
      });
    });
    this.root.querySelector(".cursor-text").textContent =
      `step ${this.cursor} of ${this.walk.total}`;
    this.root.querySelector(".step-text").textContent = this.describe(view);
  }

  gradText(view, i) {
    if (view.phase !== "backward") return "—";
    const g = view.grads[i];
    if (g === null) return "—";
    const fanOut = this.walk.consumers[i];
    if (fanOut > 1) return `${fmt(g)} (${view.received[i]}/${fanOut})`;
    return fmt(g);
  }

  describe(view) {
    if (view.phase === "start") {
      return "Nothing computed yet. Step forward (→) to run the forward pass node by node.";
    }
    const i = view.current;
    const v = this.values[i];
    const name = nodeName(v, i);
    if (view.phase === "forward") {
      if (v.fn === null) return `forward: leaf ${name} holds ${fmt(v.data)}.`;
      const args = this.walk.inputs[i].map((j) => fmt(this.values[j].data)).join(", ");
      return `forward: ${name} = ${v.fn.symbol}(${args}) = ${fmt(v.data)}.`;
    }
    const step = this.walk.stepAt(i);
    if (v.fn === null) {
      return `backward: leaf ${name}: its grad ${fmt(view.grads[i])} is final, nothing to pass on.`;
    }
    const sends = this.walk.inputs[i]
      .map((j, slot) => {
        const local = fmt(step.locals[slot]);
        const target = nodeName(this.values[j], j);
        return `${local} × ${fmt(step.upstream)} = ${fmt(step.sent[slot])} to ${target}`;
      })
      .join("; ");
    return `backward: at the ${v.fn.symbol} node ${name}, upstream grad ${fmt(step.upstream)} × local ∂ → ${sends}.`;
  }

  // -- inputs, stepping, nudging ------------------------------------------------------------

  buildInputs(section) {
    this.controls = new Map();
    for (const { v } of this.leaves) {
      const span = Math.max(2, 2 * Math.abs(v.data));
      const slider = el("input", {
        type: "range",
        min: String(v.data - span),
        max: String(v.data + span),
        step: String(span / 500),
        value: String(v.data),
        "aria-label": `${v.label} slider`,
      });
      const box = el("input", {
        type: "number",
        step: "any",
        value: String(v.data),
        "aria-label": `${v.label} value`,
      });
      slider.addEventListener("input", () => this.setLeaf(v.label, Number(slider.value), slider));
      box.addEventListener("change", () => this.setLeaf(v.label, Number(box.value), box));
      this.controls.set(v.label, { slider, box });
      section.append(el("label", { class: "leaf" }, el("b", {}, v.label), slider, box));
    }
    if (!this.leaves.length) section.append(el("p", {}, "This graph has no labelled inputs."));
  }

  buildNudge(section) {
    const select = el("select", { "aria-label": "nudged input" });
    for (const { v } of this.leaves) select.append(el("option", { value: v.label }, v.label));
    const h = el("input", { type: "number", step: "any", value: "0.001", "aria-label": "h" });
    const out = el("p", { class: "nudge-out" });
    const run = () => {
      if (!this.leaves.length) return;
      const r = this.nudge(select.value, Number(h.value));
      out.textContent = r.error
        ? r.error
        : `Δout = ${fmt(r.delta)}   grad·h = ${fmt(r.predicted)}   (grad ${fmt(r.grad)})`;
    };
    select.addEventListener("change", run);
    h.addEventListener("input", run);
    section.append(el("div", { class: "row" }, "move ", select, " by h = ", h), out);
    this.runNudge = run;
  }

  bindSteps() {
    const move = (to) => () => this.moveTo(to());
    this.root.querySelector(".step-start").addEventListener("click", move(() => 0));
    this.root.querySelector(".step-back").addEventListener("click", move(() => this.cursor - 1));
    this.root.querySelector(".step-fwd").addEventListener("click", move(() => this.cursor + 1));
    this.root.querySelector(".step-end").addEventListener("click", move(() => this.walk.total));
  }

  /** Keyboard: ← → step, Home / End jump; ignored while typing in a box. */
  onKey(event) {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) {
      return;
    }
    const to = {
      ArrowRight: this.cursor + 1,
      ArrowLeft: this.cursor - 1,
      Home: 0,
      End: this.walk.total,
    }[event.key];
    if (to !== undefined) {
      event.preventDefault();
      this.moveTo(to);
    }
  }

  moveTo(cursor) {
    this.cursor = Math.max(0, Math.min(this.walk.total, cursor));
    this.render();
  }

  setLeaf(label, number, from = null) {
    const leaf = this.leaves.find(({ v }) => v.label === label);
    if (leaf === undefined) throw new Error(`set: no input named ${JSON.stringify(label)}`);
    if (!Number.isFinite(number)) throw new Error(`set: ${label} must be a finite number`);
    const previous = leaf.v.data;
    leaf.v.data = number;
    try {
      this.recompute();
    } catch (e) {
      leaf.v.data = previous;
      this.recompute();
      this.showError(`${label} = ${number}: ${e.message}`);
      throw e;
    }
    const { slider, box } = this.controls.get(label);
    if (from !== slider) slider.value = String(number);
    if (from !== box) box.value = String(number);
  }

  recompute() {
    evaluate(this.values);
    this.walk.refresh();
    this.showError("");
    this.render();
    this.runNudge?.();
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }

  /** Δout when input `label` moves by h, next to the first-order prediction grad·h. */
  nudge(label, h) {
    const leaf = this.leaves.find(({ v }) => v.label === label);
    const root = this.values[this.values.length - 1];
    const before = root.data;
    const grad = leaf.v.grad;
    const saved = this.values.map((v) => v.data);
    leaf.v.data += h;
    let result;
    try {
      forward(this.values);
      result = { delta: root.data - before, predicted: grad * h, grad };
    } catch (e) {
      result = { error: `cannot nudge: ${e.message}` };
    }
    this.values.forEach((v, i) => {
      v.data = saved[i];
    });
    return result;
  }

  nodes() {
    return this.values.map((v, i) => ({
      id: i,
      label: v.label,
      op: v.fn === null ? "" : v.fn.name,
      data: v.data,
      grad: v.grad,
    }));
  }

  cursorInfo() {
    const view = this.walk.view(this.cursor);
    return { index: this.cursor, total: this.walk.total, node_id: view.current };
  }
}
