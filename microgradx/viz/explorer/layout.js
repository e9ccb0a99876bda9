// A layered left-to-right drawing of a graph made in the page (one training sample's loss),
// in the same SVG structure Graphviz writes for the Expression tab: <g class="node"> with a
// <title> n{i} / o{i} and one <text> per record field, <g class="edge"> titled "n{j}->o{i}".
// So the Expression tab's code drives both pictures. Colours are draw_dot's palette.

const SVG = "http://www.w3.org/2000/svg";
const STYLE = {
  parameter: ["#dcfce7", "#15803d"],
  input: ["#dbeafe", "#1d4ed8"],
  intermediate: ["#f8fafc", "#64748b"],
  root: ["#fef3c7", "#b45309"],
};
const CHAR = 6.4; // px per character at 11px Helvetica, roughly
const ROW = 42;
const COL = 380;

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

/** An <svg> of `tape` (explore.py's format): ops one column right of their latest input. */
export function layoutSvg(tape, params) {
  const n = tape.length;
  const col = new Array(n).fill(0);
  tape.forEach((e, i) => {
    if (e.inputs) col[i] = 1 + Math.max(...e.inputs.map((j) => col[j]));
  });
  const consumers = tape.map(() => []);
  tape.forEach((e, i) => (e.inputs ?? []).forEach((j) => consumers[j].push(i)));
  tape.forEach((e, i) => {
    if (!e.inputs && consumers[i].length) col[i] = Math.min(...consumers[i].map((c) => col[c])) - 1;
  });
  // Rows: tape order first, then two sweeps that sort each column by where its neighbours
  // sit (ops by their inputs, leaves by their consumers), so edges run mostly straight.
  const columns = new Map();
  tape.forEach((_, i) => columns.set(col[i], [...(columns.get(col[i]) ?? []), i]));
  const row = new Array(n).fill(0);
  const place = () => columns.forEach((ids) => ids.forEach((i, r) => (row[i] = r)));
  place();
  const mean = (ids) => ids.reduce((s, j) => s + row[j], 0) / ids.length;
  for (let sweep = 0; sweep < 2; sweep++) {
    for (const c of [...columns.keys()].sort((p, q) => p - q)) {
      const key = (i) => (tape[i].inputs ? mean(tape[i].inputs) : consumers[i].length ? mean(consumers[i]) : row[i]);
      columns.get(c).sort((i, j) => key(i) - key(j) || i - j);
      place();
    }
  }
  const rows = new Map([...columns].map(([c, ids]) => [c, ids.length]));
  const pos = tape.map((_, i) => ({ x: 20 + col[i] * COL, y: 20 + row[i] * ROW }));
  const width = 40 + (Math.max(...col) + 1) * COL;
  const height = 40 + Math.max(...rows.values()) * ROW;
  const svg = svgEl("svg", { width, height, viewBox: `0 0 ${width} ${height}` });
  const edges = svgEl("g", {});
  const nodes = svgEl("g", {});
  svg.append(edges, nodes);
  tape.forEach((e, i) => {
    const role = i === n - 1 ? "root" : e.inputs ? "intermediate" : params.has(e.label) ? "parameter" : "input";
    const [fill, stroke] = STYLE[role];
    const fields = [...(e.label ? [e.label] : []), "data −0.0000", "grad −0.0000 (9/9)"];
    const widths = fields.map((f) => f.length * CHAR + 12);
    const { x, y } = pos[i];
    const g = group("node", `n${i}`);
    const total = widths.reduce((s, w) => s + w, 0);
    g.append(svgEl("rect", { x, y, width: total, height: 26, rx: 6, fill, stroke }));
    let left = x;
    fields.forEach((f, k) => {
      if (k) g.append(svgEl("path", { d: `M${left},${y}v26`, stroke }));
      g.append(svgEl("text", { x: left + widths[k] / 2, y: y + 17, "text-anchor": "middle" }, f));
      left += widths[k];
    });
    pos[i].right = x + total;
    nodes.append(g);
    if (!e.inputs) return;
    const ox = x - 40;
    const oy = y + 13;
    const op = group("node", `o${i}`);
    op.append(svgEl("ellipse", { cx: ox, cy: oy, rx: 22, ry: 11, fill: "#e5e7eb", stroke: "#111827" }));
    op.append(svgEl("text", { x: ox, y: oy + 4, "text-anchor": "middle", "font-size": 10 }, e.symbol));
    nodes.append(op);
    const out = group("edge", `o${i}->n${i}`);
    out.append(svgEl("path", { d: `M${ox + 22},${oy}L${x},${oy}`, stroke: "#64748b", fill: "none" }));
    edges.append(out);
    e.inputs.forEach((j) => {
      const from = pos[j];
      const edge = group("edge", `n${j}->o${i}`);
      const sy = from.y + 13;
      edge.append(
        svgEl("path", {
          d: `M${from.right},${sy}C${from.right + 60},${sy} ${ox - 82},${oy} ${ox - 22},${oy}`,
          stroke: "#64748b",
          fill: "none",
        }),
      );
      const lx = (from.right + ox - 22) / 2;
      const ly = (sy + oy) / 2 - 4;
      edge.append(svgEl("text", { x: lx, y: ly, "text-anchor": "middle", fill: "#b91c1c", "font-size": 10 }, ""));
      edges.append(edge);
    });
  });
  svg.setAttribute("font-family", "Helvetica, Arial, sans-serif");
  svg.setAttribute("font-size", "11");
  return svg;
}
