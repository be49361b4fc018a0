const compiled = new Map<string, RegExp>();

/** `new RegExp(source, 'u')`, compiled once per source: plans are checked on every track(). */
export function regExp(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) {
    re = new RegExp(source, 'u');
    compiled.set(source, re);
  }
  return re;
}
