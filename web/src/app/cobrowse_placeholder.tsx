// ShareScreenPlaceholder marks where "Share my screen" (a 6-digit code for
// phone support) and the cobrowse consent dialog will go when cobrowse lands
// (web/sdk). It renders a hidden, empty element and does nothing: no fake
// button, no fake code.
export function ShareScreenPlaceholder() {
  return <div id="settle-share-screen" data-placeholder="cobrowse: share-my-screen and consent dialog" hidden />;
}
