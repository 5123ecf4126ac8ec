/**
 * A stateful, local stand-in for GitHub that a test can point a real client (the built action run
 * as a child process, `@actions/github`'s Octokit, `@actions/artifact`) at, over real HTTP on
 * 127.0.0.1. It plays three hosts, on two ephemeral ports:
 *
 *   - the REST API        `apiUrl`     = http://127.0.0.1:PORT/api/v3   (GitHub Enterprise-style prefix, so
 *                                                                     a client that drops the path of
 *                                                                     GITHUB_API_URL is caught)
 *   - the results service `resultsUrl` = http://127.0.0.1:PORT/          (Twirp JSON: /twirp/github.actions.
 *                                                                     results.api.v1.ArtifactService/*)
 *   - blob storage        `blobUrl`    = http://127.0.0.1:PORT2          (signed artifact zip downloads; a
 *                                                                     different origin, like Azure, so a
 *                                                                     client's Authorization header is not
 *                                                                     forwarded on the 302)
 *
 * Usage:
 *
 *   const fake = await startFakeGitHub({ owner: 'acme', repo: 'widgets' });
 *   const run = fake.addRun({ headSha: 'a'.repeat(40), headBranch: 'feature', event: 'pull_request', pullRequests: [7] });
 *   fake.addPull({ number: 7, head: { ref: 'feature', sha: run.head_sha }, base: { ref: 'main' } });
 *   fake.addArtifact({ runId: run.id, name: 'coverage', files: { 'coverage/coverage-summary.json': '{...}' } });
 *   fake.setFault((req, attempt) => (req.operationId === 'checks/create' && attempt === 1 ? faults.status(502) : undefined));
 *   const child = spawn(process.execPath, ['dist/index.js'], {
 *     env: { ...fake.env({ runId: run.id, token: 'ghs_test' }), GITHUB_EVENT_PATH, GITHUB_WORKSPACE, RUNNER_TEMP,
 *            GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, 'INPUT_GITHUB-TOKEN': 'ghs_test', PATH: process.env.PATH },
 *   });
 *   ... await exit ...
 *   expect(fake.invalidRequests()).toEqual([]);         // every REST call fits GitHub's OpenAPI description
 *   expect(fake.state.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
 *   await fake.close();
 *
 * Environment a child process running the action needs (`fake.env()` returns all of these):
 *   GITHUB_API_URL         = fake.apiUrl       (@actions/github reads it when the module is first loaded)
 *   GITHUB_SERVER_URL      = https://github.com  — NOT the fake: @actions/artifact treats any other host
 *                                               (except *.ghe.com / *.localhost) as GHES and refuses to work
 *   GITHUB_GRAPHQL_URL     = fake.url + '/api/graphql' (where Octokit puts it beside /api/v3; only the
 *                            `viewer` query is served: who the token acts as)
 *   ACTIONS_RESULTS_URL    = fake.resultsUrl   (@actions/artifact uses only its origin)
 *   ACTIONS_RUNTIME_TOKEN  = fake.runtimeTokenFor(runId): a JWT whose `scp` claim holds
 *                            `Actions.Results:<runBackendId>:<jobBackendId>`
 *   GITHUB_REPOSITORY, GITHUB_REPOSITORY_OWNER, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_RUN_NUMBER, GITHUB_SHA,
 *   GITHUB_REF, GITHUB_HEAD_REF, GITHUB_BASE_REF, GITHUB_EVENT_NAME, GITHUB_WORKFLOW, GITHUB_JOB, GITHUB_ACTOR,
 *   GITHUB_ACTIONS=true, CI=true, and GITHUB_TOKEN when `env({ token })` is given (an action reads its
 *   token from INPUT_TOKEN / INPUT_GITHUB-TOKEN: set that yourself)
 * and, from the test itself (files): GITHUB_EVENT_PATH (see `fake.eventPayload()`), GITHUB_WORKSPACE,
 * RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_STATE, GITHUB_ENV, INPUT_<NAME> for inputs.
 *
 * State is plain data on `fake.state` (check runs, comments, pulls, contents, runs, artifacts); the
 * add*() helpers fill in GitHub-like defaults. Refs: `state.branches` maps branch → head sha (the
 * default branch exists from the start); contents set on a branch name are also served for its sha,
 * so a PR's `base.sha` finds the files set on `main`.
 *
 * Every REST request is validated against GitHub's OpenAPI description (./openapi.ts); the result is
 * on `requests[i].validation` and `fake.invalidRequests()` lists the failures (including unknown
 * body properties and query parameters, which GitHub ignores silently). Body schema violations are
 * also answered with GitHub's 422 (`rejectInvalid: false` turns that off). Twirp and blob requests
 * are recorded (kind 'twirp' / 'blob') but not validated.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import crypto from 'node:crypto';
import { zipSync } from 'fflate';
import { validateRequest, type RequestValidation } from './openapi.js';

// ---------------------------------------------------------------------------------------------
// public types

export interface UserInfo {
  login: string;
  id: number;
  type: 'Bot' | 'User' | 'Organization';
}

export interface TokenInfo {
  /** the user the token acts as (default: github-actions[bot]) */
  user?: UserInfo;
  /** writes (POST/PATCH/PUT/DELETE) get GitHub's 403 "Resource not accessible by integration" */
  readOnly?: boolean;
  /** slug of the GitHub App the token writes check runs as (default github-actions, GITHUB_TOKEN's) */
  app?: string;
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  started_at: string | null;
  completed_at: string | null;
  details_url: string | null;
  external_id: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations: Annotation[]; images: unknown[] };
  actions: unknown[];
  /** login of the token's user that created it */
  createdBy: string;
  /** slug of the app that created it (the `app` GitHub shows): github-actions unless the token says */
  app: string;
  /** how many PATCHes it received */
  updates: number;
}

/** A commit of the repository's history (what compare and the commit endpoints serve). */
export interface CommitRecord {
  sha: string;
  /** first parent first */
  parents: string[];
  message: string;
  /** author and committer date */
  date: string;
  /** the files it changes against its first parent (what compare lists) */
  files?: DiffFile[];
}

export interface CommentRecord {
  id: number;
  issue_number: number;
  body: string;
  user: UserInfo;
  created_at: string;
  updated_at: string;
}

export interface DiffFile {
  filename: string;
  status?: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  additions?: number;
  deletions?: number;
  patch?: string;
  previous_filename?: string;
}

export interface PullRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  head: { ref: string; sha: string; repo?: string };
  base: { ref: string; sha: string };
  user: UserInfo;
  labels: string[];
  files: DiffFile[];
  /** further commits in the PR (for GET /commits/{sha}/pulls) */
  commitShas: string[];
  created_at: string;
  updated_at: string;
}

export interface RunRecord {
  id: number;
  /** the results-service id of the run (in ACTIONS_RUNTIME_TOKEN's scp claim) */
  backendId: string;
  /** the results-service id of the job the action runs in */
  jobBackendId: string;
  name: string;
  path: string;
  head_sha: string;
  head_branch: string | null;
  event: string;
  status: string;
  conclusion: string | null;
  run_number: number;
  run_attempt: number;
  workflow_id: number;
  /** PR numbers the run is associated with (GitHub leaves this empty for PRs from forks) */
  pullRequests: number[];
  actor: UserInfo;
  created_at: string;
  updated_at: string;
}

export interface ArtifactRecord {
  id: number;
  name: string;
  runId: number;
  headSha: string;
  createdAt: string;
  files: Record<string, string | Uint8Array>;
  /** the exact zip bytes to serve instead of zipping `files` (crafted or corrupt zips) */
  zip?: Uint8Array;
  expired?: boolean;
  /** the job (results-service id) that uploaded it; defaults to the run's job */
  jobBackendId?: string;
}

export interface FakeState {
  owner: string;
  repo: string;
  repoId: number;
  defaultBranch: string;
  /** branch name → head sha (used to resolve refs in contents and check-run listing) */
  branches: Record<string, string>;
  /** issue numbers that exist besides the pulls */
  issues: number[];
  checkRuns: CheckRunRecord[];
  comments: CommentRecord[];
  pulls: PullRecord[];
  /** ref (branch, tag or sha) → path → content */
  contents: Record<string, Record<string, string | Uint8Array>>;
  /**
   * sha → commit: the history compare and GET commit serve (a commit not here is unknown to them,
   * as GitHub answers for a sha it does not have; check runs can still be listed for any sha)
   */
  commits: Record<string, CommitRecord>;
  runs: RunRecord[];
  artifacts: ArtifactRecord[];
}

export type RequestKind = 'rest' | 'graphql' | 'twirp' | 'blob' | 'other';

export interface RecordedRequest {
  seq: number;
  kind: RequestKind;
  method: string;
  /** path + query as sent */
  url: string;
  /** for REST: the path relative to apiUrl (no query); otherwise the URL path */
  path: string;
  query: Record<string, string | string[]>;
  headers: http.IncomingHttpHeaders;
  /** the raw Authorization header, if any */
  authorization?: string;
  /** the token from it (`token X` / `Bearer X`) */
  token?: string;
  rawBody: string;
  /** the JSON-parsed body (undefined when empty or not JSON) */
  body?: unknown;
  /** REST only: the result of validating against GitHub's OpenAPI description */
  validation?: RequestValidation;
  /** REST: the operationId; Twirp: the method name */
  operationId?: string;
  /** 1 for the first request with this method + URL + body, 2 for its first retry, ... */
  attempt: number;
  fault?: Fault;
  /** REST request whose operation the fake does not implement (answered 404) */
  unhandled?: boolean;
  status?: number;
  responseHeaders?: Record<string, string | string[]>;
  /** parsed JSON response (undefined for raw bodies) */
  responseBody?: unknown;
}

/**
 * What a fault function may return:
 *   { status, headers?, body? }   answer this instead (body: JSON value or string)
 *   { redirect, status? }         answer 302 (or given 3xx) with Location: redirect
 *   { delayMs }                   answer normally after a delay
 *   'reset'                       destroy the socket without answering
 *   'hang'                        never answer (close() still ends)
 *   'truncate'                    answer normally but cut the body in half and destroy the socket
 */
export type Fault =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { redirect: string; status?: 301 | 302 | 303 | 307 | 308 }
  | { delayMs: number }
  | 'reset'
  | 'hang'
  | 'truncate';

export type FaultFn = (req: RecordedRequest, attempt: number) => Fault | undefined;

const SECONDARY_RATE_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:4444.';

