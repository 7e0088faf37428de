// Formatting of money, dates and identifiers. Money is always integer minor
// units plus an ISO currency code; the currency decides how many minor digits
// it has (USD 2, JPY 0), so nothing here assumes cents.

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat {
  let f = moneyFormats.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    } catch {
      f = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    moneyFormats.set(currency, f);
  }
  return f;
}

/** formatMoney(4999, "USD") → "$49.99". */
export function formatMoney(minor: number, currency: string): string {
  const f = moneyFormat(currency);
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(minor / 10 ** digits);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/** A calendar day: "2026-12-20" or an RFC 3339 time, shown without a time of day. */
export function formatDate(s: string | null | undefined): string {
  if (!s) return '—';
  const d = /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T00:00:00Z`) : new Date(s);
  return Number.isNaN(d.getTime()) ? s : dateFormat.format(d);
}

/** An instant, in the viewer's time zone. */
export function formatDateTime(s: string | null | undefined): string {
  if (!s) return '—';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : dateTimeFormat.format(d);
}

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

/** formatPercent(0.125) → "12.5%". */
export function formatPercent(ratio: number): string {
  return percent.format(Number.isFinite(ratio) ? ratio : 0);
}

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function formatNumber(n: number): string {
  return number.format(n);
}

/** "refund_not_processed" → "Refund not processed". */
export function humanize(s: string | null | undefined): string {
  if (!s) return '';
  const t = s.replaceAll('_', ' ').replaceAll('-', ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}
