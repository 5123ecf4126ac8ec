import { createRequire as __rgCreateRequire } from 'node:module'; const require = __rgCreateRequire(import.meta.url);
import {
  codeSpan,
  convert,
  directorySource,
  escapeMarkdown,
  formatPolicyError,
  loadPolicy,
  renderJson,
  renderMarkdownSections,
  require_picomatch,
  runGate
} from "./chunks/chunk-OGLUKFOA.js";
import {
  core_exports,
  defaults,
  error,
  getInput,
  getOctokit,
  info,
  require_light,
  retry,
  setFailed,
  setOutput,
  setSecret,
  summary,
  warning
} from "./chunks/chunk-ZZQEWKDX.js";
import {
  __toESM
} from "./chunks/chunk-XMXXNP2B.js";

// src/action.ts
import { mkdir as mkdir2, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path2 from "node:path";

// src/evidence/artifacts.ts
var import_picomatch = __toESM(require_picomatch(), 1);
import { mkdir } from "node:fs/promises";
import path from "node:path";
var PARALLEL_DOWNLOADS = 4;
async function fetchArtifacts(options, runHeadSha) {
  const { DefaultArtifactClient } = await import("./chunks/artifact-JCGPYQT6.js");
  const client = new DefaultArtifactClient();
  const findBy = options.currentRun ? void 0 : { token: options.token, workflowRunId: options.runId, repositoryOwner: options.owner, repositoryName: options.repo };
  const problems = [];
  if (!options.currentRun && runHeadSha !== options.headSha) {
    problems.push(`run ${options.runId} is for commit ${runHeadSha.slice(0, 7)}, not ${options.headSha.slice(0, 7)}: its artifacts are not evidence for this commit`);
    const empty = { find: async () => ({ files: [], emptyReason: problems[0] }) };
    return { source: empty, artifacts: [], problems };
  }
  const listed = await client.listArtifacts({ latest: true, ...findBy && { findBy } }).catch((err) => {
    throw new Error(explainArtifactError(err, "list the artifacts"), { cause: err });
  });
  const wanted = (0, import_picomatch.default)(options.patterns.length > 0 ? options.patterns : ["!**"], { dot: true });
  const newest = /* @__PURE__ */ new Map();
  for (const a of listed.artifacts) {
    if (!wanted(a.name) || !isSafeName(a.name)) continue;
    const seen = newest.get(a.name);
    if (!seen || time(a.createdAt) > time(seen.createdAt) || time(a.createdAt) === time(seen.createdAt) && a.id > seen.id) newest.set(a.name, a);
  }
  const artifacts = [...newest.values()].map((a) => ({
    id: a.id,
    name: a.name,
    size: a.size,
    ...a.createdAt && { createdAt: new Date(a.createdAt).toISOString() },
    runId: options.runId,
    headSha: runHeadSha
  }));
  await mkdir(options.dir, { recursive: true });
  const queue = [...artifacts];
  const failed = /* @__PURE__ */ new Set();
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_DOWNLOADS, queue.length) }, async () => {
      for (let a = queue.shift(); a; a = queue.shift()) {
        const target = path.join(options.dir, a.name);
        try {
          await client.downloadArtifact(a.id, { path: target, ...findBy && { findBy } });
          options.log.info(`downloaded artifact "${a.name}" (${a.size} bytes)`);
        } catch (err) {
          failed.add(a.name);
          problems.push(`artifact "${a.name}" could not be downloaded: ${explainArtifactError(err, "download it")}`);
        }
      }
    })
  );
  const byName = new Map(artifacts.filter((a) => !failed.has(a.name)).map((a) => [a.name, a]));
  const directory = directorySource(options.dir);
  const source = {
    async find(query) {
      const found = await directory.find(query);
      if (found.files.length === 0 && problems.length > 0) found.emptyReason += ` (${problems.join("; ")})`;
      for (const file of found.files) {
        const artifact = file.artifact === void 0 ? void 0 : byName.get(file.artifact);
        if (!artifact) continue;
        file.artifactId = artifact.id;
        file.runId = artifact.runId;
        file.headSha = artifact.headSha;
        file.modified = artifact.createdAt ?? "unknown";
      }
      return found;
    }
  };
  return { source, artifacts: [...byName.values()], problems };
}
function isSafeName(name) {
  return name.length > 0 && !name.includes("/") && !name.includes("\\") && name !== "." && name !== ".." && !name.includes("\0");
}
function time(d) {
  return d === void 0 ? 0 : new Date(d).getTime();
}
function explainArtifactError(err, doing) {
  const name = err?.name ?? "";
  const message = err instanceof Error ? err.message : String(err);
  if (name === "GHESNotSupportedError" || /GHES|not supported on GitHub Enterprise/i.test(message)) {
    return `cannot ${doing}: the artifact API is not available on GitHub Enterprise Server. Download the artifacts with actions/download-artifact and pass their folder as evidence-dir.`;
  }
  if (err?.status === 403 || /\b403\b|Resource not accessible|forbidden/i.test(message)) {
    return `cannot ${doing}: the token may not read artifacts. Grant "permissions: actions: read" to the job (or pass evidence-dir).`;
  }
  return `cannot ${doing}: ${message}`;
}

