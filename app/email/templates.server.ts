import { render } from '@react-email/render';
import type { ReactElement } from 'react';

/**
 * Rendering a React Email template takes a few milliseconds, far too long to
 * do 100,000 times for one campaign. So a campaign's email is rendered once per
 * language and variant with placeholders (`%%WM_NAME%%`), stored, and each
 * message keeps only its own values; filling them in is a single string pass.
 * See docs/decisions/0010-exactly-once-email.md.
 */
export function placeholder(key: string): string {
  return `%%WM_${key.toUpperCase()}%%`;
}

const PLACEHOLDER = /%%WM_([A-Z0-9_]+)%%/g;

/** Renders an email element to its HTML and plain-text parts. */
export async function renderEmail(element: ReactElement): Promise<{ html: string; text: string }> {
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { html, text };
}

/** Escapes text for HTML content and double- or single-quoted attributes, as React does. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' })[c]!);
}

/** Header values must stay on one line. */
function headerSafe(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

/**
 * Fills the placeholders in one pass, so a value that itself looks like a
 * placeholder is never expanded. Unknown placeholders are left as they are.
 */
export function fillPlaceholders(template: string, values: Record<string, string>, encode: (value: string) => string = (v) => v): string {
  return template.replace(PLACEHOLDER, (match, key: string) => {
    const value = values[key.toLowerCase()];
    return value === undefined ? match : encode(value);
  });
}

export interface StoredBody {
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
  variables: Record<string, string> | null;
  template: { html: string; text: string; headers: Record<string, string> } | null;
}

export interface ComposedEmail {
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

/**
 * The exact email a stored message stands for: its own body, or its template
 * filled with its values (HTML-escaped in the HTML part). Deterministic, so
 * every attempt sends the same bytes.
 */
export function composeEmail(message: StoredBody): ComposedEmail {
  if (!message.template) {
    return { subject: message.subject, html: message.html ?? '', text: message.text ?? '', headers: message.headers };
  }
  const values = message.variables ?? {};
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.template.headers)) headers[name] = fillPlaceholders(value, values, headerSafe);
  return {
    subject: message.subject,
    html: fillPlaceholders(message.template.html, values, escapeHtml),
    text: fillPlaceholders(message.template.text, values),
    headers: { ...headers, ...message.headers },
  };
}
