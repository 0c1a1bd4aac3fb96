package dev.killboard.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Small JDBC conveniences for the schema tests. */
final class Sql {

  private Sql() {}

  static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      return ps.executeUpdate();
    }
  }

  static long longValue(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new AssertionError("no row from " + sql);
        }
        return rs.getLong(1);
      }
    }
  }

  static String text(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new AssertionError("no row from " + sql);
        }
        return rs.getString(1);
      }
    }
  }

  /** Every row as its columns joined by '|' (SQL NULL as "null"). */
  static List<String> rows(Connection c, String sql, Object... params) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          StringBuilder sb = new StringBuilder();
          for (int i = 1; i <= n; i++) {
            if (i > 1) {
              sb.append('|');
            }
            sb.append(rs.getString(i));
          }
          out.add(sb.toString());
        }
      }
    }
    return out;
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  static String hash(int killmailId) {
    return String.format("%040x", killmailId * 2654435761L);
  }

  /**
   * Inserts a killmail row the way a writer does (duplicates skipped); returns rows inserted (0 or
   * 1).
   */
  static int killmail(Connection c, int id, Instant time, int systemId) throws SQLException {
    return update(
        c,
        "INSERT INTO killmails (killmail_id, killmail_hash, killmail_time, solar_system_id)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (killmail_id) DO NOTHING",
        id,
        hash(id),
        Timestamp.from(time),
        systemId);
  }

  static void victim(
      Connection c, int killmailId, Integer characterId, Integer corporationId, Integer allianceId)
      throws SQLException {
    update(
        c,
        "INSERT INTO victims (killmail_id, character_id, corporation_id, alliance_id, ship_type_id, damage_taken)"
            + " VALUES (?, ?, ?, ?, 587, 1000)",
        killmailId,
        characterId,
        corporationId,
        allianceId);
  }

  /** Attackers as {character, corporation, alliance} triples (null allowed), numbered in order. */
  static void attackers(Connection c, int killmailId, Integer[]... attackers) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO attackers (killmail_id, attacker_no, character_id,"
                + " corporation_id, alliance_id, ship_type_id, weapon_type_id, damage_done, final_blow, security_status)"
                + " VALUES (?, ?, ?, ?, ?, 17738, 2929, ?, ?, -0.5)")) {
      for (int i = 0; i < attackers.length; i++) {
        bind(
            ps,
            killmailId,
            i,
            attackers[i][0],
            attackers[i][1],
            attackers[i][2],
            100 * (i + 1),
            i == 0);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  static Integer[] who(Integer character, Integer corporation, Integer alliance) {
    return new Integer[] {character, corporation, alliance};
  }

  private static void bind(PreparedStatement ps, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      if (p == null) {
        ps.setNull(i + 1, java.sql.Types.INTEGER);
      } else {
        ps.setObject(i + 1, p);
      }
    }
  }
}
