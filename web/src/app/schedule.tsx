// A payment plan's installments. Paused installments stand out: while a
// dispute is open nothing falls due and no late fees accrue.
import { formatDate, formatMoney } from '../shared/format';
import type { PaymentPlan } from '../shared/types';
import { Badge } from '../shared/ui';
import { installmentStatus, planName } from '../shared/vocab';

export function Schedule({ plan, currency, caption }: { plan: PaymentPlan; currency: string; caption?: string }) {
  const paused = plan.installments.filter((i) => i.status === 'paused').length;
  return (
    <div class="schedule">
      {paused > 0 && (
        <p class="alert alert-paused" data-settle-unredact>
          <strong>Payments paused.</strong> {paused === 1 ? '1 payment is' : `${paused} payments are`} on hold while we look into your
          dispute. Nothing is collected and no late fees are charged until it is resolved.
        </p>
      )}
      <table>
        <caption class="visually-hidden">{caption ?? `${planName(plan.type)} payment schedule`}</caption>
        <thead>
          <tr>
            <th scope="col">Payment</th>
            <th scope="col">Due</th>
            <th scope="col" class="num">
              Amount
            </th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {plan.installments.map((i) => {
            const st = installmentStatus(i.status);
            return (
              <tr key={i.seq} class={i.status === 'paused' ? 'is-paused' : undefined}>
                <td data-settle-unredact>
                  {i.seq} of {plan.installments.length}
                </td>
                <td data-settle-unredact>
                  {i.status === 'paused' ? (
                    <>
                      <s aria-label={`was due ${formatDate(i.due_date)}`}>{formatDate(i.due_date)}</s>
                      <span class="small paused-note"> on hold</span>
                    </>
                  ) : (
                    formatDate(i.due_date)
                  )}
                  {i.paid_at && <div class="small muted">paid {formatDate(i.paid_at)}</div>}
                </td>
                <td class="num" data-settle-unredact>
                  {formatMoney(i.amount, currency)}
                  {i.refunded_amount > 0 && <div class="small muted">−{formatMoney(i.refunded_amount, currency)} refunded</div>}
                  {i.late_fee > 0 && <div class="small bad">+{formatMoney(i.late_fee, currency)} late fee</div>}
                </td>
                <td data-settle-unredact>
                  <Badge tone={st.tone}>{st.label}</Badge>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** What is still owed on a plan. */
export function outstanding(plan: PaymentPlan): number {
  return plan.installments.reduce((n, i) => n + i.amount_due, 0);
}
