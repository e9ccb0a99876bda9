// The loss curves with their axes: loss (values) against epochs, train and validation.
// At most one point per pixel column is drawn, however many epochs the run has.

import { t } from "./i18n.js";

const TRAIN = "#1d4ed8";
const VAL = "#ea580c";

/** About `count` round tick values from 0 to `top` (steps of 1, 2 or 5 × 10^k). */
export function ticks(top, count) {
  if (!(top > 0)) return [0];
  const raw = top / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const out = [];
  for (let v = 0; v <= top * (1 + 1e-9); v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function label(v) {
  return Number(v.toPrecision(3)).toString();
}

export function drawCurves(canvas, history) {
  const ctx = canvas.getContext("2d");
  const { width, height } = canvas;
  const left = 46;
  const right = 10;
  const top = 18;
  const bottom = 34;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  ctx.clearRect(0, 0, width, height);
  const { losses, valLosses } = history;
  const finite = [...losses, ...valLosses].filter(Number.isFinite);
  const epochs = Math.max(losses.length, 1);
  let highest = 0;
  for (const v of finite) highest = Math.max(highest, v);
  const yTicks = ticks(highest || 1, 4);
  const yTop = yTicks.at(-1) < highest ? highest : yTicks.at(-1);
  const xTicks = ticks(epochs, 5).filter((v) => Number.isInteger(v));
  const xTop = Math.max(epochs, xTicks.at(-1));
  const px = (e) => left + (e / xTop) * plotW;
  const py = (v) => top + (1 - v / yTop) * plotH;
  ctx.font = "11px Helvetica, Arial, sans-serif";
  ctx.strokeStyle = "#e2e8f0";
  ctx.fillStyle = "#475569";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  for (const v of yTicks) {
    ctx.beginPath();
    ctx.moveTo(left, py(v));
    ctx.lineTo(left + plotW, py(v));
    ctx.stroke();
    ctx.fillText(label(v), left - 4, py(v) + 4);
  }
  ctx.textAlign = "center";
  for (const e of xTicks) ctx.fillText(String(e), px(e), top + plotH + 14);
  ctx.strokeStyle = "#64748b";
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, top + plotH);
  ctx.lineTo(left + plotW, top + plotH);
  ctx.stroke();
  ctx.fillText(t("train.epochAxis"), left + plotW / 2, height - 4);
  ctx.save();
  ctx.translate(11, top + plotH / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(t("train.lossAxis"), 0, 0);
  ctx.restore();
  ctx.textAlign = "left";
  const legend = [
    [t("train.curveTrain"), TRAIN],
    [t("train.curveVal"), VAL],
  ];
  let lx = left + 8;
  for (const [name, color] of legend) {
    ctx.fillStyle = color;
    ctx.fillRect(lx, 5, 14, 3);
    ctx.fillStyle = "#334155";
    ctx.fillText(name, lx + 18, 11);
    lx += 26 + ctx.measureText(name).width;
  }
  // Epoch k's loss is measured after k + 1 epochs: plotted at x = k + 1.
  const plot = (series, color) => {
    const stride = Math.max(1, Math.ceil(series.length / plotW));
    ctx.beginPath();
    let started = false;
    for (let k = 0; k < series.length; k += stride) {
      const v = series[k];
      if (!Number.isFinite(v)) continue;
      if (started) ctx.lineTo(px(k + 1), py(v));
      else ctx.moveTo(px(k + 1), py(v));
      started = true;
    }
    if (series.length && Number.isFinite(series.at(-1))) ctx.lineTo(px(series.length), py(series.at(-1)));
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.stroke();
  };
  plot(losses, TRAIN);
  plot(valLosses, VAL);
}
