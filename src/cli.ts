#!/usr/bin/env node
/**
 * `release-gate` CLI: argv -> run the gate -> stdout, report files, exit code.
 * Exit codes: 0 gate passed, 1 gate failed, 2 usage or policy error.
 */
import { parseArgs } from 'node:util';
import pkg from '../package.json' with { type: 'json' };

const USAGE = `release-gate ${pkg.version} — decides from a workflow's evidence whether a release may ship

Usage:
  release-gate check --policy FILE --evidence DIR [--profile NAME] [--branch NAME]
                     [--json OUT] [--markdown OUT]
  release-gate validate FILE
  release-gate schema
  release-gate --version

check     evaluate every criterion of the policy on the evidence in DIR (each sub-folder is an
          artifact, as actions/download-artifact lays them out); print the report.
          Exit 0 when the gate passes, 1 when it fails, 2 on a usage or policy error.
validate  check a policy file; print FILE:LINE:COL: message for each problem.
schema    print the policy's JSON Schema.
`;

export const EXIT = { pass: 0, fail: 1, usage: 2 } as const;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${pkg.version}\n`);
    return EXIT.pass;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? EXIT.usage : EXIT.pass;
  }
  const commands = await import('./commands.js');
  switch (command) {
    case 'check': {
      const { values } = parseArgs({
        args: rest,
        strict: true,
        options: {
          policy: { type: 'string' },
          evidence: { type: 'string' },
          profile: { type: 'string' },
          branch: { type: 'string' },
          json: { type: 'string' },
          markdown: { type: 'string' },
        },
      });
      if (values.policy === undefined || values.evidence === undefined) {
        return usageError('check needs --policy FILE and --evidence DIR');
      }
      return commands.check({ ...values, policy: values.policy, evidence: values.evidence });
    }
    case 'validate': {
      const { positionals } = parseArgs({ args: rest, strict: true, allowPositionals: true });
      if (positionals.length !== 1) return usageError('validate needs exactly one policy FILE');
      return commands.validate(positionals[0]!);
    }
    case 'schema':
      process.stdout.write(commands.schema());
      return EXIT.pass;
    default:
      return usageError(`unknown command "${command}"`);
  }
}

function usageError(message: string): number {
  process.stderr.write(`release-gate: ${message}\n\n${USAGE}`);
  return EXIT.usage;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const usage = (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`release-gate: ${usage ? message : `internal error: ${err instanceof Error ? (err.stack ?? message) : message}`}\n`);
    // an internal error is never a pass
    process.exitCode = usage ? EXIT.usage : EXIT.fail;
  },
);
