/**
 * Takes the invite out of the page's `#invite=` fragment and out of the
 * address bar. This cannot undo the browser's history entry (it was written
 * when the page opened), which is why invite links are sealed under a
 * passphrase by default (src/invite/sealed.ts): history keeps only ciphertext.
 */
export function takeInviteFragment (): string | undefined {
  const value = new URLSearchParams(location.hash.slice(1)).get('invite')
  if (value === null) return undefined
  history.replaceState(history.state, '', location.pathname + location.search)
  return value.trim() === '' ? undefined : value.trim()
}
