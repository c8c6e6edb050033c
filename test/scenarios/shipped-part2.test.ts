import { describeShippedScenarios } from "../support/shippedScenarioCases.js";

// Part 2 of 3 of the shipped scenarios (see describeShippedScenarios): three files so vitest runs them in parallel.
describeShippedScenarios(1, 3);
