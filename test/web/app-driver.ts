import { mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import type { Page } from 'playwright'
import { build } from 'vite'

/** How the app tests drive the app: as a person would, through its forms. */
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots')

export async function shot (target: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true })
  await target.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

/** The app as vite builds it for users, in a fresh folder (remove it after). */
export async function buildApp (): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'slurp-web-'))
  await build({ configFile: join(process.cwd(), 'web/vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  return outDir
}

export async function connected (target: Page): Promise<void> {
  await target.locator('[data-phase="connected"]').waitFor({ timeout: 20_000 })
}

export async function readInApp (target: Page, address: string): Promise<void> {
  await target.click('[data-tab=read]')
  await target.fill('form[data-form=read-form] input[name=address]', address)
  await target.click('form[data-form=read-form] button[type=submit]')
}

export async function writeInApp (target: Page, address: string, summary: string, options: { role?: string, type?: string } = {}): Promise<void> {
  await target.click('[data-tab=write]')
  await target.fill('form[data-form=write] input[name=address]', address)
  await target.selectOption('form[data-form=write] select[name=role]', options.role ?? 'backend_developer')
  await target.selectOption('form[data-form=write] select[name=type]', options.type ?? 'context')
  await target.fill('form[data-form=write] input[name=summary]', summary)
  await target.fill('form[data-form=write] textarea[name=body]', `Details of: ${summary}`)
  await target.click('form[data-form=write] button[type=submit]')
  await target.getByTestId('written').waitFor({ timeout: 20_000 })
}

/** The keys of the tab's decrypted cache (IndexedDB "slurp", store "context"), read straight from IndexedDB. */
export async function cacheKeys (target: Page): Promise<string[]> {
  return await target.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('slurp')
      request.onsuccess = () => { resolve(request.result) }
      request.onerror = () => { reject(request.error) }
    })
    try {
      if (!db.objectStoreNames.contains('context')) return []
      return await new Promise<string[]>((resolve, reject) => {
        const request = db.transaction('context').objectStore('context').getAllKeys()
        request.onsuccess = () => { resolve(request.result.map(String)) }
        request.onerror = () => { reject(request.error) }
      })
    } finally {
      db.close()
    }
  })
}

/**
 * Every file of a Chromium profile except IndexedDB (where the key vault
 * keeps the invite by design, sealed when the person sets a passphrase), as
 * text in the two encodings Chromium writes strings in (UTF-8 and UTF-16).
 */
export async function profileTexts (userDataDir: string): Promise<Array<{ file: string, text: string }>> {
  const found: Array<{ file: string, text: string }> = []
  for (const entry of await readdir(userDataDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = join(entry.parentPath, entry.name)
    if (file.split(sep).some(part => part === 'IndexedDB')) continue
    const bytes = await readFile(file).catch(() => undefined)
    if (bytes === undefined) continue
    found.push({ file, text: `${bytes.toString('latin1')}\n${bytes.toString('utf16le')}` })
  }
  return found
}

/** base64url runs in text decoded, so an invite carried as base64url JSON shows its secrets. */
export function decodedRuns (text: string): string {
  return (text.match(/[A-Za-z0-9_-]{64,}/g) ?? []).map(run => Buffer.from(run, 'base64url').toString('latin1')).join('\n')
}