// src/github/context.ts
function readContext(env, payload) {
  const [owner, repo] = required(env, "GITHUB_REPOSITORY").split("/");
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  const serverUrl = (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/$/, "");
  const apiUrl = (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/$/, "");
  const runId = Number(env.GITHUB_RUN_ID ?? 0);
  const runAttempt = Number(env.GITHUB_RUN_ATTEMPT ?? 1);
  const context = {
    eventName,
    owner,
    repo,
    headSha: env.GITHUB_SHA ?? "",
    runId,
    runAttempt,
    serverUrl,
    apiUrl,
    runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}${runAttempt > 1 ? `/attempts/${runAttempt}` : ""}`
  };
  const pr = payload.pull_request;
  if (eventName.startsWith("pull_request") && pr) {
    context.pullRequest = pullRequestFrom(pr, `${owner}/${repo}`);
    context.headSha = context.pullRequest.headSha;
    context.branch = context.pullRequest.baseRef;
    return context;
  }
  const run = payload.workflow_run;
  if (eventName === "workflow_run" && run) {
    const headSha = String(run.head_sha ?? "");
    context.headSha = headSha;
    const prs = run.pull_requests ?? [];
    const own = prs.find((p) => p.head?.sha === headSha) ?? prs[0];
    context.triggeringRun = { id: Number(run.id), headSha, needsPullLookup: own === void 0 };
    if (typeof run.head_branch === "string") context.triggeringRun.headBranch = run.head_branch;
    if (own) {
      context.pullRequest = pullRequestFrom(own, `${owner}/${repo}`);
      context.branch = context.pullRequest.baseRef;
    } else if (typeof run.head_branch === "string" && run.event !== "pull_request") {
      context.branch = run.head_branch;
    }
    return context;
  }
  const ref = env.GITHUB_REF ?? "";
  if (ref.startsWith("refs/heads/")) context.branch = ref.slice("refs/heads/".length);
  else if (env.GITHUB_REF_NAME && env.GITHUB_REF_TYPE === "branch") context.branch = env.GITHUB_REF_NAME;
  return context;
}
function pullRequestFrom(pr, fullName) {
  const head = pr.head ?? {};
  const base = pr.base ?? {};
  const headRepo = head.repo ?? {};
  const ref = {
    number: Number(pr.number),
    headSha: String(head.sha ?? ""),
    baseRef: String(base.ref ?? ""),
    fromFork: typeof headRepo.full_name === "string" && headRepo.full_name !== fullName
  };
  if (typeof base.sha === "string") ref.baseSha = base.sha;
  return ref;
}
function required(env, name) {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: release-gate runs as a GitHub Action step (locally, use the release-gate CLI)`);
  return value;
}

// src/github/checks.ts
var ANNOTATIONS_PER_REQUEST = 50;
var CHECK_SUMMARY_LIMIT = 65535;
function checkTitle(verdict) {
  const { passed, failed, missing } = verdict.counts;
  const head = verdict.decision === "pass" ? "Passed" : "Failed";
  return `${head}: ${passed} passed, ${failed} failed, ${missing} without evidence \u2014 score ${verdict.score}%`;
}
async function publishCheckRun(octokit, request) {
  const { owner, repo, title, annotations } = request;
  const conclusion = request.decision === "pass" ? "success" : "failure";
  const created = await octokit.rest.checks.create({
    owner,
    repo,
    name: request.name,
    head_sha: request.headSha,
    details_url: request.detailsUrl,
    status: "completed",
    conclusion,
    completed_at: (/* @__PURE__ */ new Date()).toISOString(),
    output: { title, summary: request.summary, annotations: annotations.slice(0, ANNOTATIONS_PER_REQUEST) }
  });
  for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: created.data.id,
      output: { title, summary: request.summary, annotations: annotations.slice(i, i + ANNOTATIONS_PER_REQUEST) }
    });
  }
  return { id: created.data.id, url: created.data.html_url ?? "" };
}

