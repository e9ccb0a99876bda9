// Backpropagation one node at a time (viz.backward_steps' twin), for any graph of Values.
//
// The walk has 2·n steps over a graph of n Values: the forward pass visits them in topological
// order (each step computes one node's data), then the backward pass visits them in reverse
// (each step applies the chain rule at one node: upstream grad × local ∂ → each input).
// `view(cursor)` says what is known after `cursor` steps; it never touches any Value's grad.
// Constants get no gradient (engine.Constant, as backward() skips them): their slots send
// nothing and their grads stay unknown (null).

import { contributions } from "./engine.js";

export class Walk {
  /** `order`: the graph's Values, parents before children, root last. */
  constructor(order) {
    this.order = order;
    this.index = new Map(order.map((v, i) => [v, i]));
    this.inputs = order.map((v) => v.parents.map((p) => this.index.get(p)));
    this.constant = order.map((v) => v.constant);
    this.consumers = order.map(() => 0);
    for (const ins of this.inputs) for (const j of ins) this.consumers[j] += 1;
    this.refresh();
  }

  get total() {
    return 2 * this.order.length;
  }

  /** Recompute the backward steps from the Values' current data. */
  refresh() {
    const n = this.order.length;
    const grads = new Array(n).fill(0.0);
    grads[n - 1] = 1.0;
    this.steps = [];
    for (let i = n - 1; i >= 0; i--) {
      const node = this.order[i];
      const upstream = grads[i];
      const locals = contributions(node, 1.0);
      const sent = contributions(node, upstream).map((c, slot) =>
        this.constant[this.inputs[i][slot]] ? null : c,
      );
      this.inputs[i].forEach((j, slot) => {
        if (sent[slot] !== null) grads[j] += sent[slot];
      });
      this.steps.push({ node: i, upstream, locals, sent });
    }
  }

  /** What the picture shows after `cursor` steps (0 … total). */
  view(cursor) {
    const n = this.order.length;
    const known = this.order.map((_, i) => cursor >= n || i < cursor);
    const grads = new Array(n).fill(null);
    const received = new Array(n).fill(0);
    const done = new Array(n).fill(false); // backward step taken at this node
    let current = null;
    let phase = "start";
    if (cursor > 0 && cursor <= n) {
      phase = "forward";
      current = cursor - 1;
    } else if (cursor > n) {
      phase = "backward";
      if (!this.constant[n - 1]) grads[n - 1] = 1.0;
      for (let k = 0; k < cursor - n; k++) {
        const step = this.steps[k];
        done[step.node] = true;
        this.inputs[step.node].forEach((j, slot) => {
          if (step.sent[slot] === null) return;
          grads[j] = (grads[j] ?? 0.0) + step.sent[slot];
          received[j] += 1;
        });
        current = step.node;
      }
    }
    return { phase, current, known, grads, received, done };
  }

  /** The backward step taken at node i (upstream, local ∂ and contributions per input). */
  stepAt(i) {
    return this.steps[this.order.length - 1 - i];
  }
}
