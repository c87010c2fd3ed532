import type { ICryptoInterface } from '@libp2p/noise'

/** Everywhere but Bun, noise picks its own best primitives (node:crypto, WebCrypto). */
export const noiseCrypto: ICryptoInterface | undefined = undefined
