import { describe, expect, it } from 'vitest';
import { analyze, csvFolder, RESPONSE_CSV_HEADER } from './analyze-test-io';

// The `engine` key of the analysis document (docs/pmf-engine.md), from the optional attribute columns.

const { csvFile } = csvFolder('analyze-engine-');

async function analyzeLines(lines: string[]) {
  const result = await analyze('--input', csvFile(...lines), '--period', '2026-Q3');
  return { code: result.code, document: result.code === 0 ? JSON.parse(result.stdout) : null, stderr: result.stderr };
}

const HEADER = `${RESPONSE_CSV_HEADER},industry,region,customer_since,account_owner`;

function row(id: number, missUs: string, industry: string, options: { missMost?: string; improve?: string; benefit?: number; period?: string; at?: string } = {}) {
  const { missMost = '', improve = '', benefit = 4, period = '2026-Q3', at = '2026-08-01T10:00:00Z' } = options;
  return `C${id},${id % 2 === 0 ? 'A' : 'B'},${period},${at},${missUs},4,4,4,4,${benefit},4,9,"${missMost}",,"${improve}",${industry},Süd,2019-03-01,anna@example.com`;
}

describe('analyze: the product/market-fit engine', () => {
  it('finds the industry that would miss us most and the plan, counting only the latest answer per customer', async () => {
    const lines = [HEADER];
    for (let id = 0; id < 30; id++) lines.push(row(id, id < 25 ? 'very' : 'not', 'Maschinenbau', { missMost: 'Die Telefonerreichbarkeit', benefit: 5 }));
    for (let id = 30; id < 90; id++) lines.push(row(id, id < 40 ? 'very' : id < 60 ? 'somewhat' : 'not', 'Handel', { missMost: 'Kompetenz', improve: 'Die Preise', benefit: id < 50 ? 5 : 3 }));
    // An earlier answer of customer 0 in the quarter does not count; its later one does.
    lines.push(row(0, 'not', 'Handel', { at: '2026-07-01T10:00:00Z' }));
    const { code, document, stderr } = await analyzeLines(lines);
    expect(code, stderr).toBe(0);
    const { engine } = document;
    expect(engine.period).toBe('2026-Q3');
    expect(engine.columns).toEqual(['industry', 'region', 'customer_since', 'account_owner']);
    expect(engine.scopes.map((scope: { tier: string | null }) => scope.tier)).toEqual([null, 'A', 'B']);
    const overall = engine.scopes[0];
    expect(overall.n).toBe(90);
    const raising = overall.findings.filter((finding: { raises: boolean }) => finding.raises);
    expect(raising).toHaveLength(1);
    expect(raising[0]).toMatchObject({ attribute: 'industry', value: 'Maschinenbau', n: 30, very: 25 });
    expect(overall.doubleDown.points[0]).toMatchObject({ theme: 'reachability', count: 25 });
    expect(overall.mainBenefit).toBe(5);
    expect(overall.removeObstacle).toMatchObject({ base: 10, points: [{ theme: 'price', count: 10 }] });
    expect(overall.removeObstacle.points[0].answerIds).toContain('C40');
  });

  it('works without attribute columns and names a bad customer_since with its line', async () => {
    const plain = await analyzeLines([HEADER.split(',industry')[0]!, 'C1,A,2026-Q3,2026-08-01T10:00:00Z,very,4,4,4,4,4,4,9,,,']);
    expect(plain.code).toBe(0);
    expect(plain.document.engine).toMatchObject({ columns: [], scopes: [{ tier: null, n: 1, enough: false }, { tier: 'A', n: 1 }] });
    const bad = await analyzeLines([HEADER, row(1, 'very', 'Handel').replace('2019-03-01', '01.03.2019')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('line 2, column customer_since: "01.03.2019" is not a date written like 2019-03-01');
  });
});
