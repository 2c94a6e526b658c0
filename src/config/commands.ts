/**
 * The config subcommands, registered on the CLI through parseCli's `extra` hook:
 *   requestflow validate-config FILE   check a file alone (no environment overrides), exit 0 or 2
 *   requestflow print-config           the effective config (file < environment < flags), secrets masked
 *   requestflow print-config --example every key with its default (config/requestflow.example.yaml)
 */
import type { Argv } from 'yargs';
import { asList, configOptions, spanEndpointOption, type Subcommands } from '../cli.js';
import { ConfigError, loadConfig } from './load-config.js';
import { flagLayer, mergeLayers, setFlagsLayer, type OverrideLayer } from './overrides.js';
import { exampleYaml, maskedYaml } from './reference.js';

/** The flags that set config keys: --zipkin-url, then each --set key=value in order. */
export function runFlags(args: { zipkinUrl?: string; set?: readonly string[] }): OverrideLayer {
  return mergeLayers(flagLayer('--zipkin-url', 'zipkin.url', args.zipkinUrl), setFlagsLayer(args.set ?? []));
}

export const configCommands: Subcommands = { names: ['validate-config', 'print-config'], register: registerConfigCommands };

export function registerConfigCommands(y: Argv): Argv {
  return y
    .command('validate-config <file>', 'check a YAML config file (names the key, the line and the nearest known key) and exit: 0 valid, 2 invalid',
      (c) => c.positional('file', { type: 'string', demandOption: true, describe: 'YAML config file' }),
      (a) => {
        const file = a.file as string;
        try {
          loadConfig({ file, envOverrides: false });
          process.stdout.write(`${file}: valid configuration\n`);
          process.exitCode = 0;
        } catch (e) {
          failWith(e);
        }
      })
    .command('print-config', 'print the effective configuration (--config file < REQUESTFLOW_* variables < flags) as YAML, secrets masked',
      (c) => configOptions(c)
        .option('zipkin-url', spanEndpointOption)
        .option('example', { type: 'boolean', default: false, describe: 'print every key with its default and description instead' }),
      (a) => {
        if (a.example) {
          process.stdout.write(exampleYaml());
          process.exitCode = 0;
          return;
        }
        try {
          const config = loadConfig({
            file: a.config as string | undefined,
            flags: runFlags({ zipkinUrl: a['zipkin-url'] as string | undefined, set: asList(a.set) }),
          });
          process.stdout.write(maskedYaml(config));
          process.exitCode = 0;
        } catch (e) {
          failWith(e);
        }
      });
}

function failWith(e: unknown): void {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`requestflow: ${e.message}\n`);
  process.exitCode = 2;
}
