import { describe, expect, it } from "vitest";
import { checkRegister, type RegisterEvent, type RegisterOp } from "../src/linearizability.js";

/** `[op, invoked, completed]`; completed undefined for an unknown outcome. */
function events(...list: [RegisterOp, number, number | undefined][]): RegisterEvent[] {
  return list.map(([op, invokedAt, completedAt], i) => ({ op, invokedAt, completedAt, label: `#${i}` }));
}
const read = (value: number | null): RegisterOp => ({ f: "read", value });
const write = (value: number): RegisterOp => ({ f: "write", value });
const cas = (from: number, to: number): RegisterOp => ({ f: "cas", from, to });

describe("linearizability of a compare-and-set register", () => {
  it("accepts a history that happened one operation at a time", () => {
    expect(checkRegister(events([write(1), 0, 1], [read(1), 2, 3], [cas(1, 2), 4, 5], [read(2), 6, 7]), 0).linearizable).toBe(true);
  });

  it("refuses a read that missed a write acknowledged before it began, and names it", () => {
    const v = checkRegister(events([write(1), 0, 1], [read(0), 2, 3]), 0);
    expect(v).toMatchObject({ linearizable: false, stuck: { label: "#1" }, after: 1 });
  });

  it("lets a read overlapping a write see either value", () => {
    expect(checkRegister(events([write(1), 0, 10], [read(0), 1, 2]), 0).linearizable).toBe(true);
    expect(checkRegister(events([write(1), 0, 10], [read(1), 1, 2]), 0).linearizable).toBe(true);
    // Two reads in a row may not go back: the write cannot be undone.
    expect(checkRegister(events([write(1), 0, 10], [read(1), 1, 2], [read(0), 3, 4]), 0).linearizable).toBe(false);
  });

  it("refuses two acknowledged compare-and-sets from the same value, however they overlap", () => {
    expect(checkRegister(events([cas(0, 1), 0, 10], [cas(0, 2), 1, 9]), 0).linearizable).toBe(false);
    expect(checkRegister(events([cas(0, 1), 0, 10], [cas(1, 2), 1, 9]), 0).linearizable).toBe(true);
  });

  it("lets an operation of unknown outcome take effect at any time after it began, or never", () => {
    // The write timed out; a later read saw it, another read before had not.
    expect(checkRegister(events([write(1), 0, undefined], [read(0), 5, 6], [read(1), 7, 8]), 0).linearizable).toBe(true);
    // Or it never happened.
    expect(checkRegister(events([write(1), 0, undefined], [read(0), 5, 6], [read(0), 7, 8]), 0).linearizable).toBe(true);
    // But it cannot take effect before it began.
    expect(checkRegister(events([read(1), 0, 1], [write(1), 5, undefined]), 0).linearizable).toBe(false);
    // A compare-and-set of unknown outcome that found another value changed nothing.
    expect(checkRegister(events([write(3), 0, 1], [cas(0, 1), 2, undefined], [read(3), 5, 6]), 0).linearizable).toBe(true);
  });

  it("says it does not know when the search outgrows its budget", () => {
    const many = events(...Array.from({ length: 12 }, (_, i): [RegisterOp, number, number | undefined] => [write(i), 0, undefined]), [read(99), 1, 2]);
    expect(checkRegister(many, 0, 100).linearizable).toBeUndefined();
  });
});