// src/github/comment.ts
var COMMENT_LIMIT = 65536;
function commentMarker(checkName) {
  return `<!-- release-gate:sticky ${encodeURIComponent(checkName)} -->`;
}
function stamp(c) {
  return `<!-- release-gate:result sha=${c.headSha} run=${c.runId} attempt=${c.runAttempt} -->`;
}
var STAMP = /<!-- release-gate:result sha=([0-9a-f]+) run=(\d+) attempt=(\d+) -->/;
async function upsertStickyComment(octokit, c, currentHeadSha) {
  const marker = commentMarker(c.checkName);
  const body = `${marker}
${stamp(c)}
${c.body}`;
  if (body.length > COMMENT_LIMIT) throw new Error(`comment body is ${body.length} characters, over GitHub's ${COMMENT_LIMIT}`);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner: c.owner, repo: c.repo, issue_number: c.pullNumber, per_page: 100 });
  const ours = comments.filter((x) => x.body?.includes(marker));
  const existing = ours.find((x) => x.user?.type === "Bot") ?? ours[0];
  if (currentHeadSha !== void 0 && currentHeadSha !== c.headSha) {
    return { action: "skipped", reason: `the pull request's head is now ${currentHeadSha.slice(0, 7)}; this run is for ${c.headSha.slice(0, 7)}`, ...existing && { url: existing.html_url } };
  }
  if (existing) {
    const previous = STAMP.exec(existing.body ?? "");
    if (previous && previous[1] === c.headSha) {
      const [prevRun, prevAttempt] = [Number(previous[2]), Number(previous[3])];
      if (prevRun > c.runId || prevRun === c.runId && prevAttempt > c.runAttempt) {
        return { action: "skipped", reason: `a later run (${prevRun}, attempt ${prevAttempt}) already reported on ${c.headSha.slice(0, 7)}`, url: existing.html_url };
      }
    }
    const updated = await octokit.rest.issues.updateComment({ owner: c.owner, repo: c.repo, comment_id: existing.id, body });
    return { action: "updated", url: updated.data.html_url, id: updated.data.id };
  }
  const created = await octokit.rest.issues.createComment({ owner: c.owner, repo: c.repo, issue_number: c.pullNumber, body });
  return { action: "created", url: created.data.html_url, id: created.data.id };
}

