-- ---------------------------------------------------------------------------------------------
-- Killmails per day of each solar system, region, character, corporation and alliance
-- ---------------------------------------------------------------------------------------------
-- V6 places any page of the unfiltered list from per-hour totals. The filtered lists (a system's,
-- a region's, and an entity's killmails) are paged by number too, and with OFFSET alone page n
-- skips n × limit entries of the filter's index: a busy region's or alliance's history grows
-- with the table. killmail_scope_days counts each scope's killmails per UTC day, so
-- killmail_scope_page_start() finds the day holding a position and a page skips only entries of
-- that one day of that one scope. It also gives the entity lists exact totals.
--
-- writer is the writing backend's pid. Unlike killmail_counts (one statement per transaction,
-- keys locked in order), these rows are written by several statements of one ingest transaction
-- (killmails, then the involvement rows of victims, then of attackers): if two transactions could
-- share a row, each could hold one another needs. With one row per backend no writer ever waits
-- for another here. compact_killmail_scope_days() folds past days into writer 0.

CREATE TABLE killmail_scope_days (
    scope    text        NOT NULL CHECK (scope IN ('system', 'region', 'character', 'corporation', 'alliance')),
    scope_id integer     NOT NULL,
    day      timestamptz NOT NULL,
    writer   integer     NOT NULL,
    n        bigint      NOT NULL,
    PRIMARY KEY (scope, scope_id, day, writer)
) WITH (fillfactor = 70);

CREATE FUNCTION add_killmail_scope_days(p_scope text, p_ids integer[], p_times timestamptz[], p_delta bigint)
    RETURNS void
    LANGUAGE sql AS
$$
INSERT INTO killmail_scope_days AS d (scope, scope_id, day, writer, n)
SELECT p_scope, x.id, killmail_day(x.t), pg_backend_pid(), count(*) * p_delta
  FROM unnest(p_ids, p_times) AS x (id, t)
 WHERE x.id IS NOT NULL
 GROUP BY 2, 3
 ORDER BY 2, 3
    ON CONFLICT (scope, scope_id, day, writer) DO UPDATE SET n = d.n + EXCLUDED.n;
$$;

-- Systems and regions: with the other counters of killmails.
CREATE OR REPLACE FUNCTION killmails_count_inserted() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM add_killmail_counts(array_agg(solar_system_id), array_agg(1::bigint)),
            add_killmail_hours(array_agg(killmail_time), array_agg(1::bigint)),
            add_killmail_scope_days('system', array_agg(solar_system_id), array_agg(killmail_time), 1),
            add_killmail_scope_days('region', array_agg(region_id), array_agg(killmail_time), 1)
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
            add_killmail_hours(array_agg(killmail_time), array_agg(-1::bigint)),
            add_killmail_scope_days('system', array_agg(solar_system_id), array_agg(killmail_time), -1),
            add_killmail_scope_days('region', array_agg(region_id), array_agg(killmail_time), -1)
       FROM old_killmails
     HAVING count(*) > 0;
    RETURN NULL;
END
$$;

-- A killmail moves between systems (a correction) or gets its region when its system arrives
-- (killmails_locate, solar_systems_relocate_killmails): its days move with it.
CREATE OR REPLACE FUNCTION killmails_count_updated() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM add_killmail_counts(array_agg(d.solar_system_id), array_agg(d.delta))
       FROM (SELECT n.solar_system_id, 1::bigint AS delta
               FROM new_killmails n JOIN old_killmails o ON o.killmail_id = n.killmail_id
              WHERE o.solar_system_id <> n.solar_system_id
             UNION ALL
             SELECT o.solar_system_id, -1::bigint
               FROM new_killmails n JOIN old_killmails o ON o.killmail_id = n.killmail_id
              WHERE o.solar_system_id <> n.solar_system_id) d
     HAVING count(*) > 0;
    PERFORM add_killmail_scope_days('system', array_agg(n.solar_system_id), array_agg(n.killmail_time), 1),
            add_killmail_scope_days('system', array_agg(o.solar_system_id), array_agg(o.killmail_time), -1)
       FROM new_killmails n JOIN old_killmails o ON o.killmail_id = n.killmail_id
      WHERE o.solar_system_id <> n.solar_system_id
     HAVING count(*) > 0;
    PERFORM add_killmail_scope_days('region', array_agg(n.region_id), array_agg(n.killmail_time), 1),
            add_killmail_scope_days('region', array_agg(o.region_id), array_agg(o.killmail_time), -1)
       FROM new_killmails n JOIN old_killmails o ON o.killmail_id = n.killmail_id
      WHERE o.region_id IS DISTINCT FROM n.region_id
     HAVING count(*) > 0;
    RETURN NULL;
END
$$;

-- Characters, corporations and alliances: from their involvement rows, which exist once per
-- (entity, killmail) and are only ever inserted (victims and attackers triggers) or deleted (with
-- their killmail); an ON CONFLICT update of their flags is not a new involvement. One function for
-- the three tables: TG_ARGV[0] is the scope, whose id column is <scope>_id.
CREATE FUNCTION involvement_count_days() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    EXECUTE format('SELECT add_killmail_scope_days(%L, array_agg(%I), array_agg(killmail_time), %s) FROM %I HAVING count(*) > 0',
                   TG_ARGV[0], TG_ARGV[0] || '_id', CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END,
                   CASE WHEN TG_OP = 'INSERT' THEN 'new_rows' ELSE 'old_rows' END);
    RETURN NULL;
END
$$;

