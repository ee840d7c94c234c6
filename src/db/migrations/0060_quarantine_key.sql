-- A quarantined input is stored once: replaying the same file, or a batch retried after a crash, finds
-- its row already there (INSERT … ON CONFLICT DO NOTHING in src/db/quarantine.ts). Natural key: where it
-- came from, what it is, its signature (if it had one), why, and its content; reason and raw are hashed
-- to keep index entries small.
DELETE FROM quarantine a
USING quarantine b
WHERE a.id > b.id
  AND coalesce(a.source, '') = coalesce(b.source, '')
  AND a.kind = b.kind
  AND coalesce(a.signature, '') = coalesce(b.signature, '')
  AND a.reason = b.reason
  AND a.raw = b.raw;

CREATE UNIQUE INDEX quarantine_natural_key
  ON quarantine (coalesce(source, ''), kind, coalesce(signature, ''), md5(reason), md5(raw));
