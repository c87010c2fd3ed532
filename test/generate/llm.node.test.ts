import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { GeneratorConfigError, InvalidLlmAnswerError, LlmEndpointError } from '../../src/errors.ts'
import { createLlmGenerator, createStaticGenerator, parseLlmAnswer, resolveLlmConfig } from '../../src/generate/index.ts'
import { goldenBytes } from './fixture-repo.ts'

// A small OpenAI-compatible /v1/chat/completions server inside the test: no
// real model is run. Each test sets how it answers.
type Handler = (body: Record<string, unknown>, request: IncomingMessage, response: ServerResponse) => void
let handler: Handler
let received: Array<{ body: Record<string, unknown>, headers: IncomingMessage['headers'], url: string }> = []
let arrived: (() => void) | undefined
let server: Server
let url: string

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
      received.push({ body, headers: request.headers, url: request.url ?? '' })
      arrived?.()
      handler(body, request, response)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

beforeEach(() => {
  received = []
  arrived = undefined
})

function answerWith (content: string, extra: Record<string, unknown> = {}): Handler {
  return (_body, _request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', ...extra }] }))
  }
}

const GOOD = {
  summary: 'Formats byte counts as short human-readable strings.',
  purpose: 'Status views show sizes with it. It rounds to one decimal.',
  technologies: ['TypeScript', 'zod'],
  tags: ['formatting', 'ui'],
  insights: ['Only binary units are supported.']
}
const input = { path: 'src/sample.ts', bytes: goldenBytes('src/sample.ts') }

