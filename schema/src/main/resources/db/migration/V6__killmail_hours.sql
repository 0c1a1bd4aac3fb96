-- ---------------------------------------------------------------------------------------------
-- Killmails per hour: page positions in constant time
-- ---------------------------------------------------------------------------------------------
-- The unfiltered killmail list pages by number (the contract's cursors are positions). With
-- OFFSET alone, page n skips n × limit index entries: the deepest pages of a million killmails
-- cost a hundred milliseconds each. killmail_days and killmail_hours count killmails per UTC day
-- and hour (exact, kept by the same statement-level triggers as killmail_counts, sharded the same
-- way), so a position is found from day totals, then the hours of that day, and only killmails of
-- that one hour are skipped: see killmail_page_start().

CREATE TABLE killmail_days (
    day   timestamptz NOT NULL,
    shard smallint    NOT NULL,
    n     bigint      NOT NULL,
    PRIMARY KEY (day, shard)
) WITH (fillfactor = 50);

CREATE TABLE killmail_hours (
    hour  timestamptz NOT NULL,
    shard smallint    NOT NULL,
    n     bigint      NOT NULL,
    PRIMARY KEY (hour, shard)
) WITH (fillfactor = 50);

-- The UTC hour and day of a time, whatever the session's TimeZone (date_trunc would follow it).
CREATE FUNCTION killmail_hour(p_time timestamptz) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT date_bin(interval '1 hour', p_time, timestamptz '2000-01-01 00:00:00+00');
$$;

CREATE FUNCTION killmail_day(p_time timestamptz) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT date_bin(interval '1 day', p_time, timestamptz '2000-01-01 00:00:00+00');
$$;

-- Days first, then hours: every writer locks in the same order.
CREATE FUNCTION add_killmail_hours(p_times timestamptz[], p_deltas bigint[]) RETURNS void
    LANGUAGE sql AS
$$
INSERT INTO killmail_days AS d (day, shard, n)
SELECT killmail_day(x.t), (pg_backend_pid() % 16)::smallint, sum(x.delta)::bigint
  FROM unnest(p_times, p_deltas) AS x (t, delta)
 GROUP BY 1
HAVING sum(x.delta) <> 0
 ORDER BY 1
    ON CONFLICT (day, shard) DO UPDATE SET n = d.n + EXCLUDED.n;
INSERT INTO killmail_hours AS h (hour, shard, n)
SELECT killmail_hour(x.t), (pg_backend_pid() % 16)::smallint, sum(x.delta)::bigint
  FROM unnest(p_times, p_deltas) AS x (t, delta)
 GROUP BY 1
HAVING sum(x.delta) <> 0
 ORDER BY 1
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
    TRUNCATE killmail_counts, killmail_days, killmail_hours, character_killmails, corporation_killmails, alliance_killmails;
    RETURN NULL;
END
$$;

-- Where position p_offset (0-based) of the list lies: the hour holding it and how many killmails
-- come before that hour in the list's order (newest first, or oldest first). No row is returned
-- when the position is past the end. It sums day totals in list order up to the day that holds
-- the position, then that day's hours: the cost grows with the days before the page (365 a year),
-- not with killmails. STABLE: it reads with its caller's snapshot, so a page statement sees the
-- totals and the killmails of one and the same moment.
CREATE FUNCTION killmail_page_start(p_offset bigint, p_newest_first boolean,
                                    OUT hour_start timestamptz, OUT skipped bigint)
    RETURNS SETOF record
    LANGUAGE sql STABLE AS
$$
WITH days AS (
    SELECT day, n, sum(n) OVER (ORDER BY CASE WHEN p_newest_first THEN -extract(epoch FROM day)
                                              ELSE extract(epoch FROM day) END
                                ROWS UNBOUNDED PRECEDING) AS upto
      FROM (SELECT day, sum(n) AS n FROM killmail_days GROUP BY day HAVING sum(n) > 0) g
), target_day AS (
    SELECT day, upto - n AS before FROM days WHERE upto > p_offset ORDER BY upto LIMIT 1
), hours AS (
    SELECT g.hour, g.n, t.before + sum(g.n) OVER (ORDER BY CASE WHEN p_newest_first THEN -extract(epoch FROM g.hour)
                                                              ELSE extract(epoch FROM g.hour) END
                                                  ROWS UNBOUNDED PRECEDING) AS upto
      FROM target_day t,
           LATERAL (SELECT h.hour, sum(h.n) AS n FROM killmail_hours h
                     WHERE h.hour >= t.day AND h.hour < t.day + interval '1 day'
                     GROUP BY h.hour HAVING sum(h.n) > 0) g
)
SELECT hour, upto - n FROM hours WHERE upto > p_offset ORDER BY upto LIMIT 1;
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
    DELETE FROM killmail_days;
    INSERT INTO killmail_days (day, shard, n)
    SELECT killmail_day(killmail_time), 0, count(*) FROM killmails GROUP BY 1;
    DELETE FROM killmail_hours;
    INSERT INTO killmail_hours (hour, shard, n)
    SELECT killmail_hour(killmail_time), 0, count(*) FROM killmails GROUP BY 1;
    SELECT n INTO total FROM killmail_counts WHERE scope = 'all';
    RETURN total;
END
$$;

-- Existing killmails.
INSERT INTO killmail_days (day, shard, n)
SELECT killmail_day(killmail_time), 0, count(*) FROM killmails GROUP BY 1;
INSERT INTO killmail_hours (hour, shard, n)
SELECT killmail_hour(killmail_time), 0, count(*) FROM killmails GROUP BY 1;