/** Ready-made faults, shaped like GitHub's. */
export const faults = {
  status(status: number, body?: unknown, headers?: Record<string, string>): Fault {
    return { status, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) };
  },
  serverError(status: 500 | 502 | 503 | 504 = 503): Fault {
    const message = status === 502 ? 'Server Error' : status === 503 ? 'Service Unavailable' : 'Server Error';
    return { status, body: { message } };
  },
  /** 429 with retry-after (GitHub's secondary-limit message, which plugin-throttling recognises) */
  tooManyRequests(retryAfterSeconds = 1): Fault {
    return {
      status: 429,
      headers: { 'retry-after': String(retryAfterSeconds) },
      body: {
        message: SECONDARY_RATE_LIMIT_MESSAGE,
        documentation_url:
          'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: '429',
      },
    };
  },
  /** 403 secondary rate limit with retry-after, as GitHub sends it */
  secondaryRateLimit(retryAfterSeconds = 1): Fault {
    return {
      status: 403,
      headers: { 'retry-after': String(retryAfterSeconds) },
      body: {
        message: SECONDARY_RATE_LIMIT_MESSAGE,
        documentation_url:
          'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: '403',
      },
    };
  },
  /** 403 primary rate limit: x-ratelimit-remaining 0, reset in `resetInSeconds` */
  primaryRateLimit(resetInSeconds = 1): Fault {
    return {
      status: 403,
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds),
      },
      body: {
        message: 'API rate limit exceeded for installation ID 12345678.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-rate-limits',
        status: '403',
      },
    };
  },
  reset: 'reset' as Fault,
  hang: 'hang' as Fault,
  truncate: 'truncate' as Fault,
  delay(delayMs: number): Fault {
    return { delayMs };
  },
  redirect(location: string): Fault {
    return { redirect: location };
  },
};

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** every token is read-only (writes get GitHub's 403) */
  readOnly?: boolean;
  /** when set, only these tokens are accepted (others get 401 "Bad credentials") */
  tokens?: Record<string, TokenInfo>;
  /** answer body schema violations with GitHub's 422 (default true) */
  rejectInvalid?: boolean;
  /** the clock (timestamps in responses and state) */
  now?: () => Date;
  /** host of html_url links (default https://github.com) */
  serverUrl?: string;
}

export interface FakeGitHub {
  /** http://127.0.0.1:PORT */
  url: string;
  /** http://127.0.0.1:PORT/api/v3 (GITHUB_API_URL) */
  apiUrl: string;
  /** http://127.0.0.1:PORT/ (ACTIONS_RESULTS_URL) */
  resultsUrl: string;
  /** http://127.0.0.1:PORT2 (signed blob URLs) */
  blobUrl: string;
  /** a URL on the blob host that resets every connection (for redirect-to-dead-URL faults) */
  deadUrl: string;
  state: FakeState;
  requests: RecordedRequest[];
  close(): Promise<void>;
  setFault(fn: FaultFn | undefined): void;
  setReadOnly(readOnly: boolean): void;
  /** REST requests whose validation failed (strict-only ones included) */
  invalidRequests(): Array<{ method: string; url: string; errors: string[] }>;
  /** REST requests for operations the fake does not implement */
  unhandledRequests(): RecordedRequest[];
  /** recorded REST requests, optionally for one operationId */
  restRequests(operationId?: string): RecordedRequest[];
  addRun(run?: Partial<Omit<RunRecord, 'pullRequests'>> & { headSha?: string; headBranch?: string | null; pullRequests?: number[] }): RunRecord;
  addArtifact(a: Partial<ArtifactRecord> & { name: string; runId: number; files: Record<string, string | Uint8Array> }): ArtifactRecord;
  addPull(p: Partial<Omit<PullRecord, 'head' | 'base'>> & { head?: Partial<PullRecord['head']>; base?: Partial<PullRecord['base']> }): PullRecord;
  addComment(c: { issue_number: number; body: string; user?: UserInfo; created_at?: string }): CommentRecord;
  addCheckRun(c: Partial<CheckRunRecord> & { name: string; head_sha: string }): CheckRunRecord;
  /** a commit of the history (sha derived from the message when not given) */
  /**
   * a commit of the history (sha derived from the message when not given); `files` are what it
   * changes against its first parent: compare lists the files of the commits the head is ahead by
   * (a later commit's entry for a path replacing an earlier one's), at most 300, on the first page
   */
  addCommit(c: { sha?: string; parents?: string[]; message?: string; date?: string; files?: DiffFile[] }): CommitRecord;
  setContent(path: string, content: string | Uint8Array, ref?: string): void;
  /** the zip bytes served for an artifact (what the download should unpack) */
  artifactZip(artifact: ArtifactRecord): Uint8Array;
  /** ACTIONS_RUNTIME_TOKEN for a run (defaults to the first run) */
  runtimeTokenFor(runId?: number): string;
  /** the env vars a child process needs to use the fake as its GitHub (see the top of this file) */
  env(opts?: { runId?: number; token?: string }): Record<string, string>;
  /** a GITHUB_EVENT_PATH payload for a run (pull_request → { action, number, pull_request, repository }; merge_group → { action, merge_group, repository }) */
  eventPayload(runId?: number): Record<string, unknown>;
  /** REST objects exactly as the fake serves them (for assertions / validateResponse) */
  render: {
    checkRun(c: CheckRunRecord): Record<string, unknown>;
    commit(c: CommitRecord): Record<string, unknown>;
    comment(c: CommentRecord): Record<string, unknown>;
    pull(p: PullRecord): Record<string, unknown>;
    run(r: RunRecord): Record<string, unknown>;
    artifact(a: ArtifactRecord): Record<string, unknown>;
    repository(): Record<string, unknown>;
  };
}

// ---------------------------------------------------------------------------------------------
// runtime token (ACTIONS_RUNTIME_TOKEN)

/** HMAC key of the JWTs built by runtimeToken(); the fake accepts any token signed with it. */
export const RUNTIME_TOKEN_SECRET = 'fake-github-actions-runtime-token-secret';

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * Builds an ACTIONS_RUNTIME_TOKEN the way @actions/artifact parses it: a JWT whose `scp` claim is
 * space-separated scopes, one of them `Actions.Results:<workflowRunBackendId>:<workflowJobRunBackendId>`.
 */
export function runtimeToken(ids: { runBackendId: string; jobBackendId: string; expiresInSeconds?: number }): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'HS256', x5t: 'fake' };
  const payload = {
    nameid: 'dddddddd-dddd-dddd-dddd-dddddddddddd',
    scp: `Actions.ExampleScope Actions.Results:${ids.runBackendId}:${ids.jobBackendId}`,
    TrustedForDelegation: 'false',
    iss: 'vstoken.actions.githubusercontent.com',
    aud: 'vso:fake-github',
    nbf: now - 60,
    iat: now - 60,
    exp: now + (ids.expiresInSeconds ?? 6 * 3600),
  };
  const unsigned = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const sig = crypto.createHmac('sha256', RUNTIME_TOKEN_SECRET).update(unsigned).digest('base64url');
  return `${unsigned}.${sig}`;
}

/** Verifies a runtime token and returns its backend ids (undefined when invalid or expired). */
export function parseRuntimeToken(token: string): { runBackendId: string; jobBackendId: string } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const expected = crypto.createHmac('sha256', RUNTIME_TOKEN_SECRET).update(`${parts[0]}.${parts[1]}`).digest('base64url');
  if (expected !== parts[2]) return undefined;
  let payload: { scp?: string; exp?: number };
  try {
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as typeof payload;
  } catch {
    return undefined;
  }
  if (typeof payload.exp === 'number' && payload.exp * 1000 < Date.now()) return undefined;
  for (const scope of (payload.scp ?? '').split(' ')) {
    const p = scope.split(':');
    if (p[0] === 'Actions.Results' && p.length === 3) return { runBackendId: p[1]!, jobBackendId: p[2]! };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// helpers

export const GITHUB_ACTIONS_BOT: UserInfo = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
const GITHUB_ACTIONS_APP_ID = 15368;
const API_PREFIX = '/api/v3';
/** GHES-style, as Octokit derives it from a base URL ending in /api/v3 */
const GRAPHQL_PATH = '/api/graphql';
const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/';
const DOCS = 'https://docs.github.com/rest';
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
/** the permission GitHub names in x-accepted-github-permissions for the write operations we serve */
const ACCEPTED_PERMISSIONS: Record<string, string> = {
  'checks/create': 'checks=write',
  'checks/update': 'checks=write',
  'issues/create-comment': 'issues=write; pull_requests=write',
  'issues/update-comment': 'issues=write; pull_requests=write',
  'issues/delete-comment': 'issues=write; pull_requests=write',
};
/** GitHub's limit on an issue/PR comment body */
export const COMMENT_BODY_MAX = 65536;
/** GitHub lists at most this many files of a pull request */
export const PULL_FILES_MAX = 3000;
/** GitHub lists at most this many files of a comparison */
export const COMPARE_FILES_MAX = 300;

interface Reply {
  status: number;
  headers?: Record<string, string | string[]>;
  json?: unknown;
  raw?: Buffer | string;
}

const nodeId = (prefix: string, id: number | string) => `${prefix}_${Buffer.from(`fake:${id}`).toString('base64url')}`;
const gitBlobSha = (content: Uint8Array) =>
  crypto.createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
const toBytes = (c: string | Uint8Array) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c));
const fakeSha = (seed: string) => crypto.createHash('sha1').update(seed).digest('hex');

function parseToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const m = /^(?:token|bearer)\s+(.+)$/i.exec(authorization.trim());
  return m ? m[1]!.trim() : undefined;
}

