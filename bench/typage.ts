import { Encrypter } from 'age-encryption'

/** typage's own path: recipients as age1… strings, parsed and wrapped by typage itself. */
export async function typageEncrypt (recipients: readonly string[], plaintext: Uint8Array): Promise<Uint8Array> {
  const encrypter = new Encrypter()
  for (const recipient of recipients) encrypter.addRecipient(recipient)
  return await encrypter.encrypt(plaintext)
}
