#!/usr/bin/env node
/**
 * Process entry: the only place that decides exit codes.
 *   0  done (--once: everything accepted by Zipkin)
 *   1  --once: some spans could not be exported
 *   2  bad usage (the message and the command's --help) or configuration (before any file is opened)
 * Subcommands (analyze, lint, validate-config, print-config) set process.exitCode in their handlers.
 */
import { analyzeCommand } from './analyze/command.js';
import { parseCli } from './cli.js';
import { configCommands, runFlags } from './config/commands.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import type { Config } from './config/schema.js';
import { lintCommand } from './lint/lint-command.js';
import { Logger } from './observe/logger.js';
import { runFollow } from './run/run-follow.js';
import { runOnce } from './run/run-once.js';

async function main(): Promise<number> {
  const cmd = await parseCli(process.argv.slice(2), [analyzeCommand, lintCommand, configCommands]);
  if (cmd.kind === 'usage-error') {
    process.stderr.write(`requestflow: ${cmd.message}\nrun "${cmd.help}" for usage\n`);
    return 2;
  }
  if (cmd.kind !== 'run') return Number(process.exitCode ?? 0);
  let config: Config;
  try {
    config = loadConfig({ file: cmd.args.config, flags: runFlags(cmd.args) });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`requestflow: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const inputs = cmd.args.inputs.length ? cmd.args.inputs : [...config.inputs];
  if (inputs.length === 0 && !(config.tail.kubernetes.enabled && !cmd.args.once)) {
    process.stderr.write('requestflow: no input: name log files (or "-" for stdin), or set inputs in the config\n');
    return 2;
  }
  const log = new Logger({ level: config.log.level });
  return cmd.args.once ? runOnce(config, inputs, cmd.args, log) : runFollow(config, inputs, log);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`requestflow: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(70);
  },
);
