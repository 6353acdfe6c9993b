import { ExportkitError } from '../errors/exportkit-error.js';
import type { ConnectionKind, ConnectionSettings, DeliveryOptions } from './delivery-settings.js';

/** Setting names whose values are secrets: never logged, recorded or shown in a message. */
const SECRET_KEYS = new Set(['password', 'privateKey', 'passphrase', 'url']);

/**
 * Resolves a named connection or key (`connection: hr-sftp` in a template) from the engine
 * options, then from environment variables `EXPORTKIT_<KIND>_<ID>_<SETTING>` (ID and setting in
 * upper case, every other character than A-Z and 0-9 as `_`: `hr-sftp`'s password is
 * `EXPORTKIT_SFTP_HR_SFTP_PASSWORD`, its privateKey `EXPORTKIT_SFTP_HR_SFTP_PRIVATE_KEY`). The
 * engine options win. Every secret it hands out is remembered, so `redact` can take it out of
 * any text before that text is logged, recorded or thrown.
 */
export class SecretResolver {
  private readonly secrets = new Set<string>();

  constructor(private readonly options: DeliveryOptions = {}) {}

  /** The settings of `id`, or an error naming where they may be given. */
  connection(kind: ConnectionKind, id: string, where: string): ConnectionSettings {
    const fromOptions = this.options.connections?.[kind]?.[id] ?? {};
    const prefix = `EXPORTKIT_${kind.toUpperCase()}_${envName(id)}_`;
    const env = this.options.env ?? process.env;
    const settings: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(env)) {
      if (name.startsWith(prefix) && value !== undefined) settings[camelCase(name.slice(prefix.length))] = value;
    }
    for (const [name, value] of Object.entries(fromOptions)) if (value !== undefined) settings[name] = value;
    if (Object.keys(settings).length === 0)
      throw new ExportkitError(
        `${where}: no ${kind} connection "${id}"; give it in the engine options (delivery.connections.${kind}) ` +
          `or in environment variables ${prefix}<SETTING>`,
      );
    for (const [name, value] of Object.entries(settings)) if (SECRET_KEYS.has(name) && value) this.remember(value);
    return settings;
  }

  /** An environment variable holding a secret (EXPORTKIT_SMTP_URL). */
  secretVariable(name: string): string | undefined {
    const value = (this.options.env ?? process.env)[name];
    if (value) this.remember(value);
    return value;
  }

  /** An environment variable that is no secret (EXPORTKIT_SMTP_FROM). */
  variable(name: string): string | undefined {
    return (this.options.env ?? process.env)[name];
  }

  /** A secret found elsewhere (a key file's content, a URL's password) that must not be shown either. */
  remember(secret: string): void {
    if (secret.length >= 3) this.secrets.add(secret);
    try {
      const password = new URL(secret).password;
      if (password.length >= 3) {
        this.secrets.add(password);
        this.secrets.add(decodeURIComponent(password));
      }
    } catch {
      // not a URL
    }
  }

  /** `text` with every secret handed out replaced by `***`. */
  redact(text: string): string {
    let out = text;
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
    return out;
  }
}

/** `hr-sftp` → `HR_SFTP`. */
export function envName(id: string): string {
  return id.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** `PRIVATE_KEY` → `privateKey`. */
function camelCase(name: string): string {
  return name.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
