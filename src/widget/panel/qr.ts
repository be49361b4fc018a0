import { encode } from 'uqr';

/** A QR code of `text` as one SVG path (a unit square per dark module) and its size in modules. */
export function qrPath(text: string): { d: string; size: number } {
  const { data, size } = encode(text, { ecc: 'M', border: 2 });
  let path = '';
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path += `M${x} ${y}h1v1h-1z`;
    });
  });
  return { d: path, size };
}
