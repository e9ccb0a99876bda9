// The page: tabs, keyboard, and `window.explorer`, the handle the browser tests drive.

import { RULES, fmt } from "./engine.js";
import { DATASETS } from "./nn.js";
import { ExpressionTab } from "./expression.js";
import { TrainingTab } from "./training.js";

const data = JSON.parse(document.getElementById("mgx-data").textContent);
const expression = new ExpressionTab(document.getElementById("tab-expression"), data.expression);
const training = new TrainingTab(document.getElementById("tab-training"), data.training);

function showTab(name) {
  for (const button of document.querySelectorAll("nav button[data-tab]")) {
    const active = button.dataset.tab === name;
    button.classList.toggle("active", active);
    document.getElementById(`tab-${button.dataset.tab}`).hidden = !active;
  }
}

for (const button of document.querySelectorAll("nav button[data-tab]")) {
  button.addEventListener("click", () => showTab(button.dataset.tab));
}
document.addEventListener("keydown", (event) => {
  if (!document.getElementById("tab-expression").hidden) expression.onKey(event);
  else training.sample?.onKey(event);
});
showTab(data.tab);

window.explorer = Object.freeze({
  /** Every node after a full backward: [{id, label, op, data, grad}], in topological order. */
  nodes: () => expression.nodes(),
  /** Set the input leaf `label` to `number` (as its slider would); throws where Python raises. */
  set: (label, number) => {
    expression.setLeaf(label, number);
    return expression.nodes();
  },
  /** Move the step-through cursor by n steps (negative: back); returns cursor(). */
  step: (n = 1) => {
    expression.moveTo(expression.cursor + n);
    return expression.cursorInfo();
  },
  /** {index, total, node_id}: steps taken, steps in the walk, the node of the last step. */
  cursor: () => expression.cursorInfo(),
  /** The nudge check: {delta: Δout, predicted: grad·h, grad} for input `label` moved by h. */
  nudge: (label, h) => expression.nudge(label, h),
  /** The page's number formatting (the drawings' viz._fmt). */
  fmt,
  /** The names of the page's rule table (ops.RULES' twin). */
  ops: () => Object.keys(RULES),
  /**
   * Train a fresh network in the page: {dataset, n, seed, layers (hidden widths), activation,
   * loss, optimizer, lr, epochs, batch_size} → {losses: [per epoch], val_losses, params}.
   */
  train: (options) => training.train(options),
  /** A dataset as the page draws it: {X, y} (the library's make_<name>(n, seed=seed)). */
  dataset: (name, n, seed) => DATASETS[name](n, seed),
  /** Show sample i's graph on the Training tab; returns its nodes after a full backward. */
  sample: (i) => training.showSample(i).nodes(),
});
