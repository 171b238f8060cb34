import PDFDocument from 'pdfkit';
import { renderChartImage, type ChartImage } from './chart-images.server';
import { reportFontFiles } from './fonts.server';
import type { ReportDocument, ReportSection } from './report-content';

/**
 * The review as a PDF, made with pdfkit (no browser): A4, the company, the
 * quarters and the date at the top of every page and the page number at the
 * bottom, each tier's figures and each chart kept together with its title
 * (a chart that does not fit below its title starts a new page, title and
 * all). Text is set in the shipped font, so it can be searched and copied.
 */

const MARGIN = { top: 64, bottom: 56, left: 50, right: 50 };
const COLORS = { text: '#1f2937', muted: '#6b7280', rule: '#d1d5db' };

type Doc = InstanceType<typeof PDFDocument>;

export interface PdfOptions {
  /** Chart images already drawn (the email draws them too); drawn here when missing. */
  images?: Map<string, ChartImage>;
  /** "Page {{page}} of {{pages}}" in the report's language. */
  pageLabel: (page: number, pages: number) => string;
  lang: string;
}

function contentWidth(doc: Doc): number {
  return doc.page.width - MARGIN.left - MARGIN.right;
}

function bottomLimit(doc: Doc): number {
  return doc.page.height - MARGIN.bottom;
}

/** Starts a new page unless `height` more points fit on this one. */
function keepTogether(doc: Doc, height: number): void {
  if (doc.y + height > bottomLimit(doc)) doc.addPage();
}

function heading(doc: Doc, text: string, size: number, after = 6): void {
  doc.font('bold').fontSize(size).fillColor(COLORS.text);
  // A heading never stands alone at the foot of a page.
  keepTogether(doc, doc.heightOfString(text, { width: contentWidth(doc) }) + 40);
  doc.text(text, MARGIN.left, doc.y, { width: contentWidth(doc) });
  doc.moveDown(after / size);
}

function paragraph(doc: Doc, text: string, options: { muted?: boolean; indent?: number; bullet?: boolean } = {}): void {
  const indent = options.indent ?? 0;
  const width = contentWidth(doc) - indent;
  doc.font('body').fontSize(10).fillColor(options.muted ? COLORS.muted : COLORS.text);
  keepTogether(doc, doc.heightOfString(text, { width }));
  const x = MARGIN.left + indent;
  if (options.bullet) doc.text('•', x - 10, doc.y, { width: 10, continued: false, lineBreak: false });
  doc.text(text, x, doc.y, { width });
  doc.moveDown(0.3);
}

function section(doc: Doc, part: ReportSection, images: Map<string, ChartImage>): void {
  doc.moveDown(0.6);
  heading(doc, part.title, 14);
  if (part.kind !== 'charts' && part.intro) paragraph(doc, part.intro, { muted: true });
  if (part.kind === 'cards') {
    for (const card of part.cards) {
      doc.font('body').fontSize(10);
      const width = contentWidth(doc) - 12;
      const height = 18 + card.lines.reduce((sum, line) => sum + doc.heightOfString(line, { width }) + 3, 0);
      // Each tier's figures stay on one page.
      keepTogether(doc, height + 8);
      const top = doc.y + 4;
      doc.moveTo(MARGIN.left, top).lineTo(MARGIN.left, top + height).lineWidth(2).strokeColor('#1f5fbf').stroke();
      doc.y = top;
      doc.font('bold').fontSize(11).fillColor(COLORS.text).text(card.title, MARGIN.left + 12, doc.y, { width });
      doc.moveDown(0.2);
      for (const line of card.lines) paragraph(doc, line, { indent: 12 });
      doc.y = Math.max(doc.y, top + height) + 6;
    }
  } else if (part.kind === 'list') {
    for (const group of part.groups) {
      if (group.title) {
        doc.font('bold').fontSize(11);
        keepTogether(doc, 40);
        doc.fillColor(COLORS.text).text(group.title, MARGIN.left, doc.y, { width: contentWidth(doc) });
        doc.moveDown(0.2);
      }
      for (const item of group.items) paragraph(doc, item, { indent: 12, bullet: true });
    }
  } else {
    for (const spec of part.charts) {
      const image = images.get(spec.id) ?? renderChartImage(spec);
      const width = contentWidth(doc);
      const height = (image.height / image.width) * width;
      doc.font('bold').fontSize(11);
      const titleHeight = doc.heightOfString(spec.title, { width });
      // The chart and its title go on the same page.
      keepTogether(doc, titleHeight + 6 + height + 12);
      doc.fillColor(COLORS.text).text(spec.title, MARGIN.left, doc.y, { width });
      doc.moveDown(0.3);
      doc.image(image.png, MARGIN.left, doc.y, { width, height });
      doc.y += height + 14;
    }
  }
}

/** Header and footer on every page, once the page count is known. */
function frame(doc: Doc, report: ReportDocument, pageLabel: PdfOptions['pageLabel']): void {
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index);
    // Writing into the margins must not start new pages.
    const margins = doc.page.margins;
    doc.page.margins = { top: 0, bottom: 0, left: 0, right: 0 };
    const width = doc.page.width - MARGIN.left - MARGIN.right;
    doc.font('body').fontSize(8.5).fillColor(COLORS.muted);
    doc.text(report.header, MARGIN.left, 30, { width, lineBreak: false, ellipsis: true });
    doc.moveTo(MARGIN.left, 44).lineTo(doc.page.width - MARGIN.right, 44).lineWidth(0.5).strokeColor(COLORS.rule).stroke();
    doc.text(pageLabel(index + 1, range.count), MARGIN.left, doc.page.height - 36, { width, align: 'right', lineBreak: false });
    doc.page.margins = margins;
  }
}

/** The report as PDF bytes. */
export function reviewPdf(report: ReportDocument, options: PdfOptions): Promise<Buffer> {
  const fonts = reportFontFiles();
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    lang: options.lang,
    displayTitle: true,
    info: { Title: `${report.title} · ${report.company} · ${report.from}–${report.to}`, Author: report.company, Creator: 'Wouldmiss' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('body', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  heading(doc, report.title, 20, 2);
  doc.font('body').fontSize(12).fillColor(COLORS.text).text(`${report.company} · ${report.from}–${report.to}`, { width: contentWidth(doc) });
  const images = options.images ?? new Map<string, ChartImage>();
  for (const part of report.sections) section(doc, part, images);
  frame(doc, report, options.pageLabel);
  doc.end();
  return done;
}
