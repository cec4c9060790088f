/**
 * HTTP Range for GetObject, as S3 reads it: one range of the forms `bytes=a-b`, `bytes=a-`,
 * `bytes=-n`. A header S3 cannot parse is ignored (whole object); an unsatisfiable one is 416.
 */
import { AppError } from '../core/index.js';

export interface ResolvedRange {
  start: number;
  end: number;
}

const RANGE = /^bytes=(\d*)-(\d*)$/;

export function resolveRange(header: string | undefined, size: number): ResolvedRange | undefined {
  if (header === undefined) return undefined;
  const match = RANGE.exec(header.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first.length > 16 || last.length > 16) return undefined;
  let start: number;
  let end: number;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) throw unsatisfiable(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== '' && Number(last) < start) return undefined;
  }
  if (start >= size || size === 0) throw unsatisfiable(size);
  return { start, end };
}

function unsatisfiable(size: number): AppError {
  return new AppError('InvalidRange', {
    message: 'The requested range is not satisfiable',
    headers: { 'content-range': `bytes */${size}` },
    fields: { ActualObjectSize: String(size) },
  });
}
