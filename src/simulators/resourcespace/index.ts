/** The ResourceSpace simulator's public entry points. */
export {
  buildResourceSpaceApp,
  startResourceSpaceSimulator,
  RS_SIMULATOR_KEY,
  RS_SIMULATOR_USER,
  RS_SIMULATOR_ADMIN,
  type RsSimulator,
  type RsSimulatorApp,
  type RsSimulatorOptions,
  type RsState,
  type RsResourceInit,
  type RsWrite,
  type SeedManyOptions
} from './app.js'
export { rsGroups, type RsUserInit } from './users.js'
export type { EditPage, PressResult, SaveResult } from './edit-page.js'
