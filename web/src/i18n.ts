// Languages of the interface: catalogues, the active language, direction,
// and locale-aware dates and numbers (Intl). Names of people are never
// translated; components wrap them in <bdi> so any script shows correctly in
// any interface language.
import { en, type MessageKey } from './locales/en';
import { it } from './locales/it';
import { ur } from './locales/ur';

export type Lang = 'en' | 'it' | 'ur';
export const LANGS: { code: Lang; label: string; locale: string; dir: 'ltr' | 'rtl' }[] = [
  { code: 'en', label: 'English', locale: 'en-GB', dir: 'ltr' },
  { code: 'it', label: 'Italiano', locale: 'it-IT', dir: 'ltr' },
  { code: 'ur', label: 'اردو', locale: 'ur-PK', dir: 'rtl' },
];

const catalogues: Record<Lang, Record<MessageKey, string>> = { en, it, ur };
const STORAGE_KEY = 'liaison.lang';

function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'it' || saved === 'ur') return saved;
  const nav = (navigator.language || 'en').slice(0, 2);
  return nav === 'it' || nav === 'ur' ? nav : 'en';
}

let current: Lang = initialLang();

export function lang(): Lang {
  return current;
}

export function langInfo(code: Lang = current) {
  return LANGS.find((l) => l.code === code)!;
}

/** Switches the language and the document's lang and dir. */
export function setLang(code: Lang): void {
  current = code;
  localStorage.setItem(STORAGE_KEY, code);
  applyToDocument();
}

export function applyToDocument(): void {
  const info = langInfo();
  document.documentElement.lang = info.code;
  document.documentElement.dir = info.dir;
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = catalogues[current][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) =>
    name in params ? (typeof params[name] === 'number' ? formatNumber(params[name] as number) : String(params[name])) : `{${name}}`,
  );
}

/** A catalogue entry whose key is built at run time (crime areas, roles...). */
export function tDyn(prefix: string, value: string): string {
  const key = `${prefix}.${value}` as MessageKey;
  return key in en ? t(key) : value;
}

export function formatNumber(n: number, options: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat(langInfo().locale, options).format(n);
}

/** A timestamp (ISO text or milliseconds) as a date and time in the user's locale. */
export function formatDateTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return new Intl.DateTimeFormat(langInfo().locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** A calendar date (YYYY-MM-DD, YYYY-MM or YYYY) without inventing the missing parts. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(value);
  if (!m) return value;
  const [, y, mo, da] = m;
  const date = new Date(Date.UTC(Number(y), mo ? Number(mo) - 1 : 0, da ? Number(da) : 1));
  const options: Intl.DateTimeFormatOptions = { timeZone: 'UTC', year: 'numeric' };
  if (mo) options.month = da ? 'short' : 'long';
  if (da) options.day = 'numeric';
  return new Intl.DateTimeFormat(langInfo().locale, options).format(date);
}

/** "2026-03" as a month name and year in the user's locale. */
export function formatMonth(value: string): string {
  return formatDate(value);
}
