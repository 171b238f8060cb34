import { useTranslation } from 'react-i18next';
import { formatNumber } from '~/ui/format';

export interface MigrationTableProps {
  from: string;
  to: string;
  tiers: Array<{ id: string; label: string }>;
  cells: Array<{ fromTierId: string | null; toTierId: string | null; customers: number }>;
}

/**
 * Customers by their tier in `from` (rows) and in `to` (columns), with those
 * only in one of the two periods in an extra row and column. The diagonal
 * (customers who kept their tier) is marked.
 */
export function MigrationTable({ from, to, tiers, cells }: MigrationTableProps) {
  const { t, i18n } = useTranslation();
  const count = (fromId: string | null, toId: string | null) =>
    cells.find((cell) => cell.fromTierId === fromId && cell.toTierId === toId)?.customers ?? 0;
  const rows = [...tiers.map((tier) => ({ id: tier.id as string | null, label: tier.label })), { id: null, label: t('customers.migration.newIn', { period: to }) }];
  const columns = [...tiers.map((tier) => ({ id: tier.id as string | null, label: tier.label })), { id: null, label: t('customers.migration.notIn', { period: to }) }];
  return (
    <div className="table-wrap">
      <table>
        <caption>{t('customers.migration.caption', { from, to })}</caption>
        <thead>
          <tr>
            <th scope="col">
              {from} ↓ / {to} →
            </th>
            {columns.map((column) => (
              <th key={column.id ?? 'none'} scope="col" className="num">
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id ?? 'none'}>
              <th scope="row">{row.label}</th>
              {columns.map((column) => {
                if (row.id === null && column.id === null) return <td key="none" className="num muted">–</td>;
                const n = count(row.id, column.id);
                const kept = row.id !== null && row.id === column.id;
                return (
                  <td key={column.id ?? 'none'} className="num">
                    {kept ? <strong title={t('customers.migration.kept')}>{formatNumber(n, i18n.language)}</strong> : formatNumber(n, i18n.language)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
