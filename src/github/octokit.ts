import { getOctokit } from '@actions/github';
import { defaults } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type Octokit = ReturnType<typeof getOctokit>;

/**
 * Longest a single request may take before it counts as a transient failure: 30 s, or
 * RELEASE_GATE_REQUEST_TIMEOUT_MS (1 s to 30 s; tests lower it to see a hung request fail fast).
 */
const REQUEST_TIMEOUT_MS = requestTimeout(process.env.RELEASE_GATE_REQUEST_TIMEOUT_MS);

function requestTimeout(value: string | undefined): number {
  const ms = Number(value);
  return value && Number.isInteger(ms) && ms >= 1_000 && ms <= 30_000 ? ms : 30_000;
}
/** Longest wait a rate limit may ask for before we give up on that request. */
const MAX_RATE_LIMIT_WAIT_S = 60;

export interface OctokitLog {
  warning(message: string): void;
}

/**
 * Octokit with retries (5xx, resets, time-outs) and rate-limit handling, pointed at GITHUB_API_URL
 * explicitly (the toolkit reads it once at import). The toolkit's proxy-aware `request` defaults
 * are spread, not replaced.
 */
export function createOctokit(token: string, apiUrl: string, log: OctokitLog): Octokit {
  const base = defaults.request as { fetch?: typeof fetch } | undefined;
  const innerFetch = base?.fetch ?? fetch;
  const timedFetch: typeof fetch = (input, init) =>
    innerFetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) : AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const onLimit = (kind: string) => (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    if (retryCount < 3 && retryAfter <= MAX_RATE_LIMIT_WAIT_S) {
      log.warning(`GitHub ${kind} rate limit on ${options.method} ${options.url}: retrying in ${retryAfter}s`);
      return true;
    }
    log.warning(`GitHub ${kind} rate limit on ${options.method} ${options.url}: giving up (retry-after ${retryAfter}s)`);
    return false;
  };
  return getOctokit(
    token,
    {
      baseUrl: apiUrl,
      // no request.retries here: plugin-retry would then retry every error, 404s included
      request: { ...defaults.request, fetch: timedFetch },
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
      throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
    },
    retry,
    throttling,
  );
}

/** Status of an Octokit error, if it is one. */
export function httpStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
