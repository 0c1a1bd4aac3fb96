-- Killboard schema, part 3: killmails with their victim, attackers and (nested) items, the
-- per-entity involvement tables behind characterKillmails / corporationKillmails /
-- allianceKillmails and the killmail search, and the counters behind killmail totals.
--
-- Killmails are immutable in EVE. Writers insert a killmail and its children in one transaction
-- (killmails first; batches sorted by killmail_id so concurrent batches lock in the same order)
-- and skip duplicates with ON CONFLICT (killmail_id) DO NOTHING. The zKillboard columns may be
-- filled or refreshed later with an UPDATE. Everything else here is derived by triggers.

CREATE TABLE killmails (
    killmail_id      integer          PRIMARY KEY CHECK (killmail_id > 0),
    -- 40 hex digits; checked because it is pasted into ESI URLs (/killmails/{id}/{hash}/).
    killmail_hash    text             NOT NULL CHECK (killmail_hash ~ '^[0-9a-fA-F]{40}$'),
    killmail_time    timestamptz      NOT NULL,
    solar_system_id  integer          NOT NULL,
    -- Derived from solar_systems by trigger (writers do not set them); NULL while the system is unknown.
    constellation_id integer,
    region_id        integer,
    moon_id          integer,
    war_id           integer,
    -- zKillboard's zkb object. NULL = not known yet (e.g. a killmail read from ESI only).
    location_id      bigint,
    total_value      double precision,
    fitted_value     double precision,
    destroyed_value  double precision,
    dropped_value    double precision,
    points           integer,
    npc              boolean,
    solo             boolean,
    awox             boolean,
    labels           text[]           NOT NULL DEFAULT '{}',
    created_at       timestamptz      NOT NULL DEFAULT now(),
    updated_at       timestamptz      NOT NULL DEFAULT now()
);
-- Ascending indexes: new killmails carry the newest times, so inserts land on the right-most leaf
-- (PostgreSQL's fast path); backward scans serve timeDesc equally well. killmail_id is the
-- tiebreak that makes (killmail_time, killmail_id) a unique, keyset-friendly order.
-- The unfiltered list, both orders:
CREATE INDEX killmails_time_idx ON killmails (killmail_time, killmail_id);
-- KillmailFilter.systemId:
CREATE INDEX killmails_system_time_idx ON killmails (solar_system_id, killmail_time, killmail_id);
-- KillmailFilter.regionId (denormalised region_id: one range scan instead of a join per row):
CREATE INDEX killmails_region_time_idx ON killmails (region_id, killmail_time, killmail_id);
CREATE TRIGGER killmails_updated_at BEFORE UPDATE ON killmails
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE victims (
    killmail_id    integer          PRIMARY KEY REFERENCES killmails (killmail_id) ON DELETE CASCADE,
    character_id   integer,
    -- Optional in ESI's killmail schema (and absent on some structure and NPC losses).
    corporation_id integer,
    alliance_id    integer,
    faction_id     integer,
    ship_type_id   integer          NOT NULL,
    damage_taken   integer          NOT NULL CHECK (damage_taken >= 0),
    position_x     double precision,
    position_y     double precision,
    position_z     double precision,
    CONSTRAINT victims_position_complete
        CHECK ((position_x IS NULL) = (position_y IS NULL) AND (position_y IS NULL) = (position_z IS NULL))
);

CREATE TABLE attackers (
    killmail_id     integer  NOT NULL REFERENCES killmails (killmail_id) ON DELETE CASCADE,
    -- Position in ESI's attackers array: keeps the original order and makes re-inserts idempotent.
    attacker_no     smallint NOT NULL CHECK (attacker_no >= 0),
    character_id    integer,
    corporation_id  integer,
    alliance_id     integer,
    faction_id      integer,
    ship_type_id    integer,
    weapon_type_id  integer,
    damage_done     integer  NOT NULL DEFAULT 0 CHECK (damage_done >= 0),
    final_blow      boolean  NOT NULL DEFAULT false,
    -- ESI: "format: float".
    security_status real,
    PRIMARY KEY (killmail_id, attacker_no)
);

CREATE TABLE killmail_items (
    killmail_id        integer NOT NULL REFERENCES killmails (killmail_id) ON DELETE CASCADE,
    -- Depth-first position within the killmail (0, 1, 2, ...): a container precedes its contents.
    item_no            integer NOT NULL CHECK (item_no >= 0),
    -- NULL for items fitted to / carried in the ship; the container's item_no for nested items.
    parent_item_no     integer,
    item_type_id       integer NOT NULL,
    flag               integer NOT NULL,
    -- ESI declares quantities int64.
    quantity_dropped   bigint  CHECK (quantity_dropped >= 0),
    quantity_destroyed bigint  CHECK (quantity_destroyed >= 0),
    singleton          integer NOT NULL DEFAULT 0,
    PRIMARY KEY (killmail_id, item_no),
    CONSTRAINT killmail_items_parent_fk FOREIGN KEY (killmail_id, parent_item_no)
        REFERENCES killmail_items (killmail_id, item_no) ON DELETE CASCADE,
    -- Parents come first, which also rules out cycles.
    CONSTRAINT killmail_items_parent_precedes CHECK (parent_item_no < item_no)
);

-- ---------------------------------------------------------------------------------------------
-- Involvement: one row per (entity, killmail) where the entity is the victim or an attacker.
-- ---------------------------------------------------------------------------------------------
-- characterKillmails(X) is "killmails where X is the victim or any attacker, newest first",
-- exactly once per killmail. Answering that from victims + attackers needs a de-duplicating
-- union whose cost grows with the entity's history (a corporation often has dozens of attackers
-- on one killmail). These tables hold each (entity, killmail) pair once, keyed so that a page is a
-- single index range scan and an exact count is an index-only scan of the entity's range.
-- killmail_time is part of the key because it is what pages are ordered by; it is immutable.
-- Filled by triggers on victims and attackers; removed by the killmail delete trigger.

