package dev.killboard.upstream.zkillboard;

/** Whose history to read from zKillboard. */
public enum ZkbEntity {
  CHARACTER("characterID"),
  CORPORATION("corporationID"),
  ALLIANCE("allianceID");

  private final String pathSegment;

  ZkbEntity(String pathSegment) {
    this.pathSegment = pathSegment;
  }

  /** The path segment zKillboard uses, e.g. {@code characterID}. */
  public String pathSegment() {
    return pathSegment;
  }
}