// node_modules/@octokit/plugin-throttling/dist-bundle/index.js
var import_light = __toESM(require_light(), 1);
var VERSION = "0.0.0-development";
var noop = () => Promise.resolve();
function wrapRequest(state, request, options) {
  return state.retryLimiter.schedule(doRequest, state, request, options);
}
async function doRequest(state, request, options) {
  const { pathname } = new URL(options.url, "http://github.test");
  const isAuth = isAuthRequest(options.method, pathname);
  const isWrite = !isAuth && options.method !== "GET" && options.method !== "HEAD";
  const isSearch = options.method === "GET" && pathname.startsWith("/search/");
  const isGraphQL = pathname.startsWith("/graphql");
  const retryCount = ~~request.retryCount;
  const jobOptions = retryCount > 0 ? { priority: 0, weight: 0 } : {};
  if (state.clustering) {
    jobOptions.expiration = 1e3 * 60;
  }
  if (isWrite || isGraphQL) {
    await state.write.key(state.id).schedule(jobOptions, noop);
  }
  if (isWrite && state.triggersNotification(pathname)) {
    await state.notifications.key(state.id).schedule(jobOptions, noop);
  }
  if (isSearch) {
    await state.search.key(state.id).schedule(jobOptions, noop);
  }
  const req = (isAuth ? state.auth : state.global).key(state.id).schedule(jobOptions, request, options);
  if (isGraphQL) {
    const res = await req;
    if (res.data.errors != null && res.data.errors.some((error2) => error2.type === "RATE_LIMITED")) {
      const error2 = Object.assign(new Error("GraphQL Rate Limit Exceeded"), {
        response: res,
        data: res.data
      });
      throw error2;
    }
  }
  return req;
}
function isAuthRequest(method, pathname) {
  return method === "PATCH" && // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-a-scoped-access-token
  /^\/applications\/[^/]+\/token\/scoped$/.test(pathname) || method === "POST" && // https://docs.github.com/en/rest/apps/oauth-applications?apiVersion=2022-11-28#reset-a-token
  (/^\/applications\/[^/]+\/token$/.test(pathname) || // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-an-installation-access-token-for-an-app
  /^\/app\/installations\/[^/]+\/access_tokens$/.test(pathname) || // https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
  pathname === "/login/oauth/access_token");
}
var triggers_notification_paths_default = [
  "/orgs/{org}/invitations",
  "/orgs/{org}/invitations/{invitation_id}",
  "/orgs/{org}/teams/{team_slug}/discussions",
  "/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments",
  "/repos/{owner}/{repo}/collaborators/{username}",
  "/repos/{owner}/{repo}/commits/{commit_sha}/comments",
  "/repos/{owner}/{repo}/issues",
  "/repos/{owner}/{repo}/issues/{issue_number}/comments",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issue",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority",
  "/repos/{owner}/{repo}/pulls",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
  "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
  "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
  "/repos/{owner}/{repo}/releases",
  "/teams/{team_id}/discussions",
  "/teams/{team_id}/discussions/{discussion_number}/comments"
];
function routeMatcher(paths) {
  const regexes = paths.map(
    (path3) => path3.split("/").map((c) => c.startsWith("{") ? "(?:.+?)" : c).join("/")
  );
  const regex2 = `^(?:${regexes.map((r) => `(?:${r})`).join("|")})[^/]*$`;
  return new RegExp(regex2, "i");
}
var regex = routeMatcher(triggers_notification_paths_default);
var triggersNotification = regex.test.bind(regex);
var groups = {};
var createGroups = function(Bottleneck, common) {
  groups.global = new Bottleneck.Group({
    id: "octokit-global",
    maxConcurrent: 10,
    ...common
  });
  groups.auth = new Bottleneck.Group({
    id: "octokit-auth",
    maxConcurrent: 1,
    ...common
  });
  groups.search = new Bottleneck.Group({
    id: "octokit-search",
    maxConcurrent: 1,
    minTime: 2e3,
    ...common
  });
  groups.write = new Bottleneck.Group({
    id: "octokit-write",
    maxConcurrent: 1,
    minTime: 1e3,
    ...common
  });
  groups.notifications = new Bottleneck.Group({
    id: "octokit-notifications",
    maxConcurrent: 1,
    minTime: 3e3,
    ...common
  });
};
function throttling(octokit, octokitOptions) {
  const {
    enabled = true,
    Bottleneck = import_light.default,
    id = "no-id",
    timeout = 1e3 * 60 * 2,
    // Redis TTL: 2 minutes
    connection
  } = octokitOptions.throttle || {};
  if (!enabled) {
    return {};
  }
  const common = { timeout };
  if (typeof connection !== "undefined") {
    common.connection = connection;
  }
  const state = Object.assign(
    {
      clustering: connection != null,
      triggersNotification,
      fallbackSecondaryRateRetryAfter: 60,
      retryAfterBaseValue: 1e3,
      id
    },
    octokitOptions.throttle
  );
  if (typeof state.onSecondaryRateLimit !== "function" || typeof state.onRateLimit !== "function") {
    throw new Error(`octokit/plugin-throttling error:
        You must pass the onSecondaryRateLimit and onRateLimit error handlers.
        See https://octokit.github.io/rest.js/#throttling

        const octokit = new Octokit({
          throttle: {
            onSecondaryRateLimit: (retryAfter, options) => {/* ... */},
            onRateLimit: (retryAfter, options) => {/* ... */}
          }
        })
    `);
  }
  let initialized = false;
  const initializeBottleneck = () => {
    if (initialized) {
      return;
    }
    initialized = true;
    if (groups.global == null) {
      createGroups(Bottleneck, common);
    }
    state.global = state.global ?? groups.global;
    state.auth = state.auth ?? groups.auth;
    state.search = state.search ?? groups.search;
    state.write = state.write ?? groups.write;
    state.notifications = state.notifications ?? groups.notifications;
    state.retryLimiter = state.retryLimiter ?? new Bottleneck();
    const events = {};
    const emitter = new Bottleneck.Events(events);
    events.on("secondary-limit", state.onSecondaryRateLimit);
    events.on("rate-limit", state.onRateLimit);
    events.on(
      "error",
      (e) => octokit.log.warn("Error in throttling-plugin limit handler", e)
    );
    state.retryLimiter.on("failed", async function(error2, info2) {
      const [state2, request, options] = info2.args;
      const { pathname } = new URL(options.url, "http://github.test");
      const shouldRetryGraphQL = pathname.startsWith("/graphql") && error2.status !== 401;
      if (!(shouldRetryGraphQL || error2.status === 403 || error2.status === 429)) {
        return;
      }
      const retryCount = ~~request.retryCount;
      request.retryCount = retryCount;
      options.request.retryCount = retryCount;
      const { wantRetry, retryAfter = 0 } = await (async function() {
        if (/\bsecondary rate\b/i.test(error2.message)) {
          const retryAfter2 = Number(error2.response.headers["retry-after"]) || state2.fallbackSecondaryRateRetryAfter;
          const wantRetry2 = await emitter.trigger(
            "secondary-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        if (error2.response.headers != null && error2.response.headers["x-ratelimit-remaining"] === "0" || (error2.response.data?.errors ?? []).some(
          (error22) => error22.type === "RATE_LIMITED"
        )) {
          const rateLimitReset = new Date(
            ~~error2.response.headers["x-ratelimit-reset"] * 1e3
          ).getTime();
          const retryAfter2 = Math.max(
            // Add one second so we retry _after_ the reset time
            // https://docs.github.com/en/rest/overview/resources-in-the-rest-api?apiVersion=2022-11-28#exceeding-the-rate-limit
            Math.ceil((rateLimitReset - Date.now()) / 1e3) + 1,
            0
          );
          const wantRetry2 = await emitter.trigger(
            "rate-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        return {};
      })();
      if (wantRetry) {
        request.retryCount++;
        return retryAfter * state2.retryAfterBaseValue;
      }
    });
  };
  octokit.hook.wrap("request", (request, options) => {
    initializeBottleneck();
    return wrapRequest(state, request, options);
  });
  return {};
}
throttling.VERSION = VERSION;
throttling.triggersNotification = triggersNotification;

// src/github/octokit.ts
var REQUEST_TIMEOUT_MS = 3e4;
var MAX_RATE_LIMIT_WAIT_S = 60;
function createOctokit(token, apiUrl, log) {
  const base = defaults.request;
  const innerFetch = base?.fetch ?? fetch;
  const timedFetch = (input, init) => innerFetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) : AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const onLimit = (kind) => (retryAfter, options, _octokit, retryCount) => {
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
      throttle: { onRateLimit: onLimit("primary"), onSecondaryRateLimit: onLimit("secondary") }
    },
    retry,
    throttling
  );
}
function httpStatus(err) {
  const status = err?.status;
  return typeof status === "number" ? status : void 0;
}

