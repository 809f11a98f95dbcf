/**
 * Error kinds that decide the exit code: a UserError is something the user can fix (exit 1),
 * anything else is a defect in convlens (exit 2).
 */

/** A problem with the user's input or environment; its message says what to do. */
export class UserError extends Error {
  override name = 'UserError';
}

/** Exit code for an error: 1 for user errors, 2 for internal ones. */
export function exitCodeFor(error: unknown): 1 | 2 {
  return error instanceof UserError ? 1 : 2;
}
