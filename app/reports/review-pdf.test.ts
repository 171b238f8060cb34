import { extractText, getDocumentProxy, getResolvedPDFJS } from 'unpdf';
import { describe, expect, it } from 'vitest';
import type { ReportDocument } from './report-content';
import { reviewPdf } from './review-pdf.server';

// pdf.js decodes images with ArrayBuffer#transferToFixedLength, which Node 20 lacks (Node 21 has it); copying is what it does.
const buffers = ArrayBuffer.prototype as ArrayBuffer & { transferToFixedLength?: (length?: number) => ArrayBuffer };
buffers.transferToFixedLength ??= function (this: ArrayBuffer, length = this.byteLength) {
  const copy = new ArrayBuffer(length);
  new Uint8Array(copy).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
  return copy;
};

/** Images painted on each page (pdf.js's operator list), so a chart can be told to sit beside its title. */
async function imagesPerPage(pdf: Buffer): Promise<number[]> {
  const { OPS } = await getResolvedPDFJS();
  const document = await getDocumentProxy(new Uint8Array(pdf));
  const counts: number[] = [];
  for (let number = 1; number <= document.numPages; number++) {
    const operators = await (await document.getPage(number)).getOperatorList();
    counts.push(operators.fnArray.filter((fn) => fn === OPS.paintImageXObject || fn === OPS.paintImageXObjectRepeat).length);
  }
  return counts;
}

async function pdfText(pdf: Buffer): Promise<{ pages: string[]; all: string }> {
  const document = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(document, { mergePages: false });
  // pdf.js may split a line where the font changes; compare with single spaces.
  const pages = text.map((page) => page.replace(/\s+/g, ' '));
  return { pages, all: pages.join(' ') };
}

const trend = (id: string, title: string, shift: number) => ({
  kind: 'trend' as const,
  id,
  title,
  periods: ['2026-Q2', '2026-Q3'],
  series: [
    { label: 'A', data: [0.52, 0.47 - shift / 100] },
    { label: 'C', data: [0.31, null] },
  ],
  format: (value: number) => `${Math.round(value * 100)} %`,
  min: 0,
  max: 1,
});

function report(charts: number): ReportDocument {
  return {
    title: 'Quartalsvergleich der Stufen',
    company: 'Müller & Söhne GmbH',
    from: '2026-Q2',
    to: '2026-Q3',
    header: 'Müller & Söhne GmbH · Quartale 2026-Q2 bis 2026-Q3 · Stand 6. Dezember 2026',
    sections: [
      {
        kind: 'cards',
        id: 'tiers',
        title: '2026-Q3: die zwei Fragen je Stufe',
        cards: [
          { title: 'Stufe A', lines: ['Würden sie uns vermissen? 47 % sehr enttäuscht (n = 34, wahrscheinlich 31–63 %)', 'Behandlungsindex 4,2 von 5 (n = 33), Veränderung −0,3.'] },
          { title: 'Stufe C', lines: ['Würden sie uns vermissen? Zu wenige Antworten (n = 6).', 'Offene Hinweise: 2, überfällig: 1.'] },
        ],
      },
      { kind: 'list', id: 'findings', title: 'Was auffällt', groups: [{ title: '2026-Q3', items: ['Stufe C fühlt sich schlechter behandelt als Stufe A.'] }] },
      { kind: 'charts', id: 'charts', title: 'Diagramme', charts: Array.from({ length: charts }, (_, i) => trend(`chart-${i}`, `Diagramm Nummer ${i + 1}`, i)) },
    ],
  };
}

describe('the review as a PDF', { timeout: 30_000 }, () => {
  it('holds the tier figures, the findings and the chart titles as text, in the shipped font', async () => {
    const pdf = await reviewPdf(report(2), { pageLabel: (page, pages) => `Seite ${page} von ${pages}`, lang: 'de' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { all } = await pdfText(pdf);
    expect(all).toContain('Stufe A');
    expect(all).toContain('47 % sehr enttäuscht (n = 34, wahrscheinlich 31–63 %)');
    expect(all).toContain('Behandlungsindex 4,2 von 5 (n = 33), Veränderung −0,3.');
    expect(all).toContain('Zu wenige Antworten (n = 6).');
    expect(all).toContain('Offene Hinweise: 2, überfällig: 1.');
    expect(all).toContain('Stufe C fühlt sich schlechter behandelt als Stufe A.');
    expect(all).toContain('Diagramm Nummer 2');
    // One image per chart.
    expect((await imagesPerPage(pdf)).reduce((sum, n) => sum + n, 0)).toBe(2);
  });

  it('puts the company, the quarters and the date on every page, and keeps each chart with its title', async () => {
    const pdf = await reviewPdf(report(7), { pageLabel: (page, pages) => `Seite ${page} von ${pages}`, lang: 'de' });
    const { pages } = await pdfText(pdf);
    expect(pages.length).toBeGreaterThan(2);
    pages.forEach((page, index) => {
      expect(page).toContain('Müller & Söhne GmbH · Quartale 2026-Q2 bis 2026-Q3 · Stand 6. Dezember 2026');
      expect(page).toContain(`Seite ${index + 1} von ${pages.length}`);
    });
    // Each chart's title is on the page that holds its image: a page's titles match its images.
    const images = await imagesPerPage(pdf);
    expect(images.reduce((sum, n) => sum + n, 0)).toBe(7);
    pages.forEach((page, index) => expect(images[index], `page ${index + 1}`).toBe((page.match(/Diagramm Nummer \d/g) ?? []).length));
  });
});
