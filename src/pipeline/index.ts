export { planSteps, describeStep, publishesAnything, type Step, type StepKind } from "./steps.js";
