-- Killboard schema, part 1: extensions, shared trigger functions, the static universe
-- (regions, constellations, solar systems), item types and character origins.
--
-- Conventions used by every migration:
--  * EVE identifiers are `integer` (ESI declares them int32 and the GraphQL contract exposes Int);
--    identifiers that ESI declares int64 (location ids, item quantities) are `bigint`.
--  * References between EVE entities are soft (no foreign keys): workers fill these tables
--    asynchronously and in any order, so a corporation may arrive before its alliance, a system
--    before its constellation. Foreign keys are used only where rows are written together
--    (a killmail and its victim, attackers and items) or derived from an existing row (snapshots).
--  * `name` columns carry a btree (name, id) for ordered pages and a pg_trgm GIN index for the
--    case-insensitive "contains" filters (ILIKE '%term%') the API offers.

-- pg_trgm is a trusted extension since PostgreSQL 13: a role with CREATE on the database (the
-- database owner, which is what the application role is) may create it without superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Keeps updated_at honest without every writer remembering it. Fired only when the row changed
-- (see the WHEN clause on each trigger), so a no-op upsert does not look like an update.
CREATE FUNCTION set_updated_at() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Universe
-- ---------------------------------------------------------------------------------------------

CREATE TABLE regions (
    id          integer     PRIMARY KEY,
    name        text        NOT NULL,
    description text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX regions_name_idx ON regions (name, id);
CREATE INDEX regions_name_trgm_idx ON regions USING gin (name gin_trgm_ops);
CREATE TRIGGER regions_updated_at BEFORE UPDATE ON regions
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE constellations (
    id          integer          PRIMARY KEY,
    name        text             NOT NULL,
    region_id   integer,
    position_x  double precision,
    position_y  double precision,
    position_z  double precision,
    created_at  timestamptz      NOT NULL DEFAULT now(),
    updated_at  timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT constellations_position_complete
        CHECK ((position_x IS NULL) = (position_y IS NULL) AND (position_y IS NULL) = (position_z IS NULL))
);
CREATE INDEX constellations_name_idx ON constellations (name, id);
CREATE INDEX constellations_name_trgm_idx ON constellations USING gin (name gin_trgm_ops);
-- Region.constellations, ConstellationFilter.region_id (ordered by name) and the region statistics.
CREATE INDEX constellations_region_idx ON constellations (region_id, name);
CREATE TRIGGER constellations_updated_at BEFORE UPDATE ON constellations
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE solar_systems (
    id               integer          PRIMARY KEY,
    name             text             NOT NULL,
    constellation_id integer,
    -- Derived from constellations by trigger (writers do not set it): lets SolarSystemFilter.region_id,
    -- the region statistics and the killmail region filter avoid a join through constellations.
    region_id        integer,
    security_status  double precision,
    security_class   text,
    star_id          integer,
    position_x       double precision,
    position_y       double precision,
    position_z       double precision,
    created_at       timestamptz      NOT NULL DEFAULT now(),
    updated_at       timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT solar_systems_position_complete
        CHECK ((position_x IS NULL) = (position_y IS NULL) AND (position_y IS NULL) = (position_z IS NULL))
);
CREATE INDEX solar_systems_name_idx ON solar_systems (name, id);
CREATE INDEX solar_systems_name_trgm_idx ON solar_systems USING gin (name gin_trgm_ops);
CREATE INDEX solar_systems_constellation_idx ON solar_systems (constellation_id, name);
CREATE INDEX solar_systems_region_idx ON solar_systems (region_id, name);
-- securityStatusAsc/Desc ordering and the securityStatusMin/Max range filter.
CREATE INDEX solar_systems_security_idx ON solar_systems (security_status, id);
CREATE TRIGGER solar_systems_updated_at BEFORE UPDATE ON solar_systems
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- solar_systems.region_id always follows the system's constellation.
CREATE FUNCTION solar_systems_derive_region() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    NEW.region_id := (SELECT c.region_id FROM constellations c WHERE c.id = NEW.constellation_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER solar_systems_derive_region BEFORE INSERT OR UPDATE OF constellation_id, region_id ON solar_systems
    FOR EACH ROW EXECUTE FUNCTION solar_systems_derive_region();

-- A constellation arriving after its systems, or moving region, re-derives its systems' region.
CREATE FUNCTION constellations_propagate_region() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    UPDATE solar_systems s
       SET region_id = NEW.region_id
     WHERE s.constellation_id = NEW.id
       AND s.region_id IS DISTINCT FROM NEW.region_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER constellations_propagate_region_ins AFTER INSERT ON constellations
    FOR EACH ROW EXECUTE FUNCTION constellations_propagate_region();
CREATE TRIGGER constellations_propagate_region_upd AFTER UPDATE OF region_id ON constellations
    FOR EACH ROW WHEN (OLD.region_id IS DISTINCT FROM NEW.region_id)
    EXECUTE FUNCTION constellations_propagate_region();

-- Region and constellation statistics with the original API's semantics: security_status NULL
-- counts as wormhole, >= 0.5 high-sec, > 0.0 low-sec, otherwise null-sec; the average ignores NULLs.
-- Filter these views by region_id / constellation_id: the predicate is pushed into the scan of
-- regions / constellations and each row aggregates only its own systems through the indexes above.
CREATE VIEW region_statistics AS
SELECT r.id                                   AS region_id,
       (SELECT count(*) FROM constellations c WHERE c.region_id = r.id)::integer AS constellation_count,
       s.solar_system_count,
       s.high_sec,
       s.low_sec,
       s.null_sec,
       s.wormhole,
       s.avg_security
  FROM regions r
 CROSS JOIN LATERAL (
        SELECT count(*)::integer                                                          AS solar_system_count,
               (count(*) FILTER (WHERE ss.security_status >= 0.5))::integer               AS high_sec,
               (count(*) FILTER (WHERE ss.security_status > 0.0
                                   AND ss.security_status < 0.5))::integer                AS low_sec,
               (count(*) FILTER (WHERE ss.security_status <= 0.0))::integer               AS null_sec,
               (count(*) FILTER (WHERE ss.security_status IS NULL))::integer              AS wormhole,
               avg(ss.security_status)                                                    AS avg_security
          FROM solar_systems ss
         WHERE ss.region_id = r.id) s;

CREATE VIEW constellation_statistics AS
SELECT c.id                                   AS constellation_id,
       s.solar_system_count,
       s.high_sec,
       s.low_sec,
       s.null_sec,
       s.wormhole,
       s.avg_security
  FROM constellations c
 CROSS JOIN LATERAL (
        SELECT count(*)::integer                                                          AS solar_system_count,
               (count(*) FILTER (WHERE ss.security_status >= 0.5))::integer               AS high_sec,
               (count(*) FILTER (WHERE ss.security_status > 0.0
                                   AND ss.security_status < 0.5))::integer                AS low_sec,
               (count(*) FILTER (WHERE ss.security_status <= 0.0))::integer               AS null_sec,
               (count(*) FILTER (WHERE ss.security_status IS NULL))::integer              AS wormhole,
               avg(ss.security_status)                                                    AS avg_security
          FROM solar_systems ss
         WHERE ss.constellation_id = c.id) s;

-- ---------------------------------------------------------------------------------------------
-- Item types: categories > item groups > types
-- ---------------------------------------------------------------------------------------------

CREATE TABLE categories (
    id         integer     PRIMARY KEY,
    name       text        NOT NULL,
    published  boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX categories_name_idx ON categories (name, id);
CREATE INDEX categories_name_trgm_idx ON categories USING gin (name gin_trgm_ops);
CREATE TRIGGER categories_updated_at BEFORE UPDATE ON categories
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE item_groups (
    id          integer     PRIMARY KEY,
    name        text        NOT NULL,
    category_id integer     NOT NULL,
    published   boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX item_groups_name_idx ON item_groups (name, id);
CREATE INDEX item_groups_name_trgm_idx ON item_groups USING gin (name gin_trgm_ops);
-- Category.groups and ItemGroupFilter.category_id, ordered by name.
CREATE INDEX item_groups_category_idx ON item_groups (category_id, name);
CREATE TRIGGER item_groups_updated_at BEFORE UPDATE ON item_groups
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE types (
    id              integer          PRIMARY KEY,
    name            text             NOT NULL,
    description     text,
    group_id        integer          NOT NULL,
    published       boolean          NOT NULL DEFAULT true,
    volume          double precision,
    capacity        double precision,
    mass            double precision,
    packaged_volume double precision,
    icon_id         integer,
    market_group_id integer,
    created_at      timestamptz      NOT NULL DEFAULT now(),
    updated_at      timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX types_name_idx ON types (name, id);
CREATE INDEX types_name_trgm_idx ON types USING gin (name gin_trgm_ops);
-- ItemGroup.types and TypeFilter.group_id, ordered by name; also queue-missing-groups' group scan.
CREATE INDEX types_group_idx ON types (group_id, name);
CREATE TRIGGER types_updated_at BEFORE UPDATE ON types
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Character origins (tiny, read whole: no secondary indexes)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE races (
    id          integer     PRIMARY KEY,
    name        text        NOT NULL,
    description text,
    alliance_id integer,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER races_updated_at BEFORE UPDATE ON races
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE bloodlines (
    id             integer     PRIMARY KEY,
    name           text        NOT NULL,
    description    text,
    race_id        integer     NOT NULL,
    corporation_id integer,
    ship_type_id   integer,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER bloodlines_updated_at BEFORE UPDATE ON bloodlines
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();
