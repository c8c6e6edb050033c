import fc from "fast-check";

/**
 * Property tests run from a fixed seed so CI is reproducible; `FC_SEED=random npm test` (or any number) explores
 * new cases. A failure prints its seed and shrunk counterexample either way.
 */
const fromEnv = process.env.FC_SEED;
if (fromEnv !== "random") fc.configureGlobal({ seed: fromEnv === undefined ? 20261122 : Number(fromEnv) });