// src/policy/diff.ts
function diffPolicies(base, head) {
  const baseById = new Map(base.criteria.map((c) => [c.id, c]));
  const headById = new Map(head.criteria.map((c) => [c.id, c]));
  const change = {
    added: head.criteria.filter((c) => !baseById.has(c.id)).map((c) => c.id),
    removed: base.criteria.filter((c) => !headById.has(c.id)).map((c) => c.id),
    loosened: []
  };
  const lowered = (what, before, after) => {
    if (before !== void 0 && (after === void 0 || after < before)) change.loosened.push(`${what}: ${before} \u2192 ${after ?? "none"}`);
  };
  lowered("min-score", base.minScore, head.minScore);
  for (const profile of base.profiles) {
    const now = head.profiles.find((p) => p.name === profile.name);
    if (!now) change.loosened.push(`profile ${profile.name}: removed`);
    else lowered(`profile ${profile.name} min-score`, profile.minScore, now.minScore);
  }
  for (const before of base.criteria) {
    const after = headById.get(before.id);
    if (after) change.loosened.push(...loosenedCriterion(before, after).map((what) => `${before.id}: ${what}`));
  }
  return change;
}
function loosenedCriterion(before, after) {
  const out = [];
  if (before.required && !after.required) out.push("required \u2192 optional");
  if (after.weight < before.weight) out.push(`weight ${before.weight} \u2192 ${after.weight}`);
  if (before.maxAgeMs !== void 0 && (after.maxAgeMs === void 0 || after.maxAgeMs > before.maxAgeMs)) {
    out.push(`max-age ${before.maxAge} \u2192 ${after.maxAge ?? "none"}`);
  }
  const evidence = (c) => `${c.evidence.artifact !== void 0 ? `${c.evidence.artifact}:` : ""}${c.evidence.path} (${c.evidence.format})`;
  if (evidence(before) !== evidence(after)) out.push(`evidence ${evidence(before)} \u2192 ${evidence(after)}`);
  if (after.profiles !== void 0 && (before.profiles === void 0 || before.profiles.some((p) => !after.profiles.includes(p)))) {
    out.push(`profiles ${before.profiles?.join(", ") ?? "all"} \u2192 ${after.profiles.join(", ")}`);
  }
  for (const e of before.expect) {
    const now = after.expect.find((x) => x.metric === e.metric);
    if (!now) out.push(`expectation ${e.metric} "${e.expectation.text}" removed`);
    else if (weaker(e, now)) out.push(`${e.metric} "${e.expectation.text}" \u2192 "${now.expectation.text}"`);
  }
  return out;
}
function weaker(before, after) {
  const unit = before.unit === "dynamic" ? before.expectation.unit : before.unit;
  const value = (e) => {
    const v = convert(e.expectation.value, e.expectation.unit, unit);
    return typeof v === "number" ? v : Number.NaN;
  };
  const [a, b] = [value(before), value(after)];
  const [opA, opB] = [before.expectation.op, after.expectation.op];
  if (Number.isNaN(a) || Number.isNaN(b)) return before.expectation.text !== after.expectation.text;
  const lower = (op) => op === ">=" || op === ">";
  const upper = (op) => op === "<=" || op === "<";
  if (lower(opA) && lower(opB)) return b < a || b === a && opA === ">" && opB === ">=";
  if (upper(opA) && upper(opB)) return b > a || b === a && opA === "<" && opB === "<=";
  return opA !== opB || a !== b;
}

// src/render/annotations.ts
var MAX_MESSAGE = 64 * 1024 - 1;
var MAX_TITLE = 255;
function annotationsFor(verdict, policyPath) {
  return verdict.criteria.filter((c) => c.status !== "passed").map((c) => ({
    path: policyPath,
    start_line: c.position.line,
    end_line: c.position.line,
    annotation_level: c.required ? "failure" : "warning",
    title: clip(`${c.title} (${c.id}): ${c.status === "missing" ? "no evidence" : "failed"}`, MAX_TITLE),
    message: clip(c.reason, MAX_MESSAGE)
  }));
}
function clip(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}\u2026`;
}

// src/render/trim.ts
function fitMarkdown(sections, limit, note) {
  const whole = sections.join("\n");
  if (whole.length <= limit) return whole;
  const kept = [];
  let used = 0;
  let cut = 0;
  let i = 0;
  const reserve = note(99999999).length + 2 + "\n</details>\n".length;
  for (; i < sections.length; i++) {
    const section = sections[i];
    if (used + section.length + 1 <= limit - reserve) {
      kept.push(section);
      used += section.length + 1;
      continue;
    }
    const lines = section.split("\n");
    const partial = [];
    let size = 0;
    for (const line of lines) {
      if (used + size + line.length + 1 > limit - reserve) break;
      partial.push(line);
      size += line.length + 1;
    }
    cut += lines.length - partial.length;
    if (partial.length > 0) {
      let text = partial.join("\n");
      if (text.includes("<details>") && !text.includes("</details>")) text += "\n</details>\n";
      kept.push(text);
    }
    i++;
    break;
  }
  for (; i < sections.length; i++) cut += sections[i].split("\n").length;
  const result = `${kept.join("\n")}

