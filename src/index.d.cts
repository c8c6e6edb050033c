/**
 * Types for `require("kafkasim")` in a CommonJS project. At run time require() loads the ES module (Node ≥ 20.19
 * loads ES modules through require()), so the API is the same; this file only restates what carries fast-check
 * types, because fast-check ships separate declarations for `import` and `require` and TypeScript holds their classes
 * apart: here they are the ones the project's own `require("fast-check")` sees, so `fc.property(faultScheduleArbitrary(...))`
 * type-checks. Copied to dist/ by `npm run build`.
 */
import type { Arbitrary } from "fast-check";
import type { FaultGeneratorBounds, FaultOp } from "./index.js";

export * from "./index.js";

/** See faultArbitrary.ts: a fast-check arbitrary of fault schedules; only `nodes` is required in the bounds. */
export declare function faultScheduleArbitrary(bounds: FaultGeneratorBounds): Arbitrary<FaultOp[]>;
