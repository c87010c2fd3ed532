import { enabled, logger } from '@libp2p/logger'
import type { ComponentLogger, Logger } from '@libp2p/interface'

/**
 * libp2p's logger, built only for the names DEBUG (or localStorage.debug)
 * turns on. js-libp2p makes a logger for every connection, stream and
 * protocol handshake, and each costs three `debug` instances and, on Node,
 * an isatty() call, even when nothing is ever printed: 2.5 % of a relay's
 * busy time under `npm run bench:load`. A name nobody enabled gets one
 * shared disabled logger instead; its scopes are checked the same way.
 */
export function lazyLogger (): ComponentLogger {
  return { forComponent: loggerFor }
}

function loggerFor (name: string): Logger {
  if (enabled(name) || enabled(`${name}:error`) || enabled(`${name}:trace`)) return logger(name)
  return disabled(name)
}

function disabled (name: string): Logger {
  const log = (): void => {}
  return Object.assign(log, {
    enabled: false,
    error: log,
    trace: log,
    newScope: (scope: string) => loggerFor(`${name}:${scope}`)
  })
}
