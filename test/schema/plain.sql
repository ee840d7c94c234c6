-- flavour: plain

CREATE TABLE candle_dirty (
    token_id uuid NOT NULL,
    bucket timestamp with time zone NOT NULL
);

CREATE TABLE checkpoints (
    source text NOT NULL,
    slot bigint NOT NULL,
    signature text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT checkpoints_pkey PRIMARY KEY (source)
);

CREATE TABLE decode_coverage (
    program_id text NOT NULL,
    instruction text NOT NULL,
    decoded bigint DEFAULT 0 NOT NULL,
    empty bigint DEFAULT 0 NOT NULL,
    first_seen timestamp with time zone DEFAULT now() NOT NULL,
    last_seen timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT decode_coverage_pkey PRIMARY KEY (program_id, instruction)
);

CREATE TABLE decode_flags (
    signature text NOT NULL,
    slot bigint NOT NULL,
    source text,
    kind text NOT NULL,
    problems jsonb NOT NULL,
    decoder_version text NOT NULL,
    raw text NOT NULL,
    flagged_at timestamp with time zone DEFAULT now() NOT NULL,
    rechecked_at timestamp with time zone,
    CONSTRAINT decode_flags_pkey PRIMARY KEY (signature)
);
CREATE INDEX idx_decode_flags_flagged_at ON public.decode_flags USING btree (flagged_at);

CREATE TABLE holder_balances (
    mint text NOT NULL,
    owner text NOT NULL,
    amount numeric(20,0) NOT NULL,
    slot bigint NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT holder_balances_pkey PRIMARY KEY (mint, owner)
);
CREATE INDEX idx_holder_balances_holders ON public.holder_balances USING btree (mint, amount DESC) WHERE (amount > (0)::numeric);

CREATE TABLE holder_snapshots (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    token_id uuid NOT NULL,
    snapshot_time timestamp with time zone NOT NULL,
    total_holders integer NOT NULL,
    held_supply numeric(20,0) NOT NULL,
    top_10_concentration numeric(5,2),
    top_25_concentration numeric(5,2),
    gini_coefficient numeric(5,4),
    holders_1_100 integer DEFAULT 0,
    holders_100_1k integer DEFAULT 0,
    holders_1k_10k integer DEFAULT 0,
    holders_10k_plus integer DEFAULT 0,
    raw_distribution jsonb,
    created_at timestamp with time zone DEFAULT now(),
    CONSTRAINT holder_snapshots_pkey PRIMARY KEY (id),
    CONSTRAINT holder_snapshots_token_id_fkey FOREIGN KEY (token_id) REFERENCES tokens(id)
);
CREATE INDEX idx_holder_snapshots_token_time ON public.holder_snapshots USING btree (token_id, snapshot_time DESC);

CREATE TABLE job_runs (
    job text NOT NULL,
    last_started_at timestamp with time zone,
    last_finished_at timestamp with time zone,
    last_status text,
    last_error text,
    runs bigint DEFAULT 0 NOT NULL,
    failures bigint DEFAULT 0 NOT NULL,
    CONSTRAINT job_runs_last_status_check CHECK ((last_status = ANY (ARRAY['running'::text, 'success'::text, 'failure'::text]))),
    CONSTRAINT job_runs_pkey PRIMARY KEY (job)
);

CREATE TABLE liquidity_events (
    signature text NOT NULL,
    ix_index integer NOT NULL,
    inner_ix_index integer NOT NULL,
    block_time timestamp with time zone NOT NULL,
    slot bigint NOT NULL,
    pool text NOT NULL,
    token_id uuid NOT NULL,
    kind text NOT NULL,
    user_address text NOT NULL,
    base_amount numeric(20,0) NOT NULL,
    quote_amount numeric(20,0) NOT NULL,
    lp_amount numeric(20,0),
    base_reserves numeric(20,0),
    quote_reserves numeric(20,0),
    CONSTRAINT liquidity_events_kind_check CHECK ((kind = ANY (ARRAY['deposit'::text, 'withdraw'::text]))),
    CONSTRAINT liquidity_events_pkey PRIMARY KEY (signature, ix_index, inner_ix_index),
    CONSTRAINT liquidity_events_token_id_fkey FOREIGN KEY (token_id) REFERENCES tokens(id)
);
CREATE INDEX idx_liquidity_events_pool_slot ON public.liquidity_events USING btree (pool, slot DESC);

