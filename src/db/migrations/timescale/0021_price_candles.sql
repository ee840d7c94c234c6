-- Price candles as continuous aggregates: 1m over the trades, then 5m over 1m, 1h over 5m, 1d over 1h.
-- Every level has the same columns (volumes in base units; prices in quote per whole token), and the
-- real-time tail on (materialized_only = false: off by default since TimescaleDB 2.13), so a query sees
-- trades not yet materialized. `buyers`/`sellers` hold the distinct wallets so higher levels can count
-- distinct wallets exactly. Policies as in the seed for 1m (start 2 h, end 1 min, every minute); higher
-- levels cover at least two of their buckets. On the embedded database our scheduler runs them.

CREATE MATERIALIZED VIEW price_candles_1m WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT
    token_id,
    mint,
    time_bucket(INTERVAL '1 minute', block_time) AS bucket,
    first(price_per_token, megatron_trade_seq(block_time, slot, ix_index, inner_ix_index, signature)) AS open,
    max(price_per_token) AS high,
    min(price_per_token) AS low,
    last(price_per_token, megatron_trade_seq(block_time, slot, ix_index, inner_ix_index, signature)) AS close,
    sum(token_amount) AS volume_token,
    sum(sol_amount) AS volume_quote,
    count(*) AS trade_count,
    count(DISTINCT user_address) FILTER (WHERE type = 'buy') AS buyer_count,
    count(DISTINCT user_address) FILTER (WHERE type = 'sell') AS seller_count,
    coalesce(array_agg(DISTINCT user_address) FILTER (WHERE type = 'buy'), '{}') AS buyers,
    coalesce(array_agg(DISTINCT user_address) FILTER (WHERE type = 'sell'), '{}') AS sellers
FROM transactions
GROUP BY token_id, mint, time_bucket(INTERVAL '1 minute', block_time)
WITH NO DATA;

CREATE MATERIALIZED VIEW price_candles_5m WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT
    token_id,
    mint,
    time_bucket(INTERVAL '5 minutes', bucket) AS bucket,
    first(open, bucket) AS open,
    max(high) AS high,
    min(low) AS low,
    last(close, bucket) AS close,
    sum(volume_token) AS volume_token,
    sum(volume_quote) AS volume_quote,
    sum(trade_count)::BIGINT AS trade_count,
    cardinality(megatron_union_agg(buyers))::BIGINT AS buyer_count,
    cardinality(megatron_union_agg(sellers))::BIGINT AS seller_count,
    megatron_union_agg(buyers) AS buyers,
    megatron_union_agg(sellers) AS sellers
FROM price_candles_1m
GROUP BY token_id, mint, time_bucket(INTERVAL '5 minutes', bucket)
WITH NO DATA;

CREATE MATERIALIZED VIEW price_candles_1h WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT
    token_id,
    mint,
    time_bucket(INTERVAL '1 hour', bucket) AS bucket,
    first(open, bucket) AS open,
    max(high) AS high,
    min(low) AS low,
    last(close, bucket) AS close,
    sum(volume_token) AS volume_token,
    sum(volume_quote) AS volume_quote,
    sum(trade_count)::BIGINT AS trade_count,
    cardinality(megatron_union_agg(buyers))::BIGINT AS buyer_count,
    cardinality(megatron_union_agg(sellers))::BIGINT AS seller_count,
    megatron_union_agg(buyers) AS buyers,
    megatron_union_agg(sellers) AS sellers
FROM price_candles_5m
GROUP BY token_id, mint, time_bucket(INTERVAL '1 hour', bucket)
WITH NO DATA;

CREATE MATERIALIZED VIEW price_candles_1d WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT
    token_id,
    mint,
    time_bucket(INTERVAL '1 day', bucket) AS bucket,
    first(open, bucket) AS open,
    max(high) AS high,
    min(low) AS low,
    last(close, bucket) AS close,
    sum(volume_token) AS volume_token,
    sum(volume_quote) AS volume_quote,
    sum(trade_count)::BIGINT AS trade_count,
    cardinality(megatron_union_agg(buyers))::BIGINT AS buyer_count,
    cardinality(megatron_union_agg(sellers))::BIGINT AS seller_count,
    megatron_union_agg(buyers) AS buyers,
    megatron_union_agg(sellers) AS sellers
FROM price_candles_1h
GROUP BY token_id, mint, time_bucket(INTERVAL '1 day', bucket)
WITH NO DATA;

SELECT add_continuous_aggregate_policy('price_candles_1m', start_offset => INTERVAL '2 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
SELECT add_continuous_aggregate_policy('price_candles_5m', start_offset => INTERVAL '2 hours', end_offset => INTERVAL '5 minutes', schedule_interval => INTERVAL '1 minute');
SELECT add_continuous_aggregate_policy('price_candles_1h', start_offset => INTERVAL '1 day', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('price_candles_1d', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 day', schedule_interval => INTERVAL '1 hour');
