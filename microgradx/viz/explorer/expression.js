// The Expression tab: the Graphviz picture made in Python, brought to life.
//
// Number boxes and sliders set the leaves; every node's data and grad follow live. The walk
// steps through the forward and the backward pass node by node: the current node is
// highlighted, each edge shows `local ∂ × upstream = contribution`, a node read by several
// others (fan-out) shows its running sum, and edges carrying almost nothing are greyed.
// In "predict" mode the learner guesses each contribution before the step reveals it.

import { Value, backward, fmt, ruleFor } from "./engine.js";
import { t } from "./i18n.js";
import { Walk } from "./stepper.js";
import { PanZoom } from "./viewport.js";

/** An edge is "vanishing" (greyed) when |contribution| < VANISHING · |root's grad|. */
export const VANISHING = 1e-2;

/** A guess is right within this relative tolerance (or PREDICT_ABS near zero). */
const PREDICT_REL = 5e-3;
const PREDICT_ABS = 1e-4;

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

/** A short decimal for a constant's name: 2, 0.5, −3.142. */
function shortNumber(x) {
  return String(Number(x.toPrecision(4))).replaceAll("-", "−");
}

const INFIX = { add: [" + ", 1], sub: [" − ", 1], mul: ["·", 2], div: [" / ", 2] };
const LONG = 14; // an input's name longer than this shows as "(…)" inside a longer name

/**
 * Names as the picture shows nodes: a label, a constant's value, or the op and its inputs
 * (x·w, x·w + b, tanh(x·w + b)); long inputs shorten to "(…)" so every name stays readable.
 */
export function nodeNames(values, inputs) {
  const names = [];
  const rank = []; // 1: a sum, 2: a product, 3: an atom or a function call
  values.forEach((v, i) => {
    rank[i] = 3;
    if (v.label) names[i] = v.label;
    else if (v.fn === null) names[i] = shortNumber(v.data);
    else {
      const sym = v.fn.symbol;
      const infix = INFIX[v.fn.name];
      const args = inputs[i].map((j, slot) => {
        const name = names[j];
        if (name.length > LONG) return "(…)";
        if (!infix) return name;
        const tight = slot === 1 && (v.fn.name === "sub" || v.fn.name === "div");
        return rank[j] < infix[1] || (tight && rank[j] === infix[1]) ? `(${name})` : name;
      });
      if (infix) {
        names[i] = args.join(infix[0]);
        rank[i] = infix[1];
      } else if (v.fn.arity === 2) names[i] = `${sym}(${args.join(", ")})`;
      else if (sym.startsWith("**")) names[i] = rank[inputs[i][0]] < 3 ? `(${args[0]})${sym}` : `${args[0]}${sym}`;
      else names[i] = `${sym}(${args[0]})`;
    }
  });
  return names;
}

export class ExpressionTab {
  /** `root`: the tab's element; `data.nodes`: the tape; `inputs`: labels given sliders (all). */
  constructor(root, data, inputs = null) {
    this.root = root;
    this.values = buildGraph(data.nodes);
    this.walk = new Walk(this.values);
    this.names = nodeNames(this.values, this.walk.inputs);
    this.cursor = this.walk.total;
    this.predicting = false;
    this.pending = null; // the backward step waiting for the learner's guesses
    this.score = { right: 0, total: 0 };
    // Every leaf that is not a constant can move; sliders only for `inputs` (by label).
    this.leaves = this.values
      .map((v, i) => ({ v, i }))
      .filter(({ v }) => v.fn === null && !v.constant);
    this.error = root.querySelector(".error");
    this.bindSvg(root.querySelector(".graph svg"), data.nodes);
    this.buildInputs(root.querySelector(".inputs"), inputs);
    this.buildNudge(root.querySelector(".nudge"));
    this.buildPredict(root.querySelector(".predict"));
    this.bindSteps();
    this.recompute();
  }

  // -- the picture ------------------------------------------------------------------------