CREATE TABLE pools (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    pool_address text NOT NULL,
    token_id uuid NOT NULL,
    base_mint text NOT NULL,
    quote_mint text NOT NULL,
    platform text NOT NULL,
    pool_type text NOT NULL,
    initial_price numeric,
    initial_base_liquidity numeric(20,0),
    initial_quote_liquidity numeric(20,0),
    virtual_sol_reserves numeric(20,0),
    virtual_token_reserves numeric(20,0),
    real_sol_reserves numeric(20,0),
    real_token_reserves numeric(20,0),
    latest_price numeric,
    bonding_curve_progress numeric,
    last_slot bigint,
    last_signature text,
    creator_address text,
    config_address text,
    platform_config text,
    curve_type text,
    migrate_type text,
    total_base_sell numeric(20,0),
    total_quote_fund_raising numeric(20,0),
    base_vault text,
    quote_vault text,
    lp_mint text,
    migrated_to_pool text,
    status text DEFAULT 'active'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    created_slot bigint,
    CONSTRAINT pools_pkey PRIMARY KEY (id),
    CONSTRAINT pools_platform_check CHECK ((platform = ANY (ARRAY['pumpfun'::text, 'launchlab'::text]))),
    CONSTRAINT pools_pool_address_key UNIQUE (pool_address),
    CONSTRAINT pools_pool_type_check CHECK ((pool_type = ANY (ARRAY['bonding_curve'::text, 'launchlab'::text, 'pumpswap'::text, 'raydium_amm_v4'::text, 'raydium_cpmm'::text]))),
    CONSTRAINT pools_status_check CHECK ((status = ANY (ARRAY['active'::text, 'complete'::text, 'migrated'::text]))),
    CONSTRAINT pools_token_id_fkey FOREIGN KEY (token_id) REFERENCES tokens(id)
) WITH (fillfactor=50);
CREATE INDEX idx_pools_platform ON public.pools USING btree (platform);
CREATE INDEX idx_pools_token_id ON public.pools USING btree (token_id);

CREATE TABLE price_candles_1d (
    token_id uuid NOT NULL,
    mint text NOT NULL,
    bucket timestamp with time zone NOT NULL,
    open numeric NOT NULL,
    high numeric NOT NULL,
    low numeric NOT NULL,
    close numeric NOT NULL,
    volume_token numeric NOT NULL,
    volume_quote numeric NOT NULL,
    trade_count bigint NOT NULL,
    buyer_count bigint NOT NULL,
    seller_count bigint NOT NULL,
    buyers bytea[] NOT NULL,
    sellers bytea[] NOT NULL,
    CONSTRAINT price_candles_1d_pkey PRIMARY KEY (token_id, bucket)
);
CREATE INDEX price_candles_1d_mint_bucket_idx ON public.price_candles_1d USING btree (mint, bucket DESC);

CREATE TABLE price_candles_1h (
    token_id uuid NOT NULL,
    mint text NOT NULL,
    bucket timestamp with time zone NOT NULL,
    open numeric NOT NULL,
    high numeric NOT NULL,
    low numeric NOT NULL,
    close numeric NOT NULL,
    volume_token numeric NOT NULL,
    volume_quote numeric NOT NULL,
    trade_count bigint NOT NULL,
    buyer_count bigint NOT NULL,
    seller_count bigint NOT NULL,
    buyers bytea[] NOT NULL,
    sellers bytea[] NOT NULL,
    CONSTRAINT price_candles_1h_pkey PRIMARY KEY (token_id, bucket)
);
CREATE INDEX price_candles_1h_mint_bucket_idx ON public.price_candles_1h USING btree (mint, bucket DESC);

CREATE TABLE price_candles_1m (
    token_id uuid NOT NULL,
    mint text NOT NULL,
    bucket timestamp with time zone NOT NULL,
    open numeric NOT NULL,
    high numeric NOT NULL,
    low numeric NOT NULL,
    close numeric NOT NULL,
    volume_token numeric NOT NULL,
    volume_quote numeric NOT NULL,
    trade_count bigint NOT NULL,
    buyer_count bigint NOT NULL,
    seller_count bigint NOT NULL,
    buyers bytea[] NOT NULL,
    sellers bytea[] NOT NULL,
    CONSTRAINT price_candles_1m_pkey PRIMARY KEY (token_id, bucket)
);
CREATE INDEX idx_price_candles_1m_mint ON public.price_candles_1m USING btree (mint, bucket DESC);

