/**
 * The one logger (pino, JSON lines), shared by the HTTP app and the services. Secrets never reach
 * it: credential headers are redacted and secret query values (`key=` for beacons) cut from URLs.
 */
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/** Query values that are secrets are cut from logged URLs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:key|client_secret|access_token)=)[^&]*/gi, '$1[redacted]');
}

export function createLogger(config: Config, enabled: boolean): Logger {
  return pino({
    level: enabled ? config.logLevel : 'silent',
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-cuepoint-key"]',
        'req.headers["x-hapyak-api-key"]',
        'req.headers.cookie',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        ip: req.ip,
      }),
    },
  });
}