function queryObject(sp: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  sp.forEach((v, k) => {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  });
  return out;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

// ---------------------------------------------------------------------------------------------
// the fake

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const now = options.now ?? (() => new Date());
  const iso = (d: Date = now()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const serverUrl = (options.serverUrl ?? 'https://github.com').replace(/\/$/, '');
  const rejectInvalid = options.rejectInvalid ?? true;
  let readOnly = options.readOnly ?? false;
  let faultFn: FaultFn | undefined;

  const state: FakeState = {
    owner: options.owner ?? 'octo-org',
    repo: options.repo ?? 'octo-repo',
    repoId: 700000001,
    defaultBranch: options.defaultBranch ?? 'main',
    branches: { [options.defaultBranch ?? 'main']: fakeSha(`branch:${options.defaultBranch ?? 'main'}`) },
    issues: [],
    checkRuns: [],
    comments: [],
    pulls: [],
    contents: {},
    commits: {},
    runs: [],
    artifacts: [],
  };
  const requests: RecordedRequest[] = [];
  const attempts = new Map<string, number>();
  const ids = { checkRun: 28000000000, comment: 2500000000, artifact: 3000000000, run: 12000000000, pull: 1900000000 };
  const zips = new Map<number, { key: string; zip: Uint8Array }>();
  const blobSecret = crypto.randomBytes(16).toString('hex');
  const rate = new Map<string, number>();
  const rateReset = Math.floor(Date.now() / 1000) + 3600;
  const hanging = new Set<http.ServerResponse>();
  const sockets = new Set<Socket>();

  const mainServer = http.createServer((req, res) => void handle(req, res, 'main'));
  const blobServer = http.createServer((req, res) => void handle(req, res, 'blob'));
  for (const s of [mainServer, blobServer]) s.on('connection', (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  });
  const [mainPort, blobPort] = [await listen(mainServer), await listen(blobServer)];
  const url = `http://127.0.0.1:${mainPort}`;
  const apiUrl = `${url}${API_PREFIX}`;
  const resultsUrl = `${url}/`;
  const blobUrl = `http://127.0.0.1:${blobPort}`;
  const deadUrl = `${blobUrl}/__dead__/artifact.zip`;
  const fullName = () => `${state.owner}/${state.repo}`;
  const repoApi = () => `${apiUrl}/repos/${fullName()}`;
  const repoHtml = () => `${serverUrl}/${fullName()}`;

  // ---- renderers ---------------------------------------------------------------------------

  function renderUser(u: UserInfo): Record<string, unknown> {
    const login = encodeURIComponent(u.login);
    const api = `${apiUrl}/users/${login}`;
    const isBot = u.type === 'Bot';
    return {
      login: u.login,
      id: u.id,
      node_id: nodeId(isBot ? 'BOT' : u.type === 'Organization' ? 'O' : 'U', u.id),
      avatar_url: isBot
        ? `https://avatars.githubusercontent.com/in/${GITHUB_ACTIONS_APP_ID}?v=4`
        : `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
      gravatar_id: '',
      url: api,
      html_url: isBot ? `${serverUrl}/apps/${u.login.replace(/\[bot\]$/, '')}` : `${serverUrl}/${login}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type: u.type,
      user_view_type: 'public',
      site_admin: false,
    };
  }

  const ownerUser = (): UserInfo => ({ login: state.owner, id: 9919, type: 'Organization' });

  function renderRepository(): Record<string, unknown> {
    const api = repoApi();
    const created = '2020-01-01T00:00:00Z';
    return {
      id: state.repoId,
      node_id: nodeId('R', state.repoId),
      name: state.repo,
      full_name: fullName(),
      private: false,
      owner: renderUser(ownerUser()),
      html_url: repoHtml(),
      description: null,
      fork: false,
      url: api,
      forks_url: `${api}/forks`,
      keys_url: `${api}/keys{/key_id}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      teams_url: `${api}/teams`,
      hooks_url: `${api}/hooks`,
      issue_events_url: `${api}/issues/events{/number}`,
      events_url: `${api}/events`,
      assignees_url: `${api}/assignees{/user}`,
      branches_url: `${api}/branches{/branch}`,
      tags_url: `${api}/tags`,
      blobs_url: `${api}/git/blobs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      trees_url: `${api}/git/trees{/sha}`,
      statuses_url: `${api}/statuses/{sha}`,
      languages_url: `${api}/languages`,
      stargazers_url: `${api}/stargazers`,
      contributors_url: `${api}/contributors`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      commits_url: `${api}/commits{/sha}`,
      git_commits_url: `${api}/git/commits{/sha}`,
      comments_url: `${api}/comments{/number}`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      contents_url: `${api}/contents/{+path}`,
      compare_url: `${api}/compare/{base}...{head}`,
      merges_url: `${api}/merges`,
      archive_url: `${api}/{archive_format}{/ref}`,
      downloads_url: `${api}/downloads`,
      issues_url: `${api}/issues{/number}`,
      pulls_url: `${api}/pulls{/number}`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      labels_url: `${api}/labels{/name}`,
      releases_url: `${api}/releases{/id}`,
      deployments_url: `${api}/deployments`,
      created_at: created,
      updated_at: created,
      pushed_at: created,
      git_url: `git://github.com/${fullName()}.git`,
      ssh_url: `git@github.com:${fullName()}.git`,
      clone_url: `${repoHtml()}.git`,
      svn_url: repoHtml(),
      homepage: null,
      size: 1,
      stargazers_count: 0,
      watchers_count: 0,
      language: 'TypeScript',
      has_issues: true,
      has_projects: true,
      has_downloads: true,
      has_wiki: true,
      has_pages: false,
      has_discussions: false,
      forks_count: 0,
      mirror_url: null,
      archived: false,
      disabled: false,
      open_issues_count: state.pulls.filter((p) => p.state === 'open').length,
      license: null,
      allow_forking: true,
      is_template: false,
      web_commit_signoff_required: false,
      topics: [],
      visibility: 'public',
      forks: 0,
      open_issues: state.pulls.filter((p) => p.state === 'open').length,
      watchers: 0,
      default_branch: state.defaultBranch,
      network_count: 0,
      subscribers_count: 0,
    };
  }

  function renderPullMinimal(p: PullRecord): Record<string, unknown> {
    const repo = { id: state.repoId, url: repoApi(), name: state.repo };
    return {
      id: p.id,
      number: p.number,
      url: `${repoApi()}/pulls/${p.number}`,
      head: { ref: p.head.ref, sha: p.head.sha, repo },
      base: { ref: p.base.ref, sha: p.base.sha, repo },
    };
  }

  function renderPull(p: PullRecord, full: boolean): Record<string, unknown> {
    const api = `${repoApi()}/pulls/${p.number}`;
    const issueApi = `${repoApi()}/issues/${p.number}`;
    const html = `${repoHtml()}/pull/${p.number}`;
    const repo = renderRepository();
    const side = (s: { ref: string; sha: string }) => ({
      label: `${state.owner}:${s.ref}`,
      ref: s.ref,
      sha: s.sha,
      user: renderUser(ownerUser()),
      repo,
    });
    const labels = p.labels.map((name, i) => ({
      id: 5000000 + i,
      node_id: nodeId('LA', `${p.number}:${name}`),
      url: `${repoApi()}/labels/${encodeURIComponent(name)}`,
      name,
      // GitHub sends null for a label without description, but the description's
      // pull-request-simple schema says `string`: give labels a description to stay valid
      description: `${name} label`,
      color: 'ededed',
      default: false,
    }));
    const closedAt = p.state === 'closed' ? p.updated_at : null;
    const out: Record<string, unknown> = {
      url: api,
      id: p.id,
      node_id: nodeId('PR', p.id),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: issueApi,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: renderUser(p.user),
      body: p.body,
      created_at: p.created_at,
      updated_at: p.updated_at,
      closed_at: closedAt,
      merged_at: p.merged ? p.updated_at : null,
      merge_commit_sha: p.merged ? fakeSha(`merge:${p.number}`) : null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      labels,
      milestone: null,
      draft: p.draft,
      commits_url: `${api}/commits`,
      review_comments_url: `${api}/comments`,
      review_comment_url: `${repoApi()}/pulls/comments{/number}`,
      comments_url: `${issueApi}/comments`,
      statuses_url: `${repoApi()}/statuses/${p.head.sha}`,
      head: side(p.head),
      base: side(p.base),
      _links: {
        self: { href: api },
        html: { href: html },
        issue: { href: issueApi },
        comments: { href: `${issueApi}/comments` },
        review_comments: { href: `${api}/comments` },
        review_comment: { href: `${repoApi()}/pulls/comments{/number}` },
        commits: { href: `${api}/commits` },
        statuses: { href: `${repoApi()}/statuses/${p.head.sha}` },
      },
      author_association: 'MEMBER',
      auto_merge: null,
      active_lock_reason: null,
    };
    if (full) {
      Object.assign(out, {
        merged: p.merged,
        mergeable: p.state === 'open' ? true : null,
        rebaseable: p.state === 'open' ? true : null,
        mergeable_state: p.state === 'open' ? 'clean' : 'unknown',
        merged_by: null,
        comments: state.comments.filter((c) => c.issue_number === p.number).length,
        review_comments: 0,
        maintainer_can_modify: false,
        commits: 1 + p.commitShas.length,
        additions: p.files.reduce((n, f) => n + (f.additions ?? 0), 0),
        deletions: p.files.reduce((n, f) => n + (f.deletions ?? 0), 0),
        changed_files: p.files.length,
      });
    }
    return out;
  }

  function renderDiffFile(headSha: string, f: DiffFile): Record<string, unknown> {
    const additions = f.additions ?? 0;
    const deletions = f.deletions ?? 0;
    const path = f.filename.split('/').map(encodeURIComponent).join('/');
    return {
      sha: fakeSha(`${headSha}:${f.filename}`),
      filename: f.filename,
      status: f.status ?? 'modified',
      additions,
      deletions,
      changes: additions + deletions,
      blob_url: `${repoHtml()}/blob/${headSha}/${path}`,
      raw_url: `${repoHtml()}/raw/${headSha}/${path}`,
      contents_url: `${repoApi()}/contents/${path}?ref=${headSha}`,
      ...(f.patch !== undefined ? { patch: f.patch } : {}),
      ...(f.previous_filename !== undefined ? { previous_filename: f.previous_filename } : {}),
    };
  }

  function githubActionsApp(): Record<string, unknown> {
    return {
      id: GITHUB_ACTIONS_APP_ID,
      slug: 'github-actions',
      client_id: 'Iv1.fakefakefakefake',
      node_id: nodeId('MDM', GITHUB_ACTIONS_APP_ID),
      owner: renderUser({ login: 'github', id: 9919, type: 'Organization' }),
      name: 'GitHub Actions',
      description: 'Automate your workflow from idea to production',
      external_url: 'https://help.github.com/en/actions',
      html_url: `${serverUrl}/apps/github-actions`,
      created_at: '2018-07-30T09:30:17Z',
      updated_at: '2024-04-10T20:33:16Z',
      permissions: { actions: 'write', checks: 'write', contents: 'write', issues: 'write', metadata: 'read', pull_requests: 'write' },
      events: ['check_run', 'check_suite', 'pull_request', 'push'],
    };
  }

  /** Another GitHub App, as the check run's `app` shows it. */
  function otherApp(slug: string): Record<string, unknown> {
    const id = 900000 + (parseInt(fakeSha(`app:${slug}`).slice(0, 6), 16) % 100000);
    return {
      id,
      slug,
      client_id: `Iv1.${fakeSha(`client:${slug}`).slice(0, 16)}`,
      node_id: nodeId('A', id),
      owner: renderUser(ownerUser()),
      name: slug,
      description: null,
      external_url: `https://example.com/${slug}`,
      html_url: `${serverUrl}/apps/${slug}`,
      created_at: '2021-03-01T12:00:00Z',
      updated_at: '2024-01-01T12:00:00Z',
      permissions: { checks: 'write', contents: 'read', metadata: 'read' },
      events: [],
    };
  }

  function renderCheckRun(c: CheckRunRecord): Record<string, unknown> {
    const api = `${repoApi()}/check-runs/${c.id}`;
    return {
      id: c.id,
      name: c.name,
      node_id: nodeId('CR', c.id),
      head_sha: c.head_sha,
      external_id: c.external_id ?? '',
      url: api,
      html_url: `${repoHtml()}/runs/${c.id}`,
      details_url: c.details_url ?? `${repoHtml()}/runs/${c.id}`,
      status: c.status,
      conclusion: c.conclusion,
      started_at: c.started_at,
      completed_at: c.completed_at,
      output: {
        title: c.output.title,
        summary: c.output.summary,
        text: c.output.text,
        annotations_count: c.output.annotations.length,
        annotations_url: `${api}/annotations`,
      },
      check_suite: { id: 30000000000 + (c.id % 1000000) },
      app: c.app === 'github-actions' ? githubActionsApp() : otherApp(c.app),
      pull_requests: state.pulls.filter((p) => p.state === 'open' && p.head.sha === c.head_sha).map(renderPullMinimal),
    };
  }

  function renderAnnotation(c: CheckRunRecord, a: Annotation): Record<string, unknown> {
    return {
      path: a.path,
      blob_href: `${repoHtml()}/blob/${c.head_sha}/${a.path}`,
      start_line: a.start_line,
      end_line: a.end_line,
      start_column: a.start_column ?? null,
      end_column: a.end_column ?? null,
      annotation_level: a.annotation_level,
      title: a.title ?? '',
      message: a.message,
      raw_details: a.raw_details ?? '',
    };
  }

  const gitPerson = (c: CommitRecord) => ({ name: 'Octo Cat', email: 'octocat@example.com', date: c.date });
  const noSignature = { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null };

  /** A commit as compare and GET /commits/{ref} show it. */
  function renderCommit(c: CommitRecord): Record<string, unknown> {
    return {
      url: `${repoApi()}/commits/${c.sha}`,
      sha: c.sha,
      node_id: nodeId('C', c.sha),
      html_url: `${repoHtml()}/commit/${c.sha}`,
      comments_url: `${repoApi()}/commits/${c.sha}/comments`,
      commit: {
        url: `${repoApi()}/git/commits/${c.sha}`,
        author: gitPerson(c),
        committer: gitPerson(c),
        message: c.message,
        comment_count: 0,
        tree: { sha: fakeSha(`tree:${c.sha}`), url: `${repoApi()}/git/trees/${fakeSha(`tree:${c.sha}`)}` },
        verification: noSignature,
      },
      author: renderUser({ login: 'octocat', id: 583231, type: 'User' }),
      committer: renderUser({ login: 'web-flow', id: 19864447, type: 'User' }),
      parents: c.parents.map((p) => ({ sha: p, url: `${repoApi()}/commits/${p}`, html_url: `${repoHtml()}/commit/${p}` })),
    };
  }

  /** A commit as the Git database API (GET /git/commits/{sha}) shows it. */
  function renderGitCommit(c: CommitRecord): Record<string, unknown> {
    const tree = fakeSha(`tree:${c.sha}`);
    return {
      sha: c.sha,
      node_id: nodeId('C', c.sha),
      url: `${repoApi()}/git/commits/${c.sha}`,
      html_url: `${repoHtml()}/commit/${c.sha}`,
      author: gitPerson(c),
      committer: gitPerson(c),
      tree: { sha: tree, url: `${repoApi()}/git/trees/${tree}` },
      message: c.message,
      parents: c.parents.map((p) => ({ sha: p, url: `${repoApi()}/git/commits/${p}`, html_url: `${repoHtml()}/commit/${p}` })),
      verification: noSignature,
    };
  }

  /** Every commit reachable from `sha` (itself included), nearest first (breadth-first over all parents). */
  function ancestry(sha: string): string[] {
    const order: string[] = [];
    const seen = new Set<string>([sha]);
    for (let queue = [sha]; queue.length > 0; ) {
      const next: string[] = [];
      for (const s of queue) {
        order.push(s);
        for (const p of state.commits[s]?.parents ?? []) {
          if (seen.has(p)) continue;
          seen.add(p);
          next.push(p);
        }
      }
      queue = next;
    }
    return order;
  }

  function renderComment(c: CommentRecord): Record<string, unknown> {
    const isPull = state.pulls.some((p) => p.number === c.issue_number);
    return {
      id: c.id,
      node_id: nodeId('IC', c.id),
      url: `${repoApi()}/issues/comments/${c.id}`,
      html_url: `${repoHtml()}/${isPull ? 'pull' : 'issues'}/${c.issue_number}#issuecomment-${c.id}`,
      body: c.body,
      user: renderUser(c.user),
      created_at: c.created_at,
      updated_at: c.updated_at,
      issue_url: `${repoApi()}/issues/${c.issue_number}`,
      author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
      reactions: {
        url: `${repoApi()}/issues/comments/${c.id}/reactions`,
        total_count: 0,
        '+1': 0,
        '-1': 0,
        laugh: 0,
        hooray: 0,
        confused: 0,
        heart: 0,
        rocket: 0,
        eyes: 0,
      },
    };
  }

  function renderRun(r: RunRecord, excludePulls = false): Record<string, unknown> {
    const api = `${repoApi()}/actions/runs/${r.id}`;
    const pulls = excludePulls
      ? []
      : r.pullRequests.flatMap((n) => {
          const p = state.pulls.find((x) => x.number === n);
          return p ? [renderPullMinimal(p)] : [];
        });
    const minimalRepo = renderRepository();
    return {
      id: r.id,
      name: r.name,
      node_id: nodeId('WFR', r.id),
      head_branch: r.head_branch,
      head_sha: r.head_sha,
      path: r.path,
      display_title: r.name,
      run_number: r.run_number,
      event: r.event,
      status: r.status,
      conclusion: r.conclusion,
      workflow_id: r.workflow_id,
      check_suite_id: 30000000000 + (r.id % 1000000),
      check_suite_node_id: nodeId('CS', r.id),
      url: api,
      html_url: `${repoHtml()}/actions/runs/${r.id}`,
      pull_requests: pulls,
      created_at: r.created_at,
      updated_at: r.updated_at,
      actor: renderUser(r.actor),
      run_attempt: r.run_attempt,
      referenced_workflows: [],
      run_started_at: r.created_at,
      triggering_actor: renderUser(r.actor),
      jobs_url: `${api}/jobs`,
      logs_url: `${api}/logs`,
      check_suite_url: `${repoApi()}/check-suites/${30000000000 + (r.id % 1000000)}`,
      artifacts_url: `${api}/artifacts`,
      cancel_url: `${api}/cancel`,
      rerun_url: `${api}/rerun`,
      previous_attempt_url: r.run_attempt > 1 ? `${api}/attempts/${r.run_attempt - 1}` : null,
      workflow_url: `${repoApi()}/actions/workflows/${r.workflow_id}`,
      head_commit: {
        id: r.head_sha,
        tree_id: fakeSha(`tree:${r.head_sha}`),
        message: 'A commit',
        timestamp: r.created_at,
        author: { name: 'Octo Cat', email: 'octocat@example.com' },
        committer: { name: 'GitHub', email: 'noreply@github.com' },
      },
      repository: minimalRepo,
      head_repository: minimalRepo,
    };
  }

  function artifactZip(a: ArtifactRecord): Uint8Array {
    if (a.zip) return a.zip;
    const key = JSON.stringify([a.createdAt, Object.entries(a.files).map(([k, v]) => [k, gitBlobSha(toBytes(v))])]);
    const cached = zips.get(a.id);
    if (cached && cached.key === key) return cached.zip;
    const mtime = new Date(a.createdAt);
    const entries: Record<string, [Uint8Array, { mtime: Date }]> = {};
    for (const [path, content] of Object.entries(a.files)) entries[path.replace(/^\/+/, '')] = [new Uint8Array(toBytes(content)), { mtime }];
    const zip = zipSync(entries, { level: 6 });
    zips.set(a.id, { key, zip });
    return zip;
  }

  const artifactDigest = (a: ArtifactRecord) => `sha256:${crypto.createHash('sha256').update(artifactZip(a)).digest('hex')}`;
  const artifactExpiry = (a: ArtifactRecord) => iso(new Date(new Date(a.createdAt).getTime() + 90 * 86400_000));

  function renderArtifact(a: ArtifactRecord): Record<string, unknown> {
    const run = state.runs.find((r) => r.id === a.runId);
    return {
      id: a.id,
      node_id: nodeId('MDg', a.id),
      name: a.name,
      size_in_bytes: artifactZip(a).length,
      url: `${repoApi()}/actions/artifacts/${a.id}`,
      archive_download_url: `${repoApi()}/actions/artifacts/${a.id}/zip`,
      expired: a.expired ?? false,
      digest: artifactDigest(a),
      created_at: a.createdAt,
      updated_at: a.createdAt,
      expires_at: artifactExpiry(a),
      workflow_run: {
        id: a.runId,
        repository_id: state.repoId,
        head_repository_id: state.repoId,
        head_branch: run?.head_branch ?? state.defaultBranch,
        head_sha: a.headSha,
      },
    };
  }

  function signedBlobUrl(a: ArtifactRecord): string {
    const se = iso(new Date(Date.now() + 10 * 60_000));
    const sig = crypto.createHmac('sha256', blobSecret).update(`${a.id}:${se}`).digest('base64');
    const q = new URLSearchParams({ sv: '2021-12-02', spr: 'https', se, sr: 'b', sp: 'r', sig });
    return `${blobUrl}/actions-results/${a.id}/${encodeURIComponent(a.name)}.zip?${q.toString()}`;
  }

  // ---- adders --------------------------------------------------------------------------------

  function addRun(r: Parameters<FakeGitHub['addRun']>[0] = {}): RunRecord {
    const id = r.id ?? ++ids.run;
    const headSha = r.head_sha ?? r.headSha ?? fakeSha(`run:${id}`);
    const headBranch = r.head_branch !== undefined ? r.head_branch : r.headBranch !== undefined ? r.headBranch : state.defaultBranch;
    const run: RunRecord = {
      id,
      backendId: r.backendId ?? crypto.randomUUID(),
      jobBackendId: r.jobBackendId ?? crypto.randomUUID(),
      name: r.name ?? 'CI',
      path: r.path ?? '.github/workflows/ci.yml',
      head_sha: headSha,
      head_branch: headBranch,
      event: r.event ?? 'push',
      status: r.status ?? 'in_progress',
      conclusion: r.conclusion ?? null,
      run_number: r.run_number ?? state.runs.length + 1,
      run_attempt: r.run_attempt ?? 1,
      workflow_id: r.workflow_id ?? 161335,
      pullRequests: r.pullRequests ?? [],
      actor: r.actor ?? { login: 'octocat', id: 583231, type: 'User' },
      created_at: r.created_at ?? iso(),
      updated_at: r.updated_at ?? iso(),
    };
    state.runs.push(run);
    // an explicit head sha moves the branch (contents set on the branch name follow it)
    if (headBranch && (state.branches[headBranch] === undefined || r.head_sha || r.headSha)) state.branches[headBranch] = headSha;
    return run;
  }

  function addArtifact(a: Parameters<FakeGitHub['addArtifact']>[0]): ArtifactRecord {
    const run = state.runs.find((r) => r.id === a.runId);
    const rec: ArtifactRecord = {
      id: a.id ?? ++ids.artifact,
      name: a.name,
      runId: a.runId,
      headSha: a.headSha ?? run?.head_sha ?? fakeSha(`artifact:${a.name}`),
      createdAt: a.createdAt ?? iso(),
      files: a.files,
      ...(a.zip !== undefined ? { zip: a.zip } : {}),
      ...(a.expired !== undefined ? { expired: a.expired } : {}),
      ...(a.jobBackendId !== undefined ? { jobBackendId: a.jobBackendId } : {}),
    };
    state.artifacts.push(rec);
    return rec;
  }

  function addPull(p: Parameters<FakeGitHub['addPull']>[0]): PullRecord {
    const number = p.number ?? Math.max(0, ...state.pulls.map((x) => x.number), ...state.issues) + 1;
    const headRef = p.head?.ref ?? `feature-${number}`;
    const rec: PullRecord = {
      number,
      id: p.id ?? ++ids.pull,
      title: p.title ?? `Pull request #${number}`,
      body: p.body !== undefined ? p.body : null,
      state: p.state ?? 'open',
      draft: p.draft ?? false,
      merged: p.merged ?? false,
      head: { ref: headRef, sha: p.head?.sha ?? state.branches[headRef] ?? fakeSha(`head:${number}`), ...(p.head?.repo ? { repo: p.head.repo } : {}) },
      base: {
        ref: p.base?.ref ?? state.defaultBranch,
        sha: p.base?.sha ?? (state.branches[p.base?.ref ?? state.defaultBranch] ??= fakeSha(`branch:${p.base?.ref ?? state.defaultBranch}`)),
      },
      user: p.user ?? { login: 'octocat', id: 583231, type: 'User' },
      labels: p.labels ?? [],
      files: p.files ?? [],
      commitShas: p.commitShas ?? [],
      created_at: p.created_at ?? iso(),
      updated_at: p.updated_at ?? iso(),
    };
    state.pulls.push(rec);
    if (state.branches[rec.head.ref] === undefined || p.head?.sha) state.branches[rec.head.ref] = rec.head.sha;
    return rec;
  }

  function addComment(c: Parameters<FakeGitHub['addComment']>[0]): CommentRecord {
    const at = c.created_at ?? iso();
    const rec: CommentRecord = { id: ++ids.comment, issue_number: c.issue_number, body: c.body, user: c.user ?? GITHUB_ACTIONS_BOT, created_at: at, updated_at: at };
    state.comments.push(rec);
    return rec;
  }

  function addCheckRun(c: Parameters<FakeGitHub['addCheckRun']>[0]): CheckRunRecord {
    const rec: CheckRunRecord = {
      id: c.id ?? ++ids.checkRun,
      name: c.name,
      head_sha: c.head_sha,
      status: c.status ?? (c.conclusion ? 'completed' : 'queued'),
      conclusion: c.conclusion ?? null,
      started_at: c.started_at ?? iso(),
      completed_at: c.completed_at ?? (c.conclusion ? iso() : null),
      details_url: c.details_url ?? null,
      external_id: c.external_id ?? null,
      output: c.output ?? { title: null, summary: null, text: null, annotations: [], images: [] },
      actions: c.actions ?? [],
      createdBy: c.createdBy ?? GITHUB_ACTIONS_BOT.login,
      app: c.app ?? 'github-actions',
      updates: c.updates ?? 0,
    };
    state.checkRuns.push(rec);
    return rec;
  }

  function addCommit(c: Parameters<FakeGitHub['addCommit']>[0]): CommitRecord {
    const message = c.message ?? `Commit ${Object.keys(state.commits).length + 1}`;
    const rec: CommitRecord = { sha: c.sha ?? fakeSha(`commit:${message}`), parents: c.parents ?? [], message, date: c.date ?? iso(), ...(c.files && { files: c.files }) };
    state.commits[rec.sha] = rec;
    return rec;
  }

  /** Sets a file at a ref: a branch name (registered with a fake head sha if new) or a sha. */
  function setContent(path: string, content: string | Uint8Array, ref = state.defaultBranch): void {
    if (!/^[0-9a-f]{40}$/.test(ref)) state.branches[ref] ??= fakeSha(`branch:${ref}`);
    (state.contents[ref] ??= {})[path.replace(/^\/+/, '')] = content;
  }

  // ---- REST ---------------------------------------------------------------------------------

  interface Ctx {
    rec: RecordedRequest;
    url: URL;
    params: Record<string, string | number>;
    query: Record<string, string | number | boolean | string[]>;
    body: Record<string, unknown>;
    user: UserInfo;
    /** slug of the app the token writes as */
    app: string;
    docsUrl: string;
  }

  const error = (status: number, message: string, docsUrl: string, extra: Record<string, unknown> = {}): Reply => ({
    status,
    json: { message, ...extra, documentation_url: docsUrl, status: String(status) },
  });
  const notFound = (ctx: { docsUrl: string }) => error(404, 'Not Found', ctx.docsUrl);
  const validationFailed = (ctx: Ctx, errors: Record<string, unknown>[]) =>
    error(422, 'Validation Failed', ctx.docsUrl, { errors });

  function paginate<T>(ctx: Ctx, items: T[]): { items: T[]; headers: Record<string, string> } {
    const rawPer = ctx.query.per_page;
    let perPage = typeof rawPer === 'number' && rawPer > 0 ? Math.min(Math.floor(rawPer), 100) : 30;
    if (!Number.isFinite(perPage)) perPage = 30;
    const rawPage = ctx.query.page;
    const page = typeof rawPage === 'number' && rawPage >= 1 ? Math.floor(rawPage) : 1;
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = (n: number) => {
      const u = new URL(`${url}${ctx.rec.url}`);
      u.searchParams.set('page', String(n));
      return `<${u.toString()}>`;
    };
    const rels: string[] = [];
    if (page > 1) rels.push(`${link(Math.min(page - 1, last))}; rel="prev"`);
    if (page < last) rels.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    if (page > 1) rels.push(`${link(1)}; rel="first"`);
    return { items: slice, headers: rels.length ? { link: rels.join(', ') } : {} };
  }

  function resolveRef(ref: string): string {
    const r = ref.replace(/^refs\//, '').replace(/^(heads|tags)\//, '');
    return state.branches[r] ?? r;
  }

  type Handler = (ctx: Ctx) => Reply;
  const handlers: Record<string, Handler> = {
    'repos/get': () => ({ status: 200, json: renderRepository() }),

    // installation tokens (GITHUB_TOKEN, GitHub Apps) are not users: GitHub answers 403
    'users/get-authenticated': (ctx) => {
      if (!ctx.rec.token) return error(401, 'Requires authentication', ctx.docsUrl);
      return ctx.user.type === 'Bot' ? error(403, 'Resource not accessible by integration', ctx.docsUrl) : { status: 200, json: renderUser(ctx.user) };
    },

    'rate-limit/get': (ctx) => {
      const left = rate.get(ctx.rec.token ?? '') ?? 5000;
      const r = { limit: 5000, used: 5000 - left, remaining: left, reset: rateReset };
      return { status: 200, json: { resources: { core: r, search: r, graphql: r }, rate: r } };
    },

    'checks/create': (ctx) => {
      const b = ctx.body;
      const conclusion = (b.conclusion as string | undefined) ?? null;
      let status = (b.status as string | undefined) ?? 'queued';
      if (conclusion) status = 'completed';
      if (status === 'completed' && !conclusion) {
        return error(422, 'Invalid request.\n\n"conclusion" wasn\'t supplied.', ctx.docsUrl);
      }
      if (conclusion === 'stale') return error(422, 'Invalid request.\n\nYou cannot set a conclusion of stale.', ctx.docsUrl);
      const out = (b.output ?? {}) as Partial<CheckRunRecord['output']>;
      const rec = addCheckRun({
        name: String(b.name),
        head_sha: String(b.head_sha),
        status,
        conclusion,
        started_at: (b.started_at as string | undefined) ?? iso(),
        completed_at: status === 'completed' ? ((b.completed_at as string | undefined) ?? iso()) : null,
        details_url: (b.details_url as string | undefined) ?? null,
        external_id: (b.external_id as string | undefined) ?? null,
        output: {
          title: out.title ?? null,
          summary: out.summary ?? null,
          text: out.text ?? null,
          annotations: [...(out.annotations ?? [])],
          images: [...(out.images ?? [])],
        },
        actions: (b.actions as unknown[] | undefined) ?? [],
        createdBy: ctx.user.login,
        app: ctx.app,
      });
      return { status: 201, json: renderCheckRun(rec) };
    },

    'checks/update': (ctx) => {
      const rec = state.checkRuns.find((c) => c.id === ctx.params.check_run_id);
      if (!rec) return notFound(ctx);
      const b = ctx.body;
      if (b.conclusion === 'stale') return error(422, 'Invalid request.\n\nYou cannot set a conclusion of stale.', ctx.docsUrl);
      if (typeof b.name === 'string') rec.name = b.name;
      if (typeof b.details_url === 'string') rec.details_url = b.details_url;
      if (typeof b.external_id === 'string') rec.external_id = b.external_id;
      if (typeof b.started_at === 'string') rec.started_at = b.started_at;
      if (typeof b.status === 'string') rec.status = b.status;
      if (typeof b.conclusion === 'string') {
        rec.conclusion = b.conclusion;
        rec.status = 'completed';
      }
      if (rec.status === 'completed') {
        if (!rec.conclusion) return error(422, 'Invalid request.\n\n"conclusion" wasn\'t supplied.', ctx.docsUrl);
        rec.completed_at = typeof b.completed_at === 'string' ? b.completed_at : (rec.completed_at ?? iso());
      }
      if (b.output && typeof b.output === 'object') {
        const o = b.output as Partial<CheckRunRecord['output']>;
        if (o.title !== undefined) rec.output.title = o.title;
        if (o.summary !== undefined) rec.output.summary = o.summary;
        if (o.text !== undefined) rec.output.text = o.text;
        rec.output.annotations.push(...(o.annotations ?? []));
        rec.output.images.push(...(o.images ?? []));
      }
      if (Array.isArray(b.actions)) rec.actions = b.actions;
      rec.updates++;
      return { status: 200, json: renderCheckRun(rec) };
    },

    'checks/get': (ctx) => {
      const rec = state.checkRuns.find((c) => c.id === ctx.params.check_run_id);
      return rec ? { status: 200, json: renderCheckRun(rec) } : notFound(ctx);
    },

    'checks/list-annotations': (ctx) => {
      const rec = state.checkRuns.find((c) => c.id === ctx.params.check_run_id);
      if (!rec) return notFound(ctx);
      const page = paginate(ctx, rec.output.annotations.map((a) => renderAnnotation(rec, a)));
      return { status: 200, headers: page.headers, json: page.items };
    },

    'checks/list-for-ref': (ctx) => {
      const sha = resolveRef(String(ctx.params.ref));
      let runs = state.checkRuns.filter((c) => c.head_sha === sha);
      if (typeof ctx.query.check_name === 'string') runs = runs.filter((c) => c.name === ctx.query.check_name);
      if (typeof ctx.query.status === 'string') runs = runs.filter((c) => c.status === ctx.query.status);
      runs = [...runs].sort((a, b) => b.id - a.id);
      // latest (the default): the most recent run of each name in each app's check suite
      if (ctx.query.filter !== 'all') {
        const seen = new Set<string>();
        runs = runs.filter((c) => (seen.has(`${c.app}\0${c.name}`) ? false : (seen.add(`${c.app}\0${c.name}`), true)));
      }
      const page = paginate(ctx, runs);
      return { status: 200, headers: page.headers, json: { total_count: runs.length, check_runs: page.items.map(renderCheckRun) } };
    },

    'repos/compare-commits-with-basehead': (ctx) => compare(ctx),
    // the older template of the same URL, /compare/{base}...{head}
    'repos/compare-commits': (ctx) => compare(ctx),

    'repos/get-commit': (ctx) => {
      const c = state.commits[resolveRef(String(ctx.params.ref))];
      if (!c) return error(422, `No commit found for SHA: ${String(ctx.params.ref)}`, ctx.docsUrl);
      return { status: 200, json: { ...renderCommit(c), stats: { additions: 0, deletions: 0, total: 0 }, files: [] } };
    },

    'git/get-commit': (ctx) => {
      const c = state.commits[String(ctx.params.commit_sha)];
      return c ? { status: 200, json: renderGitCommit(c) } : notFound(ctx);
    },

    'issues/list-comments': (ctx) => {
      const n = Number(ctx.params.issue_number);
      if (!issueExists(n)) return notFound(ctx);
      let list = state.comments.filter((c) => c.issue_number === n).sort((a, b) => a.id - b.id);
      if (typeof ctx.query.since === 'string') {
        const since = Date.parse(ctx.query.since);
        list = list.filter((c) => Date.parse(c.updated_at) >= since);
      }
      const page = paginate(ctx, list);
      return { status: 200, headers: page.headers, json: page.items.map(renderComment) };
    },

    'issues/create-comment': (ctx) => {
      const n = Number(ctx.params.issue_number);
      if (!issueExists(n)) return notFound(ctx);
      const body = String(ctx.body.body ?? '');
      const tooLong = commentTooLong(ctx, body);
      if (tooLong) return tooLong;
      const rec = addComment({ issue_number: n, body, user: ctx.user });
      return { status: 201, headers: { location: `${repoApi()}/issues/comments/${rec.id}` }, json: renderComment(rec) };
    },

    'issues/get-comment': (ctx) => {
      const rec = state.comments.find((c) => c.id === ctx.params.comment_id);
      return rec ? { status: 200, json: renderComment(rec) } : notFound(ctx);
    },

    'issues/update-comment': (ctx) => {
      const rec = state.comments.find((c) => c.id === ctx.params.comment_id);
      if (!rec) return notFound(ctx);
      const body = String(ctx.body.body ?? '');
      const tooLong = commentTooLong(ctx, body);
      if (tooLong) return tooLong;
      rec.body = body;
      rec.updated_at = iso();
      return { status: 200, json: renderComment(rec) };
    },

    'issues/delete-comment': (ctx) => {
      const i = state.comments.findIndex((c) => c.id === ctx.params.comment_id);
      if (i < 0) return notFound(ctx);
      state.comments.splice(i, 1);
      return { status: 204 };
    },

    'pulls/get': (ctx) => {
      const p = state.pulls.find((x) => x.number === ctx.params.pull_number);
      return p ? { status: 200, json: renderPull(p, true) } : notFound(ctx);
    },

    'pulls/list': (ctx) => {
      const st = typeof ctx.query.state === 'string' ? ctx.query.state : 'open';
      let list = state.pulls.filter((p) => st === 'all' || p.state === st);
      if (typeof ctx.query.head === 'string') {
        const [owner, ref] = ctx.query.head.includes(':') ? ctx.query.head.split(':', 2) : [state.owner, ctx.query.head];
        list = list.filter((p) => p.head.ref === ref && (p.head.repo ?? fullName()).split('/')[0]!.toLowerCase() === owner!.toLowerCase());
      }
      if (typeof ctx.query.base === 'string') list = list.filter((p) => p.base.ref === ctx.query.base);
      const dir = ctx.query.direction === 'asc' ? 1 : -1; // GitHub: sort=created, direction=desc
      list = [...list].sort((a, b) => dir * (a.number - b.number));
      const page = paginate(ctx, list);
      return { status: 200, headers: page.headers, json: page.items.map((p) => renderPull(p, false)) };
    },

    'repos/list-pull-requests-associated-with-commit': (ctx) => {
      const sha = String(ctx.params.commit_sha);
      const list = state.pulls
        .filter((p) => p.head.sha === sha || p.commitShas.includes(sha) || (p.merged && fakeSha(`merge:${p.number}`) === sha))
        .sort((a, b) => b.number - a.number);
      const page = paginate(ctx, list);
      return { status: 200, headers: page.headers, json: page.items.map((p) => renderPull(p, false)) };
    },

    'pulls/list-files': (ctx) => {
      const p = state.pulls.find((x) => x.number === ctx.params.pull_number);
      if (!p) return notFound(ctx);
      const page = paginate(ctx, p.files.slice(0, PULL_FILES_MAX));
      return { status: 200, headers: page.headers, json: page.items.map((f) => renderDiffFile(p.head.sha, f)) };
    },

    'repos/get-content': (ctx) => {
      const ref = typeof ctx.query.ref === 'string' ? ctx.query.ref : state.defaultBranch;
      const tree = state.contents[ref] ?? state.contents[resolveRef(ref)] ?? contentsBySha(resolveRef(ref));
      if (!tree) return error(404, `No commit found for the ref ${ref}`, ctx.docsUrl);
      const path = String(ctx.params.path).replace(/^\/+|\/+$/g, '');
      const entry = tree[path];
      const accept = String(ctx.rec.headers.accept ?? '');
      if (entry !== undefined) {
        const bytes = toBytes(entry);
        if (/application\/vnd\.github(\.v3)?\.raw/.test(accept)) {
          return { status: 200, headers: { 'content-type': 'application/vnd.github.raw; charset=utf-8' }, raw: bytes };
        }
        return { status: 200, json: renderContentFile(path, bytes, ref) };
      }
      const children = Object.keys(tree).filter((k) => k.startsWith(`${path}/`));
      if (children.length === 0) return notFound(ctx);
      const names = new Map<string, 'file' | 'dir'>();
      for (const k of children) {
        const rest = k.slice(path.length + 1);
        const name = rest.split('/')[0]!;
        names.set(name, rest.includes('/') ? 'dir' : (names.get(name) ?? 'file'));
      }
      const list = [...names.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, type]) => {
        const full = `${path}/${name}`;
        const bytes = type === 'file' ? toBytes(tree[full]!) : Buffer.from(full);
        const item = renderContentFile(full, bytes, ref);
        delete item.content;
        delete item.encoding;
        return { ...item, type, size: type === 'file' ? bytes.length : 0 };
      });
      return { status: 200, json: list };
    },

    'actions/get-workflow-run': (ctx) => {
      const r = state.runs.find((x) => x.id === ctx.params.run_id);
      return r ? { status: 200, json: renderRun(r, ctx.query.exclude_pull_requests === true) } : notFound(ctx);
    },

    'actions/list-workflow-run-artifacts': (ctx) => {
      if (!state.runs.some((r) => r.id === ctx.params.run_id)) return notFound(ctx);
      let list = state.artifacts.filter((a) => a.runId === ctx.params.run_id);
      if (typeof ctx.query.name === 'string') list = list.filter((a) => a.name === ctx.query.name);
      const dir = ctx.query.direction === 'asc' ? 1 : -1;
      list = [...list].sort((a, b) => dir * (a.id - b.id));
      const page = paginate(ctx, list);
      return { status: 200, headers: page.headers, json: { total_count: list.length, artifacts: page.items.map(renderArtifact) } };
    },

    'actions/get-artifact': (ctx) => {
      const a = state.artifacts.find((x) => x.id === ctx.params.artifact_id);
      return a ? { status: 200, json: renderArtifact(a) } : notFound(ctx);
    },

    'actions/download-artifact': (ctx) => {
      const a = state.artifacts.find((x) => x.id === ctx.params.artifact_id);
      if (!a || ctx.params.archive_format !== 'zip') return notFound(ctx);
      if (a.expired) return error(410, 'Artifact has expired', ctx.docsUrl);
      return { status: 302, headers: { location: signedBlobUrl(a) } };
    },
  };

  /** GET /compare/{base}...{head}: the merge base, and the commits the head is ahead by (paginated). */
  function compare(ctx: Ctx): Reply {
    const basehead = ctx.params.basehead !== undefined ? String(ctx.params.basehead) : `${String(ctx.params.base)}...${String(ctx.params.head)}`;
    const m = /^(.+?)\.\.\.(.+)$/.exec(basehead);
    if (!m) return notFound(ctx);
    const [base, head] = [resolveRef(m[1]!), resolveRef(m[2]!)];
    if (!state.commits[base] || !state.commits[head]) return notFound(ctx);
    const fromBase = ancestry(base);
    const fromHead = ancestry(head);
    const inBase = new Set(fromBase);
    const mergeBase = fromHead.find((s) => inBase.has(s));
    if (mergeBase === undefined) return error(404, `No common ancestor between ${m[1]} and ${m[2]}.`, ctx.docsUrl);
    const inHead = new Set(fromHead);
    const ahead = fromHead.filter((s) => !inBase.has(s)).reverse();
    const behind = fromBase.filter((s) => !inHead.has(s));
    const status = ahead.length === 0 && behind.length === 0 ? 'identical' : behind.length === 0 ? 'ahead' : ahead.length === 0 ? 'behind' : 'diverged';
    const page = paginate(ctx, ahead);
    const permalink = `${repoHtml()}/compare/${state.owner}:${base.slice(0, 7)}...${state.owner}:${head.slice(0, 7)}`;
    return {
      status: 200,
      headers: page.headers,
      json: {
        url: `${repoApi()}/compare/${m[1]}...${m[2]}`,
        html_url: `${repoHtml()}/compare/${m[1]}...${m[2]}`,
        permalink_url: permalink,
        diff_url: `${repoHtml()}/compare/${m[1]}...${m[2]}.diff`,
        patch_url: `${repoHtml()}/compare/${m[1]}...${m[2]}.patch`,
        base_commit: renderCommit(state.commits[base]!),
        merge_base_commit: renderCommit(state.commits[mergeBase]!),
        status,
        ahead_by: ahead.length,
        behind_by: behind.length,
        total_commits: ahead.length,
        commits: page.items.map((s) => renderCommit(state.commits[s]!)),
        // GitHub lists the changed files on the first page only, at most 300 of them
        ...(ctx.query.page === undefined || ctx.query.page === 1 ? { files: compareFiles(ahead).slice(0, COMPARE_FILES_MAX).map((f) => renderDiffFile(head, f)) } : {}),
      },
    };
  }

  /** The files the commits change, by path: a later commit's entry replaces an earlier one's. */
  function compareFiles(ahead: string[]): DiffFile[] {
    const byPath = new Map<string, DiffFile>();
    for (const sha of ahead) for (const f of state.commits[sha]?.files ?? []) byPath.set(f.filename, f);
    return [...byPath.values()];
  }

  function issueExists(n: number): boolean {
    return state.pulls.some((p) => p.number === n) || state.issues.includes(n);
  }

  function commentTooLong(ctx: Ctx, body: string): Reply | undefined {
    if ([...body].length <= COMMENT_BODY_MAX) return undefined;
    return validationFailed(ctx, [
      { resource: 'IssueComment', code: 'unprocessable', field: 'data', message: `Body is too long (maximum is ${COMMENT_BODY_MAX} characters)` },
    ]);
  }

  function contentsBySha(sha: string): Record<string, string | Uint8Array> | undefined {
    for (const [branch, head] of Object.entries(state.branches)) if (head === sha && state.contents[branch]) return state.contents[branch];
    return undefined;
  }

  function renderContentFile(path: string, bytes: Buffer, ref: string): Record<string, unknown> {
    const sha = gitBlobSha(bytes);
    const enc = path.split('/').map(encodeURIComponent).join('/');
    const self = `${repoApi()}/contents/${enc}?ref=${encodeURIComponent(ref)}`;
    const html = `${repoHtml()}/blob/${ref}/${enc}`;
    const git = `${repoApi()}/git/blobs/${sha}`;
    // GitHub omits the content of files over 1 MB (encoding "none")
    const big = bytes.length > 1024 * 1024;
    return {
      type: 'file',
      encoding: big ? 'none' : 'base64',
      size: bytes.length,
      name: path.split('/').pop(),
      path,
      content: big ? '' : (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + (bytes.length ? '\n' : ''),
      sha,
      url: self,
      git_url: git,
      html_url: html,
      download_url: `https://raw.githubusercontent.com/${fullName()}/${encodeURIComponent(ref)}/${enc}`,
      _links: { self, git, html },
    };
  }

  function tokenInfo(token: string | undefined): TokenInfo | 'bad' | undefined {
    if (token === undefined) return undefined;
    if (options.tokens) return options.tokens[token] ?? 'bad';
    return {};
  }

  function handleRest(rec: RecordedRequest, u: URL): Reply {
    const v = rec.validation!;
    const docsUrl = v.docsUrl ?? DOCS;
    const info = tokenInfo(rec.token);
    if (info === 'bad') return { status: 401, json: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } };
    if ('noOperation' in v && v.noOperation) return notFound({ docsUrl });
    if ('badPath' in v && v.badPath) return notFound({ docsUrl });
    const params = v.params ?? {};
    if ('owner' in params && (String(params.owner).toLowerCase() !== state.owner.toLowerCase() || String(params.repo).toLowerCase() !== state.repo.toLowerCase())) {
      return notFound({ docsUrl });
    }
    if (rec.rawBody.length > 0 && rec.body === undefined) {
      return error(400, 'Problems parsing JSON', docsUrl);
    }
    const write = WRITE_METHODS.has(rec.method);
    if (write && !info) return error(401, 'Requires authentication', docsUrl);
    if (write && (readOnly || info?.readOnly)) {
      const accepted = ACCEPTED_PERMISSIONS[v.operationId ?? ''];
      const r = error(403, 'Resource not accessible by integration', docsUrl);
      return accepted ? { ...r, headers: { 'x-accepted-github-permissions': accepted } } : r;
    }
    if ('errors' in v && !v.strictOnly && rejectInvalid) {
      const bodyErrors = v.errors.filter((e) => e.startsWith('body'));
      if (bodyErrors.length > 0) return error(422, `Invalid request.\n\n${bodyErrors.join('\n')}`, docsUrl);
    }
    const handler = handlers[v.operationId ?? ''];
    if (!handler) {
      rec.unhandled = true;
      return error(404, `Not Found (fake-github does not implement ${v.operationId})`, docsUrl);
    }
    return handler({
      rec,
      url: u,
      params,
      query: v.query ?? {},
      body: rec.body && typeof rec.body === 'object' ? (rec.body as Record<string, unknown>) : {},
      user: info?.user ?? GITHUB_ACTIONS_BOT,
      app: info?.app ?? 'github-actions',
      docsUrl,
    });
  }

  function restHeaders(rec: RecordedRequest): Record<string, string> {
    const key = rec.token ?? `anon:${String(rec.headers['x-forwarded-for'] ?? '127.0.0.1')}`;
    const limit = rec.token ? 5000 : 60;
    const left = Math.max(0, (rate.get(key) ?? limit) - 1);
    rate.set(key, left);
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(left),
      'x-ratelimit-reset': String(rateReset),
      'x-ratelimit-used': String(limit - left),
      'x-ratelimit-resource': 'core',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': `FAKE:${rec.seq.toString(16).toUpperCase()}:${mainPort}`,
    };
  }

  // ---- GraphQL: only `viewer`, the account the token acts as --------------------------------

  function handleGraphql(rec: RecordedRequest): Reply {
    if (rec.method !== 'POST') return { status: 404, json: { message: 'Not Found', documentation_url: 'https://docs.github.com/graphql' } };
    const info = tokenInfo(rec.token);
    if (info === undefined) return { status: 401, json: { message: 'This endpoint requires you to be authenticated.', documentation_url: 'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql' } };
    if (info === 'bad') return { status: 401, json: { message: 'Bad credentials', documentation_url: DOCS } };
    const query = (rec.body as { query?: unknown } | undefined)?.query;
    const m = typeof query === 'string' ? /^\s*(?:query\s*)?\{\s*viewer\s*\{([\s\w]*)\}\s*\}\s*$/.exec(query) : null;
    const user = info.user ?? GITHUB_ACTIONS_BOT;
    // an installation token's viewer is its app's bot, login with the [bot] suffix (as REST shows it)
    const fields: Record<string, unknown> = { login: user.login, databaseId: user.id, id: `U_fake${user.id}` };
    const wanted = m ? m[1]!.trim().split(/\s+/).filter(Boolean) : [];
    if (!m || wanted.some((f) => !(f in fields))) {
      rec.unhandled = true;
      return { status: 200, json: { errors: [{ message: `fake-github serves only { viewer { login databaseId id } } (got ${String(query).slice(0, 120)})` }] } };
    }
    return { status: 200, json: { data: { viewer: Object.fromEntries(wanted.map((f) => [f, fields[f]])) } } };
  }

  // ---- Twirp (results service) -------------------------------------------------------------

  const twirpError = (status: number, code: string, msg: string): Reply => ({ status, json: { code, msg } });

  function handleTwirp(rec: RecordedRequest): Reply {
    const method = rec.path.startsWith(TWIRP_PREFIX) ? rec.path.slice(TWIRP_PREFIX.length) : '';
    if (rec.method !== 'POST') return twirpError(404, 'bad_route', `unsupported method ${rec.method} (only POST is allowed)`);
    const ids = rec.token ? parseRuntimeToken(rec.token) : undefined;
    if (!ids) return twirpError(401, 'unauthenticated', 'invalid or missing runtime token');
    if (!String(rec.headers['content-type'] ?? '').startsWith('application/json')) {
      return twirpError(404, 'bad_route', `unexpected Content-Type: ${String(rec.headers['content-type'])}`);
    }
    if (rec.body === undefined || typeof rec.body !== 'object') return twirpError(400, 'malformed', 'the json request could not be decoded');
    const b = rec.body as Record<string, unknown>;
    const runBackendId = b.workflow_run_backend_id ?? b.workflowRunBackendId;
    if (runBackendId !== ids.runBackendId) {
      return twirpError(403, 'permission_denied', 'workflow_run_backend_id does not match the runtime token');
    }
    const run = state.runs.find((r) => r.backendId === runBackendId);
    switch (method) {
      case 'ListArtifacts': {
        let list = run ? state.artifacts.filter((a) => a.runId === run.id && !a.expired) : [];
        const nameFilter = b.name_filter ?? b.nameFilter;
        const idFilter = b.id_filter ?? b.idFilter;
        if (typeof nameFilter === 'string') list = list.filter((a) => a.name === nameFilter);
        if (idFilter !== undefined && idFilter !== null) list = list.filter((a) => String(a.id) === String(idFilter));
        return {
          status: 200,
          json: {
            artifacts: list.map((a) => ({
              workflow_run_backend_id: run!.backendId,
              workflow_job_run_backend_id: a.jobBackendId ?? run!.jobBackendId,
              database_id: String(a.id),
              name: a.name,
              size: String(artifactZip(a).length),
              created_at: new Date(a.createdAt).toISOString(),
              digest: artifactDigest(a),
            })),
          },
        };
      }
      case 'GetSignedArtifactURL': {
        const job = b.workflow_job_run_backend_id ?? b.workflowJobRunBackendId;
        const matches = run
          ? state.artifacts
              .filter((a) => a.runId === run.id && !a.expired && a.name === b.name && (a.jobBackendId ?? run.jobBackendId) === job)
              .sort((x, y) => y.id - x.id)
          : [];
        const a = matches[0];
        if (!a) return twirpError(404, 'not_found', `artifact ${String(b.name)} not found`);
        return { status: 200, json: { signed_url: signedBlobUrl(a) } };
      }
      case 'CreateArtifact':
      case 'FinalizeArtifact':
      case 'DeleteArtifact':
        return twirpError(501, 'unimplemented', `fake-github does not implement ${method}`);
      default:
        return twirpError(404, 'bad_route', `no handler for path ${rec.path}`);
    }
  }

  // ---- blob storage ---------------------------------------------------------------------------

  const azureError = (status: number, code: string, message: string): Reply => ({
    status,
    headers: { 'content-type': 'application/xml', 'x-ms-error-code': code },
    raw: `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:fake\nTime:${new Date().toISOString()}</Message></Error>`,
  });

  function handleBlob(rec: RecordedRequest, u: URL): Reply | 'reset' {
    if (u.pathname.startsWith('/__dead__')) return 'reset';
    const m = /^\/actions-results\/(\d+)\/[^/]+\.zip$/.exec(u.pathname);
    if (!m || rec.method !== 'GET') return azureError(404, 'ResourceNotFound', 'The specified resource does not exist.');
    const se = u.searchParams.get('se') ?? '';
    const sig = u.searchParams.get('sig') ?? '';
    const expected = crypto.createHmac('sha256', blobSecret).update(`${m[1]}:${se}`).digest('base64');
    if (sig !== expected) {
      return azureError(403, 'AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.');
    }
    if (Date.parse(se) < Date.now()) return azureError(403, 'AuthenticationFailed', 'Signed expiry time has passed.');
    const a = state.artifacts.find((x) => x.id === Number(m[1]));
    if (!a) return azureError(404, 'BlobNotFound', 'The specified blob does not exist.');
    const zip = artifactZip(a);
    return {
      status: 200,
      headers: {
        'content-type': 'application/zip',
        'content-md5': crypto.createHash('md5').update(zip).digest('base64'),
        'last-modified': new Date(a.createdAt).toUTCString(),
        'x-ms-blob-type': 'BlockBlob',
        'x-ms-version': '2021-12-02',
        'accept-ranges': 'bytes',
      },
      raw: Buffer.from(zip),
    };
  }

  // ---- dispatch -----------------------------------------------------------------------------

  function send(res: http.ServerResponse, rec: RecordedRequest, reply: Reply, truncate = false): void {
    let payload: Buffer | undefined;
    const headers: Record<string, string | string[]> = { ...(reply.headers ?? {}) };
    if (reply.json !== undefined) {
      payload = Buffer.from(JSON.stringify(reply.json));
      headers['content-type'] ??= 'application/json; charset=utf-8';
      rec.responseBody = reply.json;
    } else if (reply.raw !== undefined) {
      payload = typeof reply.raw === 'string' ? Buffer.from(reply.raw) : reply.raw;
    }
    headers['content-length'] = String(payload?.length ?? 0);
    rec.status = reply.status;
    rec.responseHeaders = headers;
    res.writeHead(reply.status, headers);
    if (truncate && payload) {
      res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(payload);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, server: 'main' | 'blob'): Promise<void> {
    try {
      const raw = await readBody(req);
      const u = new URL(req.url ?? '/', server === 'main' ? url : blobUrl);
      const rawBody = raw.toString('utf8');
      let body: unknown;
      if (rawBody.length > 0) {
        try {
          body = JSON.parse(rawBody);
        } catch {
          body = undefined;
        }
      }
      const kind: RequestKind =
        server === 'blob' ? 'blob' : u.pathname === API_PREFIX || u.pathname.startsWith(`${API_PREFIX}/`) ? 'rest' : u.pathname === GRAPHQL_PATH ? 'graphql' : u.pathname.startsWith('/twirp/') ? 'twirp' : 'other';
      const authorization = req.headers.authorization;
      const token = parseToken(authorization);
      const rec: RecordedRequest = {
        seq: requests.length + 1,
        kind,
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        path: kind === 'rest' ? u.pathname.slice(API_PREFIX.length) || '/' : u.pathname,
        query: queryObject(u.searchParams),
        headers: req.headers,
        ...(authorization !== undefined ? { authorization } : {}),
        ...(token !== undefined ? { token } : {}),
        rawBody,
        ...(body !== undefined ? { body } : {}),
        attempt: 0,
      };
      if (kind === 'rest') {
        rec.validation = validateRequest({ method: rec.method, path: rec.path, query: u.searchParams, headers: req.headers, body });
        if (rec.validation.operationId) rec.operationId = rec.validation.operationId;
      } else if (kind === 'twirp' && u.pathname.startsWith(TWIRP_PREFIX)) {
        rec.operationId = u.pathname.slice(TWIRP_PREFIX.length);
      } else if (kind === 'graphql') {
        rec.operationId = 'graphql';
      }
      requests.push(rec);
      const key = `${server} ${rec.method} ${rec.url} ${rawBody}`;
      rec.attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, rec.attempt);

      const fault = faultFn?.(rec, rec.attempt);
      const extra = kind === 'rest' ? restHeaders(rec) : {};
      let truncate = false;
      if (fault !== undefined) {
        rec.fault = fault;
        if (fault === 'reset') {
          req.socket.destroy();
          return;
        }
        if (fault === 'hang') {
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
        }
        if (fault === 'truncate') truncate = true;
        else if ('delayMs' in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
        else if ('redirect' in fault) {
          send(res, rec, { status: fault.status ?? 302, headers: { ...extra, location: fault.redirect } });
          return;
        } else {
          const defaultBody = kind === 'twirp' ? { code: 'unavailable', msg: http.STATUS_CODES[fault.status] ?? 'error' } : { message: http.STATUS_CODES[fault.status] ?? 'error' };
          const b = fault.body === undefined ? defaultBody : fault.body;
          send(res, rec, {
            status: fault.status,
            headers: { ...extra, ...(fault.headers ?? {}) },
            ...(typeof b === 'string' ? { raw: b } : { json: b }),
          });
          return;
        }
      }

      let reply: Reply | 'reset';
      if (kind === 'rest') reply = handleRest(rec, u);
      else if (kind === 'twirp') reply = handleTwirp(rec);
      else if (kind === 'graphql') reply = handleGraphql(rec);
      else if (kind === 'blob') reply = handleBlob(rec, u);
      else reply = { status: 404, json: { message: 'Not Found', documentation_url: DOCS, status: '404' } };
      if (reply === 'reset') {
        req.socket.destroy();
        return;
      }
      send(res, rec, { ...reply, headers: { ...extra, ...(reply.headers ?? {}) } }, truncate);
    } catch (e) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ message: `fake-github crashed: ${(e as Error).stack ?? String(e)}` }));
      } else {
        res.destroy();
      }
    }
  }

  // ---- the handle ---------------------------------------------------------------------------

  function firstRun(runId?: number): RunRecord {
    const run = runId === undefined ? state.runs[0] : state.runs.find((r) => r.id === runId);
    if (!run) throw new Error(runId === undefined ? 'fake-github: no run; call addRun() first' : `fake-github: no run ${runId}`);
    return run;
  }

  function eventPayload(runId?: number): Record<string, unknown> {
    const run = firstRun(runId);
    const repository = renderRepository();
    const pull = run.pullRequests.length ? state.pulls.find((p) => p.number === run.pullRequests[0]) : undefined;
    if ((run.event === 'pull_request' || run.event === 'pull_request_target') && pull) {
      return { action: 'synchronize', number: pull.number, pull_request: renderPull(pull, true), repository, sender: renderUser(run.actor) };
    }
    // a merge queue run: its head_branch is the queue's gh-readonly-queue/<base>/pr-<n>-<base sha>
    const queue = run.event === 'merge_group' ? /^gh-readonly-queue\/(.+)\/pr-\d+-([0-9a-f]{40})$/.exec(run.head_branch ?? '') : null;
    if (queue) {
      const commit = { id: run.head_sha, tree_id: fakeSha(`tree:${run.head_sha}`), message: 'Merge pull request', timestamp: run.created_at, author: { name: 'Octo Cat', email: 'octocat@example.com' }, committer: { name: 'GitHub', email: 'noreply@github.com' } };
      const mergeGroup = { head_sha: run.head_sha, head_ref: `refs/heads/${run.head_branch}`, base_sha: queue[2], base_ref: `refs/heads/${queue[1]}`, head_commit: commit };
      return { action: 'checks_requested', merge_group: mergeGroup, repository, sender: renderUser(run.actor) };
    }
    return {
      ref: `refs/heads/${run.head_branch ?? state.defaultBranch}`,
      before: '0'.repeat(40),
      after: run.head_sha,
      repository,
      sender: renderUser(run.actor),
      head_commit: { id: run.head_sha, message: 'A commit', timestamp: run.created_at },
    };
  }

  function env(opts: { runId?: number; token?: string } = {}): Record<string, string> {
    const run = firstRun(opts.runId);
    const pull = run.pullRequests.length ? state.pulls.find((p) => p.number === run.pullRequests[0]) : undefined;
    const isPr = run.event.startsWith('pull_request') && pull !== undefined;
    return {
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_API_URL: apiUrl,
      GITHUB_GRAPHQL_URL: `${url}${GRAPHQL_PATH}`,
      GITHUB_SERVER_URL: 'https://github.com',
      ACTIONS_RESULTS_URL: resultsUrl,
      ACTIONS_RUNTIME_TOKEN: runtimeToken({ runBackendId: run.backendId, jobBackendId: run.jobBackendId }),
      GITHUB_REPOSITORY: fullName(),
      GITHUB_REPOSITORY_OWNER: state.owner,
      GITHUB_REPOSITORY_ID: String(state.repoId),
      GITHUB_RUN_ID: String(run.id),
      GITHUB_RUN_NUMBER: String(run.run_number),
      GITHUB_RUN_ATTEMPT: String(run.run_attempt),
      GITHUB_WORKFLOW: run.name,
      GITHUB_JOB: 'gate',
      GITHUB_ACTION: 'release-gate',
      GITHUB_ACTOR: run.actor.login,
      GITHUB_TRIGGERING_ACTOR: run.actor.login,
      GITHUB_EVENT_NAME: run.event,
      GITHUB_SHA: isPr ? fakeSha(`merge-ref:${pull.number}:${pull.head.sha}`) : run.head_sha,
      GITHUB_REF: isPr ? `refs/pull/${pull.number}/merge` : `refs/heads/${run.head_branch ?? state.defaultBranch}`,
      GITHUB_REF_NAME: isPr ? `${pull.number}/merge` : (run.head_branch ?? state.defaultBranch),
      GITHUB_REF_TYPE: 'branch',
      GITHUB_HEAD_REF: isPr ? pull.head.ref : '',
      GITHUB_BASE_REF: isPr ? pull.base.ref : '',
      ...(opts.token ? { GITHUB_TOKEN: opts.token } : {}),
    };
  }

  const fake: FakeGitHub = {
    url,
    apiUrl,
    resultsUrl,
    blobUrl,
    deadUrl,
    state,
    requests,
    async close() {
      for (const res of hanging) res.destroy();
      hanging.clear();
      const closing = [mainServer, blobServer].map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      for (const s of [mainServer, blobServer]) s.closeAllConnections();
      for (const sock of sockets) sock.destroy();
      await Promise.all(closing);
    },
    setFault(fn) {
      faultFn = fn;
    },
    setReadOnly(v) {
      readOnly = v;
    },
    invalidRequests() {
      return requests
        .filter((r) => r.kind === 'rest' && r.validation && 'errors' in r.validation)
        .map((r) => ({ method: r.method, url: r.url, errors: (r.validation as { errors: string[] }).errors }));
    },
    unhandledRequests() {
      return requests.filter((r) => r.unhandled);
    },
    restRequests(operationId) {
      return requests.filter((r) => r.kind === 'rest' && (operationId === undefined || r.operationId === operationId));
    },
    addRun,
    addArtifact,
    addPull,
    addComment,
    addCheckRun,
    addCommit,
    setContent,
    artifactZip,
    runtimeTokenFor(runId) {
      const run = firstRun(runId);
      return runtimeToken({ runBackendId: run.backendId, jobBackendId: run.jobBackendId });
    },
    env,
    eventPayload,
    render: {
      checkRun: renderCheckRun,
      commit: renderCommit,
      comment: renderComment,
      pull: (p) => renderPull(p, true),
      run: (r) => renderRun(r),
      artifact: renderArtifact,
      repository: renderRepository,
    },
  };
  return fake;
}
