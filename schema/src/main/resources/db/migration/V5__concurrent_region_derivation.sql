-- solar_systems.region_id is derived from the system's constellation by two triggers: one on the system (reads the
-- constellation) and one on the constellation (updates its systems). Under READ COMMITTED, a system and its
-- constellation written by two concurrent transactions could each miss the other's uncommitted row, leaving
-- region_id NULL for good. Both triggers now take a transaction-scoped advisory lock on the constellation id
-- (namespace 1262633777 = 'KBC1'; systems share it, constellations take it exclusively) BEFORE they read: whichever
-- transaction gets it second waits for the first to commit and then, as each statement of a VOLATILE PL/pgSQL
-- function takes a fresh snapshot, sees its row. Systems writers never wait for each other.

CREATE OR REPLACE FUNCTION solar_systems_derive_region() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF NEW.constellation_id IS NULL THEN
        NEW.region_id := NULL;
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(1262633777, NEW.constellation_id);
    NEW.region_id := (SELECT c.region_id FROM constellations c WHERE c.id = NEW.constellation_id);
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION constellations_propagate_region() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_advisory_xact_lock(1262633777, NEW.id);
    UPDATE solar_systems s
       SET region_id = NEW.region_id
     WHERE s.constellation_id = NEW.id
       AND s.region_id IS DISTINCT FROM NEW.region_id;
    RETURN NULL;
END
$$;

-- Repair systems the race already left behind; the derive trigger recomputes region_id and
-- solar_systems_relocate_killmails carries it on to their killmails.
UPDATE solar_systems s
   SET constellation_id = s.constellation_id
  FROM constellations c
 WHERE c.id = s.constellation_id
   AND s.region_id IS DISTINCT FROM c.region_id;
