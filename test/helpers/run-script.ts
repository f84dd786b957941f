import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REGISTER = fileURLToPath(new URL('./register-ts.mjs', import.meta.url));

export interface ScriptRun {
  /** Exit code, or null when killed (by a signal, or after `timeoutMs`). */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the process was still running after `timeoutMs` and was killed. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript script on the sources in a fresh Node process (`node --import
 * register-ts.mjs script args…`, see ts-hooks.mjs) and resolves when the process ends.
 * `timeoutMs` is a failure bound, not a measurement: past it the process is killed and the
 * run reports `timedOut`. `nodeArgs` go before the script (e.g. --max-old-space-size=256).
 */
export function runScript(script: string, args: string[] = [], options: { timeoutMs?: number; nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<ScriptRun> {
  const { timeoutMs = 60_000, nodeArgs = [], env = process.env } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', REGISTER, script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout, stderr });
    });
  });
}
