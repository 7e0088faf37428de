// The integrator's side, as an integrator writes it: the standalone bundle
// (window.SettleCobrowse) with the customer's token.
const cobrowse = new SettleCobrowse.SettleCobrowse({ token: () => window.__settleToken, pollMs: 1000 });
cobrowse.subscribe((s) => (document.documentElement.dataset.cobrowse = s.phase));
cobrowse.start();
window.__cobrowse = cobrowse;
document.getElementById('safe').addEventListener('click', () => {
  document.getElementById('seen').textContent = 'Seen by support';
});
