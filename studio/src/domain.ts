/**
 * The server's pure domain data the Studio shares: report names, columns and kinds, and the
 * calendar-day helpers. Both files import nothing, so the bundle takes only these few lines.
 */
export * from '../../src/domain/reports/columns.js';
export { addDays, dayOf, parseDay } from '../../src/domain/reports/dates.js';
