export {
  ConflictError,
  DomainError,
  defineProblem,
  MalformedRequestError,
  NotFoundError,
  PayloadTooLargeError,
  UnavailableError,
  ValidationFailedError,
  fieldError,
  problemType,
} from './domain-error';
export type { FieldError, ProblemExtensions } from './domain-error';
export { PROBLEM_CONTENT_TYPE, ProblemDetailsFilter } from './problem-details.filter';
export type { ProblemDetails } from './problem-details.filter';
export { createValidationPipe, toFieldErrors } from './validation';
