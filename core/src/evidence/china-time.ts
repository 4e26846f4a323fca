/**
 * Times in China Standard Time (UTC+08:00, no daylight saving), as evidence pages print them.
 * The offset is fixed, so no time-zone database is involved and output never depends on the host.
 */

const CST_OFFSET_MS = 8 * 3600_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function cstParts(t: Date) {
  const d = new Date(t.getTime() + CST_OFFSET_MS);
  return {
    date: `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    ms: d.getUTCMilliseconds(),
  };
}

/** Formats an instant as `2026-01-02 10:30:00 +08:00` (China Standard Time, to the second). */
export function formatChinaTime(t: Date | string): string {
  const p = cstParts(typeof t === 'string' ? new Date(t) : t);
  return `${p.date} ${p.time} +08:00`;
}

/** Formats an instant as ISO 8601 with the CST offset, `2026-01-02T10:30:00+08:00` (milliseconds only when non-zero). */
export function toChinaIso(t: Date | string): string {
  const p = cstParts(typeof t === 'string' ? new Date(t) : t);
  return `${p.date}T${p.time}${p.ms ? `.${pad(p.ms, 3)}` : ''}+08:00`;
}
