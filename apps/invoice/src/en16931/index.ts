export { En16931Error } from './errors';
export type { En16931ErrorCode } from './errors';
export {
  UblValidator,
  en16931UblSchematron,
  rewriteDescendants,
  splitUnion,
  ublValidator,
  validateUbl,
} from './validate-ubl';
export type { RuleFailure, RuleFlag, UblValidatorOptions, ValidationReport } from './validate-ubl';
