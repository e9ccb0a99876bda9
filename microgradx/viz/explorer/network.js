// The Training tab's network view: neurons as circles, one edge per weight, coloured by the
// weight's sign and as wide as |w|; a red bar on each edge as long as |∂loss/∂w| of the last
// step (relative to the largest), which TensorFlow Playground does not show. Hover: numbers.

import { fmt } from "./engine.js";
import { t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const COL = 96;
const ROW = 30;
const R = 9;
const POSITIVE = "#2563eb";
const NEGATIVE = "#ea580c";

function svgEl(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

export class NetworkView {
  constructor(container) {
    this.container = container;
  }

  /** Draw the circles and edges of `model` once per run; update() moves only attributes. */
  build(model) {
    const sizes = model.sizes;
    const tallest = Math.max(...sizes);
    const width = 40 + (sizes.length - 1) * COL;
    const height = Math.max(100, 20 + tallest * ROW);
    const at = (l, i) => ({
      x: 20 + l * COL,
      y: height / 2 + (i - (sizes[l] - 1) / 2) * ROW,
    });
    const svg = svgEl("svg", { width, height, viewBox: `0 0 ${width} ${height}` });
    const edges = svgEl("g");
    const nodes = svgEl("g");
    svg.append(edges, nodes);
    this.edges = [];
    this.neurons = [];
    for (let i = 0; i < sizes[0]; i++) {
      const { x, y } = at(0, i);
      nodes.append(svgEl("circle", { cx: x, cy: y, r: R, fill: "#dbeafe", stroke: "#1d4ed8" }));
      const label = svgEl("text", { x, y: y + 4, "text-anchor": "middle", "font-size": 9 });
      label.textContent = `x${"₀₁₂₃₄₅₆₇₈₉"[i] ?? i}`;
      nodes.append(label);
    }
    model.layers.forEach((layer, l) => {
      layer.forEach((neuron, j) => {
        const to = at(l + 1, j);
        neuron.w.forEach((w, i) => {
          const from = at(l, i);
          const g = svgEl("g", { class: "weight" });
          const title = svgEl("title");
          const line = svgEl("line", { x1: from.x + R, y1: from.y, x2: to.x - R, y2: to.y });
          const bar = svgEl("line", { stroke: "#dc2626", "stroke-width": 3, "stroke-linecap": "round" });
          g.append(title, line, bar);
          edges.append(g);
          this.edges.push({ param: w, line, bar, title, from: [l, i], to: [l + 1, j], a: from, b: to });
        });
        const circle = svgEl("circle", { cx: to.x, cy: to.y, r: R, stroke: "#334155" });
        const title = svgEl("title");
        const g = svgEl("g", { class: "neuron" });
        g.append(title, circle);
        nodes.append(g);
        this.neurons.push({ param: neuron.b, name: `L${l + 1}.N${j + 1}`, circle, title });
      });
    });
    this.container.replaceChildren(svg);
  }

  /** Widths, colours and gradient bars from the parameters' current data and grad. */
  update() {
    const maxW = Math.max(1e-12, ...this.edges.map((e) => Math.abs(e.param.data)));
    const maxG = Math.max(1e-300, ...this.edges.map((e) => Math.abs(e.param.grad)));
    for (const e of this.edges) {
      const { data: w, grad } = e.param;
      e.line.setAttribute("stroke", w >= 0 ? POSITIVE : NEGATIVE);
      e.line.setAttribute("stroke-width", (0.4 + (4 * Math.abs(w)) / maxW).toFixed(2));
      e.line.setAttribute("stroke-opacity", "0.75");
      const mx = (e.a.x + e.b.x) / 2;
      const my = (e.a.y + e.b.y) / 2;
      const dx = e.b.x - e.a.x;
      const dy = e.b.y - e.a.y;
      const half = (0.2 * Math.abs(grad)) / maxG;
      e.bar.setAttribute("x1", (mx - dx * half).toFixed(1));
      e.bar.setAttribute("y1", (my - dy * half).toFixed(1));
      e.bar.setAttribute("x2", (mx + dx * half).toFixed(1));
      e.bar.setAttribute("y2", (my + dy * half).toFixed(1));
      e.bar.setAttribute("visibility", grad === 0 ? "hidden" : "visible");
      e.title.textContent = t("train.weightTitle", { name: e.param.label, w: fmt(w), grad: fmt(grad) });
    }
    const maxB = Math.max(1e-12, ...this.neurons.map((n) => Math.abs(n.param.data)));
    for (const n of this.neurons) {
      const b = n.param.data;
      const alpha = (0.15 + (0.6 * Math.abs(b)) / maxB).toFixed(2);
      n.circle.setAttribute("fill", b >= 0 ? `rgba(37,99,235,${alpha})` : `rgba(234,88,12,${alpha})`);
      n.title.textContent = t("train.neuronTitle", { name: n.name, b: fmt(b), grad: fmt(n.param.grad) });
    }
  }

  /** The numbers the view shows: every weight and bias with its gradient of the last step. */
  numbers() {
    return {
      weights: this.edges.map((e) => ({
        name: e.param.label,
        from: e.from,
        to: e.to,
        w: e.param.data,
        grad: e.param.grad,
        width: Number(e.line.getAttribute("stroke-width")),
        color: e.line.getAttribute("stroke"),
      })),
      biases: this.neurons.map((n) => ({ name: n.param.label, b: n.param.data, grad: n.param.grad })),
    };
  }
}
