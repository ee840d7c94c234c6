import { address, getAddressEncoder, getProgramDerivedAddress } from '@solana/kit';
import type { Config } from '../config.ts';
import { base58Encode } from '../core/base58.ts';
import { anchorDiscriminator, discHex } from '../decoders/anchor.ts';
import { errorMessage } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import type { Db } from '../db/types.ts';
import { JsonRpcHttpClient } from '../sources/rpc/index.ts';
import type { Job } from '../jobs/scheduler.ts';

/**
 * Tokens first seen through a trade (launched before monitoring began) are stored from what the trade
 * tells (`is_complete = false`). This fills in the rest from chain state over RPC: the curve account
 * (pump.fun BondingCurve / LaunchLab PoolState: supply, creator, config) and the token metadata (Metaplex
 * account, else the Token-2022 metadata extension on the mint). Only empty fields are filled — facts
 * already stored (e.g. from a creation event that arrived since) win. `is_complete` keeps its meaning
 * ("creation event stored"); an enriched token is marked in `metadata.enriched_at` and not asked again.
 */

const METAPLEX = 'metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s';
const BONDING_CURVE_DISC = discHex(anchorDiscriminator('account', 'BondingCurve'));
const POOL_STATE_DISC = discHex(anchorDiscriminator('account', 'PoolState'));
const TOKEN_METADATA_EXTENSION = 19;

/** What the curve account says about a token (fields null where the layout version lacks them). */
export interface CurveFacts {
  supply: bigint | null;
  creator: string | null;
  decimals: number | null;
  quoteMint: string | null;
  config: string | null;
  platformConfig: string | null;
  baseVault: string | null;
  quoteVault: string | null;
  totalBaseSell: bigint | null;
  totalQuoteFundRaising: bigint | null;
}

export interface TokenMetadata {
  name: string;
  symbol: string;
  uri: string;
}

const hex = (b: Uint8Array, start: number, end: number): string => Buffer.from(b.subarray(start, end)).toString('hex');
const u64 = (b: Uint8Array, at: number): bigint | null => (b.length >= at + 8 ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).readBigUInt64LE(at) : null);
const key = (b: Uint8Array, at: number): string | null => {
  if (b.length < at + 32) return null;
  const k = b.subarray(at, at + 32);
  return k.every((x) => x === 0) ? null : base58Encode(k);
};

/** pump.fun BondingCurve (spec §2.5; shorter old layouts read with zero padding) or LaunchLab PoolState (§3.5). */
export function parseCurveAccount(data: Uint8Array): CurveFacts | null {
  const disc = hex(data, 0, 8);
  if (disc === BONDING_CURVE_DISC && data.length >= 49) {
    return {
      supply: u64(data, 40), creator: key(data, 49), decimals: null, quoteMint: null, config: null, platformConfig: null,
      baseVault: null, quoteVault: null, totalBaseSell: null, totalQuoteFundRaising: null,
    };
  }
  if (disc === POOL_STATE_DISC && data.length >= 365) {
    return {
      supply: u64(data, 21), creator: key(data, 333), decimals: data[18]!, quoteMint: key(data, 237), config: key(data, 141),
      platformConfig: key(data, 173), baseVault: key(data, 269), quoteVault: key(data, 301), totalBaseSell: u64(data, 29),
      totalQuoteFundRaising: u64(data, 69),
    };
  }
  return null;
}

/** Borsh strings (u32 length + UTF-8), NUL padding stripped (Metaplex pads to fixed sizes). */
function readStrings(data: Uint8Array, at: number, count: number): string[] | null {
  const out: string[] = [];
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < count; i++) {
    if (at + 4 > data.length) return null;
    const len = view.readUInt32LE(at);
    if (at + 4 + len > data.length) return null;
    out.push(view.toString('utf8', at + 4, at + 4 + len).replaceAll('\u0000', ''));
    at += 4 + len;
  }
  return out;
}

/** Metaplex MetadataV1: key u8 (4), update authority, mint, then name/symbol/uri (spec §5). */
export function parseMetaplexMetadata(data: Uint8Array): TokenMetadata | null {
  if (data[0] !== 4) return null;
  const s = readStrings(data, 65, 3);
  return s ? { name: s[0]!, symbol: s[1]!, uri: s[2]! } : null;
}

/** Token-2022 mint: TLV extensions from offset 166; TokenMetadata (type 19) = authority, mint, name, symbol, uri. */
export function parseToken2022Metadata(data: Uint8Array): TokenMetadata | null {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  for (let at = 166; at + 4 <= data.length; ) {
    const type = view.readUInt16LE(at);
    const len = view.readUInt16LE(at + 2);
    if (type === TOKEN_METADATA_EXTENSION) {
      const s = readStrings(data.subarray(0, at + 4 + len), at + 4 + 64, 3);
      return s ? { name: s[0]!, symbol: s[1]!, uri: s[2]! } : null;
    }
    if (type === 0) return null;
    at += 4 + len;
  }
  return null;
}

/** The Metaplex metadata account of `mint`: PDA ["metadata", program, mint]. */
export async function metaplexMetadataAddress(mint: string): Promise<string> {
  const enc = getAddressEncoder();
  const [pda] = await getProgramDerivedAddress({ programAddress: address(METAPLEX), seeds: ['metadata', enc.encode(address(METAPLEX)), enc.encode(address(mint))] });
  return pda;
}

