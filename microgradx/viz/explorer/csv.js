// Your own data: a CSV of x₀, x₁, label read in the page (FileReader; nothing leaves it).
// Integer labels 0 … k−1 make a classification task, any other numbers regression targets.

import { t } from "./i18n.js";
import { MAX_POINTS } from "./nn.js";

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MAX_CLASSES = 10;

function fail(key, params = {}) {
  throw new Error(t(key, params));
}

/** {X, y, regression, classes} from CSV text; an Error naming the line and value otherwise. */
export function parseCSV(text) {
  if (typeof text !== "string") fail("csv.notText", { type: typeof text });
  const X = [];
  const y = [];
  let header = false;
  const lines = text.split(/\r\n|\n|\r/);
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k].trim();
    if (!line || line.startsWith("#")) continue;
    const fields = line.split(/\s*[,;\t]\s*/);
    const numeric = fields.every((f) => NUMBER.test(f));
    if (!numeric && !X.length && !header && fields.length === 3) {
      header = true; // a first line of names: x0,x1,label
      continue;
    }
    if (fields.length !== 3) fail("csv.columns", { line: k + 1, got: fields.length, text: line.slice(0, 40) });
    const bad = fields.find((f) => !NUMBER.test(f));
    if (bad !== undefined) fail("csv.number", { line: k + 1, value: bad.slice(0, 20) });
    const [a, b, c] = fields.map(Number);
    if (![a, b, c].every(Number.isFinite)) fail("csv.number", { line: k + 1, value: line.slice(0, 40) });
    if (X.length === MAX_POINTS) fail("csv.tooMany", { max: MAX_POINTS });
    X.push([a, b]);
    y.push(c);
  }
  if (X.length < 4) fail("csv.few", { n: X.length });
  const labels = [...new Set(y)].sort((p, q) => p - q);
  const integers = labels.every((c) => Number.isInteger(c) && c >= 0);
  if (integers && labels.length <= MAX_CLASSES) {
    if (labels.length < 2) fail("csv.oneClass", { label: labels[0] });
    if (labels.at(-1) !== labels.length - 1) fail("csv.classes", { found: labels.join(", ") });
    return { X, y, regression: false, classes: labels.length };
  }
  return { X, y, regression: true, classes: 0 };
}