${note(cut)}`;
  return result.length <= limit ? result : result.slice(0, limit);
}

// src/action.ts
var SUMMARY_LIMIT = 1e6;
var FORK_RECIPE = 'This token cannot write checks or comments (a pull request from a fork gets a read-only token). Run release-gate in a separate workflow on `workflow_run` \u2014 see the README recipe "Public repositories with forks" \u2014 to publish the verdict.';
function readInputs() {
  const comment = getInput("comment") || "auto";
  if (!["auto", "always", "on-failure", "never"].includes(comment)) throw new Error(`input comment must be auto, always, on-failure or never (got "${comment}")`);
  const policyRef = getInput("policy-ref") || "base";
  if (policyRef !== "base" && policyRef !== "head") throw new Error(`input policy-ref must be base or head (got "${policyRef}")`);
  const runId = getInput("run-id");
  if (runId && !/^\d+$/.test(runId)) throw new Error(`input run-id must be a run's number (got "${runId}")`);
  const inputs = {
    policy: getInput("policy") || ".github/release-gate.yml",
    token: getInput("token"),
    comment,
    policyRef,
    fail: (getInput("fail") || "true").toLowerCase() !== "false"
  };
  if (getInput("evidence-dir")) inputs.evidenceDir = getInput("evidence-dir");
  if (runId) inputs.runId = Number(runId);
  if (getInput("profile")) inputs.profile = getInput("profile");
  if (getInput("check-name")) inputs.checkName = getInput("check-name");
  return inputs;
}
async function runAction() {
  let verdict;
  try {
    const inputs = readInputs();
    if (inputs.token) setSecret(inputs.token);
    const payload = process.env.GITHUB_EVENT_PATH ? JSON.parse(await readFile(process.env.GITHUB_EVENT_PATH, "utf8")) : {};
    const context = readContext(process.env, payload);
    const octokit = createOctokit(inputs.token, context.apiUrl, { warning: (m) => warning(m) });
    const writes = new WriteGuard();
    await findPullRequest(octokit, context, writes);
    const policy = await readPolicyText(octokit, context, inputs);
    const checkName = inputs.checkName ?? (policy.nameHint || "release-gate");
    const work = path2.join(process.env.RUNNER_TEMP || tmpdir(), `release-gate-${context.runId}-${process.pid}`);
    const source = await evidenceSource(octokit, context, inputs, policy.text, policy.file, work);
    const outcome = await runGate({
      policyText: policy.text,
      policyFile: policy.file,
      source,
      ...inputs.profile !== void 0 && { profile: inputs.profile },
      ...context.branch !== void 0 && { branch: context.branch },
      now: /* @__PURE__ */ new Date()
    });
    const reportPath = path2.join(work, "release-gate-report.json");
    await mkdir2(work, { recursive: true });
    if (outcome.kind !== "verdict") {
      const errors = outcome.kind === "policy-error" ? outcome.errors : [{ file: policy.file, line: 1, column: 1, message: outcome.message }];
      const markdown = policyErrorMarkdown(errors);
      await writeFile(reportPath, `${JSON.stringify({ version: 1, decision: "fail", score: 0, errors: errors.map(formatPolicyError), criteria: [] }, null, 2)}
`);
      for (const e of errors) error(e.message, { file: e.file, startLine: e.line, startColumn: e.column, title: "release-gate policy" });
      const published2 = await publish(octokit, context, inputs, writes, {
        checkName,
        markdownSections: [markdown],
        title: `Failed: the policy has ${errors.length} error${errors.length === 1 ? "" : "s"}`,
        annotations: errors.map((e) => ({ path: e.file, start_line: e.line, end_line: e.line, annotation_level: "failure", title: "policy error", message: e.message })),
        decision: "fail"
      });
      await writeSummary([markdown]);
      setOutputs({ decision: "fail", score: 0, passed: 0, failed: 0, missing: 0, report: reportPath, ...published2 });
      setFailed(`release-gate: the policy ${policy.file} has errors`);
      return;
    }
    verdict = outcome.verdict;
    const { decision } = verdict;
    await writeFile(reportPath, renderJson(verdict));
    const sections = renderMarkdownSections(verdict, { policyPath: policy.file });
    if (policy.change) sections.splice(1, 0, policyChangeMarkdown(policy.change, policy.file));
    if (policy.note) sections.splice(1, 0, `> [!NOTE]
> ${escapeMarkdown(policy.note, 500)}
`);
    info(`${verdict.decision === "pass" ? "PASS" : "FAIL"} score ${verdict.score}% \u2014 ${verdict.summary}`);
    for (const c of verdict.criteria) info(`  ${c.status.padEnd(7)} ${c.id}: ${c.reason}`);
    const published = await publish(octokit, context, inputs, writes, {
      checkName,
      markdownSections: sections,
      title: checkTitle(verdict),
      annotations: annotationsFor(verdict, policy.file),
      decision: verdict.decision,
      verdict
    });
    await writeSummary(sections);
    setOutputs({ decision, score: verdict.score, ...verdict.counts, report: reportPath, ...published });
    if (decision === "fail") {
      const message = `release-gate failed: ${verdict.summary}`;
      if (inputs.fail) setFailed(message);
      else warning(`${message} (input fail is false: the step passes)`);
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    setOutput("decision", "fail");
    if (!verdict) {
      await writeSummary([`### \u274C release-gate: failed \u2014 internal error

${escapeMarkdown(message, 2e3)}
`]).catch(() => void 0);
    }
    setFailed(`release-gate: ${message}`);
  }
}
var WriteGuard = class {
  readOnly = false;
  async attempt(what, write) {
    if (this.readOnly) return void 0;
    try {
      return await write();
    } catch (err) {
      if (httpStatus(err) === 403) {
        this.readOnly = true;
        warning(`release-gate could not ${what}: ${err instanceof Error ? err.message : String(err)}. ${FORK_RECIPE}`);
        return void 0;
      }
      warning(`release-gate could not ${what}: ${err instanceof Error ? err.message : String(err)}`);
      return void 0;
    }
  }
};
async function findPullRequest(octokit, context, writes) {
  if (!context.triggeringRun?.needsPullLookup) return;
  void writes;
  try {
    const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner: context.owner, repo: context.repo, commit_sha: context.headSha });
    let match = data.find((p) => p.head.sha === context.headSha && p.state === "open");
    if (!match) {
      const open = await octokit.paginate(octokit.rest.pulls.list, { owner: context.owner, repo: context.repo, state: "open", per_page: 100 });
      match = open.find((p) => p.head.sha === context.headSha);
    }
    if (match) {
      context.pullRequest = pullRequestFrom(match, `${context.owner}/${context.repo}`);
      context.branch = context.pullRequest.baseRef;
    }
  } catch (err) {
    warning(`could not find the pull request of ${context.headSha.slice(0, 7)}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
async function readPolicyText(octokit, context, inputs) {
  const file = inputs.policy.replace(/^\.\//, "");
  const local = await readFile(path2.resolve(process.env.GITHUB_WORKSPACE ?? ".", file), "utf8").catch(() => void 0);
  const pr = context.pullRequest;
  if (!pr || inputs.policyRef === "head" || context.eventName === "workflow_run") {
    if (local === void 0) throw new Error(`policy file ${file} not found in the workspace: check out the repository first (actions/checkout) or set the input policy`);
    return { text: local, file, nameHint: nameOf(local) };
  }
  let base;
  try {
    const { data } = await octokit.rest.repos.getContent({ owner: context.owner, repo: context.repo, path: file, ref: pr.baseSha ?? pr.baseRef });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) throw new Error(`${file} on ${pr.baseRef} is not a file`);
    base = Buffer.from(data.content, "base64").toString("utf8");
  } catch (err) {
    if (httpStatus(err) !== 404) throw new Error(`could not read ${file} from the base branch ${pr.baseRef}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (base === void 0) {
    if (local === void 0) throw new Error(`policy file ${file} is neither on the base branch ${pr.baseRef} nor in the workspace`);
    return { text: local, file, nameHint: nameOf(local), note: `${file} is not on the base branch ${pr.baseRef} yet: this pull request is judged by the policy it adds.` };
  }
  const source = { text: base, file, nameHint: nameOf(base) };
  if (local !== void 0 && local !== base) {
    const [before, after] = [loadPolicy(base, file), loadPolicy(local, file)];
    source.change = before.ok && after.ok ? diffPolicies(before.policy, after.policy) : { added: [], removed: [], loosened: after.ok ? [] : ["the changed policy has errors"] };
  }
  return source;
}
function nameOf(policyText) {
  const loaded = loadPolicy(policyText, "policy");
  return loaded.ok ? loaded.policy.name : "";
}
async function evidenceSource(octokit, context, inputs, policyText, policyFile, work) {
  if (inputs.evidenceDir !== void 0) return directorySource(path2.resolve(process.env.GITHUB_WORKSPACE ?? ".", inputs.evidenceDir));
  const loaded = loadPolicy(policyText, policyFile);
  const patterns = loaded.ok ? [...new Set(loaded.policy.criteria.map((c) => c.evidence.artifact).filter((a) => a !== void 0))] : [];
  const runId = inputs.runId ?? context.triggeringRun?.id ?? context.runId;
  const currentRun = runId === context.runId;
  try {
    let runHeadSha = context.headSha;
    if (!currentRun) {
      const { data } = await octokit.rest.actions.getWorkflowRun({ owner: context.owner, repo: context.repo, run_id: runId }).catch((err) => {
        throw new Error(explainArtifactError(err, `read run ${runId}`), { cause: err });
      });
      runHeadSha = data.head_sha;
    }
    const fetched = await fetchArtifacts(
      { token: inputs.token, owner: context.owner, repo: context.repo, runId, currentRun, headSha: context.headSha, patterns, dir: path2.join(work, "artifacts"), log: core_exports },
      runHeadSha
    );
    for (const p of fetched.problems) warning(p);
    return fetched.source;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    error(reason);
    return { find: async (query) => ({ files: [], emptyReason: query.artifact === void 0 ? `no artifact to read "${query.path}" from: ${reason}` : reason }) };
  }
}
async function publish(octokit, context, inputs, writes, request) {
  const published = {};
  const summaryLink = `${context.runUrl}`;
  const cutNote = (lines) => `_\u2026 ${lines} more lines cut to fit GitHub's size limit; the whole report is in the [job summary](${summaryLink})._`;
  const check = await writes.attempt(
    "create the check run",
    () => publishCheckRun(octokit, {
      owner: context.owner,
      repo: context.repo,
      name: request.checkName,
      headSha: context.headSha,
      detailsUrl: context.runUrl,
      title: request.title,
      decision: request.decision,
      summary: fitMarkdown(request.markdownSections, CHECK_SUMMARY_LIMIT, cutNote),
      annotations: request.annotations
    })
  );
  if (check) {
    published.checkRunId = check.id;
    published.checkRunUrl = check.url;
  }
  const pr = context.pullRequest;
  const wanted = inputs.comment === "always" || inputs.comment === "auto" && pr !== void 0 || inputs.comment === "on-failure" && request.decision === "fail";
  if (!wanted) return published;
  if (!pr) {
    if (inputs.comment !== "auto") info("no pull request for this run: no comment");
    return published;
  }
  let currentHead;
  try {
    currentHead = (await octokit.rest.pulls.get({ owner: context.owner, repo: context.repo, pull_number: pr.number })).data.head.sha;
  } catch (err) {
    warning(`could not read pull request #${pr.number}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const footer = `
<sub>${request.checkName === "release-gate" ? "" : `${escapeMarkdown(request.checkName, 100)} \xB7 `}commit ${codeSpan(context.headSha.slice(0, 7))} \xB7 [run ${context.runId}](${context.runUrl})</sub>
`;
  const body = `${fitMarkdown(request.markdownSections, COMMENT_LIMIT - footer.length - 300, cutNote)}${footer}`;
  const outcome = await writes.attempt(
    "comment on the pull request",
    () => upsertStickyComment(
      octokit,
      { owner: context.owner, repo: context.repo, pullNumber: pr.number, checkName: request.checkName, headSha: context.headSha, runId: context.runId, runAttempt: context.runAttempt, body },
      currentHead
    )
  );
  if (outcome?.action === "skipped") info(`comment not updated: ${outcome.reason}`);
  if (outcome?.url) published.commentUrl = outcome.url;
  return published;
}
function policyChangeMarkdown(change, file) {
  const lines = [`> [!WARNING]
> This pull request changes ${codeSpan(file)}. It is judged by the policy of the base branch; the change takes effect once merged.`];
  const list = (label, items) => {
    if (items.length > 0) lines.push(`> - ${label}: ${items.map((i) => escapeMarkdown(i, 200)).join("; ")}`);
  };
  list("criteria added", change.added);
  list("criteria removed", change.removed);
  list("loosened", change.loosened);
  return `${lines.join("\n")}
`;
}
function policyErrorMarkdown(errors) {
  return `### \u274C release-gate: failed \u2014 the policy could not be used

${errors.map((e) => `- ${codeSpan(`${e.file}:${e.line}:${e.column}`)} ${escapeMarkdown(e.message, 1e3)}`).join("\n")}
`;
}
async function writeSummary(sections) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  let text = fitMarkdown(sections, SUMMARY_LIMIT, (n) => `_\u2026 ${n} more lines cut to fit the 1 MiB job summary; see the JSON report._`);
  if (Buffer.byteLength(text) > 1024 * 1024) text = fitMarkdown(sections, SUMMARY_LIMIT / 4, (n) => `_\u2026 ${n} more lines cut._`);
  await summary.addRaw(text, true).write();
}
function setOutputs(values) {
  setOutput("decision", values.decision);
  setOutput("score", values.score);
  setOutput("passed", values.passed);
  setOutput("failed", values.failed);
  setOutput("missing", values.missing);
  setOutput("report", values.report);
  setOutput("check-run-id", values.checkRunId ?? "");
  setOutput("check-run-url", values.checkRunUrl ?? "");
  setOutput("comment-url", values.commentUrl ?? "");
}

// src/main.ts
await runAction();
