// The API's shapes as the pages use them (API.md, README "API beyond the
// contract"). Only the fields read here are listed.

export interface Customer {
  customer_id: string;
  name: string;
  email: string;
  phone: string;
  address: string;
  market: string;
}

export type InstallmentStatus = 'scheduled' | 'paid' | 'paused' | 'waived' | 'refunded';

export interface Installment {
  seq: number;
  due_date: string;
  amount: number;
  status: InstallmentStatus;
  paid_at?: string;
  refunded_amount: number;
  late_fee: number;
  amount_due: number;
}

export interface PaymentPlan {
  type: 'pay_in_4' | 'pay_in_30' | 'pay_now';
  installments: Installment[];
}

export interface OrderItem {
  sku: string;
  name: string;
  quantity: number;
  unit_amount: number;
}

export interface OrderEvent {
  id: string;
  type: string;
  at: string;
  carrier?: string;
  tracking_number?: string;
  amount?: number;
}

export interface Order {
  order_id: string;
  merchant_id: string;
  merchant_name: string;
  merchant_order_ref: string;
  currency: string;
  items: OrderItem[];
  shipping_amount: number;
  discount_amount: number;
  captured_amount: number;
  captured_at: string;
  expected_delivery_by: string | null;
  payment_plan: PaymentPlan;
  events: OrderEvent[];
}

export interface TimelineRow {
  at: string;
  type: string;
  text: string;
}

export interface DisputeView {
  id: string;
  order_id: string;
  merchant_id: string;
  currency: string;
  reason: string;
  sub_reason: string;
  description: string;
  amount: number;
  status: string;
  outcome: string;
  outcome_amount: number;
  payments_paused: boolean;
  deadline_at: string | null;
  deadline_kind?: string;
  timeline: TimelineRow[];
  payment_plan: PaymentPlan;
  merchant_name: string;
  merchant_order_ref: string;
  created_at: string;
  closed_at: string | null;
}

export interface Citation {
  document: string;
  section: string;
  url: string;
  title?: string;
}

export interface QuickReply {
  label: string;
  payload: string;
}

export interface Reply {
  text: string;
  citations: Citation[] | null;
  quick_replies: QuickReply[] | null;
}

export interface ChatMessage {
  seq: number;
  role: 'customer' | 'bot' | 'agent' | 'system' | string;
  author?: string;
  text: string;
  citations: Citation[] | null;
  quick_replies: QuickReply[] | null;
  at: string;
}

export interface SendResult {
  replies: Reply[];
  dispute: { id: string; status: string; reason: string; payments_paused: boolean } | null;
  handoff: { id: string; status: string; reason_category: string } | null;
}

export interface Conversation {
  conversation_id: string;
  status: string;
  dispute_id: string | null;
  messages: ChatMessage[];
}

export interface Staff {
  id: string;
  email: string;
  role: string;
}

export interface OutcomeRow {
  decision_id: string;
  dispute_id: string;
  decided_by: string;
  rule_id: string;
  rule_version: string;
  policy_version: string;
  agent_id?: string;
  outcome: string;
  amount: number;
  currency: string;
  citations: string[] | null;
  input_hash: string;
  reason: string;
  merchant_id: string;
  merchant_name: string;
  explanation: string;
  decided_at: string;
  review: { verdict: string; note: string; reviewer_id?: string; reviewed_at?: string } | null;
}

export interface MerchantRate {
  merchant_id: string;
  name: string;
  disputes: number;
  orders: number;
  per_1000_orders: number;
}

export interface DailyRates {
  day: string;
  submitted: number;
  auto_resolved: number;
  escalated: number;
}

export interface Metrics {
  from: string;
  to: string;
  submitted: number;
  auto_resolved: number;
  auto_resolution_rate: number;
  escalated: number;
  escalation_rate: number;
  overturn_rate_per_rule: Record<string, number> | null;
  handoff_reason_counts: Record<string, number> | null;
  median_time_to_resolution_hours: number | null;
  disputes_per_merchant: MerchantRate[] | null;
  daily: DailyRates[] | null;
}

export interface Rule {
  rule_id: string;
  version: string;
  citations: string[] | null;
  mode: 'auto' | 'propose_only';
  fired: number;
  reviewed: number;
  overturned: number;
  overturn_rate: number;
}

export interface AuditEvent {
  seq: number;
  at: string;
  actor: string;
  type: string;
  data: unknown;
  prev_hash: string | null;
  hash: string | null;
}

export interface AuditLog {
  dispute_id: string;
  events: AuditEvent[];
  verified: boolean;
  broken_at?: number;
}
