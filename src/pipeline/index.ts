export {
  planSteps,
  gateSteps,
  packageSteps,
  commandSteps,
  describeStep,
  publishesAnything,
  type Step,
  type StepKind,
  type Command,
} from "./steps.js";
