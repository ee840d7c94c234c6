-- Candle chunk sizes that let the lifecycle policies act on time. A continuous aggregate's chunks default to
-- ten times its source's (10 days here), and retention/compression act on whole chunks only: 1m candles
-- would be dropped at up to 17 days instead of 7 and compressed at up to 11 days instead of 1. Applies to
-- chunks created from now on.
SELECT set_chunk_time_interval('price_candles_1m', INTERVAL '1 day');
SELECT set_chunk_time_interval('price_candles_5m', INTERVAL '7 days');
