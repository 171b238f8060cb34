/**
 * Parses ISO 8601 timestamps into epoch milliseconds, keeping microseconds,
 * so that response times compare exactly (Date.parse keeps milliseconds only
 * and reads a time without offset as local time, which would make results
 * depend on the machine's time zone). Written with character codes instead of
 * a regular expression because the analyze command parses a timestamp for
 * every row, twice.
 */

const MILLISECONDS_PER_DAY = 86_400_000;
const ZERO = 48;

/** The number written by `count` digits at `start`, or −1 if they are not all digits. */
function digitsAt(text: string, start: number, count: number): number {
  if (start + count > text.length) return -1;
  let value = 0;
  for (let index = start; index < start + count; index++) {
    const digit = text.charCodeAt(index) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Epoch milliseconds of an ISO 8601 date or date-time (`2026-07-01`,
 * `2026-07-01T09:30:00.123456+02:00`, `2026-07-01 09:30Z`), or `null` when
 * the text is not one. A time without offset is read as UTC. Digits beyond
 * microseconds are dropped.
 */
export function parseIsoInstant(text: string): number | null {
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (text[4] !== '-' || text[7] !== '-') return null;
  let milliseconds = daysFromCivil(year, month, day) * MILLISECONDS_PER_DAY;
  if (text.length === 10) return milliseconds;

  const separator = text[10];
  if (separator !== 'T' && separator !== 't' && separator !== ' ') return null;
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  if (hour < 0 || hour > 23 || text[13] !== ':' || minute < 0 || minute > 59) return null;
  milliseconds += (hour * 60 + minute) * 60_000;
  let position = 16;
  if (text[position] === ':') {
    const second = digitsAt(text, 17, 2);
    if (second < 0 || second > 59) return null;
    milliseconds += second * 1000;
    position = 19;
    if (text[position] === '.' || text[position] === ',') {
      let end = position + 1;
      while (end < text.length && end - position <= 9 && digitsAt(text, end, 1) >= 0) end++;
      if (end === position + 1 || digitsAt(text, end, 1) >= 0) return null; // no digits, or more than 9
      const micros = digitsAt(text.slice(position + 1, end).padEnd(6, '0'), 0, 6);
      milliseconds += micros / 1000;
      position = end;
    }
  }
  if (position === text.length) return milliseconds;
  const zone = text[position];
  if ((zone === 'Z' || zone === 'z') && position + 1 === text.length) return milliseconds;
  if (zone !== '+' && zone !== '-') return null;
  const offsetHours = digitsAt(text, position + 1, 2);
  let rest = position + 3;
  if (text[rest] === ':') rest++;
  const offsetMinutes = rest === text.length && text[rest - 1] !== ':' ? 0 : digitsAt(text, rest, 2);
  if (rest !== text.length && rest + 2 !== text.length) return null;
  if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59) return null;
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  return zone === '-' ? milliseconds + offset : milliseconds - offset;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
