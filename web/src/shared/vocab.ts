// Words for the API's codes, for people.
import type { Tone } from './ui';

/** The dispute reasons of DESIGN.md §3, in the customer's words, in form order. */
export const reasons: { code: string; label: string; subs?: { code: string; label: string }[] }[] = [
  {
    code: 'refund_not_processed',
    label: "I returned or cancelled it, but I'm still being charged",
    subs: [
      { code: 'return_not_registered', label: 'I sent it back but the return was not registered' },
      { code: 'cancelled_not_refunded', label: 'I cancelled the order but was not refunded' },
      { code: 'partial_refund', label: 'I was only refunded part of it' },
    ],
  },
  {
    code: 'not_received',
    label: 'It never arrived, or part of it is missing',
    subs: [
      { code: 'none', label: 'Nothing arrived' },
      { code: 'partial', label: 'Part of the order is missing' },
      { code: 'late', label: 'It is very late' },
    ],
  },
  {
    code: 'defective_or_not_as_described',
    label: "It's broken, the wrong item, or not as described",
    subs: [
      { code: 'damaged', label: 'It arrived broken or damaged' },
      { code: 'wrong_item', label: 'I got the wrong item' },
      { code: 'not_as_described', label: 'It is not what was described' },
      { code: 'counterfeit', label: 'It looks fake' },
    ],
  },
  {
    code: 'incorrect_amount',
    label: 'I was charged the wrong amount',
    subs: [
      { code: 'wrong_price', label: 'The price is wrong' },
      { code: 'missing_discount', label: 'A discount is missing' },
      { code: 'unexpected_fee', label: 'There is a fee I did not expect' },
      { code: 'paid_merchant_directly', label: 'I already paid the store directly' },
    ],
  },
  { code: 'duplicate_charge', label: 'I was charged twice' },
  { code: 'unauthorized', label: "I didn't make this purchase" },
  { code: 'unrecognized', label: "I don't recognise this charge" },
  { code: 'subscription_cancelled', label: "I cancelled a subscription but I'm still billed" },
  {
    code: 'installment_billing_error',
    label: 'A payment on my plan was taken or applied wrongly',
    subs: [
      { code: 'payment_not_applied', label: 'A payment I made was not applied' },
      { code: 'collected_twice', label: 'A payment was collected twice' },
      { code: 'fee_while_paused', label: 'I was charged a fee while payments were paused' },
      { code: 'wrong_schedule', label: 'The schedule is wrong' },
    ],
  },
  { code: 'other', label: 'Something else' },
];

/** A short customer-facing name for a reason. */
export function reasonShort(code: string): string {
  return (
    {
      refund_not_processed: 'Refund not received',
      not_received: 'Not received',
      defective_or_not_as_described: 'Faulty or not as described',
      incorrect_amount: 'Wrong amount',
      duplicate_charge: 'Charged twice',
      unauthorized: "Purchase I didn't make",
      unrecognized: 'Unrecognised charge',
      subscription_cancelled: 'Cancelled subscription still billed',
      installment_billing_error: 'Payment plan error',
      other: 'Other problem',
    }[code] ?? code
  );
}

/** A dispute status in the customer's words, with a colour. */
export function disputeStatus(status: string, merchant: string): { label: string; tone: Tone } {
  switch (status) {
    case 'intake':
      return { label: 'Being set up', tone: 'neutral' };
    case 'submitted':
      return { label: 'Received', tone: 'info' };
    case 'merchant_window':
      return { label: `Waiting for ${merchant || 'the merchant'}`, tone: 'info' };
    case 'merchant_evidence':
      return { label: 'Evidence requested', tone: 'warn' };
    case 'under_review':
      return { label: 'Under review', tone: 'info' };
    case 'agent_review':
    case 'escalated':
      return { label: 'With a specialist', tone: 'info' };
    case 'decided':
      return { label: 'Decided', tone: 'neutral' };
    case 'closed_customer_favor':
      return { label: 'Resolved in your favour', tone: 'good' };
    case 'resolved_by_merchant':
      return { label: 'Resolved by the merchant', tone: 'good' };
    case 'closed_merchant_favor':
      return { label: "Closed in the merchant's favour", tone: 'bad' };
    case 'withdrawn':
      return { label: 'Withdrawn', tone: 'neutral' };
  }
  return { label: status, tone: 'neutral' };
}

export const openStatuses = new Set(['intake', 'submitted', 'merchant_window', 'merchant_evidence', 'under_review', 'agent_review', 'escalated']);

export function installmentStatus(status: string): { label: string; tone: Tone } {
  switch (status) {
    case 'paid':
      return { label: 'Paid', tone: 'good' };
    case 'scheduled':
      return { label: 'Upcoming', tone: 'neutral' };
    case 'paused':
      return { label: 'Paused', tone: 'paused' };
    case 'waived':
      return { label: 'Waived', tone: 'good' };
    case 'refunded':
      return { label: 'Refunded', tone: 'good' };
  }
  return { label: status, tone: 'neutral' };
}

export function planName(type: string): string {
  return ({ pay_in_4: 'Pay in 4', pay_in_30: 'Pay in 30 days', pay_now: 'Paid in full' } as Record<string, string>)[type] ?? type;
}

export function orderEventText(type: string): string {
  return (
    {
      shipped: 'Shipped',
      delivered: 'Delivered',
      return_shipped: 'Return sent',
      return_received: 'Return received by the store',
      refunded: 'Refunded',
      cancelled: 'Cancelled',
    }[type] ?? type
  );
}
