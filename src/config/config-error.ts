/** A configuration problem: start-up stops with this message (exit 2) before any file is opened. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
