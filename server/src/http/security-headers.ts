/**
 * Security headers on every response (OWASP Secure Headers). API responses are never cached and
 * may load nothing; pages may not be framed, except the Word task pane under `/addin/`, which
 * Office shows in a frame.
 */
import type { RequestHandler } from 'express';

/** Options of {@link securityHeaders}. */
export interface SecurityHeadersOptions {
  /** True when the public base URL is https: adds Strict-Transport-Security. */
  https: boolean;
}

/** Middleware that sets the security headers. */
export function securityHeaders(opts: SecurityHeadersOptions): RequestHandler {
  return (req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Signing-link tokens are in /sign/<token> URLs: never send them on in a Referer.
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (opts.https) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    if (req.path.startsWith('/api/')) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    } else if (!req.path.startsWith('/addin/')) {
      res.setHeader('X-Frame-Options', 'DENY');
      res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
    }
    next();
  };
}
