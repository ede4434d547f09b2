/** An error the simulator answers with its own status and a text/plain body, as CS does. */
export class SimHttpError extends Error {
  constructor (readonly statusCode: number, message: string) {
    super(message)
    this.name = 'SimHttpError'
  }
}

export function badRequest (message: string): SimHttpError {
  return new SimHttpError(400, message)
}

export function notFound (message: string): SimHttpError {
  return new SimHttpError(404, message)
}
