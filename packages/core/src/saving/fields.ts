/**
 * Small checks of plain JSON values read from a file, each naming the field at fault
 * (`model.config.layers[2].config.units`) in the error the caller builds.
 */

/** How a value is described in errors: its JSON, shortened, and its type when that helps. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list (${short(v)})`;
  if (typeof v === 'object') return `an object (${short(v)})`;
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}' (a string)`;
  return `${String(v)} (a ${typeof v})`;
}

function short(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A count, index, size or offset: a whole number ≥ 0 that is exact in a double. */
export const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
