// The card page: a full (fictional) card number, expiry and CVC. It is the
// thing an agent must never see, so every value is marked as a secret the way
// a real integrator would (autocomplete cc-* and data-settle-secret) and
// nothing on it is unredacted except the labels.
import { useFocusHeading } from '../shared/router';
import { useTitle } from '../shared/ui';
import { currentSession } from './session';

/** A Luhn-valid test number on the 4242 42 test range, fixed per customer. */
export function demoCardNumber(seed: string): string {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const body = `424242${String(h % 1_000_000_000).padStart(9, '0')}`;
  return body + luhnCheckDigit(body);
}

export function luhnCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

function groups(n: string): string {
  return n.replace(/(\d{4})(?=\d)/g, '$1 ');
}

export function CardPage() {
  useTitle('Your card', 'Loop');
  useFocusHeading('card');
  const s = currentSession();
  const number = demoCardNumber(s?.customerId ?? 'demo');
  const cvc = String(100 + (Number(number.slice(-6)) % 900));
  const expiry = '09/29';
  return (
    <main id="main">
      <div class="page-head">
        <h1 data-settle-unredact>Your card</h1>
        <p data-settle-unredact>The virtual card for paying with Loop anywhere cards are accepted. This is a demo: the number is a fictional test number.</p>
      </div>
      <section class="card-visual" aria-label="Card details">
        <div class="card-visual-top" data-settle-unredact>
          <span class="card-brand">Loop</span>
          <span class="card-kind">VISA · virtual</span>
        </div>
        <div class="card-field card-number">
          <label for="cc-number" data-settle-unredact>Card number</label>
          <input id="cc-number" name="cc-number" type="text" readOnly autocomplete="cc-number" inputMode="numeric" value={groups(number)} data-settle-secret />
        </div>
        <div class="card-visual-bottom">
          <div class="card-field">
            <label for="cc-name" data-settle-unredact>Name on card</label>
            <input id="cc-name" name="cc-name" type="text" readOnly autocomplete="cc-name" value={s?.name ?? ''} data-settle-secret />
          </div>
          <div class="card-field card-short">
            <label for="cc-exp" data-settle-unredact>Expires</label>
            <input id="cc-exp" name="cc-exp" type="text" readOnly autocomplete="cc-exp" value={expiry} data-settle-secret />
          </div>
          <div class="card-field card-short">
            <label for="cc-csc" data-settle-unredact>CVC</label>
            <input id="cc-csc" name="cc-csc" type="text" readOnly autocomplete="cc-csc" inputMode="numeric" value={cvc} data-settle-secret />
          </div>
        </div>
      </section>
      <section class="card">
        <h2 data-settle-unredact>Keep it safe</h2>
        <p data-settle-unredact>We will never ask for your card number, CVC or PIN in chat or on a call. If you share your screen with our support team, these details are hidden from them automatically.</p>
      </section>
    </main>
  );
}
