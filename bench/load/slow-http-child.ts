import { connect } from 'node:net'
import type { Socket } from 'node:net'

/**
 * Slow-body HTTP clients: `count` sockets to the relay's HTTP port, each
 * sending a record PUT's headers and then a byte of its body every 5 s,
 * reopened when the server closes them (so the pressure stays). Reports how
 * many are open and how many the server closed. Usage (IPC):
 * { type: 'slow-http', url, count, perSecond }, then { type: 'stop' }.
 */
interface Start { type: 'slow-http', url: string, count: number, perSecond: number }

const sockets = new Set<Socket>()
const counts = { opened: 0, closedByServer: 0, failed: 0 }
let stopping = false

process.on('message', message => {
  const value = message as { type: string }
  if (value.type === 'slow-http') run(value as Start)
  if (value.type === 'stop') stop()
})

function run (init: Start): void {
  const url = new URL(init.url)
  const open = (): void => {
    if (stopping) return
    const socket = connect(Number(url.port), url.hostname)
    socket.on('error', () => { counts.failed++ })
    socket.resume()
    socket.once('connect', () => {
      counts.opened++
      socket.write(`PUT /v1/records/slow HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\nx`)
    })
    sockets.add(socket)
    socket.once('close', () => {
      sockets.delete(socket)
      if (stopping) return
      counts.closedByServer++
      setTimeout(open, 1000)
    })
  }
  let started = 0
  const ramp = setInterval(() => {
    for (let i = 0; i < init.perSecond / 10 && started < init.count; i++, started++) open()
    if (started >= init.count) clearInterval(ramp)
  }, 100)
  setInterval(() => { for (const socket of sockets) if (socket.writable) socket.write('x') }, 5000).unref()
  setInterval(() => { process.send?.({ type: 'slow-http-report', open: sockets.size, ...counts }) }, 2000).unref()
}

function stop (): void {
  stopping = true
  for (const socket of sockets) socket.destroy()
  process.send?.({ type: 'stopped', open: 0, ...counts }, () => { process.exit(0) })
}
