/** Small helpers for summarising runs and printing Markdown tables that also read well in a terminal. */

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The `q`-th percentile of `sorted` (ascending) by nearest rank: p95 of 30 values is the 29th. */
export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * fraction) - 1))];
}

export function spread(values: number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** `value` as a multiple of Omnikit's, e.g. "3.2×" (or "-" when there is nothing to compare). */
export function ratio(value: number, omnikit: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(omnikit)) return '-';
  if (omnikit === 0) return value === 0 ? '1.0×' : '∞';
  const times = value / omnikit;
  return `${times >= 10 ? times.toFixed(0) : times.toFixed(1)}×`;
}

/** A number with `digits` decimals (none for big numbers), thin-spaced thousands. */
export function num(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return '-';
  const decimals = Math.abs(value) >= 1000 ? 0 : digits;
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** "median (min–max)" */
export function range(spread: Spread, digits = 1): string {
  return `${num(spread.median, digits)} (${num(spread.min, digits)}–${num(spread.max, digits)})`;
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/**
 * A Markdown table with padded columns. `align` has one letter per column, l or r; by default the
 * first column is left-aligned and the others (numbers) right-aligned.
 */
export function table(head: string[], rows: string[][], align = `l${'r'.repeat(head.length - 1)}`): string {
  const widths = head.map((heading, column) =>
    Math.max(heading.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const left = (column: number) => align[column] !== 'r';
  const line = (cells: string[]) =>
    `| ${head.map((_, column) => (left(column) ? (cells[column] ?? '').padEnd(widths[column]) : (cells[column] ?? '').padStart(widths[column]))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (left(column) ? ` ${'-'.repeat(width)} ` : ` ${'-'.repeat(width - 1)}: `)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}