CREATE TABLE character_killmails (
    character_id  integer     NOT NULL,
    killmail_time timestamptz NOT NULL,
    killmail_id   integer     NOT NULL,
    is_victim     boolean     NOT NULL DEFAULT false,
    is_attacker   boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (character_id, killmail_time, killmail_id)
);

CREATE TABLE corporation_killmails (
    corporation_id integer     NOT NULL,
    killmail_time  timestamptz NOT NULL,
    killmail_id    integer     NOT NULL,
    is_victim      boolean     NOT NULL DEFAULT false,
    is_attacker    boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (corporation_id, killmail_time, killmail_id)
);

CREATE TABLE alliance_killmails (
    alliance_id   integer     NOT NULL,
    killmail_time timestamptz NOT NULL,
    killmail_id   integer     NOT NULL,
    is_victim     boolean     NOT NULL DEFAULT false,
    is_attacker   boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (alliance_id, killmail_time, killmail_id)
);

-- Rows are inserted in key order so concurrent statements take conflicting index entries in the
-- same order (no deadlock between two writers of the same fight).
CREATE FUNCTION victims_record_involvement() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO character_killmails AS p (character_id, killmail_time, killmail_id, is_victim)
    SELECT v.character_id, k.killmail_time, v.killmail_id, true
      FROM new_victims v JOIN killmails k ON k.killmail_id = v.killmail_id
     WHERE v.character_id IS NOT NULL
     ORDER BY 1, 2, 3
        ON CONFLICT (character_id, killmail_time, killmail_id) DO UPDATE SET is_victim = true
     WHERE NOT p.is_victim;

    INSERT INTO corporation_killmails AS p (corporation_id, killmail_time, killmail_id, is_victim)
    SELECT v.corporation_id, k.killmail_time, v.killmail_id, true
      FROM new_victims v JOIN killmails k ON k.killmail_id = v.killmail_id
     WHERE v.corporation_id IS NOT NULL
     ORDER BY 1, 2, 3
        ON CONFLICT (corporation_id, killmail_time, killmail_id) DO UPDATE SET is_victim = true
     WHERE NOT p.is_victim;

    INSERT INTO alliance_killmails AS p (alliance_id, killmail_time, killmail_id, is_victim)
    SELECT v.alliance_id, k.killmail_time, v.killmail_id, true
      FROM new_victims v JOIN killmails k ON k.killmail_id = v.killmail_id
     WHERE v.alliance_id IS NOT NULL
     ORDER BY 1, 2, 3
        ON CONFLICT (alliance_id, killmail_time, killmail_id) DO UPDATE SET is_victim = true
     WHERE NOT p.is_victim;
    RETURN NULL;
