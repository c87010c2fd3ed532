import { mkdir, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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

export async function writeInApp (target: Page, address: string, summary: string): Promise<void> {
  await target.click('[data-tab=write]')
  await target.fill('form[data-form=write] input[name=address]', address)
  await target.selectOption('form[data-form=write] select[name=role]', 'backend_developer')
  await target.fill('form[data-form=write] input[name=summary]', summary)
  await target.fill('form[data-form=write] textarea[name=body]', `Details of: ${summary}`)
  await target.click('form[data-form=write] button[type=submit]')
  await target.getByTestId('written').waitFor({ timeout: 20_000 })
}
