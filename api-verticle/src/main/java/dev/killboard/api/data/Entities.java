package dev.killboard.api.data;

/**
 * The entities the API serves, as the resolvers see them (field names follow the contract in
 * camelCase).
 */
public final class Entities {
  private Entities() {}

  /** A point in space. */
  public record Position(double x, double y, double z) {}

  /** Security band counts of a region's or constellation's systems. */
  public record SecurityStats(
      int highSec,
      int lowSec,
      int nullSec,
      int wormhole,
      Double avgSecurity,
      int solarSystemCount,
      int constellationCount) {
    public static final SecurityStats EMPTY = new SecurityStats(0, 0, 0, 0, null, 0, 0);
  }

  /** A region. */
  public record Region(int id, String name, String description) {}

  /** A constellation. */
  public record Constellation(int id, String name, Integer regionId, Position position) {}

  /** A solar system. */
  public record SolarSystem(
      int id,
      String name,
      Integer constellationId,
      Double securityStatus,
      String securityClass,
      Integer starId,
      Position position) {}

  /** An item category. */
  public record Category(
      int id, String name, boolean published, String createdAt, String updatedAt) {}

  /** An item group. */
  public record ItemGroup(
      int id, String name, int categoryId, boolean published, String createdAt, String updatedAt) {}

  /** An item type (GraphQL type {@code Type}). */
  public record ItemType(
      int id,
      String name,
      String description,
      int groupId,
      boolean published,
      Double volume,
      Double capacity,
      Double mass,
      Integer iconId,
      String createdAt,
      String updatedAt) {}

  /** A race. */
  public record Race(int id, String name, String description) {}

  /** A bloodline. */
  public record Bloodline(int id, String name, String description, int raceId) {}

  /** An alliance; member and corporation counts are loaded separately. */
  public record Alliance(
      int id,
      String name,
      String ticker,
      String dateFounded,
      int creatorCorporationId,
      int creatorId,
      int executorCorporationId,
      Integer factionId) {}

  /** A corporation. */
  public record Corporation(
      int id,
      String name,
      String ticker,
      int memberCount,
      String dateFounded,
      int creatorId,
      Integer allianceId,
      int ceoId,
      Integer factionId,
      double taxRate,
      String url) {}

  /** A character. */
  public record Character(
      int id,
      String name,
      int corporationId,
      Integer allianceId,
      String birthday,
      int bloodlineId,
      int raceId,
      String gender,
      Double securityStatus,
      String description,
      String title,
      Integer factionId) {}

  /** Live member and corporation counts of an alliance. */
  public record AllianceCounts(int memberCount, int corporationCount) {
    public static final AllianceCounts ZERO = new AllianceCounts(0, 0);
  }

  /** One daily snapshot of an alliance. */
  public record AllianceSnapshot(String date, int memberCount, int corporationCount) {}

  /** One daily snapshot of a corporation. */
  public record CorporationSnapshot(String date, int memberCount) {}
}