END
$$;

CREATE FUNCTION attackers_record_involvement() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO character_killmails AS p (character_id, killmail_time, killmail_id, is_attacker)
    SELECT a.character_id, k.killmail_time, a.killmail_id, true
      FROM new_attackers a JOIN killmails k ON k.killmail_id = a.killmail_id
     WHERE a.character_id IS NOT NULL
     GROUP BY 1, 2, 3
     ORDER BY 1, 2, 3
        ON CONFLICT (character_id, killmail_time, killmail_id) DO UPDATE SET is_attacker = true
     WHERE NOT p.is_attacker;

    INSERT INTO corporation_killmails AS p (corporation_id, killmail_time, killmail_id, is_attacker)
    SELECT a.corporation_id, k.killmail_time, a.killmail_id, true
      FROM new_attackers a JOIN killmails k ON k.killmail_id = a.killmail_id
     WHERE a.corporation_id IS NOT NULL
     GROUP BY 1, 2, 3
     ORDER BY 1, 2, 3
        ON CONFLICT (corporation_id, killmail_time, killmail_id) DO UPDATE SET is_attacker = true
     WHERE NOT p.is_attacker;

    INSERT INTO alliance_killmails AS p (alliance_id, killmail_time, killmail_id, is_attacker)
    SELECT a.alliance_id, k.killmail_time, a.killmail_id, true
      FROM new_attackers a JOIN killmails k ON k.killmail_id = a.killmail_id
     WHERE a.alliance_id IS NOT NULL
     GROUP BY 1, 2, 3
     ORDER BY 1, 2, 3
        ON CONFLICT (alliance_id, killmail_time, killmail_id) DO UPDATE SET is_attacker = true
     WHERE NOT p.is_attacker;
    RETURN NULL;
END
$$;

CREATE TRIGGER victims_record_involvement AFTER INSERT ON victims
    REFERENCING NEW TABLE AS new_victims
    FOR EACH STATEMENT EXECUTE FUNCTION victims_record_involvement();
CREATE TRIGGER attackers_record_involvement AFTER INSERT ON attackers
    REFERENCING NEW TABLE AS new_attackers
    FOR EACH STATEMENT EXECUTE FUNCTION attackers_record_involvement();

-- The involvement rows are derived from who took part; changing that after the fact would leave
-- them stale, so it is refused (EVE killmails never change). Delete and re-insert the killmail.
CREATE FUNCTION refuse_participant_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION '%.% of killmail % cannot change: killmails are immutable; delete the killmail and insert it again',
        TG_TABLE_NAME, 'character_id/corporation_id/alliance_id', OLD.killmail_id
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER victims_immutable BEFORE UPDATE ON victims
    FOR EACH ROW WHEN (OLD.killmail_id IS DISTINCT FROM NEW.killmail_id
                    OR OLD.character_id IS DISTINCT FROM NEW.character_id
                    OR OLD.corporation_id IS DISTINCT FROM NEW.corporation_id
                    OR OLD.alliance_id IS DISTINCT FROM NEW.alliance_id)
    EXECUTE FUNCTION refuse_participant_change();
CREATE TRIGGER attackers_immutable BEFORE UPDATE ON attackers
    FOR EACH ROW WHEN (OLD.killmail_id IS DISTINCT FROM NEW.killmail_id
                    OR OLD.character_id IS DISTINCT FROM NEW.character_id
                    OR OLD.corporation_id IS DISTINCT FROM NEW.corporation_id
                    OR OLD.alliance_id IS DISTINCT FROM NEW.alliance_id)
    EXECUTE FUNCTION refuse_participant_change();

-- Victims and attackers go away with their killmail only (the cascade runs inside the killmail
-- delete, at trigger depth > 1); a direct DELETE would orphan involvement rows.
CREATE FUNCTION refuse_direct_participant_delete() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF pg_trigger_depth() <= 1 THEN
        RAISE EXCEPTION 'rows of % are deleted with their killmail: DELETE FROM killmails instead', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER victims_no_direct_delete BEFORE DELETE ON victims
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_direct_participant_delete();
CREATE TRIGGER attackers_no_direct_delete BEFORE DELETE ON attackers
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_direct_participant_delete();

