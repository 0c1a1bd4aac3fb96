package dev.killboard.upstream;

/** The third-party services Killboard reads from. */
public enum UpstreamService {
  ESI("ESI"),
  ZKILLBOARD("zKillboard"),
  R2Z2("R2Z2"),
  SSO("EVE SSO");

  private final String label;

  UpstreamService(String label) {
    this.label = label;
  }

  /** The service's name as operators know it. */
  public String label() {
    return label;
  }
}