  bindSvg(svg, tape) {
    this.panZoom = new PanZoom(svg, svg.parentElement, this.root.querySelector(".toolbar"));
    const byTitle = new Map();
    for (const g of svg.querySelectorAll("g.node, g.edge")) {
      const title = g.querySelector("title").textContent;
      if (!byTitle.has(title)) byTitle.set(title, []);
      byTitle.get(title).push(g);
    }
    this.byTitle = byTitle;
    const one = (title) => (byTitle.get(title) ?? [null])[0];
    this.boxes = this.values.map((v, i) => {
      const box = one(`n${i}`);
      if (box === null) return null; // inside a collapsed group (the Training tab's sample)
      const texts = box.querySelectorAll("text");
      const first = v.label ? 1 : 0;
      const data = box.querySelector("text.f-data") ?? texts[first];
      const grad = box.querySelector("text.f-grad") ?? texts[first + 1];
      return { box, op: one(`o${i}`), data, grad };
    });
    // A node inside a collapsed neuron is shown by the neuron's box (its output's box).
    const last = new Map();
    tape.forEach((e, i) => e.group !== undefined && last.set(e.group, i));
    this.owner = tape.map((e, i) => (this.boxes[i] === null && e.group !== undefined ? last.get(e.group) : null));
    // Edges parent → op; a node used twice by one op (x*x) has two edges with one title.
    const seen = new Map();
    this.edges = this.values.map((v, i) =>
      this.walk.inputs[i].map((j) => {
        const title = `n${j}->o${i}`;
        const k = seen.get(title) ?? 0;
        seen.set(title, k + 1);
        const g = (byTitle.get(title) ?? [])[k];
        return g ? { g, text: g.querySelector("text") } : null;
      }),
    );
  }

  /** Fit the picture to its box again (after the box was hidden or resized). */
  refit() {
    this.panZoom.fit();
  }

  render() {
    const view = this.walk.view(this.cursor);
    const n = this.values.length;
    const rootGrad = Math.abs(this.walk.stepAt(n - 1).upstream);
    this.values.forEach((v, i) => {
      const b = this.boxes[i];
      const current = view.current === i;
      if (b) {
        b.data.textContent = `data ${view.known[i] ? fmt(v.data) : "—"}`;
        b.grad.textContent = v.constant ? t("grad.constant") : `grad ${this.gradText(view, i)}`;
        b.box.classList.toggle("current", current);
        b.op?.classList.toggle("current", current);
      }
      const step = this.walk.stepAt(i);
      this.edges[i].forEach((edge, slot) => {
        if (edge === null) return;
        const local = step.locals[slot];
        const sent = step.sent[slot];
        let label = "";
        if (view.done[i]) {
          label =
            sent === null
              ? `∂ ${fmt(local)} · ${t("grad.constant")}`
              : `∂ ${fmt(local)} × ${fmt(step.upstream)} = ${fmt(sent)}`;
        } else if (view.known[i]) {
          label = `∂=${fmt(local)}`;
        }
        edge.text.textContent = label;
        edge.g.classList.toggle("current", current && view.phase === "backward");
        const faint = view.done[i] && sent !== null && !(Math.abs(sent) >= VANISHING * rootGrad);
        edge.g.classList.toggle("vanishing", faint);
      });
    });
    const owner = view.current === null ? null : this.owner[view.current];
    if (owner !== null && this.boxes[owner]) this.boxes[owner].box.classList.add("current");
    this.root.querySelector(".cursor-text").textContent = t("step.counter", {
      k: this.cursor,
      n: this.walk.total,
    });
    this.root.querySelector(".step-text").textContent = this.describe(view);
    this.renderPredict();
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
    if (view.phase === "start") return t("text.start");
    const i = view.current;
    const v = this.values[i];
    const name = this.names[i];
    if (view.phase === "forward") {
      if (v.fn === null) return t("text.fwdLeaf", { name, value: fmt(v.data) });
      const args = this.walk.inputs[i].map((j) => fmt(this.values[j].data)).join(", ");
      return t("text.fwdOp", { name, symbol: v.fn.symbol, args, value: fmt(v.data) });
    }
    if (v.constant) return t("text.bwdConst", { name });
    if (v.fn === null) return t("text.bwdLeaf", { name, grad: fmt(view.grads[i]) });
    const step = this.walk.stepAt(i);
    const sends = this.walk.inputs[i]
      .map((j, slot) => {
        const target = this.names[j];
        if (step.sent[slot] === null) return t("text.sendConst", { target });
        const local = fmt(step.locals[slot]);
        return t("text.send", { local, upstream: fmt(step.upstream), sent: fmt(step.sent[slot]), target });
      })
      .join("; ");
    return t("text.bwdOp", { name, symbol: v.fn.symbol, upstream: fmt(step.upstream), sends });
  }

  // -- inputs, stepping, nudging ------------------------------------------------------------

  /** A leaf's name in the controls: its label, with its node id when two leaves share it. */
  leafName(i) {
    const name = this.names[i];
    const same = this.leaves.filter(({ i: j }) => this.names[j] === name).length;
    return same > 1 ? `${name} #${i}` : name;
  }

