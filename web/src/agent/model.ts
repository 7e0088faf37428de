// The agent API's shapes (API.md, Agent) as the console reads them, and small
// helpers: citation links, money entry, relative times.
import type { ChatMessage, DisputeView, Order } from '../shared/types';

export interface QueueItem {
  id: string;
  dispute_id: string;
  conversation_id?: string;
  customer_id: string;
  reason_category: string;
  status: string;
  deadline_at: string;
  created_at: string;
  reason: string;
  amount: number;
  currency: string;
  merchant: string;
  summary: string;
}

export interface Handoff {
  id: string;
  dispute_id: string;
  conversation_id?: string;
  customer_id: string;
  reason_category: string;
  status: 'open' | 'claimed' | 'closed' | string;
  deadline_at: string;
  claimed_by?: string;
  claimed_at?: string;
  created_at: string;
  packet?: Packet;
}

export interface AuditEntry {
  seq: number;
  at: string;
  type: string;
  actor: string;
  data: Record<string, unknown> | null;
}

/** The handoff packet (DESIGN.md §4); every part may be missing. */
export interface Packet {
  summary?: string;
  reason_category?: string;
  facts?: Record<string, unknown> | null;
  order?: Order;
  timeline?: AuditEntry[] | null;
  transcript?: ChatMessage[] | null;
  cited_policy?: string[] | null;
  recommendation?: { action?: string; outcome?: string; rule_id?: string; explanation?: string } | null;
  risk_flags?: string[] | null;
  bot_understanding?: { facts?: string[] | null; reason?: string; confidence?: number; [k: string]: unknown } | null;
  note?: string;
  conversation_id?: string;
}

export interface Decision {
  id: string;
  seq: number;
  decided_by: string;
  rule_id: string;
  rule_version: string;
  policy_version: string;
  agent_id: string;
  action: string;
  outcome: string;
  amount: number;
  citations: string[] | null;
  input_hash: string;
  note: string;
  created_at?: string;
  decided_at?: string;
  verdict?: string | null;
  review_note?: string | null;
}

export interface CaseView extends DisputeView {
  customer_id: string;
  handoff: Handoff | null;
  decisions: Decision[];
  evidence: Record<string, unknown>[];
  order: Order;
}

export interface KnowledgeResult {
  chunk_id: string;
  document: string;
  section: string;
  section_id: string;
  title: string;
  heading_path: string;
  snippet: string;
  score: number;
  url: string;
}

/** "returns-and-refunds#3.2" → "/policies/returns-and-refunds#3.2". */
export function citationHref(c: string): string {
  const [doc, section] = c.split('#');
  return `/policies/${encodeURIComponent(doc)}${section ? `#${encodeURIComponent(section)}` : ''}`;
}

function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "12.50" in USD → 1250; null when it is not an amount. */
export function parseMoney(text: string, currency: string): number | null {
  const t = text.trim().replace(/[,\s]/g, '');
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const digits = minorDigits(currency);
  const [whole, frac = ''] = t.split('.');
  if (frac.length > digits) return null;
  return Number(whole) * 10 ** digits + Number((frac + '0'.repeat(digits)).slice(0, digits) || '0');
}

/** 1250 in USD → "12.50" (for an input's value). */
export function moneyInput(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  return digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits);
}

/** A duration in words: "45 min", "3 h 5 min", "2 d 4 h". */
export function duration(ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000));
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}
