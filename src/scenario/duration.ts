/** Durations are shared with the checkers' parameters: the parser lives in src/common. */
export { formatDurationMs, isWholeMicros, parseDurationMs, WHOLE_MICROS_RULE } from "../common/duration.js";
