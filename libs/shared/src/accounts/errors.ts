import { defineProblem } from '../errors';

/** No session, or one that is unknown, expired or signed out: sign in (again). */
export class SignInRequiredError extends defineProblem(
  'sign-in-required',
  'Sign-in required',
  401,
) {}

/** Wrong username or password (which of the two is not said). */
export class SignInFailedError extends defineProblem('sign-in-failed', 'Sign-in failed', 401) {}

/** Too many failed sign-ins in a row: the account waits until `retryAfter`. */
export class SignInLockedError extends defineProblem('sign-in-locked', 'Sign-in locked', 429) {}

/** Signed in, but without a role the route is for. */
export class RoleRequiredError extends defineProblem('role-required', 'Role required', 403) {}
