// The Training tab: TensorFlow Playground's controls on the library's maths (nn.js), plus
// what the Playground lacks: click a point to see that sample's graph and step its backward.

import { Value, topologicalOrder } from "./engine.js";
import { ExpressionTab } from "./expression.js";
import { layoutSvg } from "./layout.js";
import { LOSSES, epoch, namedParameters, setup, targetsFor } from "./nn.js";

const COLORS = [
  [59, 130, 246],
  [249, 115, 22],
  [34, 197, 94],
];
const GRID = 48;

function byName(root, name) {
  return root.querySelector(`[name="${name}"]`);
}

/** The graph of one sample's loss, as a tape (explore.py's format) with fresh leaves. */
export function sampleTape(run, index) {
  const { model, options, all } = run;
  const copy = new Map(model.parameters().map((p) => [p, new Value(p.data, p.label)]));
  const saved = model.layers.flat().map((neuron) => [neuron.w, neuron.b]);
  for (const neuron of model.layers.flat()) {
    neuron.w = neuron.w.map((w) => copy.get(w));
    neuron.b = copy.get(neuron.b);
  }
  const [x0, x1] = all.X[index];
  const pred = model.call([new Value(x0, "x0"), new Value(x1, "x1")]);
  model.layers.flat().forEach((neuron, k) => {
    [neuron.w, neuron.b] = saved[k];
  });
  const [target] = targetsFor(options.loss, [all.y[index]]);
  const loss = LOSSES[options.loss]([pred], [target]);
  const order = topologicalOrder(loss);
  const index_ = new Map(order.map((v, i) => [v, i]));
  return order.map((v, i) => ({
    id: i,
    label: v.label,
    op: v.fn ? v.fn.name : "",
    param: v.fn?.param ?? undefined,
    symbol: v.fn?.symbol,
    data: v.data,
    ...(v.constant ? { constant: true } : {}),
    ...(v.fn ? { inputs: v.parents.map((p) => index_.get(p)) } : {}),
  }));
}

export class TrainingTab {
  constructor(root, defaults) {
    this.root = root;
    this.form = root.querySelector("form.controls");
    if (defaults) {
      byName(this.form, "layers").value = defaults.layers.join(", ");
      byName(this.form, "activation").value = defaults.activation;
    }
    this.boundary = root.querySelector("canvas.boundary");
    this.curves = root.querySelector("canvas.curves");
    this.heatmaps = root.querySelector(".heatmaps");
    this.status = root.querySelector(".train-status");
    this.timer = null;
    this.form.addEventListener("change", () => this.reset());
    this.form.addEventListener("submit", (e) => e.preventDefault());
    root.querySelector(".play").addEventListener("click", () => this.toggle());
    root.querySelector(".step-epoch").addEventListener("click", () => this.step());
    root.querySelector(".reset").addEventListener("click", () => this.reset());
    this.boundary.addEventListener("click", (e) => this.pick(e));
    this.reset();
  }

  options() {
    const value = (name) => byName(this.form, name).value;
    const layers = value("layers")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map(Number);
    const dataset = value("dataset");
    let loss = value("loss");
    if (dataset === "spirals" && loss !== "cross_entropy") {
      loss = "cross_entropy"; // three classes: the binary losses do not apply
      byName(this.form, "loss").value = loss;
    }
    return {
      dataset,
      n: Number(value("n")),
      seed: Number(value("seed")),
      layers,
      activation: value("activation"),
      loss,
      optimizer: value("optimizer"),
      lr: value("lr") === "" ? undefined : Number(value("lr")),
      batch_size: value("batch_size") === "" ? undefined : Number(value("batch_size")),
    };
  }

  reset() {
    this.pause();
    try {
      this.run = setup(this.options());
      this.showError("");
    } catch (e) {
      this.showError(e.message);
      return;
    }
    this.draw();
  }

  step() {
    try {
      epoch(this.run);
    } catch (e) {
      this.pause();
      this.showError(e.message);
    }
    this.draw();
  }

