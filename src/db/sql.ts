/**
 * Raw-SQL helpers for the hot paths that bypass the unit of work. MikroORM expands a JS array
 * parameter into a value list, so text[] values are passed as one JSON parameter and unpacked
 * here (an empty array stays '{}', never NULL).
 */
export const TEXT_ARRAY_PARAM = `coalesce((select array_agg(v) from jsonb_array_elements_text(?::jsonb) v), '{}')`;

/** A piece of SQL with its positional parameters (a CTE member of a combined hot-path statement). */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}
