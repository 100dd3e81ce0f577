// The panel client's public face, for the sync engine and the panels service.
export { createPanelClient, type CallOptions, type NewPanelUser, type PanelClient, type PanelClientOptions } from './client.js';
export { PANEL_ERROR_KINDS, PanelError, isPanelError, type PanelErrorKind } from './errors.js';
export { DEFAULT_RETRY, type RetryOptions } from './retry.js';
export { FEED_START, type ChangesResult, type PanelChange, type PanelUser, type PanelUserKey } from '../../../common/panel-api.js';
