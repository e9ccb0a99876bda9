// Fit a picture to its box, zoom (wheel, buttons) and pan (drag) by moving the SVG's viewBox:
// the drawing itself never changes, so every number stays where the layout put it.

/** Never enlarge a small picture more than this when fitting it. */
const MAX_FIT = 1.5;

export class PanZoom {
  /** `svg` with a viewBox, inside `box`; `toolbar` holds .zoom-in/.zoom-out/.zoom-fit. */
  constructor(svg, box, toolbar = null) {
    this.svg = svg;
    this.box = box;
    const vb = svg.viewBox.baseVal;
    this.full = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    this.view = { ...this.full };
    this.moved = false; // set by a drag, so a click that ends a drag is not a click
    box.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
    box.addEventListener("pointerdown", (e) => this.onDown(e));
    if (toolbar) {
      toolbar.querySelector(".zoom-in")?.addEventListener("click", () => this.zoom(1.25));
      toolbar.querySelector(".zoom-out")?.addEventListener("click", () => this.zoom(0.8));
      toolbar.querySelector(".zoom-fit")?.addEventListener("click", () => this.fit());
    }
    this.fit();
  }

  /** The whole picture in view, centred, at most MAX_FIT times its natural size. */
  fit() {
    const { clientWidth: bw, clientHeight: bh } = this.box;
    if (!bw || !bh) return; // hidden: fitted again when shown
    const s = Math.min(bw / this.full.w, bh / this.full.h, MAX_FIT);
    const w = bw / s;
    const h = bh / s;
    this.view = {
      x: this.full.x + (this.full.w - w) / 2,
      y: this.full.y + (this.full.h - h) / 2,
      w,
      h,
    };
    this.apply();
  }

  apply() {
    const { x, y, w, h } = this.view;
    this.svg.setAttribute("viewBox", `${x} ${y} ${w} ${h}`);
  }

  /** Picture units per screen pixel. */
  unit() {
    return Math.max(this.view.w / this.box.clientWidth, this.view.h / this.box.clientHeight);
  }

  /** Zoom by `factor` (> 1: closer) about the screen point (cx, cy), the box centre by default. */
  zoom(factor, cx = null, cy = null) {
    const rect = this.box.getBoundingClientRect();
    const u = this.unit();
    const px = cx === null ? rect.width / 2 : cx - rect.left;
    const py = cy === null ? rect.height / 2 : cy - rect.top;
    // The picture point under (px, py), with the view centred in the box as "meet" draws it.
    const ox = this.view.x + (this.view.w - rect.width * u) / 2;
    const oy = this.view.y + (this.view.h - rect.height * u) / 2;
    const gx = ox + px * u;
    const gy = oy + py * u;
    const w = this.view.w / factor;
    const h = this.view.h / factor;
    this.view = { x: gx - (gx - this.view.x) / factor, y: gy - (gy - this.view.y) / factor, w, h };
    this.apply();
  }

  onWheel(event) {
    event.preventDefault();
    this.zoom(event.deltaY < 0 ? 1.15 : 1 / 1.15, event.clientX, event.clientY);
  }

  onDown(event) {
    if (event.button !== 0) return;
    const start = { x: event.clientX, y: event.clientY, view: { ...this.view } };
    const u = this.unit();
    this.moved = false;
    const move = (e) => {
      const dx = e.clientX - start.x;
      const dy = e.clientY - start.y;
      if (!this.moved && Math.hypot(dx, dy) < 4) return;
      if (!this.moved) this.box.setPointerCapture(event.pointerId);
      this.moved = true;
      this.box.classList.add("dragging");
      this.view = { ...start.view, x: start.view.x - dx * u, y: start.view.y - dy * u };
      this.apply();
    };
    this.box.dataset.moved = "";
    const up = () => {
      this.box.dataset.moved = this.moved ? "1" : "";
      this.box.classList.remove("dragging");
      this.box.removeEventListener("pointermove", move);
      this.box.removeEventListener("pointerup", up);
      this.box.removeEventListener("pointercancel", up);
    };
    this.box.addEventListener("pointermove", move);
    this.box.addEventListener("pointerup", up);
    this.box.addEventListener("pointercancel", up);
  }
}
