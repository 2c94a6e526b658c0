// Measuring a child process from outside, the way ops see it:
//   runTimed(): run to completion under /usr/bin/time: wall, user and system
//               CPU seconds and peak RSS (the kernel's maxrss, no sampling gap);
//   sampleProc(): CPU seconds so far and current RSS from /proc/<pid>, for a
//               daemon that keeps running (follow mode).
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLOCK_TICKS = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100; } catch { return 100; }
})();
const MIB = 1024 * 1024;

/**
 * @returns {Promise<{ code: number, stdout: string, stderr: string, wallS: number, cpuS: number, userS: number, sysS: number, peakRssMiB: number }>}
 */
export function runTimed(command, args, { env = process.env, cwd } = {}) {
  const out = join(tmpdir(), `rf-time-${process.pid}-${Math.random().toString(16).slice(2)}.txt`);
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', out, command, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        const [wallS, userS, sysS, maxKiB] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        resolve({ code, stdout, stderr, wallS, userS, sysS, cpuS: userS + sysS, peakRssMiB: (maxKiB * 1024) / MIB });
      } catch (e) {
        reject(new Error(`no timing for ${command} (exit ${code}): ${e.message}\n${stderr}`));
      } finally {
        rmSync(out, { force: true });
      }
    });
  });
}

/** CPU seconds used so far (user + system) and resident memory of a live process. */
export function sampleProc(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuS = (Number(f[11]) + Number(f[12])) / CLOCK_TICKS; // utime, stime
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return { cpuS, rssMiB: (rssKiB * 1024) / MIB, atMs: performance.now() };
}

/** Samples a process every `everyMs` until stopped; keeps every sample. */
export function startSampler(pid, everyMs = 500) {
  const samples = [];
  const take = () => { try { samples.push(sampleProc(pid)); } catch { /* exited */ } };
  take();
  const timer = setInterval(take, everyMs);
  return { samples, take, stop: () => { clearInterval(timer); take(); return samples; } };
}