  toggle() {
    if (this.timer !== null) {
      this.pause();
      return;
    }
    this.root.querySelector(".play").textContent = "❚❚ pause";
    const tick = () => {
      this.step();
      this.timer = this.timer === null ? null : setTimeout(tick, 30);
    };
    this.timer = setTimeout(tick, 0);
  }

  pause() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.root.querySelector(".play").textContent = "▶ play";
  }

  showError(message) {
    const box = this.root.querySelector(".train-error");
    box.textContent = message;
    box.hidden = !message;
  }

  // -- pictures -------------------------------------------------------------------------------

  extent() {
    const xs = this.run.all.X;
    const lo = [0, 1].map((k) => Math.min(...xs.map((p) => p[k])) - 0.5);
    const hi = [0, 1].map((k) => Math.max(...xs.map((p) => p[k])) + 0.5);
    return { lo, hi };
  }

  draw() {
    const { history } = this.run;
    const last = (a) => (a.length ? a.at(-1).toFixed(4) : "—");
    this.status.textContent =
      `epoch ${history.losses.length} · train loss ${last(history.losses)} · ` +
      `val loss ${last(history.valLosses)} · train accuracy ${
        history.accuracy.length ? (100 * history.accuracy.at(-1)).toFixed(1) + "%" : "—"
      }`;
    this.drawBoundary();
    this.drawCurves();
    this.drawHeatmaps();
  }

  /** Colour of an output: binary score → blue/orange by sign; classes → argmax colour. */
  shade(out) {
    if (out.length === 1) {
      const t = Math.tanh(this.run.options.loss === "mse" ? 2 * (out[0] - 0.5) : out[0]);
      const [r, g, b] = COLORS[t > 0 ? 1 : 0];
      return [r, g, b, Math.abs(t)];
    }
    let best = 0;
    out.forEach((o, k) => {
      if (o > out[best]) best = k;
    });
    return [...COLORS[best % COLORS.length], 0.7];
  }

  drawBoundary() {
    const ctx = this.boundary.getContext("2d");
    const { width, height } = this.boundary;
    const { lo, hi } = this.extent();
    ctx.clearRect(0, 0, width, height);
    const cw = width / GRID;
    const ch = height / GRID;
    for (let a = 0; a < GRID; a++) {
      for (let b = 0; b < GRID; b++) {
        const x = [lo[0] + ((a + 0.5) / GRID) * (hi[0] - lo[0]), hi[1] - ((b + 0.5) / GRID) * (hi[1] - lo[1])];
        const [r, g, bl, alpha] = this.shade(this.run.model.traceNumbers(x).at(-1));
        ctx.fillStyle = `rgba(${r},${g},${bl},${0.35 * alpha})`;
        ctx.fillRect(a * cw, b * ch, cw + 1, ch + 1);
      }
    }
    const { X, y } = this.run.all;
    X.forEach((p, i) => {
      const [px, py] = this.toPixel(p);
      ctx.beginPath();
      ctx.arc(px, py, i === this.picked ? 6 : 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${COLORS[y[i] % COLORS.length].join(",")})`;
      ctx.fill();
      ctx.lineWidth = i === this.picked ? 2.5 : 0.8;
      ctx.strokeStyle = i === this.picked ? "#dc2626" : "#1e293b";
      ctx.stroke();
    });
  }

  toPixel(p) {
    const { lo, hi } = this.extent();
    return [
      ((p[0] - lo[0]) / (hi[0] - lo[0])) * this.boundary.width,
      ((hi[1] - p[1]) / (hi[1] - lo[1])) * this.boundary.height,
    ];
  }

  drawCurves() {
    const ctx = this.curves.getContext("2d");
    const { width, height } = this.curves;
    ctx.clearRect(0, 0, width, height);
    const { losses, valLosses } = this.run.history;
    const all = [...losses, ...valLosses];
    ctx.strokeStyle = "#cbd5e1";
    ctx.strokeRect(30, 10, width - 40, height - 30);
    ctx.fillStyle = "#475569";
    ctx.font = "11px Helvetica, Arial, sans-serif";
    ctx.fillText("loss per epoch: train (blue), validation (orange)", 34, height - 6);
    if (!all.length) return;
    const top = Math.max(...all);
    const epochs = Math.max(losses.length, 2);
    const plot = (series, color) => {
      ctx.beginPath();
      series.forEach((v, k) => {
        const px = 30 + (k / (epochs - 1)) * (width - 40);
        const py = 10 + (1 - v / top) * (height - 30);
        if (k) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
      });
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      ctx.stroke();
    };
    plot(losses, "#1d4ed8");
    plot(valLosses, "#ea580c");
    ctx.fillText(top.toFixed(3), 2, 18);
  }

  drawHeatmaps() {
    const { model } = this.run;
    const { lo, hi } = this.extent();
    const size = 20;
    const layers = model.layers.map((layer) => layer.map(() => new Float64Array(size * size)));
    for (let a = 0; a < size; a++) {
      for (let b = 0; b < size; b++) {
        const x = [lo[0] + ((a + 0.5) / size) * (hi[0] - lo[0]), hi[1] - ((b + 0.5) / size) * (hi[1] - lo[1])];
        model.traceNumbers(x).forEach((outs, l) => {
          outs.forEach((o, j) => {
            layers[l][j][b * size + a] = o;
          });
        });
      }
    }
    this.heatmaps.replaceChildren();
    layers.forEach((neurons, l) => {
      const column = document.createElement("div");
      column.className = "layer";
      column.append(Object.assign(document.createElement("span"), { textContent: `L${l + 1}` }));
      neurons.forEach((values, j) => {
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = size;
        canvas.title = `L${l + 1}.N${j + 1}`;
        const ctx = canvas.getContext("2d");
        const scale = Math.max(1e-12, ...values.map(Math.abs));
        values.forEach((v, k) => {
          const t = v / scale;
          const [r, g, bl] = COLORS[t > 0 ? 1 : 0];
          ctx.fillStyle = `rgba(${r},${g},${bl},${Math.abs(t)})`;
          ctx.fillRect(k % size, Math.floor(k / size), 1, 1);
        });
        column.append(canvas);
      });
      this.heatmaps.append(column);
    });
  }

  // -- one sample's graph -----------------------------------------------------------------

  pick(event) {
    const rect = this.boundary.getBoundingClientRect();
    const px = ((event.clientX - rect.left) / rect.width) * this.boundary.width;
    const py = ((event.clientY - rect.top) / rect.height) * this.boundary.height;
    let best = 0;
    let bestD = Infinity;
    this.run.all.X.forEach((p, i) => {
      const [qx, qy] = this.toPixel(p);
      const d = (qx - px) ** 2 + (qy - py) ** 2;
      if (d < bestD) [best, bestD] = [i, d];
    });
    this.showSample(best);
  }

  showSample(index) {
    this.picked = index;
    this.drawBoundary();
    const tape = sampleTape(this.run, index);
    const panel = this.root.querySelector(".sample");
    panel.hidden = false;
    const params = new Set(this.run.model.parameters().map((p) => p.label));
    panel.querySelector(".graph").replaceChildren(layoutSvg(tape, params));
    for (const box of panel.querySelectorAll(".inputs, .nudge")) {
      box.replaceChildren(box.firstElementChild);
    }
    const [x0, x1] = this.run.all.X[index];
    panel.querySelector(".sample-title").textContent =
      `sample ${index}: x = (${x0.toFixed(3)}, ${x1.toFixed(3)}), label ${this.run.all.y[index]} — its loss, step by step`;
    this.sample = new ExpressionTab(panel, { nodes: tape }, ["x0", "x1"]);
    this.sample.moveTo(0);
    return this.sample;
  }

  /** window.explorer.train(): a fresh run of `epochs` epochs; its losses and parameters. */
  train(options) {
    this.pause();
    this.run = setup(options);
    const shown = { ...this.run.options, layers: options.layers.join(", ") };
    for (const [name, value] of Object.entries(shown)) {
      const field = byName(this.form, name);
      if (field && value !== undefined) field.value = String(value);
    }
    for (let k = 0; k < (options.epochs ?? 1); k++) epoch(this.run);
    this.draw();
    return {
      losses: this.run.history.losses,
      val_losses: this.run.history.valLosses,
      params: namedParameters(this.run.model),
    };
  }
}
