import { ratio } from './section.ts'
import type { Section } from './section.ts'

/** Renders a section as a fixed-width text table. */
export function renderSection (section: Section): string {
  const header = ['case', 'impl', 'median', 'p95', 'ops/s', ...section.baselines.map(baseline => baseline.label)]
  const lines: string[][] = []
  for (const group of section.groups) {
    group.rows.forEach((row, index) => {
      lines.push([
        index === 0 ? group.label : '',
        row.name,
        formatTime(row.result.median),
        formatTime(row.result.p95),
        formatRate(1000 / row.result.median),
        ...section.baselines.map(baseline => formatRatio(ratio(group, row, baseline)))
      ])
    })
    lines.push([])
  }
  lines.pop()
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map(line => (line[column] ?? '').length)))
  // Text columns align left, numbers right, so magnitudes line up.
  const format = (cells: readonly string[]): string => cells.length === 0
    ? ''
    : cells.map((cell, column) => column < 2 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number)).join('  ').trimEnd()
  const rule = widths.map(width => '─'.repeat(width)).join('  ')
  const out = [section.title, '', format(header), rule, ...lines.map(format)]
  if (section.notes.length > 0) out.push('', ...section.notes.map(note => `  * ${note}`))
  return `${out.join('\n')}\n`
}

export function formatTime (ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  // Pick the unit after rounding, so 999.96 µs prints as 1.00 ms, not 1000 µs.
  for (const [unit, scale] of [['ns', 1e6], ['µs', 1e3], ['ms', 1]] as const) {
    const text = threeDigits(ms * scale)
    if (Number(text) < 1000) return `${text} ${unit}`
  }
  return `${threeDigits(ms / 1000)} s`
}

function threeDigits (value: number): string {
  return value.toFixed(value >= 99.95 ? 0 : value >= 9.995 ? 1 : 2)
}

function formatRate (perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '—'
  if (perSecond >= 100) return Math.round(perSecond).toLocaleString('en-US')
  return perSecond.toFixed(1)
}

function formatRatio (value: number | undefined): string {
  if (value === undefined) return ''
  return `${value.toFixed(value >= 10 ? 1 : 2)}×`
}
