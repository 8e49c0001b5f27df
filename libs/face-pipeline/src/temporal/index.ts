export { OneEuroFilter, Ramp } from './one-euro';
export type { OneEuroOptions } from './one-euro';