-- killmail_time is part of the involvement keys and of the keyset order.
CREATE FUNCTION refuse_killmail_time_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'killmail_time of killmail % cannot change: delete the killmail and insert it again', OLD.killmail_id
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER killmails_time_immutable BEFORE UPDATE OF killmail_time, killmail_id ON killmails
    FOR EACH ROW WHEN (OLD.killmail_time IS DISTINCT FROM NEW.killmail_time
                    OR OLD.killmail_id IS DISTINCT FROM NEW.killmail_id)
    EXECUTE FUNCTION refuse_killmail_time_change();

-- Deleting a killmail (rare: an admin action) removes its involvement rows by primary key, found
-- through the victim and attackers that are still present before the cascade runs.
CREATE FUNCTION killmails_forget_involvement() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM character_killmails p
     WHERE p.killmail_time = OLD.killmail_time AND p.killmail_id = OLD.killmail_id
       AND p.character_id IN (SELECT character_id FROM victims WHERE killmail_id = OLD.killmail_id
                              UNION
                              SELECT character_id FROM attackers WHERE killmail_id = OLD.killmail_id);
    DELETE FROM corporation_killmails p
     WHERE p.killmail_time = OLD.killmail_time AND p.killmail_id = OLD.killmail_id
       AND p.corporation_id IN (SELECT corporation_id FROM victims WHERE killmail_id = OLD.killmail_id
                                UNION
                                SELECT corporation_id FROM attackers WHERE killmail_id = OLD.killmail_id);
    DELETE FROM alliance_killmails p
     WHERE p.killmail_time = OLD.killmail_time AND p.killmail_id = OLD.killmail_id
       AND p.alliance_id IN (SELECT alliance_id FROM victims WHERE killmail_id = OLD.killmail_id
                             UNION
                             SELECT alliance_id FROM attackers WHERE killmail_id = OLD.killmail_id);
    RETURN OLD;
END
$$;
CREATE TRIGGER killmails_forget_involvement BEFORE DELETE ON killmails
    FOR EACH ROW EXECUTE FUNCTION killmails_forget_involvement();

-- ---------------------------------------------------------------------------------------------
-- Location: constellation_id / region_id follow the solar system
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION killmails_locate() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    -- No row (system not loaded yet) leaves both NULL; solar_systems_relocate_killmails fills them later.
    SELECT s.constellation_id, s.region_id
      INTO NEW.constellation_id, NEW.region_id
      FROM solar_systems s
     WHERE s.id = NEW.solar_system_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER killmails_locate BEFORE INSERT OR UPDATE OF solar_system_id, constellation_id, region_id ON killmails
    FOR EACH ROW EXECUTE FUNCTION killmails_locate();