CREATE TABLE price_candles_5m (
    token_id uuid NOT NULL,
    mint text NOT NULL,
    bucket timestamp with time zone NOT NULL,
    open numeric NOT NULL,
    high numeric NOT NULL,
    low numeric NOT NULL,
    close numeric NOT NULL,
    volume_token numeric NOT NULL,
    volume_quote numeric NOT NULL,
    trade_count bigint NOT NULL,
    buyer_count bigint NOT NULL,
    seller_count bigint NOT NULL,
    buyers bytea[] NOT NULL,
    sellers bytea[] NOT NULL,
    CONSTRAINT price_candles_5m_pkey PRIMARY KEY (token_id, bucket)
);
CREATE INDEX price_candles_5m_mint_bucket_idx ON public.price_candles_5m USING btree (mint, bucket DESC);

CREATE TABLE quarantine (
    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    source text,
    kind text NOT NULL,
    signature text,
    slot bigint,
    reason text NOT NULL,
    raw text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    decoder_version text,
    CONSTRAINT quarantine_pkey PRIMARY KEY (id)
);
CREATE INDEX idx_quarantine_created_at ON public.quarantine USING btree (created_at);
CREATE INDEX idx_quarantine_signature ON public.quarantine USING btree (signature);
CREATE UNIQUE INDEX quarantine_natural_key ON public.quarantine USING btree (COALESCE(source, ''::text), kind, COALESCE(signature, ''::text), md5(reason), md5(raw));

CREATE TABLE schema_migrations (
    id text NOT NULL,
    flavour text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT schema_migrations_pkey PRIMARY KEY (id)
);

CREATE TABLE token_analytics (
    token_id uuid NOT NULL,
    computed_at timestamp with time zone NOT NULL,
    as_of_slot bigint NOT NULL,
    total_holders integer NOT NULL,
    held_supply numeric NOT NULL,
    top_10_concentration numeric(5,2) NOT NULL,
    top_25_concentration numeric(5,2) NOT NULL,
    gini_coefficient numeric(5,4) NOT NULL,
    holders_1_100 integer,
    holders_100_1k integer,
    holders_1k_10k integer,
    holders_10k_plus integer,
    dev_balance numeric NOT NULL,
    sniper_wallets integer NOT NULL,
    sniper_balance numeric NOT NULL,
    bundle_wallets integer NOT NULL,
    bundle_balance numeric NOT NULL,
    technical_score integer NOT NULL,
    holder_score integer NOT NULL,
    social_score integer NOT NULL,
    total_score integer GENERATED ALWAYS AS ((technical_score + holder_score) + social_score) STORED,
    liquidity_score integer NOT NULL,
    trading_score integer NOT NULL,
    distribution_score integer NOT NULL,
    score_details jsonb NOT NULL,
    trending_score numeric(8,2) NOT NULL,
    trending_details jsonb NOT NULL,
    CONSTRAINT token_analytics_holder_score_check CHECK (((holder_score >= 0) AND (holder_score <= 333))),
    CONSTRAINT token_analytics_pkey PRIMARY KEY (token_id),
    CONSTRAINT token_analytics_social_score_check CHECK (((social_score >= 0) AND (social_score <= 333))),
    CONSTRAINT token_analytics_technical_score_check CHECK (((technical_score >= 0) AND (technical_score <= 333))),
    CONSTRAINT token_analytics_token_id_fkey FOREIGN KEY (token_id) REFERENCES tokens(id)
);
CREATE INDEX idx_token_analytics_computed_at ON public.token_analytics USING btree (computed_at);
CREATE INDEX idx_token_analytics_total ON public.token_analytics USING btree (total_score DESC);
CREATE INDEX idx_token_analytics_trending ON public.token_analytics USING btree (trending_score DESC);

CREATE TABLE token_scores (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    token_id uuid NOT NULL,
    calculated_at timestamp with time zone NOT NULL,
    technical_score integer NOT NULL,
    holder_score integer NOT NULL,
    social_score integer NOT NULL,
    total_score integer GENERATED ALWAYS AS ((technical_score + holder_score) + social_score) STORED,
    liquidity_score integer,
    trading_score integer,
    distribution_score integer,
    score_details jsonb,
    created_at timestamp with time zone DEFAULT now(),
    CONSTRAINT token_scores_holder_score_check CHECK (((holder_score >= 0) AND (holder_score <= 333))),
    CONSTRAINT token_scores_pkey PRIMARY KEY (id),
    CONSTRAINT token_scores_social_score_check CHECK (((social_score >= 0) AND (social_score <= 333))),
    CONSTRAINT token_scores_technical_score_check CHECK (((technical_score >= 0) AND (technical_score <= 333))),
    CONSTRAINT token_scores_token_id_fkey FOREIGN KEY (token_id) REFERENCES tokens(id)
);
CREATE INDEX idx_token_scores_token_time ON public.token_scores USING btree (token_id, calculated_at DESC);
CREATE INDEX idx_token_scores_total ON public.token_scores USING btree (total_score DESC);

