export { planSteps, gateSteps, packageSteps, describeStep, publishesAnything, type Step, type StepKind } from "./steps.js";
export { shellQuote } from "./shell-quote.js";
