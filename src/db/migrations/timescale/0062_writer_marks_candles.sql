-- Number 0062 is the plain flavour's (the trade writer marks dirty candle buckets itself). The timescale
-- flavour has nothing to change: its continuous aggregates track invalidated ranges themselves.
SELECT 1;