  buildInputs(section, inputs) {
    this.controls = new Map();
    const shown = this.leaves.filter(
      ({ v }) => v.label && (inputs === null || inputs.includes(v.label)),
    );
    for (const { v, i } of shown) {
      const name = this.leafName(i);
      const span = Math.max(2, 2 * Math.abs(v.data));
      const slider = el("input", {
        type: "range",
        min: String(v.data - span),
        max: String(v.data + span),
        step: String(span / 500),
        value: String(v.data),
        "aria-label": `${name} slider`,
      });
      const box = el("input", {
        type: "number",
        step: "any",
        value: String(v.data),
        "aria-label": `${name} value`,
      });
      // Bound to the leaf itself (its id), not its label: two leaves may share a label.
      slider.addEventListener("input", () => this.setLeafAt(i, Number(slider.value), slider));
      box.addEventListener("change", () => this.setLeafAt(i, Number(box.value), box));
      this.controls.set(i, { slider, box });
      section.append(el("label", { class: "leaf", title: name }, el("b", {}, name), slider, box));
    }
    if (!shown.length) section.append(el("p", { class: "hint" }, t("inputs.none")));
  }

  buildNudge(section) {
    const select = el("select", { "aria-label": "nudged leaf" });
    for (const { i } of this.leaves) {
      select.append(el("option", { value: String(i) }, this.leafName(i)));
    }
    const h = el("input", { type: "number", step: "any", value: "0.001", "aria-label": "h" });
    const out = el("p", { class: "nudge-out" });
    const run = () => {
      if (!this.leaves.length) return;
      const r = this.nudgeAt(Number(select.value), Number(h.value));
      out.textContent = r.error
        ? t("nudge.error", { message: r.error })
        : t("nudge.out", { delta: fmt(r.delta), predicted: fmt(r.predicted), grad: fmt(r.grad) });
    };
    select.addEventListener("change", run);
    h.addEventListener("input", run);
    section.append(el("div", { class: "row" }, `${t("nudge.move")} `, select, ` ${t("nudge.by")} `, h), out);
    this.runNudge = run;
  }

  bindSteps() {
    const move = (to) => () => this.moveTo(to());
    const bar = this.root.querySelector(".toolbar");
    bar.querySelector(".step-start").addEventListener("click", move(() => 0));
    bar.querySelector(".step-back").addEventListener("click", move(() => this.cursor - 1));
    bar.querySelector(".step-fwd").addEventListener("click", move(() => this.cursor + 1));
    bar.querySelector(".step-end").addEventListener("click", move(() => this.walk.total));
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

  /** Move the cursor; in predict mode a backward step first waits for the learner's guesses. */
  moveTo(cursor) {
    const to = Math.max(0, Math.min(this.walk.total, cursor));
    if (this.predicting && to === this.cursor + 1 && to > this.values.length) {
      const step = this.walk.steps[to - this.values.length - 1];
      const slots = step.sent.map((s, slot) => slot).filter((slot) => step.sent[slot] !== null);
      if (slots.length) {
        if (this.pending?.to !== to) this.pending = { to, step, slots, results: [] };
        this.renderPredict();
        return;
      }
    }
    this.pending = null;
    this.cursor = to;
    this.render();
  }

  /** The leaf at node `i`, or a clear error. */
  leafAt(i) {
    const leaf = this.leaves.find(({ i: j }) => j === i);
    if (leaf === undefined) throw new Error(`set: node ${i} is not a leaf that can move`);
    return leaf;
  }

  /** The leaf named `label` (a label, or a node id); an error when none or several match. */
  findLeaf(label) {
    if (Number.isInteger(label)) return this.leafAt(label);
    const found = this.leaves.filter(({ v }) => v.label === label);
    if (!found.length) throw new Error(`set: no leaf named ${JSON.stringify(label)}`);
    if (found.length > 1) {
      const ids = found.map(({ i }) => i).join(", ");
      throw new Error(`set: ${found.length} leaves are named ${JSON.stringify(label)}; pass the node id (${ids})`);
    }
    return found[0];
  }

  setLeaf(label, number) {
    this.setLeafAt(this.findLeaf(label).i, number);
  }

  setLeafAt(i, number, from = null) {
    const leaf = this.leafAt(i);
    const name = this.leafName(i);
    if (!Number.isFinite(number)) throw new Error(`set: ${name} must be a finite number, got ${number}`);
    const previous = leaf.v.data;
    leaf.v.data = number;
    try {
      this.recompute();
    } catch (e) {
      leaf.v.data = previous;
      this.recompute();
      this.showError(t("error.set", { name, value: number, message: e.message }));
      throw e;
    }
    const controls = this.controls.get(i);
    if (controls) {
      if (from !== controls.slider) controls.slider.value = String(number);
      if (from !== controls.box) controls.box.value = String(number);
    }
  }

  recompute() {
    evaluate(this.values);
    this.walk.refresh();
    this.pending = null;
    this.showError("");
    this.render();
    this.runNudge?.();
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }

  nudge(label, h) {
    return this.nudgeAt(this.findLeaf(label).i, h);
  }

  /** Δout when leaf i moves by h, next to the first-order prediction grad·h. */
  nudgeAt(i, h) {
    const leaf = this.leafAt(i);
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
      result = { error: e.message };
    }
    this.values.forEach((v, k) => {
      v.data = saved[k];
    });
    return result;
  }

