import { pureJsCrypto } from '@libp2p/noise'
import type { ICryptoInterface } from '@libp2p/noise'

/**
 * Bun's node:crypto (BoringSSL) has no chacha20-poly1305, which noise's Node
 * implementation uses: handshakes fail with "Unknown cipher". Bun gets noise's
 * pure-JS primitives instead (test/runtime covers it).
 */
export const noiseCrypto: ICryptoInterface | undefined = pureJsCrypto
