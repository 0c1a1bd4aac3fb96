-- Killboard schema, part 9: the outbox of entity info jobs.
--
-- Live ingestion records here, in the killmails' own transaction, the characters, corporations, alliances and types
-- the new killmails mention but Killboard has not stored. A relay in the workers moves the rows to the Redis info
-- queues and deletes them in a transaction that commits only after Redis accepted the jobs, so a Redis outage delays
-- the names of new killmails but never loses them (at least once: an info job is an idempotent upsert).

CREATE TABLE entity_job_outbox (
    kind        text        NOT NULL CHECK (kind IN ('character', 'corporation', 'alliance', 'type')),
    entity_id   integer     NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    -- One pending job per entity, however many killmails mention it before the relay runs.
    PRIMARY KEY (kind, entity_id)
);
-- The relay takes the oldest rows first.
CREATE INDEX entity_job_outbox_recorded_idx ON entity_job_outbox (recorded_at);
