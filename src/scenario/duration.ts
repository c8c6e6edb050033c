/** Durations are shared with the checkers' parameters: the parser lives in src/common. */
export { formatDurationMs, parseDurationMs } from "../common/duration.js";