  // -- predict the gradient -----------------------------------------------------------------

  buildPredict(section) {
    this.predictText = el("p", { class: "predict-text" });
    this.guessBox = el("input", { type: "number", step: "any", "aria-label": "guess" });
    const check = el("button", { type: "button", class: "predict-check" }, t("predict.check"));
    const reveal = el("button", { type: "button", class: "predict-reveal" }, t("predict.reveal"));
    this.predictRow = el("div", { class: "predict-row" }, this.guessBox, check, reveal);
    this.predictResult = el("p", { class: "predict-result" });
    this.predictScore = el("p", { class: "hint" });
    check.addEventListener("click", () => {
      if (this.guessBox.value === "") this.predictResult.textContent = t("predict.waiting");
      else this.guess(Number(this.guessBox.value));
    });
    reveal.addEventListener("click", () => this.guess(null));
    this.guessBox.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && this.guessBox.value !== "") this.guess(Number(this.guessBox.value));
    });
    section.append(this.predictText, this.predictRow, this.predictResult, this.predictScore);
  }

  setPredict(on) {
    this.predicting = on;
    this.pending = null;
    this.renderPredict();
  }

  /** What the predict panel asks now: the slot waiting for a guess, or null. */
  question() {
    const p = this.pending;
    if (!p) return null;
    const slot = p.slots[p.results.length];
    const i = p.step.node;
    const j = this.walk.inputs[i][slot];
    return { slot, name: this.names[i], target: this.names[j], upstream: p.step.upstream };
  }

  renderPredict() {
    if (!this.predictText) return;
    const q = this.question();
    this.predictRow.hidden = q === null;
    if (!this.predicting) this.predictText.textContent = t("predict.idle");
    else if (q) {
      this.predictText.textContent = t("predict.ask", { ...q, upstream: fmt(q.upstream) });
    } else this.predictText.textContent = "";
    this.predictScore.textContent = this.score.total ? t("predict.score", this.score) : "";
  }

  /**
   * The learner's guess for the contribution asked (null: reveal it). Returns {correct,
   * answer, local, upstream, target}; after the step's last input the step is taken.
   */
  guess(value) {
    const q = this.question();
    if (q === null) throw new Error("guess: nothing to predict now (turn predict mode on and step into the backward pass)");
    if (value !== null && !Number.isFinite(value)) throw new Error(`guess: expected a finite number, got ${value}`);
    const { step } = this.pending;
    const answer = step.sent[q.slot];
    const local = step.locals[q.slot];
    const correct = value !== null && Math.abs(value - answer) <= PREDICT_REL * Math.abs(answer) + PREDICT_ABS;
    if (value !== null) {
      this.score.total += 1;
      if (correct) this.score.right += 1;
    }
    const numbers = { local: fmt(local), upstream: fmt(step.upstream), sent: fmt(answer) };
    this.predictResult.textContent = correct
      ? t("predict.right", numbers)
      : t("predict.wrong", { ...numbers, guess: value === null ? "—" : fmt(value) });
    this.predictResult.className = `predict-result ${correct ? "right" : "wrong"}`;
    this.guessBox.value = "";
    this.pending.results.push(correct);
    if (this.pending.results.length === this.pending.slots.length) {
      this.cursor = this.pending.to;
      this.pending = null;
      this.render();
    } else this.renderPredict();
    return { correct, answer, local, upstream: step.upstream, target: q.target };
  }

  // -- for window.explorer -------------------------------------------------------------------

  nodes() {
    return this.values.map((v, i) => ({
      id: i,
      label: v.label,
      name: this.names[i],
      op: v.fn === null ? "" : v.fn.name,
      data: v.data,
      grad: v.grad,
      ...(v.constant ? { constant: true } : {}),
    }));
  }

  cursorInfo() {
    const view = this.walk.view(this.cursor);
    const q = this.question();
    return {
      index: this.cursor,
      total: this.walk.total,
      node_id: view.current,
      waiting: q === null ? null : { node_id: this.pending.step.node, target: q.target },
    };
  }
}
