/** The ResourceSpace simulator's public entry points. */
export {
  buildResourceSpaceApp,
  startResourceSpaceSimulator,
  RS_SIMULATOR_KEY,
  RS_SIMULATOR_USER,
  type RsSimulator,
  type RsSimulatorApp,
  type RsSimulatorOptions,
  type RsState,
  type RsResourceInit,
  type RsWrite,
  type SeedManyOptions
} from './app.js'
