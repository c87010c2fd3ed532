import { KiB, MiB, sizeLabel } from './payload.ts'

/** The case grid, shared by the suites and the goals that look results up by label. */
export const CRYPTO_SIZES = [KiB, 64 * KiB, MiB] as const
export const RECIPIENT_COUNTS = [1, 3, 5] as const
export const ENVELOPE_SIZES = [KiB, 64 * KiB] as const
/** The age file codec (src/crypto/age-file): a small record and a large one. */
export const AGE_FILE_SIZES = [KiB, MiB] as const

export function encryptGroup (bytes: number, recipients: number): string {
  return `encrypt ${sizeLabel(bytes)} → ${recipients}`
}

export function decryptGroup (bytes: number, recipients: number): string {
  return `decrypt ${sizeLabel(bytes)} of ${recipients}`
}

export function ageFileGroup (operation: 'encrypt' | 'decrypt' | 'STREAM seal' | 'STREAM open', bytes: number): string {
  return `age-file ${operation} ${sizeLabel(bytes)}`
}

export const SIGN_GROUP = 'sign record'
/** The writer's whole CPU cost of one record: encrypt 1 KiB for every reader role, then seal (hash + sign). */
export const WRITE_RECORD_GROUP = 'encrypt + seal 1 KiB record, 8 reader roles'
export const VALIDATE_GROUP = 'validate record'
export const VERIFY_GROUP = 'verify signature'
