-- A deterministic dataset for plan tests: 20 regions, 60 constellations, 300 systems, 30,000 characters
-- (2,000 of them active),
-- 100 corporations, 20 alliances, 5,000 killmails over ~4 weeks with 5 attackers and 5 items each.
INSERT INTO regions (id, name) SELECT 10000000 + r, 'Region ' || r FROM generate_series(1, 20) r;
INSERT INTO constellations (id, name, region_id)
SELECT 20000000 + c, 'Constellation ' || c, 10000001 + c % 20 FROM generate_series(1, 60) c;
INSERT INTO solar_systems (id, name, constellation_id, security_status)
SELECT 30000000 + s, 'System ' || s, 20000001 + s % 60, round(((s % 21) / 10.0 - 1.0)::numeric, 1)
  FROM generate_series(1, 300) s;
INSERT INTO alliances (id, name, ticker, date_founded, creator_corporation_id, creator_id)
SELECT 99000000 + a, 'Alliance ' || md5('a' || a), 'A' || a, timestamptz '2015-01-01' + a * interval '30 days', 98000000 + a, 90000000 + a
  FROM generate_series(1, 20) a;
INSERT INTO corporations (id, name, ticker, member_count, ceo_id, creator_id, alliance_id, tax_rate)
SELECT 98000000 + c, 'Corporation ' || md5('c' || c), 'C' || c, 10 + (c * 37) % 500, 90000000 + c, 90000000 + c,
       CASE WHEN c % 5 = 0 THEN NULL ELSE 99000001 + c % 20 END, 0.1
  FROM generate_series(1, 100) c;
INSERT INTO characters (id, name, corporation_id, alliance_id, birthday, bloodline_id, race_id, gender, security_status)
SELECT 90000000 + p, initcap(substr(md5('p' || p), 1, 8)) || ' ' || initcap(substr(md5('q' || p), 1, 6)),
       98000001 + p % 100, CASE WHEN (1 + p % 100) % 5 = 0 THEN NULL ELSE 99000001 + (1 + p % 100) % 20 END,
       timestamptz '2010-01-01' + p * interval '1 day', 1, 1, CASE WHEN p % 2 = 0 THEN 'male' ELSE 'female' END,
       round((((p * 7) % 100) / 10.0 - 5.0)::numeric, 2)
  FROM generate_series(1, 30000) p;
INSERT INTO killmails (killmail_id, killmail_hash, killmail_time, solar_system_id, total_value, points, npc, solo, awox, labels)
SELECT k, md5(k::text) || 'deadbeef', timestamptz '2025-05-01' + k * interval '8 minutes', 30000001 + (k * 7) % 300,
       k * 12345.5, k % 50, k % 17 = 0, k % 11 = 0, false, ARRAY['pvp']
  FROM generate_series(1, 5000) k ORDER BY k;
INSERT INTO victims (killmail_id, character_id, corporation_id, alliance_id, ship_type_id, damage_taken)
SELECT k, 90000001 + (k * 13) % 2000, CASE WHEN k % 25 = 0 THEN NULL ELSE 98000001 + (k * 3) % 100 END,
       CASE WHEN k % 25 = 0 THEN NULL ELSE 99000001 + (k * 3) % 20 END, 587 + k % 200, 100 + k % 5000
  FROM generate_series(1, 5000) k;
INSERT INTO attackers (killmail_id, attacker_no, character_id, corporation_id, alliance_id, ship_type_id, weapon_type_id,
                       damage_done, final_blow, security_status)
SELECT k, a, 90000001 + (k * 31 + a * 17) % 2000, 98000001 + (k * 7 + a) % 100, 99000001 + (k * 7 + a) % 20,
       587 + (k + a) % 200, 2000 + a, 100 * (a + 1), a = 0, -1.5
  FROM generate_series(1, 5000) k, generate_series(0, 4) a;
INSERT INTO killmail_items (killmail_id, item_no, parent_item_no, item_type_id, flag, quantity_dropped, quantity_destroyed, singleton)
SELECT k, i, CASE WHEN i = 4 THEN 3 END, 3000 + (k + i) % 200, 11 + i, CASE WHEN i % 2 = 0 THEN 1 END,
       CASE WHEN i % 2 = 1 THEN 2 END, 0
  FROM generate_series(1, 5000) k, generate_series(0, 4) i;
INSERT INTO alliance_snapshots (alliance_id, snapshot_date, member_count, corporation_count)
SELECT a, current_date - d, 1000 + d, 5 FROM generate_series(99000001, 99000020) a, generate_series(0, 30) d;
INSERT INTO corporation_snapshots (corporation_id, snapshot_date, member_count)
SELECT c, current_date - d, 100 + d FROM generate_series(98000001, 98000100) c, generate_series(0, 30) d;
