-- Killboard schema, part 2: alliances, corporations, characters, their live member counts and
-- their daily snapshots.

CREATE TABLE alliances (
    id                      integer     PRIMARY KEY,
    name                    text        NOT NULL,
    ticker                  text        NOT NULL,
    date_founded            timestamptz NOT NULL,
    creator_corporation_id  integer     NOT NULL,
    creator_id              integer     NOT NULL,
    -- ESI omits the executor of a closed alliance; the API maps NULL for its Int! field.
    executor_corporation_id integer,
    faction_id              integer,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alliances_name_idx ON alliances (name, id);
CREATE INDEX alliances_name_trgm_idx ON alliances USING gin (name gin_trgm_ops);
CREATE INDEX alliances_ticker_trgm_idx ON alliances USING gin (ticker gin_trgm_ops);
CREATE INDEX alliances_date_founded_idx ON alliances (date_founded);
CREATE TRIGGER alliances_updated_at BEFORE UPDATE ON alliances
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE corporations (
    id              integer          PRIMARY KEY,
    name            text             NOT NULL,
    ticker          text             NOT NULL,
    member_count    integer          NOT NULL DEFAULT 0 CHECK (member_count >= 0),
    ceo_id          integer          NOT NULL,
    creator_id      integer          NOT NULL,
    date_founded    timestamptz,
    description     text,
    alliance_id     integer,
    faction_id      integer,
    home_station_id integer,
    shares          bigint,
    tax_rate        real             NOT NULL DEFAULT 0,
    url             text,
    war_eligible    boolean,
    created_at      timestamptz      NOT NULL DEFAULT now(),
    updated_at      timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX corporations_name_idx ON corporations (name, id);
CREATE INDEX corporations_name_trgm_idx ON corporations USING gin (name gin_trgm_ops);
CREATE INDEX corporations_ticker_trgm_idx ON corporations USING gin (ticker gin_trgm_ops);
-- memberCountAsc/Desc (the corporations page's default order is memberCountDesc).
CREATE INDEX corporations_member_count_idx ON corporations (member_count, id);
-- Alliance.corporations (ordered by member_count desc), CorporationFilter.allianceId and the
-- alliance member-count maintenance. Partial: most corporations are in no alliance.
CREATE INDEX corporations_alliance_idx ON corporations (alliance_id, member_count) WHERE alliance_id IS NOT NULL;
CREATE INDEX corporations_date_founded_idx ON corporations (date_founded);
CREATE TRIGGER corporations_updated_at BEFORE UPDATE ON corporations
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE characters (
    id              integer          PRIMARY KEY,
    name            text             NOT NULL,
    corporation_id  integer          NOT NULL,
    alliance_id     integer,
    birthday        timestamptz      NOT NULL,
    bloodline_id    integer          NOT NULL,
    race_id         integer          NOT NULL,
    gender          text             NOT NULL,
    security_status double precision,
    description     text,
    title           text,
    faction_id      integer,
    created_at      timestamptz      NOT NULL DEFAULT now(),
    updated_at      timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX characters_name_idx ON characters (name, id);
CREATE INDEX characters_name_trgm_idx ON characters USING gin (name gin_trgm_ops);
-- CharacterFilter.corporation_id / alliance_id with the default name order.
CREATE INDEX characters_corporation_idx ON characters (corporation_id, name);
CREATE INDEX characters_alliance_idx ON characters (alliance_id, name) WHERE alliance_id IS NOT NULL;
-- securityStatusAsc/Desc.
CREATE INDEX characters_security_idx ON characters (security_status, id);
CREATE TRIGGER characters_updated_at BEFORE UPDATE ON characters
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Live alliance member counts
-- ---------------------------------------------------------------------------------------------
-- Alliance.memberCount / corporationCount and the alliances page's memberCount order read this
-- table instead of aggregating corporations per request. It is a separate table rather than
-- columns on alliances so that counts accumulate even while the alliance row itself has not been
-- fetched yet (workers write corporations and alliances in any order).
--
-- How it stays exact without deadlocks: corporation writes only *stage* their per-alliance deltas
-- (an insert, never a lock on a shared row); a deferred constraint trigger applies the staged deltas
-- of the transaction at COMMIT, in one statement, in alliance_id order. Every count row is therefore
-- locked only at the very end of a transaction and always in the same order, so two writers can
-- wait for each other but never deadlock, however their batches overlap. Deltas are added
-- (n = n + delta), so concurrent writers never lose an update. Counts show committed data only.
CREATE TABLE alliance_member_counts (
    alliance_id       integer     PRIMARY KEY,
    member_count      integer     NOT NULL DEFAULT 0,
    corporation_count integer     NOT NULL DEFAULT 0,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alliance_member_counts_member_idx ON alliance_member_counts (member_count, alliance_id);

-- Transaction-private staging area; rows live from the corporation write to the end of the commit.
CREATE TABLE alliance_member_count_deltas (
    xact_id           xid8    NOT NULL DEFAULT pg_current_xact_id(),
    alliance_id       integer NOT NULL,
    member_delta      bigint  NOT NULL,
    corporation_delta integer NOT NULL
);
CREATE INDEX alliance_member_count_deltas_xact_idx ON alliance_member_count_deltas (xact_id);

CREATE FUNCTION apply_staged_alliance_member_deltas() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    -- The first firing in a transaction applies everything it staged; later firings find nothing.
    WITH staged AS (
        DELETE FROM alliance_member_count_deltas
         WHERE xact_id = pg_current_xact_id()
        RETURNING alliance_id, member_delta, corporation_delta
    )
    INSERT INTO alliance_member_counts AS c (alliance_id, member_count, corporation_count)
    SELECT alliance_id, sum(member_delta), sum(corporation_delta)
      FROM staged
     GROUP BY alliance_id
     ORDER BY alliance_id
        ON CONFLICT (alliance_id) DO UPDATE
       SET member_count      = c.member_count + EXCLUDED.member_count,
           corporation_count = c.corporation_count + EXCLUDED.corporation_count,
           updated_at        = now()
     WHERE EXCLUDED.member_count <> 0 OR EXCLUDED.corporation_count <> 0;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER alliance_member_count_deltas_apply AFTER INSERT ON alliance_member_count_deltas
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION apply_staged_alliance_member_deltas();

-- Statement-level with transition tables: one set-based pass per statement, so a batch upsert of
-- corporations stages one row per touched alliance, not one per corporation. (PostgreSQL does not
-- allow transition tables on multi-event triggers, hence three functions and triggers.)
CREATE FUNCTION corporations_stage_inserted() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO alliance_member_count_deltas (alliance_id, member_delta, corporation_delta)
    SELECT alliance_id, sum(member_count), count(*)
      FROM new_corporations
     WHERE alliance_id IS NOT NULL
     GROUP BY alliance_id;
    RETURN NULL;
END
$$;

CREATE FUNCTION corporations_stage_updated() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO alliance_member_count_deltas (alliance_id, member_delta, corporation_delta)
    SELECT d.alliance_id, sum(d.dm), sum(d.dc)
      FROM (SELECT alliance_id, member_count::bigint AS dm, 1 AS dc
              FROM new_corporations WHERE alliance_id IS NOT NULL
            UNION ALL
            SELECT alliance_id, -member_count::bigint, -1
              FROM old_corporations WHERE alliance_id IS NOT NULL) d
     GROUP BY d.alliance_id
    HAVING sum(d.dm) <> 0 OR sum(d.dc) <> 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION corporations_stage_deleted() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO alliance_member_count_deltas (alliance_id, member_delta, corporation_delta)
    SELECT alliance_id, -sum(member_count), -count(*)
      FROM old_corporations
     WHERE alliance_id IS NOT NULL
     GROUP BY alliance_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER corporations_stage_ins AFTER INSERT ON corporations
    REFERENCING NEW TABLE AS new_corporations
    FOR EACH STATEMENT EXECUTE FUNCTION corporations_stage_inserted();
CREATE TRIGGER corporations_stage_upd AFTER UPDATE ON corporations
    REFERENCING OLD TABLE AS old_corporations NEW TABLE AS new_corporations
    FOR EACH STATEMENT EXECUTE FUNCTION corporations_stage_updated();
CREATE TRIGGER corporations_stage_del AFTER DELETE ON corporations
    REFERENCING OLD TABLE AS old_corporations
    FOR EACH STATEMENT EXECUTE FUNCTION corporations_stage_deleted();

-- Every alliance gets a counts row (zero until its corporations arrive), so the memberCount order
-- can be an inner join driven by alliance_member_counts_member_idx. Staged like the deltas, so
-- count rows are still written only at commit.
CREATE FUNCTION alliances_stage_counts_row() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO alliance_member_count_deltas (alliance_id, member_delta, corporation_delta)
    SELECT id, 0, 0 FROM new_alliances;
    RETURN NULL;
END
$$;
CREATE TRIGGER alliances_stage_counts_row AFTER INSERT ON alliances
    REFERENCING NEW TABLE AS new_alliances
    FOR EACH STATEMENT EXECUTE FUNCTION alliances_stage_counts_row();

-- Recomputes every count from corporations (the update-alliance-counts job, and repair after a
-- manual bulk edit). The SHARE lock waits for in-flight corporation writers to commit (applying
-- their deltas) and holds new ones off for the few milliseconds this takes, so the recomputed
-- absolute values cannot miss or double-count a delta.
CREATE FUNCTION refresh_alliance_member_counts() RETURNS integer
    LANGUAGE plpgsql AS
$$
DECLARE
    changed integer;
BEGIN
    LOCK TABLE corporations IN SHARE MODE;
    -- This transaction's own staged deltas are part of what is recomputed below.
    DELETE FROM alliance_member_count_deltas WHERE xact_id = pg_current_xact_id();
    WITH actual AS (
        SELECT ids.alliance_id,
               coalesce(agg.member_count, 0)      AS member_count,
               coalesce(agg.corporation_count, 0) AS corporation_count
          FROM (SELECT id AS alliance_id FROM alliances
                UNION
                SELECT alliance_id FROM alliance_member_counts
                UNION
                SELECT alliance_id FROM corporations WHERE alliance_id IS NOT NULL) ids
          LEFT JOIN (SELECT alliance_id, sum(member_count)::integer AS member_count,
                            count(*)::integer AS corporation_count
                       FROM corporations WHERE alliance_id IS NOT NULL
                      GROUP BY alliance_id) agg USING (alliance_id)
    )
    INSERT INTO alliance_member_counts AS c (alliance_id, member_count, corporation_count)
    SELECT alliance_id, member_count, corporation_count FROM actual ORDER BY alliance_id
        ON CONFLICT (alliance_id) DO UPDATE
       SET member_count = EXCLUDED.member_count,
           corporation_count = EXCLUDED.corporation_count,
           updated_at = now()
     WHERE (c.member_count, c.corporation_count)
           IS DISTINCT FROM (EXCLUDED.member_count, EXCLUDED.corporation_count);
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN changed;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Daily snapshots (one row per entity per UTC day; the primary key serves "snapshots of X since
-- day D" and "latest snapshot of X on or before day D" as one index range scan)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE alliance_snapshots (
    alliance_id       integer     NOT NULL REFERENCES alliances (id) ON DELETE CASCADE,
    snapshot_date     date        NOT NULL,
    member_count      integer     NOT NULL CHECK (member_count >= 0),
    corporation_count integer     NOT NULL CHECK (corporation_count >= 0),
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (alliance_id, snapshot_date)
);

CREATE TABLE corporation_snapshots (
    corporation_id integer     NOT NULL REFERENCES corporations (id) ON DELETE CASCADE,
    snapshot_date  date        NOT NULL,
    member_count   integer     NOT NULL CHECK (member_count >= 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (corporation_id, snapshot_date)
);