CREATE TRIGGER character_killmails_count_ins AFTER INSERT ON character_killmails
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION involvement_count_days('character');
CREATE TRIGGER character_killmails_count_del AFTER DELETE ON character_killmails
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION involvement_count_days('character');
CREATE TRIGGER corporation_killmails_count_ins AFTER INSERT ON corporation_killmails
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION involvement_count_days('corporation');
CREATE TRIGGER corporation_killmails_count_del AFTER DELETE ON corporation_killmails
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION involvement_count_days('corporation');
CREATE TRIGGER alliance_killmails_count_ins AFTER INSERT ON alliance_killmails
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION involvement_count_days('alliance');
CREATE TRIGGER alliance_killmails_count_del AFTER DELETE ON alliance_killmails
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION involvement_count_days('alliance');

CREATE OR REPLACE FUNCTION killmails_truncate_derived() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    TRUNCATE killmail_counts, killmail_days, killmail_hours, killmail_scope_days,
             character_killmails, corporation_killmails, alliance_killmails;
    RETURN NULL;
END
$$;

-- A scope's exact total.
CREATE FUNCTION killmail_scope_total(p_scope text, p_scope_id integer) RETURNS bigint
    LANGUAGE sql STABLE AS
$$
SELECT coalesce(sum(n), 0)::bigint FROM killmail_scope_days WHERE scope = p_scope AND scope_id = p_scope_id;
$$;

-- Where position p_offset (0-based) of a scope's list lies: the UTC day holding it and how many
-- of the scope's killmails come before that day in the list's order. No row past the end. The
-- cost grows with the days the scope has killmails on, not with its killmails. STABLE: the
-- caller's snapshot, so a page sees the totals and the rows of one moment.
CREATE FUNCTION killmail_scope_page_start(p_scope text, p_scope_id integer, p_offset bigint, p_newest_first boolean,
                                          OUT day_start timestamptz, OUT skipped bigint)
    RETURNS SETOF record
    LANGUAGE sql STABLE AS
$$
WITH days AS (
    SELECT g.day, g.n, sum(g.n) OVER (ORDER BY CASE WHEN p_newest_first THEN -extract(epoch FROM g.day)
                                                  ELSE extract(epoch FROM g.day) END
                                      ROWS UNBOUNDED PRECEDING) AS upto
      FROM (SELECT d.day, sum(d.n) AS n FROM killmail_scope_days d
             WHERE d.scope = p_scope AND d.scope_id = p_scope_id
             GROUP BY d.day HAVING sum(d.n) > 0) g
)
SELECT day, upto - n FROM days WHERE upto > p_offset ORDER BY upto LIMIT 1;
$$;

-- Folds the rows of days before yesterday (UTC) into writer 0: a scope's day then has one row,
-- whatever backends wrote it. Rows a writer holds are skipped (SKIP LOCKED) and folded next time,
-- so it never waits for ingest; a later write of that day by the same backend adds a new row.
-- Returns the rows removed. Run by the update-alliance-counts job and by operators at will.
CREATE FUNCTION compact_killmail_scope_days() RETURNS bigint
    LANGUAGE plpgsql AS
$$
DECLARE
    folded bigint;
BEGIN
    WITH taken AS (
        DELETE FROM killmail_scope_days d
         WHERE (d.scope, d.scope_id, d.day, d.writer) IN (
               SELECT s.scope, s.scope_id, s.day, s.writer FROM killmail_scope_days s
                WHERE s.writer <> 0 AND s.day < killmail_day(now()) - interval '1 day'
                ORDER BY 1, 2, 3, 4
                  FOR UPDATE SKIP LOCKED)
        RETURNING d.scope, d.scope_id, d.day, d.n
    ), merged AS (
        INSERT INTO killmail_scope_days AS d (scope, scope_id, day, writer, n)
        SELECT scope, scope_id, day, 0, sum(n) FROM taken GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            ON CONFLICT (scope, scope_id, day, writer) DO UPDATE SET n = d.n + EXCLUDED.n
    )
    SELECT count(*) INTO folded FROM taken;
    DELETE FROM killmail_scope_days WHERE writer = 0 AND n = 0;
    RETURN folded;
END
$$;

-- Repair rebuilds them with the other counters (SHARE lock on killmails: writers wait).
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
    DELETE FROM killmail_scope_days;
    PERFORM fill_killmail_scope_days();
    SELECT n INTO total FROM killmail_counts WHERE scope = 'all';
    RETURN total;
END
$$;

CREATE FUNCTION fill_killmail_scope_days() RETURNS void
    LANGUAGE sql AS
$$
INSERT INTO killmail_scope_days (scope, scope_id, day, writer, n)
SELECT 'system', solar_system_id, killmail_day(killmail_time), 0, count(*) FROM killmails GROUP BY 2, 3;
INSERT INTO killmail_scope_days (scope, scope_id, day, writer, n)
SELECT 'region', region_id, killmail_day(killmail_time), 0, count(*) FROM killmails
 WHERE region_id IS NOT NULL GROUP BY 2, 3;
INSERT INTO killmail_scope_days (scope, scope_id, day, writer, n)
SELECT 'character', character_id, killmail_day(killmail_time), 0, count(*) FROM character_killmails GROUP BY 2, 3;
INSERT INTO killmail_scope_days (scope, scope_id, day, writer, n)
SELECT 'corporation', corporation_id, killmail_day(killmail_time), 0, count(*) FROM corporation_killmails GROUP BY 2, 3;
INSERT INTO killmail_scope_days (scope, scope_id, day, writer, n)
SELECT 'alliance', alliance_id, killmail_day(killmail_time), 0, count(*) FROM alliance_killmails GROUP BY 2, 3;
$$;

-- Existing killmails (PERFORM: a bare SELECT would make Flyway print its empty result).
DO $$ BEGIN PERFORM fill_killmail_scope_days(); END $$;
