import { SpacelinkError } from '../../src/errors.js'

/** The typed error a promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function rejection (promise: Promise<unknown>): Promise<SpacelinkError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof SpacelinkError) return err
    throw err
  }
  throw new Error('expected a rejection')
}
