import type { RandomStream } from "./random.js";

/** How long one message takes on a link. All values in µs. */
export type LatencyModel =
  | { model: "constant"; valueUs: number }
  | { model: "uniform"; minUs: number; maxUs: number }
  | { model: "normal"; meanUs: number; stddevUs: number }
  | { model: "lognormal"; medianUs: number; sigma: number }
  | { model: "pareto"; scaleUs: number; shape: number };

/** Draws one latency in whole µs, never negative. The one place a latency is chosen. */
export function nextLatencyUs(model: LatencyModel, rnd: RandomStream): number {
  let us: number;
  switch (model.model) {
    case "constant":
      return model.valueUs;
    case "uniform":
      us = rnd.between(model.minUs, model.maxUs);
      break;
    case "normal":
      us = rnd.normal(model.meanUs, model.stddevUs);
      break;
    case "lognormal":
      us = rnd.lognormal(model.medianUs, model.sigma);
      break;
    case "pareto":
      us = rnd.pareto(model.scaleUs, model.shape);
      break;
  }
  return us < 0 ? 0 : Math.round(us);
}
