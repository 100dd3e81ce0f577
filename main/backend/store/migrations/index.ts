// Every migration, in order. Append only: a released migration never changes.
import type { Migration } from '../migrate.js';
import { initial } from './001_initial.js';

export const MIGRATIONS: readonly Migration[] = [initial];
