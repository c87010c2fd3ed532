// Types for start-plan.mjs (a plain script npm start runs without a build), for the tests that import it.
export declare const DEFAULT_PORT_BASE: number
export declare const HOST: string
export interface StartOptions { portBase: number, inviteOnly: boolean, showInvite: boolean }
export declare function startOptions (argv: readonly string[], env: Readonly<Record<string, string | undefined>>): StartOptions
export interface StartPlan {
  relays: Array<{ ports: number[], args: string[] }>
  ports: number[]
  webUrl: string
}
export declare function startPlan (portBase?: number): StartPlan
export declare function takenPorts (ports: readonly number[]): Promise<number[]>
export declare function freePortBase (portBase: number): Promise<number>
