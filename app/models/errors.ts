/** Someone else saved the record since this form was opened (optimistic concurrency). */
export class ConflictError extends Error {
  constructor(public entity: string) {
    super(`${entity} was changed meanwhile`);
    this.name = "ConflictError";
  }
}

/** A value that must be unique already exists (natural key). */
export class DuplicateError extends Error {
  constructor(
    public entity: string,
    public field: string,
  ) {
    super(`${entity} ${field} already exists`);
    this.name = "DuplicateError";
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: string }).code === "23505";
}
