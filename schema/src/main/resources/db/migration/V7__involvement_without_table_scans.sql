-- ---------------------------------------------------------------------------------------------
-- Involvement triggers: one look-up of each new row's killmail, by primary key
-- ---------------------------------------------------------------------------------------------
-- V3's triggers joined the transition table with killmails in each of their three INSERTs. For a
-- batch of a few thousand rows the planner preferred a hash join, which reads the whole killmails
-- table: three times per trigger, six times per ingested batch, growing with the table. Here each
-- trigger reads its new rows once, looks up each row's killmail_time by primary key (a correlated
-- sub-select cannot become a scan of killmails), and feeds the three INSERTs from that one set in
-- one statement. What is written is unchanged: rows in key order, victim/attacker flags merged.

CREATE OR REPLACE FUNCTION victims_record_involvement() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    WITH v AS MATERIALIZED (
        SELECT n.killmail_id, n.character_id, n.corporation_id, n.alliance_id,
               (SELECT k.killmail_time FROM killmails k WHERE k.killmail_id = n.killmail_id) AS killmail_time
          FROM new_victims n
    ), ch AS (
        INSERT INTO character_killmails AS p (character_id, killmail_time, killmail_id, is_victim)
        SELECT character_id, killmail_time, killmail_id, true FROM v
         WHERE character_id IS NOT NULL
         ORDER BY 1, 2, 3
            ON CONFLICT (character_id, killmail_time, killmail_id) DO UPDATE SET is_victim = true
         WHERE NOT p.is_victim
    ), co AS (
        INSERT INTO corporation_killmails AS p (corporation_id, killmail_time, killmail_id, is_victim)
        SELECT corporation_id, killmail_time, killmail_id, true FROM v
         WHERE corporation_id IS NOT NULL
         ORDER BY 1, 2, 3
            ON CONFLICT (corporation_id, killmail_time, killmail_id) DO UPDATE SET is_victim = true
         WHERE NOT p.is_victim
    )
    INSERT INTO alliance_killmails AS p (alliance_id, killmail_time, killmail_id, is_victim)
    SELECT alliance_id, killmail_time, killmail_id, true FROM v
     WHERE alliance_id IS NOT NULL
     ORDER BY 1, 2, 3
        ON CONFLICT (alliance_id, killmail_time, killmail_id) DO UPDATE SET is_victim = true
     WHERE NOT p.is_victim;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION attackers_record_involvement() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    WITH a AS MATERIALIZED (
        SELECT n.killmail_id, n.character_id, n.corporation_id, n.alliance_id, t.killmail_time
          FROM new_attackers n
          JOIN (SELECT d.killmail_id,
                       (SELECT k.killmail_time FROM killmails k WHERE k.killmail_id = d.killmail_id) AS killmail_time
                  FROM (SELECT DISTINCT killmail_id FROM new_attackers) d) t ON t.killmail_id = n.killmail_id
    ), ch AS (
        INSERT INTO character_killmails AS p (character_id, killmail_time, killmail_id, is_attacker)
        SELECT character_id, killmail_time, killmail_id, true FROM a
         WHERE character_id IS NOT NULL
         GROUP BY 1, 2, 3
         ORDER BY 1, 2, 3
            ON CONFLICT (character_id, killmail_time, killmail_id) DO UPDATE SET is_attacker = true
         WHERE NOT p.is_attacker
    ), co AS (
        INSERT INTO corporation_killmails AS p (corporation_id, killmail_time, killmail_id, is_attacker)
        SELECT corporation_id, killmail_time, killmail_id, true FROM a
         WHERE corporation_id IS NOT NULL
         GROUP BY 1, 2, 3
         ORDER BY 1, 2, 3
            ON CONFLICT (corporation_id, killmail_time, killmail_id) DO UPDATE SET is_attacker = true
         WHERE NOT p.is_attacker
    )
    INSERT INTO alliance_killmails AS p (alliance_id, killmail_time, killmail_id, is_attacker)
    SELECT alliance_id, killmail_time, killmail_id, true FROM a
     WHERE alliance_id IS NOT NULL
     GROUP BY 1, 2, 3
     ORDER BY 1, 2, 3
        ON CONFLICT (alliance_id, killmail_time, killmail_id) DO UPDATE SET is_attacker = true
     WHERE NOT p.is_attacker;
    RETURN NULL;
END
$$;
