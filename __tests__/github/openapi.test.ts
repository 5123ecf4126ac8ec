import { describe, expect, it } from 'vitest';
import { findOperation, validateRequest, validateResponse } from './openapi.js';

const opOf = (method: string, path: string) => {
  const m = findOperation(method, path);
  return m && 'operation' in m ? m.operation.operationId : m;
};

describe('validateRequest', () => {
  it('routes concrete paths to the most literal template', () => {
    expect(opOf('GET', '/repos/o/r/issues/comments/5')).toBe('issues/get-comment');
    expect(opOf('GET', '/repos/o/r/issues/comments')).toBe('issues/list-comments-for-repo');
    expect(opOf('GET', '/repos/o/r/issues/5/comments')).toBe('issues/list-comments');
    expect(opOf('PATCH', '/repos/o/r/check-runs/12')).toBe('checks/update');
    expect(opOf('GET', '/repos/o/r/commits/abc/pulls')).toBe('repos/list-pull-requests-associated-with-commit');
    expect(opOf('GET', '/repos/o/r/commits/abc/check-runs')).toBe('checks/list-for-ref');
    expect(opOf('GET', '/repos/o/r/commits/heads/main/check-runs')).toBe('checks/list-for-ref');
    expect(opOf('GET', '/repos/o/r/actions/artifacts/9/zip')).toBe('actions/download-artifact');
    expect(opOf('GET', '/repos/o/r/actions/artifacts/9')).toBe('actions/get-artifact');
    expect(opOf('DELETE', '/repos/o/r/check-runs/1')).toEqual({ methodNotAllowed: ['GET', 'PATCH'] });
  });

  it('accepts multi-segment paths, encoded or not', () => {
    for (const p of ['/repos/o/r/contents/a/b/c.yml', '/repos/o/r/contents/a%2Fb%2Fc.yml']) {
      expect(validateRequest({ method: 'GET', path: `${p}?ref=main` })).toMatchObject({
        operationId: 'repos/get-content',
        params: { path: 'a/b/c.yml' },
        query: { ref: 'main' },
      });
    }
  });

  it('accepts valid check-run bodies and rejects wrong ones', () => {
    const ok = validateRequest({
      method: 'POST',
      path: '/repos/o/r/check-runs',
      body: {
        name: 'gate',
        head_sha: 'a'.repeat(40),
        status: 'completed',
        conclusion: 'success',
        completed_at: '2024-01-01T00:00:00.000Z',
        details_url: 'https://example.com/x',
        output: { title: 't', summary: 's', annotations: [{ path: 'a', start_line: 1, end_line: 1, annotation_level: 'notice', message: 'm' }] },
      },
    });
    expect(ok).not.toHaveProperty('errors');

    const passed = validateRequest({ method: 'POST', path: '/repos/o/r/check-runs', body: { name: 'g', head_sha: 'a', conclusion: 'passed' } });
    expect(passed).toMatchObject({ strictOnly: false });
    expect((passed as { errors: string[] }).errors[0]).toMatch(/^body\/conclusion must be equal to one of the allowed values: "action_required"/);

    const noTitle = validateRequest({ method: 'POST', path: '/repos/o/r/check-runs', body: { name: 'g', head_sha: 'a', output: { summary: 's' } } });
    expect((noTitle as { errors: string[] }).errors).toContain("body/output must have required property 'title'");

    const many = validateRequest({
      method: 'PATCH',
      path: '/repos/o/r/check-runs/1',
      body: { output: { title: 't', summary: 's', annotations: Array(51).fill({ path: 'a', start_line: 1, end_line: 1, annotation_level: 'notice', message: 'm' }) } },
    });
    expect((many as { errors: string[] }).errors).toContain('body/output/annotations must NOT have more than 50 items');

    const long = validateRequest({ method: 'PATCH', path: '/repos/o/r/check-runs/1', body: { output: { title: 't', summary: 'x'.repeat(65536) } } });
    expect((long as { errors: string[] }).errors).toContain('body/output/summary must NOT have more than 65535 characters');

    const completedWithout = validateRequest({ method: 'PATCH', path: '/repos/o/r/check-runs/1', body: { status: 'completed' } });
    expect((completedWithout as { errors: string[] }).errors).toContain("body must have required property 'conclusion'");

    const badDate = validateRequest({ method: 'PATCH', path: '/repos/o/r/check-runs/1', body: { completed_at: 'yesterday', conclusion: 'success' } });
    expect((badDate as { errors: string[] }).errors).toContain('body/completed_at must match format "date-time"');
  });

  it('flags unknown body properties and query parameters as strict-only', () => {
    const v = validateRequest({ method: 'POST', path: '/repos/o/r/issues/1/comments?foo=1', body: { body: 'x', bdy: 'y' } });
    expect(v).toMatchObject({ operationId: 'issues/create-comment', strictOnly: true });
    expect((v as { errors: string[] }).errors).toEqual([
      expect.stringMatching(/^query\.foo is not a parameter of issues\/create-comment/),
      expect.stringMatching(/^body unknown property 'bdy'/),
    ]);
  });

  it('checks path and query parameter types and enums', () => {
    expect(validateRequest({ method: 'GET', path: '/repos/o/r/check-runs/abc' })).toMatchObject({ badPath: true });
    const q = validateRequest({ method: 'GET', path: '/repos/o/r/pulls', query: { state: 'merged', per_page: 'ten' } });
    expect((q as { errors: string[] }).errors).toEqual([
      expect.stringMatching(/^query\.state must be equal to one of the allowed values: "open", "closed", "all"/),
      expect.stringMatching(/^query\.per_page must be integer/),
    ]);
    expect(validateRequest({ method: 'GET', path: '/repos/o/r/pulls', query: { state: 'all', per_page: 100, page: 2 } })).toMatchObject({
      operationId: 'pulls/list',
      query: { state: 'all', per_page: 100, page: 2 },
    });
    expect(validateRequest({ method: 'GET', path: '/nothing/here' })).toMatchObject({ noOperation: true });
    expect(validateRequest({ method: 'POST', path: '/repos/o/r/issues/1/comments' })).toMatchObject({
      errors: ['body is required by issues/create-comment'],
    });
  });

  it('validates responses with OpenAPI 3.0 nullable handled', () => {
    expect(validateResponse('issues/get-comment', 200, { id: 1 })).toContain("response must have required property 'node_id'");
    expect(validateResponse('checks/get', 200, { conclusion: 'passed' }).join('\n')).toMatch(/response\/conclusion must be equal to one of the allowed values/);
  });
});
