/** One error class with a stable code and HTTP status; runner/http/errors.ts turns it into JSON. */
export type FieldErrors = Record<string, { description: string; error?: string }[]>;

export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 501 | 503,
    readonly code: string,
    message: string,
    readonly details?: FieldErrors,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what = 'Record') => new AppError(404, 'RecordNotFound', `${what} not found`);
export const forbidden = (message = 'You do not have access to this resource') => new AppError(403, 'Forbidden', message);
export const invalid = (field: string, description: string) =>
  new AppError(422, 'RecordInvalid', `Record validation errors: ${field} ${description}`, { [field]: [{ description }] });
