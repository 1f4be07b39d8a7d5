import type { MiddlewareHandler } from 'hono';
import { isLoopback } from '../config.js';
import { ApiError } from './errors.js';
import type { AppEnv } from './types.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The host name of a Host header ('127.0.0.1:5173' → '127.0.0.1', '[::1]:80' → '::1'). */
function hostName(host: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(host) ?? /^([^:]+)(?::\d+)?$/.exec(host);
  return (m?.[1] ?? host).toLowerCase();
}

/**
 * Keeps other web pages out of a server the user runs on their own machine.
 *
 * - Without an API key, the Host header must name this machine (or ALLOWED_HOSTS): a page
 *   that rebinds its own DNS name to 127.0.0.1 sends its own name as Host and is refused.
 * - A state-changing request (POST, PUT, DELETE) that a browser marks as coming from another
 *   site (`Origin` of another host, or `Sec-Fetch-Site: cross-site`) is refused unless that
 *   origin is in CORS_ORIGINS. "Simple" cross-origin requests (a form post, `text/plain`
 *   fetches) skip the CORS preflight, so without this any page could make a keyless loopback
 *   server act; scripts and curl send no Origin and are not affected.
 */
export function sameSiteOnly(options: {
  /** Whether creating a batch needs an API key (config.keyRequired). */
  keyed: boolean;
  corsOrigins: readonly string[];
  allowedHosts: readonly string[];
}): MiddlewareHandler<AppEnv> {
  const origins = new Set(options.corsOrigins);
  const hosts = new Set(options.allowedHosts);
  return async (c, next) => {
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (!options.keyed) {
      const name = hostName(host);
      if (!isLoopback(name) && !hosts.has(name)) {
        throw new ApiError(
          421,
          'cross_origin',
          `This server has no API key, so it only answers requests addressed to this machine ` +
            `(localhost, 127.0.0.1); add the name to ALLOWED_HOSTS to serve it as ${name}`,
        );
      }
    }
    if (!safeMethods.has(c.req.method)) {
      const origin = c.req.header('origin');
      // 'null' is what a sandboxed frame or a file:// page sends.
      const crossOrigin =
        origin === undefined
          ? c.req.header('sec-fetch-site') === 'cross-site'
          : !URL.canParse(origin) || new URL(origin).host !== host;
      if (crossOrigin && !(origin !== undefined && origins.has(origin))) {
        throw new ApiError(
          403,
          'cross_origin',
          'Requests from other web sites are refused; list the site in CORS_ORIGINS to allow it',
        );
      }
    }
    await next();
  };
}
