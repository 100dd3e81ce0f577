import type { PanelCalls } from '../../common/panel-api.js';
const a: PanelCalls['lock']['settings'] = 'x';
const b: PanelCalls['lock']['params'] = 'x';
void a; void b;