describe('llm generator', () => {
  it('uses a good answer, keeps the static facts, and says which model made the draft', async () => {
    handler = answerWith(JSON.stringify(GOOD))
    const warnings: string[] = []
    const generator = createLlmGenerator({ url, model: 'tiny-model', key: 'sk-test', onWarning: message => warnings.push(message) })
    const draft = await generator.generate(input, {})
    expect(draft.summary).toBe(GOOD.summary)
    expect(draft.purpose).toBe(GOOD.purpose)
    expect(draft.technologies).toEqual(['TypeScript', 'Node.js', 'zod'])
    expect(draft.tags).toEqual(['formatting', 'ui', 'typescript', 'todo'])
    expect(draft.insights[0]).toBe('Only binary units are supported.')
    expect(draft.definitions.map(d => d.name)).toContain('formatBytes')
    expect(draft.generator).toEqual({ name: 'llm', version: '1.0.0', model: 'tiny-model' })
    expect(draft.warnings).toBeUndefined()
    expect(warnings).toEqual([])
    // What went over the wire: the model, JSON mode, the key, the static draft and the source.
    const [request] = received
    expect(request?.url).toBe('/v1/chat/completions')
    expect(request?.headers.authorization).toBe('Bearer sk-test')
    expect(request?.body).toMatchObject({ model: 'tiny-model', response_format: { type: 'json_object' }, stream: false })
    const messages = request?.body.messages as Array<{ role: string, content: string }>
    expect(messages.map(m => m.role)).toEqual(['system', 'user'])
    expect(messages[1]?.content).toContain('Path: src/sample.ts')
    expect(messages[1]?.content).toContain('"formatBytes (function, line 23, exported)"')
    expect(messages[1]?.content).toContain('export function formatBytes')
  })

  it('cuts long sources and says so', async () => {
    handler = answerWith(JSON.stringify(GOOD))
    await createLlmGenerator({ url: `${url}/v1/`, model: 'm', maxSourceChars: 100 }).generate(input, {})
    const user = (received[0]?.body.messages as Array<{ content: string }>)[1]?.content ?? ''
    expect(user).toContain(`Source (the first 100 of ${new TextDecoder().decode(input.bytes).length} characters):`)
    expect(received[0]?.headers.authorization).toBeUndefined()
  })

  it.each([
    ['not JSON', 'Sure! Here is the summary: ...'],
    ['an unexpected field', JSON.stringify({ ...GOOD, mood: 'happy' })],
    ['a missing field', JSON.stringify({ ...GOOD, insights: undefined })],
    ['a wrong type', JSON.stringify({ ...GOOD, tags: 'formatting' })],
    ['a summary too long', JSON.stringify({ ...GOOD, summary: 'x'.repeat(301) })],
    ['an empty purpose', JSON.stringify({ ...GOOD, purpose: '  ' })],
    ['a tag that is not kebab-case', JSON.stringify({ ...GOOD, tags: ['two words'] })],
    ['too many insights', JSON.stringify({ ...GOOD, insights: Array.from({ length: 17 }, (_, i) => `insight ${i}`) })]
  ])('falls back to the static draft with a warning on an answer with %s', async (_what, content) => {
    handler = answerWith(content)
    const warnings: Array<[string, Error]> = []
    const generator = createLlmGenerator({ url, model: 'm', onWarning: (message, error) => warnings.push([message, error]) })
    const draft = await generator.generate(input, {})
    const expected = await createStaticGenerator().generate(input, {})
    expect(draft.summary).toBe(expected.summary)
    expect(draft.generator).toEqual({ name: 'static', version: '1.0.0' })
    expect(draft.warnings).toHaveLength(1)
    expect(draft.warnings?.[0]).toMatch(/^llm \(m\): the model's answer .*; the static draft is used instead$/)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.[1]).toBeInstanceOf(InvalidLlmAnswerError)
  })

  it('falls back on an answer cut off at the token limit', async () => {
    handler = answerWith(JSON.stringify(GOOD), { finish_reason: 'length' })
    const draft = await createLlmGenerator({ url, model: 'm' }).generate(input, {})
    expect(draft.warnings?.[0]).toContain('cut off')
  })

  it('falls back on HTTP 500', async () => {
    handler = (_body, _request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' })
      response.end('model crashed')
    }
    const errors: Error[] = []
    const draft = await createLlmGenerator({ url, model: 'm', onWarning: (_m, error) => errors.push(error) }).generate(input, {})
    expect(draft.generator.name).toBe('static')
    expect(draft.warnings).toEqual(['llm (m): the LLM endpoint answered HTTP 500; the static draft is used instead'])
    expect(errors[0]).toBeInstanceOf(LlmEndpointError)
  })

  it('falls back when the endpoint is unreachable', async () => {
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise(resolve => closed.close(resolve))
    const draft = await createLlmGenerator({ url: `http://127.0.0.1:${port}`, model: 'm' }).generate(input, {})
    expect(draft.warnings?.[0]).toMatch(/^llm \(m\): the LLM endpoint failed: /)
  })

  it('falls back when a slow server passes the timeout', async () => {
    handler = () => {} // never answers
    const draft = await createLlmGenerator({ url, model: 'm', timeoutMs: 300 }).generate(input, {})
    expect(draft.warnings).toEqual(['llm (m): the LLM endpoint did not answer within 300 ms; the static draft is used instead'])
  })

  it('rejects with the caller\'s reason when the caller aborts while a slow server thinks', async () => {
    handler = () => {} // never answers
    const controller = new AbortController()
    const request = new Promise<void>(resolve => { arrived = resolve })
    const warnings: string[] = []
    const generation = createLlmGenerator({ url, model: 'm', onWarning: m => warnings.push(m) }).generate(input, { signal: controller.signal })
    await request
    controller.abort(new Error('leader lost its term'))
    await expect(generation).rejects.toThrow('leader lost its term')
    expect(warnings).toEqual([])
  })

  it('refuses binary sources like the static generator, before calling the endpoint', async () => {
    handler = answerWith(JSON.stringify(GOOD))
    await expect(createLlmGenerator({ url, model: 'm' }).generate({ path: 'a.bin', bytes: Uint8Array.from([0, 1, 2]) }, {})).rejects.toThrow(/binary/)
    expect(received).toEqual([])
  })
})

describe('llm configuration and answers', () => {
  it('reads SLURP_LLM_URL, SLURP_LLM_MODEL and SLURP_LLM_KEY, options first', () => {
    const env = { SLURP_LLM_URL: 'http://localhost:11434', SLURP_LLM_MODEL: 'llama3.2', SLURP_LLM_KEY: 'k' }
    expect(resolveLlmConfig({ env })).toMatchObject({ endpoint: 'http://localhost:11434/v1/chat/completions', model: 'llama3.2', key: 'k' })
    expect(resolveLlmConfig({ env, model: 'other', url: 'https://api.example.com/v1' })).toMatchObject({ endpoint: 'https://api.example.com/v1/chat/completions', model: 'other' })
    expect(resolveLlmConfig({ env: {}, url: 'http://h/v1/chat/completions', model: 'm' }).endpoint).toBe('http://h/v1/chat/completions')
    expect(() => resolveLlmConfig({ env: {} })).toThrow(GeneratorConfigError)
    expect(() => resolveLlmConfig({ env: { SLURP_LLM_URL: 'http://h' } })).toThrow(/model/)
    expect(() => resolveLlmConfig({ env: {}, url: 'ftp://h', model: 'm' })).toThrow(GeneratorConfigError)
    expect(() => resolveLlmConfig({ env: {}, url: 'not a url', model: 'm' })).toThrow(GeneratorConfigError)
  })

  it('parses a valid answer, trimming and lower-casing tags', () => {
    expect(parseLlmAnswer(JSON.stringify({ ...GOOD, summary: `  ${GOOD.summary} `, tags: ['UI', 'ui', 'c++'] }))).toEqual({ ...GOOD, tags: ['ui', 'c++'] })
    expect(() => parseLlmAnswer(JSON.stringify({ ...GOOD, summary: 'a\u0000b' }))).toThrow(InvalidLlmAnswerError)
    expect(() => parseLlmAnswer('[]')).toThrow(InvalidLlmAnswerError)
  })
})
