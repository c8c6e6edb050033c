// The worker entry when kafkasim runs from its TypeScript sources (tests, `tsx src/cli/main.ts`): a worker thread
// does not inherit the parent's loader, so it registers tsx itself, then loads the same entry the build compiles to
// dist/cli/seedWorker.js. Not shipped: the package runs the built JS.
import { register } from "tsx/esm/api";

register();
const { default: seedWorker } = await import("./seedWorker.ts");
export default seedWorker;
