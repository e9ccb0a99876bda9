// A layered left-to-right drawing of a graph made in the page (one training sample's loss),
// in the same SVG structure Graphviz writes for the Expression tab: <g class="node"> with a
// <title> n{i} / o{i} and one <text> per record field, <g class="edge"> titled "n{j}->o{i}".
// So the Expression tab's code drives both pictures. Colours are draw_dot's palette.
//
// A neuron (tape entries with the same `group`, e.g. L1.N2) is drawn as one box unless it is
// expanded: the box carries the title of the neuron's output node, so its data and grad
// fields show the neuron's output and the edges leaving it bind as the output's edges.

const SVG = "http://www.w3.org/2000/svg";
const STYLE = {
  parameter: ["#dcfce7", "#15803d"],
  input: ["#dbeafe", "#1d4ed8"],
  intermediate: ["#f8fafc", "#64748b"],
  root: ["#fef3c7", "#b45309"],
  group: ["#ede9fe", "#6d28d9"],
};
const CHAR = 6.4; // px per character at 11px Helvetica, roughly
const ROW = 42;
const GAP = 200; // room between columns for the op ellipse and an edge's ∂ × upstream label

function svgEl(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function group(cls, title) {
  const g = svgEl("g", { class: cls });
  g.append(svgEl("title", {}, title));
  return g;
}

/** The drawn units: single tape entries, or one per collapsed neuron (at its output's place). */
function unitsOf(tape, expanded) {
  const collapsed = (e) => e.group !== undefined && !expanded.has(e.group);
  const last = new Map();
  tape.forEach((e, i) => {
    if (collapsed(e)) last.set(e.group, i);
  });
  const unitAt = new Array(tape.length);
  const units = [];
  const members = new Map();
  tape.forEach((e, i) => {
    if (collapsed(e)) {
      if (!members.has(e.group)) members.set(e.group, []);
      members.get(e.group).push(i);
      if (last.get(e.group) !== i) return;
      const unit = { group: e.group, out: i, members: members.get(e.group) };
      for (const m of unit.members) unitAt[m] = units.length;
      units.push(unit);
    } else {
      unitAt[i] = units.length;
      units.push({ out: i, members: [i] });
    }
  });
  for (const unit of units) {
    const inside = new Set(unit.members);
    const ins = unit.members.flatMap((m) => (tape[m].inputs ?? []).filter((j) => !inside.has(j)));
    unit.inputs = [...new Set(ins.map((j) => unitAt[j]))];
  }
  return { units, unitAt };
}

/**
 * An <svg> of `tape` (explore.py's format): ops one column right of their latest input.
 * Neurons not in `expanded` are one box each; clicking a neuron calls onToggle(its name).
 */
export function layoutSvg(tape, params, expanded = new Set(), onToggle = null) {
  const { units, unitAt } = unitsOf(tape, expanded);
  const n = units.length;
  const col = new Array(n).fill(0);
  units.forEach((u, k) => {
    if (u.inputs.length) col[k] = 1 + Math.max(...u.inputs.map((j) => col[j]));
  });
  const consumers = units.map(() => []);
  units.forEach((u, k) => u.inputs.forEach((j) => consumers[j].push(k)));
  units.forEach((u, k) => {
    if (!u.inputs.length && consumers[k].length) col[k] = Math.min(...consumers[k].map((c) => col[c])) - 1;
  });
  // Rows: tape order first, then two sweeps that sort each column by where its neighbours
  // sit (ops by their inputs, leaves by their consumers), so edges run mostly straight.
  const columns = new Map();
  units.forEach((_, k) => columns.set(col[k], [...(columns.get(col[k]) ?? []), k]));
  const row = new Array(n).fill(0);
  const place = () => columns.forEach((ids) => ids.forEach((k, r) => (row[k] = r)));
  place();
  const mean = (ids) => ids.reduce((s, j) => s + row[j], 0) / ids.length;
  for (let sweep = 0; sweep < 2; sweep++) {
    for (const c of [...columns.keys()].sort((p, q) => p - q)) {
      const key = (k) => (units[k].inputs.length ? mean(units[k].inputs) : consumers[k].length ? mean(consumers[k]) : row[k]);
      columns.get(c).sort((i, j) => key(i) - key(j) || i - j);
      place();
    }
  }
  const minCol = Math.min(...col);
  const maxCol = Math.max(...col);
  const rows = new Map([...columns].map(([c, ids]) => [c, ids.length]));
  // Each column as wide as its widest box, so a collapsed graph stays compact.
  const fieldsOf = (u) => {
    const label = u.group ? `⊕ ${u.group}` : tape[u.out].label;
    return [...(label ? [label] : []), "data −0.0000", "grad −0.0000 (9/9)"];
  };
  const boxWidth = (u) => fieldsOf(u).reduce((s, f) => s + f.length * CHAR + 12, 0);
  const colWidth = new Array(maxCol - minCol + 1).fill(0);
  units.forEach((u, k) => {
    colWidth[col[k] - minCol] = Math.max(colWidth[col[k] - minCol], boxWidth(u));
  });
  const colX = [];
  colWidth.reduce((x, w, c) => {
    colX[c] = x;
    return x + w + GAP;
  }, 60);
  const pos = units.map((_, k) => ({ x: colX[col[k] - minCol], y: 20 + row[k] * ROW }));
  const width = colX.at(-1) + colWidth.at(-1) + 40;
  const height = 40 + Math.max(...rows.values()) * ROW;
  const svg = svgEl("svg", { width, height, viewBox: `0 0 ${width} ${height}` });
  const edges = svgEl("g", {});
  const nodes = svgEl("g", {});
  svg.append(edges, nodes);
  const clickable = (g, name) => {
    if (!onToggle) return;
    g.addEventListener("click", () => {
      if (svg.parentElement?.dataset.moved !== "1") onToggle(name);
    });
  };
  units.forEach((u, k) => {
    const i = u.out;
    const e = tape[i];
    const role = u.group
      ? "group"
      : i === tape.length - 1
        ? "root"
        : e.inputs
          ? "intermediate"
          : params.has(e.label)
            ? "parameter"
            : "input";
    const [fill, stroke] = STYLE[role];
    const fields = fieldsOf(u);
    const widths = fields.map((f) => f.length * CHAR + 12);
    const { x, y } = pos[k];
    const g = group(u.group ? "node group" : e.group ? "node member" : "node", `n${i}`);
    if (u.group) clickable(g, u.group);
    else if (e.group) clickable(g, e.group);
    const total = widths.reduce((s, w) => s + w, 0);
    g.append(svgEl("rect", { x, y, width: total, height: 26, rx: 6, fill, stroke }));
    let left = x;
    fields.forEach((f, m) => {
      if (m) g.append(svgEl("path", { d: `M${left},${y}v26`, stroke }));
      const kind = m === fields.length - 1 ? "f-grad" : m === fields.length - 2 ? "f-data" : "f-label";
      g.append(svgEl("text", { class: kind, x: left + widths[m] / 2, y: y + 17, "text-anchor": "middle" }, f));
      left += widths[m];
    });
    if (u.group) g.querySelectorAll("text")[0].setAttribute("font-weight", "bold");
    pos[k].right = x + total;
    nodes.append(g);
    const oy = y + 13;
    const curve = (from, to, title, withText) => {
      const edge = group("edge", title);
      const sy = pos[from].y + 13;
      const sx = pos[from].right;
      edge.append(
        svgEl("path", {
          d: `M${sx},${sy}C${sx + 60},${sy} ${to - 60},${oy} ${to},${oy}`,
          stroke: "#64748b",
          fill: "none",
        }),
      );
      if (withText) {
        const attrs = { x: (sx + to) / 2, y: (sy + oy) / 2 - 4, "text-anchor": "middle", fill: "#b91c1c", "font-size": 10 };
        edge.append(svgEl("text", attrs, ""));
      }
      edges.append(edge);
    };
    if (u.group) {
      u.inputs.forEach((j) => curve(j, x, `u${j}->g${u.group}`, false));
      return;
    }
    if (!e.inputs) return;
    const ox = x - 40;
    const op = group("node", `o${i}`);
    op.append(svgEl("ellipse", { cx: ox, cy: oy, rx: 22, ry: 11, fill: "#e5e7eb", stroke: "#111827" }));
    op.append(svgEl("text", { x: ox, y: oy + 4, "text-anchor": "middle", "font-size": 10 }, e.symbol));
    nodes.append(op);
    const out = group("edge", `o${i}->n${i}`);
    out.append(svgEl("path", { d: `M${ox + 22},${oy}L${x},${oy}`, stroke: "#64748b", fill: "none" }));
    edges.append(out);
    e.inputs.forEach((j) => curve(unitAt[j], ox - 22, `n${j}->o${i}`, true));
  });
  svg.setAttribute("font-family", "Helvetica, Arial, sans-serif");
  svg.setAttribute("font-size", "11");
  return svg;
}
