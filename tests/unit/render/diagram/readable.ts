/**
 * The invariants a reader relies on, checked on any layout: no two boxes overlap, every edge is
 * made of horizontal and vertical segments, and no edge runs through a box. Also: the cards drawn behind a group box stay in the
 * gap on its right, clear of every other box.
 */
import { expect } from 'vitest';
import { STACK_STEP } from '../../../../src/render/diagram/draw.ts';
import type { DiagramGraph } from '../../../../src/render/diagram/graph.ts';
import type { DiagramLayout } from '../../../../src/render/diagram/layout.ts';

/** Every box pair is disjoint, and every edge segment avoids every box interior. */
export function expectReadable(layout: DiagramLayout): void {
  const { boxes } = layout;
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      expect(apart, `boxes ${a.id} and ${b.id} overlap`).toBe(true);
    }
  }
  for (const e of layout.edges) {
    for (let k = 1; k < e.points.length; k++) {
      const [x1, y1] = e.points[k - 1]!;
      const [x2, y2] = e.points[k]!;
      expect(x1 === x2 || y1 === y2, `edge ${e.from}→${e.to} has a slanted segment`).toBe(true);
      for (const b of boxes) {
        // Strict interior: touching the source's bottom or the target's top is how edges attach.
        const crossesX = Math.max(x1, x2) > b.x && Math.min(x1, x2) < b.x + b.width;
        const crossesY = Math.max(y1, y2) > b.y && Math.min(y1, y2) < b.y + b.height;
        expect(crossesX && crossesY, `edge ${e.from}→${e.to} runs through box ${b.id}`).toBe(false);
      }
    }
  }
}

/** A group box's stack (its own rows, STACK_STEP·2 to the right) overlaps no other box and no edge but its own. */
export function expectStacksClear(graph: DiagramGraph, layout: DiagramLayout): void {
  for (const g of layout.boxes.filter((b) => graph.nodes[b.id]!.repeat)) {
    const stack = { x: g.x + g.width, y: g.y, right: g.x + g.width + 2 * STACK_STEP, bottom: g.y + g.height };
    for (const b of layout.boxes) {
      if (b.id === g.id) continue;
      const apart = stack.right <= b.x || b.x + b.width <= stack.x || stack.bottom <= b.y || b.y + b.height <= stack.y;
      expect(apart, `the stack behind box ${g.id} overlaps box ${b.id}`).toBe(true);
    }
    for (const e of layout.edges) {
      for (let k = 1; k < e.points.length; k++) {
        const [x1, y1] = e.points[k - 1]!;
        const [x2, y2] = e.points[k]!;
        const crossesX = Math.max(x1, x2) > stack.x && Math.min(x1, x2) < stack.right;
        const crossesY = Math.max(y1, y2) > stack.y && Math.min(y1, y2) < stack.bottom;
        expect(crossesX && crossesY, `edge ${e.from}→${e.to} runs through the stack behind box ${g.id}`).toBe(false);
      }
    }
  }
}
