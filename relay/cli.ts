#!/usr/bin/env node
import '../src/runtime/node-shim.ts'
import { setMaxListeners } from 'node:events'
import type { CommandIO } from './command.ts'
import { runCli } from './run-cli.ts'

async function readStdin (): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return new Uint8Array(Buffer.concat(chunks))
}

let interrupted: AbortSignal | undefined

/** Once asked for, the first SIGINT or SIGTERM aborts instead of killing; the handlers go with it, so a second one kills. */
function interruptSignal (): AbortSignal {
  if (interrupted === undefined) {
    const controller = new AbortController()
    // One signal for every write or read in flight (32 by default), each listening to it.
    setMaxListeners(0, controller.signal)
    const stop = (signal: NodeJS.Signals): void => {
      process.removeListener('SIGINT', stop)
      process.removeListener('SIGTERM', stop)
      controller.abort(new Error(`${signal}: stopping`))
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    interrupted = controller.signal
  }
  return interrupted
}

const processIO: CommandIO = {
  readStdin,
  stdout: data => { process.stdout.write(data) },
  stderr: text => { process.stderr.write(text) },
  env: process.env,
  stderrIsTTY: process.stderr.isTTY === true,
  interrupt: interruptSignal
}

const exitCode = await runCli(process.argv.slice(2), processIO)
// Let stdout drain before exiting: large ciphertexts go through a pipe.
process.stdout.write('', () => { process.exit(exitCode) })