CREATE TABLE tokens (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    mint_address text NOT NULL,
    symbol text,
    name text,
    uri text,
    decimals integer,
    platform text NOT NULL,
    creation_signature text,
    creation_timestamp timestamp with time zone,
    creation_slot bigint,
    creator_address text,
    initial_supply numeric(20,0),
    quote_mint text,
    token_program text,
    metadata jsonb,
    is_complete boolean DEFAULT false NOT NULL,
    curve_completed_at timestamp with time zone,
    is_graduated boolean DEFAULT false NOT NULL,
    graduation_timestamp timestamp with time zone,
    graduation_signature text,
    graduation_target text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tokens_mint_address_key UNIQUE (mint_address),
    CONSTRAINT tokens_pkey PRIMARY KEY (id),
    CONSTRAINT tokens_platform_check CHECK ((platform = ANY (ARRAY['pumpfun'::text, 'launchlab'::text])))
);
CREATE INDEX idx_tokens_created_at ON public.tokens USING btree (created_at);
CREATE INDEX idx_tokens_creation_timestamp ON public.tokens USING btree (creation_timestamp);
CREATE INDEX idx_tokens_platform ON public.tokens USING btree (platform);

CREATE TABLE transactions (
    signature bytea NOT NULL,
    ix_index integer NOT NULL,
    inner_ix_index integer NOT NULL,
    block_time timestamp with time zone NOT NULL,
    slot bigint NOT NULL,
    platform text NOT NULL,
    token_id uuid NOT NULL,
    mint text NOT NULL,
    pool text NOT NULL,
    quote_mint text NOT NULL,
    user_address bytea NOT NULL,
    type text NOT NULL,
    sol_amount bigint NOT NULL,
    token_amount bigint NOT NULL,
    fee bigint NOT NULL,
    protocol_fee bigint NOT NULL,
    creator_fee bigint NOT NULL,
    platform_fee bigint NOT NULL,
    virtual_sol_reserves bigint NOT NULL,
    virtual_token_reserves bigint NOT NULL,
    real_sol_reserves bigint,
    real_token_reserves bigint,
    price_per_token double precision NOT NULL,
    progress_pct double precision,
    base_decimals smallint NOT NULL,
    quote_decimals smallint NOT NULL,
    ix_name text NOT NULL,
    completes_curve boolean DEFAULT false NOT NULL,
    CONSTRAINT transactions_pkey PRIMARY KEY (signature, ix_index, inner_ix_index, block_time),
    CONSTRAINT transactions_platform_check CHECK ((platform = ANY (ARRAY['pumpfun'::text, 'launchlab'::text]))),
    CONSTRAINT transactions_type_check CHECK ((type = ANY (ARRAY['buy'::text, 'sell'::text])))
) PARTITION BY RANGE (block_time);
CREATE INDEX idx_transactions_block_time ON ONLY public.transactions USING btree (block_time DESC);
CREATE INDEX idx_transactions_token_time ON ONLY public.transactions USING btree (token_id, block_time DESC);
CREATE TRIGGER trg_candles_dirty_delete AFTER DELETE ON public.transactions REFERENCING OLD TABLE AS changed_trades FOR EACH STATEMENT EXECUTE FUNCTION megatron_mark_candles_dirty();

FUNCTION cleanup_old_scores(interval);
FUNCTION megatron_array_union(anyarray,anyarray);
FUNCTION megatron_base58(bytea);
FUNCTION megatron_base58_decode(text);
FUNCTION megatron_base58_decode_all(text[]);
FUNCTION megatron_candle_prices_recompute(text[]);
FUNCTION megatron_candles(text,interval,text,timestamp with time zone,timestamp with time zone);
FUNCTION megatron_drop_old_candles(regclass,interval);
FUNCTION megatron_ensure_transaction_partitions(date,date);
FUNCTION megatron_mark_candles_dirty();
FUNCTION megatron_refresh_candles();
FUNCTION megatron_rollup_candles(text,text,interval,uuid[],timestamp with time zone[]);
FUNCTION megatron_trade_seq(timestamp with time zone,bigint,integer,integer,bytea);
FUNCTION megatron_ui_amount(numeric,integer);
AGGREGATE megatron_union_agg(anyarray);
FUNCTION megatron_venue(text);
FUNCTION megatron_wallet_sets_to_bytes(regclass);
FUNCTION prune_holder_snapshots(interval);
