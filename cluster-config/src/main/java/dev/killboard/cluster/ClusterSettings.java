package dev.killboard.cluster;

import dev.killboard.config.Env;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The cluster settings of one Killboard member, read from the environment by {@link #from}. */
public record ClusterSettings(
    String clusterName,
    List<String> members,
    String host,
    int port,
    int cpMemberCount,
    int sessionTtlSeconds,
    int heartbeatSeconds) {
  public static final String ENV_CLUSTER_NAME = "KILLBOARD_CLUSTER_NAME";
  public static final String ENV_MEMBERS = "KILLBOARD_CLUSTER_MEMBERS";
  public static final String ENV_PORT = "KILLBOARD_CLUSTER_PORT";
  public static final String ENV_CP_MEMBERS = "KILLBOARD_CP_MEMBERS";
  public static final int DEFAULT_PORT = 5701;

  private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  // A DNS name or IPv4 literal; IPv6 literals are checked separately.
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,252})?");
  private static final Pattern IPV6 =
      Pattern.compile("[0-9A-Fa-f.]*(:[0-9A-Fa-f.]*){2,8}(%[A-Za-z0-9._-]+)?");

  public ClusterSettings {
    members = List.copyOf(members);
  }

  /** Reads the {@code KILLBOARD_CLUSTER_*} and {@code KILLBOARD_CP_*} variables and checks them. */
  public static ClusterSettings from(Env env) {
    ClusterSettings s =
        new ClusterSettings(
            env.string(ENV_CLUSTER_NAME, "killboard")
                .about("the Hazelcast cluster name; every process of one cluster uses it"),
            env.list(ENV_MEMBERS, List.of("127.0.0.1"))
                .about("the join list, host[:port] entries (IPv6 as [address]:port)"),
            env.string("KILLBOARD_CLUSTER_HOST", "127.0.0.1")
                .about("the address this member binds to and other members reach it at"),
            env.integer(ENV_PORT, DEFAULT_PORT, 1, 65535)
                .about("the first Hazelcast port tried (the next free one when taken)"),
            env.integer(ENV_CP_MEMBERS, 0, 0, 1000)
                .about("CP members: 0 (unsafe mode) or 3 or more (CP mode)"),
            seconds(
                env.duration("KILLBOARD_CP_SESSION_TTL", "10s", "1s", "1d")
                    .about(
                        "how long a CP session survives without heartbeat (a crashed member's permits come back then)")),
            seconds(
                env.duration("KILLBOARD_CP_HEARTBEAT", "2s", "1s", "1h")
                    .about("the time between CP session heartbeats")));
    if (env.valid()) {
      s.check(env);
    }
    return s;
  }

  /** True when the CP Subsystem runs without Raft (0 CP members). */
  public boolean unsafeMode() {
    return cpMemberCount == 0;
  }

  /** Checks every setting, failing with each bad one, its variable and the fix; returns this. */
  public ClusterSettings validate() {
    Env problems = Env.of(Map.of());
    check(problems);
    problems.check();
    return this;
  }

  private void check(Env env) {
    env.require(
        clusterName != null && CLUSTER_NAME.matcher(clusterName).matches(),
        "%s=%s is invalid: use 1 to 100 letters, digits, '.', '_' or '-' (default killboard). Every process of one Killboard cluster must use the same name."
            .formatted(ENV_CLUSTER_NAME, quote(clusterName)));
    env.require(
        !members.isEmpty(),
        ENV_MEMBERS
            + " is empty: list at least one member as host[:port], comma-separated, for example \"10.0.0.5,10.0.0.6:5701\" (default 127.0.0.1).");
    for (String member : members) {
      String problem = memberProblem(member);
      env.require(
          problem == null,
          "%s entry %s is invalid: %s Write each member as host or host:port (IPv6 as [address]:port), comma-separated."
              .formatted(ENV_MEMBERS, quote(member), problem));
    }
    if (env.require(
        host != null && isHost(host.trim()),
        "KILLBOARD_CLUSTER_HOST=%s is invalid: set the IP address or host name this process binds to and other members reach it at (default 127.0.0.1), without a port."
            .formatted(quote(host)))) {
      env.require(
          !List.of("0.0.0.0", "::", "0:0:0:0:0:0:0:0").contains(host.trim()),
          "KILLBOARD_CLUSTER_HOST=%s is a wildcard address other members cannot connect to: set the IP address of the interface they reach this process at, for example the private network address."
              .formatted(quote(host)));
    }
    env.require(
        port >= 1 && port <= 65535,
        "%s=%d is invalid: set a port between 1 and 65535 (default %d); when it is taken, the next free port is used."
            .formatted(ENV_PORT, port, DEFAULT_PORT));
    env.require(
        cpMemberCount == 0 || cpMemberCount >= 3,
        "%1$s=%2$d is invalid: Hazelcast's CP Subsystem needs at least 3 CP members for a Raft majority, or 0 for unsafe mode. Set %1$s=3 when at least three Killboard JVMs run (production), or %1$s=0 for one- or two-process setups."
            .formatted(ENV_CP_MEMBERS, cpMemberCount));
    env.require(
        heartbeatSeconds >= 1,
        "KILLBOARD_CP_HEARTBEAT=%ds is invalid: set at least 1s (default 2s)."
            .formatted(heartbeatSeconds));
    if (env.require(
        sessionTtlSeconds >= 1,
        "KILLBOARD_CP_SESSION_TTL=%ds is invalid: set at least 2s (default 10s)."
            .formatted(sessionTtlSeconds))) {
      env.require(
          heartbeatSeconds < 1 || sessionTtlSeconds > heartbeatSeconds,
          "KILLBOARD_CP_SESSION_TTL=%ds must be greater than KILLBOARD_CP_HEARTBEAT=%ds: a session would expire between two heartbeats. Set KILLBOARD_CP_SESSION_TTL to at least %ds or lower KILLBOARD_CP_HEARTBEAT."
              .formatted(sessionTtlSeconds, heartbeatSeconds, Math.max(10, 3 * heartbeatSeconds)));
    }
    // A session survives a leader's loss only if its member's next heartbeat after the election
    // lands before it expires: the last heartbeat before the loss may be one interval old, and the
    // new leader extends every session by one interval only.
    env.require(
        cpMemberCount < 3
            || heartbeatSeconds < 1
            || sessionTtlSeconds <= heartbeatSeconds
            || (sessionTtlSeconds - heartbeatSeconds) * 1000L
                >= HazelcastConfigs.RAFT_FAILOVER_MILLIS + 1000,
        ("KILLBOARD_CP_SESSION_TTL=%ds is too short for CP mode with KILLBOARD_CP_HEARTBEAT=%ds: when a CP group"
                + " loses its Raft leader, electing a new one takes up to %s s, during which no session heartbeat"
                + " lands, and the sessions of the members that are still connected would expire (dropping their"
                + " connections). Set KILLBOARD_CP_SESSION_TTL to at least %ds or lower KILLBOARD_CP_HEARTBEAT.")
            .formatted(
                sessionTtlSeconds,
                heartbeatSeconds,
                HazelcastConfigs.RAFT_FAILOVER_MILLIS / 1000.0,
                (HazelcastConfigs.RAFT_FAILOVER_MILLIS + 1000 + 999) / 1000 + heartbeatSeconds));
  }

  /** Why a join-list entry is unusable, or null when it is fine. */
  private static String memberProblem(String member) {
    if (member == null || member.isBlank()) {
      return "it is blank.";
    }
    String m = member.trim();
    // [IPv6]:port, a bare IPv6 literal (two or more colons), or host:port.
    boolean ipv6 = m.startsWith("[") || m.indexOf(':') != m.lastIndexOf(':');
    int close = m.startsWith("[") ? m.indexOf(']') : -1;
    int colon = close >= 0 ? close + 1 : ipv6 ? -1 : m.indexOf(':');
    String hostPart = close >= 0 ? m.substring(1, close) : colon < 0 ? m : m.substring(0, colon);
    String portPart = colon < 0 || colon == m.length() ? null : m.substring(colon + 1);
    if (m.startsWith("[") && close < 0) {
      return "the IPv6 address has no closing ']'.";
    } else if (close >= 0 && portPart != null && m.charAt(colon) != ':') {
      return "unexpected text after ']'.";
    } else if (!(ipv6 ? IPV6 : HOST_NAME).matcher(hostPart).matches()) {
      return "'%s' is not %s."
          .formatted(hostPart, ipv6 ? "an IPv6 address" : "a host name or IP address");
    }
    try {
      int p = portPart == null ? 1 : Integer.parseInt(portPart);
      return p < 1 || p > 65535 ? "port " + p + " is outside 1-65535." : null;
    } catch (NumberFormatException e) {
      return "port '" + portPart + "' is not a number.";
    }
  }

  private static boolean isHost(String h) {
    return HOST_NAME.matcher(h).matches() || (h.contains(":") && IPV6.matcher(h).matches());
  }

  private static int seconds(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toSeconds());
  }

  private static String quote(String s) {
    return s == null ? "<null>" : "'" + s + "'";
  }
}