interface IncompleteToken {
  mint: string;
  pool: string | null;
}

export interface EnrichResult {
  examined: number;
  enriched: number;
  failed: number;
}

export class TokenEnricher {
  /** mint → when it may be tried again after a failure (RPC down, account not found yet). */
  private readonly retryAt = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly rpc: JsonRpcHttpClient,
    private readonly opts: { limit?: number; retryAfterMs?: number } = {},
  ) {}

  /** Fills in up to `limit` incomplete, not yet enriched tokens. */
  async run(): Promise<EnrichResult> {
    const res = await this.db.query<{ mint: string; pool: string | null }>(
      `SELECT t.mint_address AS mint,
              (SELECT p.pool_address FROM pools p WHERE p.token_id = t.id AND p.pool_type IN ('bonding_curve', 'launchlab') LIMIT 1) AS pool
       FROM tokens t
       WHERE NOT t.is_complete AND (t.metadata IS NULL OR NOT t.metadata ? 'enriched_at')
       ORDER BY t.created_at LIMIT $1`,
      [this.opts.limit ?? 50],
    );
    const now = Date.now();
    const due = res.rows.filter((t) => (this.retryAt.get(t.mint) ?? 0) <= now);
    const result: EnrichResult = { examined: due.length, enriched: 0, failed: 0 };
    for (const token of due) {
      try {
        await this.enrich(token);
        this.retryAt.delete(token.mint);
        result.enriched++;
      } catch (err) {
        result.failed++;
        this.retryAt.set(token.mint, now + (this.opts.retryAfterMs ?? 60_000));
        log().warn({ mint: token.mint, err: errorMessage(err) }, 'token enrichment failed; will retry');
      }
    }
    return result;
  }

  private async account(addr: string): Promise<Uint8Array | null> {
    const r = await this.rpc.call<{ value: { data: [string, string] } | null }>('getAccountInfo', [addr, { encoding: 'base64', commitment: 'confirmed' }]);
    return r.value ? new Uint8Array(Buffer.from(r.value.data[0], 'base64')) : null;
  }

  private async metadata(mint: string): Promise<TokenMetadata | null> {
    const metaplex = await this.account(await metaplexMetadataAddress(mint));
    if (metaplex) return parseMetaplexMetadata(metaplex);
    const mintAccount = await this.account(mint);
    return mintAccount ? parseToken2022Metadata(mintAccount) : null;
  }

  private async enrich(token: IncompleteToken): Promise<void> {
    const curveData = token.pool ? await this.account(token.pool) : null;
    const curve = curveData ? parseCurveAccount(curveData) : null;
    const meta = await this.metadata(token.mint);
    const num = (v: bigint | null | undefined) => (v == null ? null : v.toString());
    await this.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE tokens SET
           name = COALESCE(name, $2), symbol = COALESCE(symbol, $3), uri = COALESCE(uri, $4),
           creator_address = COALESCE(creator_address, $5), initial_supply = COALESCE(initial_supply, $6::numeric),
           decimals = COALESCE(decimals, $7), quote_mint = COALESCE(quote_mint, $8),
           metadata = COALESCE(metadata, '{}'::jsonb) || jsonb_build_object('enriched_at', now(), 'enriched_from', 'rpc',
                        'curve_account', $9::boolean, 'metadata_account', $10::boolean),
           updated_at = now()
         WHERE mint_address = $1`,
        [token.mint, meta?.name ?? null, meta?.symbol ?? null, meta?.uri ?? null, curve?.creator ?? null, num(curve?.supply),
          curve?.decimals ?? null, curve?.quoteMint ?? null, curve !== null, meta !== null],
      );
      if (token.pool && curve) {
        await tx.query(
          `UPDATE pools SET creator_address = COALESCE(creator_address, $2), config_address = COALESCE(config_address, $3),
             platform_config = COALESCE(platform_config, $4), base_vault = COALESCE(base_vault, $5), quote_vault = COALESCE(quote_vault, $6),
             total_base_sell = COALESCE(total_base_sell, $7::numeric), total_quote_fund_raising = COALESCE(total_quote_fund_raising, $8::numeric),
             updated_at = now()
           WHERE pool_address = $1`,
          [token.pool, curve.creator, curve.config, curve.platformConfig, curve.baseVault, curve.quoteVault, num(curve.totalBaseSell), num(curve.totalQuoteFundRaising)],
        );
      }
    });
  }
}

/** The enrichment job for `megatron run`'s scheduler, or null when no RPC endpoint is configured (or it is disabled). */
export function enrichmentJob(db: Db, config: Config): Job | null {
  if (!config.solanaRpcUrl || config.enrichIntervalMs === 0) return null;
  // A small share of the RPC budget: ingestion (the rpc source) has priority.
  const rpc = new JsonRpcHttpClient({ url: config.solanaRpcUrl, concurrency: 2, requestsPerSecond: Math.max(1, Math.floor(config.rpcRequestsPerSecond / 4)), timeoutMs: 15_000, maxRetries: 2 });
  const enricher = new TokenEnricher(db, rpc);
  return {
    name: 'token_enrichment',
    intervalMs: config.enrichIntervalMs,
    run: async () => {
      const r = await enricher.run();
      if (r.examined > 0) log().info({ ...r }, 'token enrichment');
    },
  };
}
