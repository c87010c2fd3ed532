#!/usr/bin/env node
import '../src/runtime/node-shim.ts'
import type { CommandIO } from './command.ts'
import { runCli } from './run-cli.ts'

async function readStdin (): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return new Uint8Array(Buffer.concat(chunks))
}

const processIO: CommandIO = {
  readStdin,
  stdout: data => { process.stdout.write(data) },
  stderr: text => { process.stderr.write(text) },
  env: process.env
}

const exitCode = await runCli(process.argv.slice(2), processIO)
// Let stdout drain before exiting: large ciphertexts go through a pipe.
process.stdout.write('', () => { process.exit(exitCode) })
