import { sql, type SQL } from 'drizzle-orm';

/**
 * The perceived-treatment index of a response row in twelfths of a point
 * (integer arithmetic, so PTI ≤ 2.5 and a drop of 1.0 are exact), or null
 * when fewer than 3 of the 4 treatment items are answered. `alias` names the
 * responses row in the surrounding query.
 */
export function ptiTwelfthsSql(alias: string): SQL {
  return sql.raw(`case when num_nonnulls(${alias}.treat_valued, ${alias}.treat_responsive, ${alias}.treat_equal, ${alias}.treat_promise) >= 3
      then (coalesce(${alias}.treat_valued, 0) + coalesce(${alias}.treat_responsive, 0) + coalesce(${alias}.treat_equal, 0) + coalesce(${alias}.treat_promise, 0)) * 12
        / num_nonnulls(${alias}.treat_valued, ${alias}.treat_responsive, ${alias}.treat_equal, ${alias}.treat_promise) end`);
}
