import { UsageError } from '../src/errors.ts'

/**
 * A listen address the relay could not take, said as a user can act on it.
 * libp2p reports a taken port as UnsupportedListenAddressesError, whose
 * message advises `transportManager.faultTolerance` (a library setting no
 * CLI user has) and embeds each failed address with the system's error.
 */
const REASONS: Array<[RegExp, string]> = [
  [/EADDRINUSE|AddrInUse|address already in use|is port \d+ in use/i, 'the port is taken (EADDRINUSE): another program, another relay or `npm start` listens there'],
  [/EADDRNOTAVAIL|AddrNotAvailable|cannot assign requested address/i, 'that IP address is not on this machine (EADDRNOTAVAIL)'],
  [/EACCES|PermissionDenied|permission denied/i, 'not allowed to listen there (EACCES): ports below 1024 need privileges']
]

function reasonOf (text: string): string | undefined {
  return REASONS.find(([pattern]) => pattern.test(text))?.[1]
}

/** libp2p's start failed: a UsageError naming each address and why, or the error itself when it is something else. */
export function explainListenError (error: unknown): unknown {
  if (!(error instanceof Error) || error.name !== 'UnsupportedListenAddressesError') return error
  // Its message lists "  /ip4/…/tcp/N: Error: listen EADDRINUSE: …" per failed address.
  const failed = [...error.message.matchAll(/^\s*(\/\S+): (.*)$/gm)].map(([, address = '', why = '']) => `${address}: ${reasonOf(why) ?? why}`)
  if (failed.length === 0) return error
  return new UsageError(`cannot listen on ${failed.join('; ')}.\nChoose other addresses with --listen (or SLURP_LISTEN), e.g. --listen /ip4/127.0.0.1/tcp/5001 --listen /ip4/127.0.0.1/tcp/5002/ws`, { cause: error })
}

/** The HTTP server could not bind: a UsageError for the reasons above, or the error itself. */
export function explainHttpListenError (error: unknown, where: { hostname: string, port: number }): unknown {
  const text = error instanceof Error ? `${(error as NodeJS.ErrnoException).code ?? ''} ${error.name} ${error.message}` : String(error)
  const reason = reasonOf(text)
  if (reason === undefined) return error
  return new UsageError(`cannot serve HTTP on ${where.hostname}:${where.port}: ${reason}.\nChoose another with --http HOST:PORT (or SLURP_HTTP), or --http off`, { cause: error })
}
