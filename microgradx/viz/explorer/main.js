// The page: tabs, keyboard, the URL fragment, and `window.explorer`, the handle the browser
// tests drive (every control of the page has its call here).

import { RULES, fmt } from "./engine.js";
import { setStrings, translate } from "./i18n.js";
import { DATASETS } from "./nn.js";
import { ExpressionTab } from "./expression.js";
import { TrainingTab } from "./training.js";

const data = JSON.parse(document.getElementById("mgx-data").textContent);
const link = location.hash; // read before the Training tab writes its own run there
setStrings(data.strings);
translate(document);
const expression = new ExpressionTab(document.getElementById("tab-expression"), data.expression);
const training = new TrainingTab(document.getElementById("tab-training"), data.training);

function showTab(name) {
  for (const button of document.querySelectorAll("nav button[data-tab]")) {
    const active = button.dataset.tab === name;
    button.classList.toggle("active", active);
    document.getElementById(`tab-${button.dataset.tab}`).hidden = !active;
  }
  if (name === "expression") expression.refit();
  else training.sample?.refit();
}

const predictBox = document.querySelector("input[name=predict]");
function setPredict(on) {
  predictBox.checked = on;
  expression.setPredict(on);
  training.setPredict(on);
}

for (const button of document.querySelectorAll("nav button[data-tab]")) {
  button.addEventListener("click", () => showTab(button.dataset.tab));
}
predictBox.addEventListener("change", () => setPredict(predictBox.checked));
document.addEventListener("keydown", (event) => {
  if (!document.getElementById("tab-expression").hidden) expression.onKey(event);
  else training.sample?.onKey(event);
});
window.addEventListener("resize", () => {
  expression.refit();
  training.sample?.refit();
});

// A link with a run in its fragment opens on the Training tab with that run trained.
let opened = data.tab;
if (link.length > 1) {
  try {
    training.setState(TrainingTab.parseFragment(link));
    opened = "training";
  } catch (e) {
    training.showError(e.message);
  }
}
showTab(opened);

/** The sample's tab when one is shown on the Training tab, else the Expression tab. */
const active = () => (!document.getElementById("tab-training").hidden && training.sample) || expression;

window.explorer = Object.freeze({
  /** Every node after a full backward: [{id, label, name, op, data, grad}], in topological order. */
  nodes: () => expression.nodes(),
  /** Set leaf `label` (a label, or a node id when labels repeat) to `number`; throws where Python raises. */
  set: (label, number) => {
    expression.setLeaf(label, number);
    return expression.nodes();
  },
  /** Move the step-through cursor by n steps (negative: back); returns cursor(). */
  step: (n = 1) => {
    const tab = active();
    if (!Number.isInteger(n)) throw new Error(`step: n must be an integer, got ${n}`);
    tab.moveTo(tab.cursor + n);
    return tab.cursorInfo();
  },
  /** {index, total, node_id, waiting}: steps taken, steps in the walk, the last step's node. */
  cursor: () => active().cursorInfo(),
  /** The nudge check: {delta: Δout, predicted: grad·h, grad} for leaf `label` moved by h. */
  nudge: (label, h) => expression.nudge(label, h),
  /** Predict-the-gradient mode on or off (both tabs). */
  predict: (on = true) => {
    setPredict(Boolean(on));
    return Boolean(on);
  },
  /** The learner's guess for the contribution asked now (null: show it): {correct, answer, …}. */
  guess: (value) => active().guess(value),
  /** The page's number formatting (the drawings' viz._fmt). */
  fmt,
  /** The names of the page's rule table (ops.RULES' twin). */
  ops: () => Object.keys(RULES),
  /**
   * Train a fresh network in the page: {dataset, n, noise, ratio, seed, layers (hidden
   * widths), activation, loss, optimizer, lr, l2, batch_size, epochs} → {losses, val_losses,
   * params}, as fit(model, …, l2=l2, val=…) on train_val_test_split(…, (ratio, 1 − ratio, 0)).
   */
  train: (options) => training.train(options),
  /** Train `epochs` more epochs of the current run (as play does); returns state(). */
  more: (epochs = 1) => {
    if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`more: epochs must be an integer >= 1, got ${epochs}`);
    training.more(epochs);
    return training.state();
  },
  /** Change the learning rate from the next epoch on; the weights and optimizer state stay. */
  setLr: (lr) => {
    training.setLr(lr);
    return training.state();
  },
  /** The run as data: settings, epochs trained, learning-rate changes ([epoch, lr]). */
  state: () => training.state(),
  /** Rebuild the run of state() (trains its epochs): the same numbers, bit for bit. */
  setState: (state) => training.setState(state),
  /** The URL fragment of the run (the address bar shows it too). */
  fragment: () => training.fragment(),
  /** Open a fragment written by fragment(): setState of what it says. */
  openFragment: (text) => training.setState(TrainingTab.parseFragment(String(text))),
  /** Use CSV text (x₀, x₁, label) as the Training tab's data: {n, regression, classes, X, y}. */
  loadCSV: (text) => training.loadCSV(text),
  /** The network view's numbers: every weight and bias with its last gradient, width, colour. */
  network: () => training.network.numbers(),
  /** The current run's parameters by name. */
  params: () => training.params(),
  /** A dataset as the page draws it: {X, y} (the library's make_<name>(n, noise, seed=seed)). */
  dataset: (name, n, seed, noise) => {
    if (typeof name !== "string" || !Object.hasOwn(DATASETS, name)) {
      throw new Error(`dataset: unknown dataset ${JSON.stringify(name)}; choose one of ${Object.keys(DATASETS).join(", ")}`);
    }
    return noise === undefined ? DATASETS[name](n, seed) : DATASETS[name](n, seed, noise);
  },
  /** Show sample i's graph on the Training tab; returns its nodes after a full backward. */
  sample: (i) => training.showSample(i).nodes(),
  /** Open (true) or close every neuron of the sample's graph; returns the number of boxes. */
  expandNeurons: (open = true) => {
    training.expandAll(Boolean(open));
    return document.querySelectorAll("section.sample g.node").length;
  },
});