-- A system loaded after its killmails (or moved, which EVE never does) relocates them. The
-- killmails_locate trigger re-reads the system row, so this only has to touch the right rows.
CREATE FUNCTION solar_systems_relocate_killmails() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    UPDATE killmails k
       SET region_id = NEW.region_id
     WHERE k.solar_system_id = NEW.id
       AND (k.constellation_id IS DISTINCT FROM NEW.constellation_id
            OR k.region_id IS DISTINCT FROM NEW.region_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER solar_systems_relocate_killmails_ins AFTER INSERT ON solar_systems
    FOR EACH ROW EXECUTE FUNCTION solar_systems_relocate_killmails();
CREATE TRIGGER solar_systems_relocate_killmails_upd AFTER UPDATE OF constellation_id, region_id ON solar_systems
    FOR EACH ROW WHEN (OLD.constellation_id IS DISTINCT FROM NEW.constellation_id
                    OR OLD.region_id IS DISTINCT FROM NEW.region_id)
    EXECUTE FUNCTION solar_systems_relocate_killmails();

-- ---------------------------------------------------------------------------------------------
-- Counters: totals for the unfiltered list and per solar system (regions sum their systems)
-- ---------------------------------------------------------------------------------------------
-- Maintained transactionally by statement-level triggers, so they are exact. Each counter is
-- split over up to 16 shards chosen by the writing backend: concurrent ingest transactions update
-- different rows instead of queueing on one hot row. Read with the killmail_count_* functions.

CREATE TABLE killmail_counts (
    scope    text     NOT NULL CHECK (scope IN ('all', 'system')),
    scope_id integer  NOT NULL,
    shard    smallint NOT NULL,
    n        bigint   NOT NULL,
    PRIMARY KEY (scope, scope_id, shard)
) WITH (fillfactor = 50); -- room for HOT updates: counter rows are updated in place constantly

CREATE FUNCTION add_killmail_counts(p_system_ids integer[], p_deltas bigint[]) RETURNS void
    LANGUAGE sql AS
$$
INSERT INTO killmail_counts AS c (scope, scope_id, shard, n)
SELECT d.scope, d.scope_id, (pg_backend_pid() % 16)::smallint, d.n
  FROM (SELECT 'all'::text AS scope, 0 AS scope_id, sum(x.delta)::bigint AS n
          FROM unnest(p_deltas) AS x (delta)
        UNION ALL
        SELECT 'system', x.system_id, sum(x.delta)::bigint
          FROM unnest(p_system_ids, p_deltas) AS x (system_id, delta)
         GROUP BY x.system_id) d
 WHERE d.n <> 0
 -- 'all' sorts first: every writer locks its 'all' shard before any system shard.
 ORDER BY d.scope, d.scope_id
    ON CONFLICT (scope, scope_id, shard) DO UPDATE SET n = c.n + EXCLUDED.n;
$$;

CREATE FUNCTION killmails_count_inserted() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM add_killmail_counts(array_agg(solar_system_id), array_agg(1::bigint))
       FROM new_killmails
     HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION killmails_count_deleted() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM add_killmail_counts(array_agg(solar_system_id), array_agg(-1::bigint))
       FROM old_killmails
     HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION killmails_count_updated() RETURNS trigger
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
    RETURN NULL;
END
$$;

CREATE TRIGGER killmails_count_ins AFTER INSERT ON killmails
    REFERENCING NEW TABLE AS new_killmails
    FOR EACH STATEMENT EXECUTE FUNCTION killmails_count_inserted();
CREATE TRIGGER killmails_count_del AFTER DELETE ON killmails
    REFERENCING OLD TABLE AS old_killmails
    FOR EACH STATEMENT EXECUTE FUNCTION killmails_count_deleted();
-- (No column list: PostgreSQL does not allow one on UPDATE triggers with transition tables.)
CREATE TRIGGER killmails_count_upd AFTER UPDATE ON killmails
    REFERENCING OLD TABLE AS old_killmails NEW TABLE AS new_killmails
    FOR EACH STATEMENT EXECUTE FUNCTION killmails_count_updated();

-- TRUNCATE bypasses row and statement DML triggers: clear the derived tables with it.
CREATE FUNCTION killmails_truncate_derived() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    TRUNCATE killmail_counts, character_killmails, corporation_killmails, alliance_killmails;
    RETURN NULL;
END
$$;
CREATE TRIGGER killmails_truncate_derived AFTER TRUNCATE ON killmails
    FOR EACH STATEMENT EXECUTE FUNCTION killmails_truncate_derived();

-- Exact totals, each a handful of counter rows.
CREATE FUNCTION killmail_count_total() RETURNS bigint
    LANGUAGE sql STABLE AS
$$
SELECT coalesce(sum(n), 0)::bigint FROM killmail_counts WHERE scope = 'all' AND scope_id = 0;
$$;

CREATE FUNCTION killmail_count_for_system(p_solar_system_id integer) RETURNS bigint
    LANGUAGE sql STABLE AS
$$
SELECT coalesce(sum(n), 0)::bigint FROM killmail_counts WHERE scope = 'system' AND scope_id = p_solar_system_id;
$$;

-- Equals count(*) FROM killmails WHERE region_id = p_region_id, since killmails.region_id is
-- derived from the same solar_systems rows.
CREATE FUNCTION killmail_count_for_region(p_region_id integer) RETURNS bigint
    LANGUAGE sql STABLE AS
$$
SELECT coalesce(sum(c.n), 0)::bigint
  FROM solar_systems s
  JOIN killmail_counts c ON c.scope = 'system' AND c.scope_id = s.id
 WHERE s.region_id = p_region_id;
$$;

-- Rebuilds the counters from killmails (repair after manual surgery). SHARE lock: killmail
-- writers wait while it runs, so nothing inserted meanwhile is missed or double counted.
CREATE FUNCTION rebuild_killmail_counts() RETURNS bigint
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
    SELECT n INTO total FROM killmail_counts WHERE scope = 'all';
    RETURN total;
END
$$;
