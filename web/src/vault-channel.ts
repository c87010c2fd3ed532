/** BroadcastChannel on which a tab of the app says it replaced or removed the keys of this origin's vault. */
export const VAULT_CHANNEL = 'slurp-vault'
