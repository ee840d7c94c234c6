import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { eventToJson } from '../core/event-json.ts';
import { UsageError } from '../core/errors.ts';
import { decodeTransaction } from '../decoders/index.ts';
import { NormalizeError, normalizeAnyTransaction, parseTransactionInput } from '../sources/formats/index.ts';

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `megatron decode [FILE…|-]`: getTransaction JSON (object, array or JSONL; Yellowstone update dumps too) →
 * one JSON line per event on stdout. Decode problems and unreadable transactions go to stderr as JSON lines;
 * the exit code is 1 when any transaction could not be read.
 */
export function register(program: Command, _config: Config): void {
  program
    .command('decode')
    .description('decode launchpad events from getTransaction JSON (one object, an array, or JSONL); - reads stdin')
    .argument('[files...]', 'input files, or - for stdin', ['-'])
    .option('--slot <n>', 'slot to assume for entries that carry none (blockSubscribe entries)')
    .action(async (files: string[], opts: { slot?: string }) => {
      const slot = opts.slot === undefined ? undefined : Number(opts.slot);
      if (slot !== undefined && (!Number.isSafeInteger(slot) || slot < 0)) throw new UsageError(`--slot must be a non-negative integer, got ${opts.slot}`);
      // A closed pipe (`| head`) ends the output, it is not an error.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
        throw err;
      });
      let unreadable = 0;
      for (const file of files.length === 0 ? ['-'] : files) {
        let values: unknown[];
        try {
          values = parseTransactionInput(await readInput(file));
        } catch (err) {
          if (err instanceof NormalizeError || (err as NodeJS.ErrnoException).code === 'ENOENT') {
            throw new UsageError(`${file}: ${(err as Error).message}`);
          }
          throw err;
        }
        values.forEach((value, position) => {
          try {
            const result = decodeTransaction(normalizeAnyTransaction(value, { slot }));
            for (const event of result.events) process.stdout.write(`${JSON.stringify(eventToJson(event))}\n`);
            for (const p of result.problems) {
              process.stderr.write(`${JSON.stringify({ problem: p.kind, severity: p.severity, program: p.program, ix_index: p.ixIndex, inner_ix_index: p.innerIxIndex, message: p.message, file, position })}\n`);
            }
          } catch (err) {
            if (!(err instanceof NormalizeError)) throw err;
            unreadable++;
            process.stderr.write(`${JSON.stringify({ error: err.reason, message: err.message, file, position })}\n`);
          }
        });
      }
      if (unreadable > 0) process.exitCode = 1;
    });
}
