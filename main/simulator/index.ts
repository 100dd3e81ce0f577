// The panel simulator's public face: tests, the benchmark and the app's demo panel start it in-process.
export {
  startPanelSimulator,
  type PanelSimulator,
  type PanelSimulatorOptions,
  type RecordedRequest,
  type SimulatorStats,
} from './server.js';
export { PanelState, SimError } from './state.js';
export { DEFAULT_FAULTS, FAULT_KINDS, Faults, type FaultConfig, type FaultKind, type FaultUpdate } from './faults.js';
export { DEFAULT_SEED } from './seed.js';
