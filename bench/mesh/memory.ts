import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

// `npm run bench` cannot pass --expose-gc; turned on here, a fresh context hands out gc().
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Resident set size after a full collection, so garbage from earlier work does not count. */
export function settledRss (): number {
  gc()
  return process.memoryUsage().rss
}

export function megabytes (bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`
}
