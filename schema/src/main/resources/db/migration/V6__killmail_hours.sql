-- ---------------------------------------------------------------------------------------------
-- Killmails per hour: page positions in constant time
-- ---------------------------------------------------------------------------------------------
-- The unfiltered killmail list pages by number (the contract's cursors are positions). With
-- OFFSET alone, page n skips n × limit index entries: the deepest pages of a million killmails
-- cost a hundred milliseconds each. killmail_hours counts killmails per UTC hour (exact, kept by
-- the same statement-level triggers as killmail_counts, sharded the same way), so a position is
-- found by walking hour totals from the list's end (one row per hour, not per killmail) and then
-- skipping only within that hour: see killmail_page_start().

CREATE TABLE killmail_hours (
    hour  timestamptz NOT NULL,
    shard smallint    NOT NULL,
    n     bigint      NOT NULL,
    PRIMARY KEY (hour, shard)
) WITH (fillfactor = 50);

-- The UTC hour of a time, whatever the session's TimeZone (date_trunc would follow it).
CREATE FUNCTION killmail_hour(p_time timestamptz) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT date_bin(interval '1 hour', p_time, timestamptz '2000-01-01 00:00:00+00');
$$;

CREATE FUNCTION add_killmail_hours(p_times timestamptz[], p_deltas bigint[]) RETURNS void
    LANGUAGE sql AS
$$
INSERT INTO killmail_hours AS h (hour, shard, n)
SELECT killmail_hour(x.t), (pg_backend_pid() % 16)::smallint, sum(x.delta)::bigint
  FROM unnest(p_times, p_deltas) AS x (t, delta)
 GROUP BY 1
HAVING sum(x.delta) <> 0
 ORDER BY 1 -- a fixed lock order between concurrent writers
    ON CONFLICT (hour, shard) DO UPDATE SET n = h.n + EXCLUDED.n;
$$;

-- killmail_time never changes (killmails_time_immutable), so inserts and deletes are all there is.
CREATE OR REPLACE FUNCTION killmails_count_inserted() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM add_killmail_counts(array_agg(solar_system_id), array_agg(1::bigint)),
            add_killmail_hours(array_agg(killmail_time), array_agg(1::bigint))
       FROM new_killmails
     HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION killmails_count_deleted() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM add_killmail_counts(array_agg(solar_system_id), array_agg(-1::bigint)),
            add_killmail_hours(array_agg(killmail_time), array_agg(-1::bigint))
       FROM old_killmails
     HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION killmails_truncate_derived() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    TRUNCATE killmail_counts, killmail_hours, character_killmails, corporation_killmails, alliance_killmails;
    RETURN NULL;
END
$$;

-- Where position p_offset (0-based) of the list lies: the hour holding it and how many killmails
-- come before that hour in the list's order (newest first, or oldest first). No row is returned
-- when the position is past the end. Walks hour totals through an index in list order and stops
-- at the hour that holds the position: the cost grows with the hours before it, not with
-- killmails. STABLE: it reads with its caller's snapshot, so a page statement sees the hour totals
-- and the killmails of one and the same moment.
CREATE FUNCTION killmail_page_start(p_offset bigint, p_newest_first boolean,
                                    OUT hour_start timestamptz, OUT skipped bigint)
    RETURNS SETOF record
    LANGUAGE plpgsql STABLE AS
$$
DECLARE
    r record;
    before bigint := 0;
BEGIN
    -- A FOR loop reads through a cursor, which PostgreSQL plans for the first rows: an index scan
    -- in hour order with a streaming sum per hour, not a sort of every hour.
    IF p_newest_first THEN
        FOR r IN SELECT h.hour, sum(h.n)::bigint AS n FROM killmail_hours h GROUP BY h.hour ORDER BY h.hour DESC LOOP
            IF before + r.n > p_offset THEN
                hour_start := r.hour;
                skipped := before;
                RETURN NEXT;
                RETURN;
            END IF;
            before := before + r.n;
        END LOOP;
    ELSE
        FOR r IN SELECT h.hour, sum(h.n)::bigint AS n FROM killmail_hours h GROUP BY h.hour ORDER BY h.hour LOOP
            IF before + r.n > p_offset THEN
                hour_start := r.hour;
                skipped := before;
                RETURN NEXT;
                RETURN;
            END IF;
            before := before + r.n;
        END LOOP;
    END IF;
END
$$;

-- Repair (operators, or the update-alliance-counts job) rebuilds the hours with the counters.
CREATE OR REPLACE FUNCTION rebuild_killmail_counts() RETURNS bigint
    LANGUAGE plpgsql AS
$$
DECLARE
    total bigint;
BEGIN
    LOCK TABLE killmails IN SHARE MODE;
    DELETE FROM killmail_counts;
    INSERT INTO killmail_counts (scope, scope_id, shard, n)
    SELECT 'system', solar_system_id, 0, count(*) FROM killmails GROUP BY solar_system_id;
    INSERT INTO killmail_counts (scope, scope_id, shard, n)
    SELECT 'all', 0, 0, coalesce(sum(n), 0) FROM killmail_counts WHERE scope = 'system';
    DELETE FROM killmail_hours;
    INSERT INTO killmail_hours (hour, shard, n)
    SELECT killmail_hour(killmail_time), 0, count(*) FROM killmails GROUP BY 1;
    SELECT n INTO total FROM killmail_counts WHERE scope = 'all';
    RETURN total;
END
$$;

-- Existing killmails.
INSERT INTO killmail_hours (hour, shard, n)
SELECT killmail_hour(killmail_time), 0, count(*) FROM killmails GROUP BY 1;
