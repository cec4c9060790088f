/** An error answered by the admin API ({"Code","Message","RequestId"}), or a transport failure. */
export class AdminApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly requestId: string | undefined;

  constructor(code: string, message: string, status: number, requestId?: string) {
    super(message);
    this.name = 'AdminApiError';
    this.code = code;
    this.status = status;
    this.requestId = requestId;
  }
}

export function isAdminApiError(error: unknown): error is AdminApiError {
  return error instanceof AdminApiError;
}
