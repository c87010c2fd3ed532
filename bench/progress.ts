/** A one-line "now measuring" status on a terminal; silent when stderr is piped, so logs stay clean. */
export function showProgress (text: string): void {
  if (process.stderr.isTTY !== true) return
  process.stderr.write(`\r\x1b[K${text.slice(0, (process.stderr.columns ?? 80) - 1)}`)
}

export function clearProgress (): void {
  if (process.stderr.isTTY === true) process.stderr.write('\r\x1b[K')
}
