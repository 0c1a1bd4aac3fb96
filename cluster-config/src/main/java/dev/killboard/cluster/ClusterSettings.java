package dev.killboard.cluster;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Cluster settings for one Killboard member, read by {@link #from(Env)}.
 *
 * @param clusterName Hazelcast cluster name; members with another name never join
 * @param members TCP-IP join list, {@code host} or {@code host:port} entries
 * @param host address this member binds to and announces to the others
 * @param port first Hazelcast port tried; the next free one is taken when it is in use
 * @param cpMemberCount CP members that form the CP Subsystem: 0 = unsafe mode, otherwise at least 3
 * @param sessionTtlSeconds seconds a CP session survives without heartbeat; a crashed member's
 *     permits come back then
 * @param heartbeatSeconds seconds between CP session heartbeats
 */
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
  public static final String ENV_HOST = "KILLBOARD_CLUSTER_HOST";
  public static final String ENV_PORT = "KILLBOARD_CLUSTER_PORT";
  public static final String ENV_CP_MEMBERS = "KILLBOARD_CP_MEMBERS";
  public static final String ENV_SESSION_TTL = "KILLBOARD_CP_SESSION_TTL";
  public static final String ENV_HEARTBEAT = "KILLBOARD_CP_HEARTBEAT";

  public static final String DEFAULT_CLUSTER_NAME = "killboard";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;
  public static final int DEFAULT_CP_MEMBER_COUNT = 0;
  public static final int DEFAULT_SESSION_TTL_SECONDS = 10;
  public static final int DEFAULT_HEARTBEAT_SECONDS = 2;

  private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  // A DNS name or IPv4 literal; IPv6 literals are checked separately.
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,252})?");
  private static final Pattern IPV6 =
      Pattern.compile("[0-9A-Fa-f.]*(:[0-9A-Fa-f.]*){2,8}(%[A-Za-z0-9._-]+)?");

  public ClusterSettings {
    members = List.copyOf(Objects.requireNonNull(members, "members"));
  }

  /**
   * Loopback, one process: cluster "killboard", 127.0.0.1:5701 (auto-increment), unsafe mode, TTL
   * 10 s, heartbeat 2 s.
   */
  public static ClusterSettings defaults() {
    return new ClusterSettings(
        DEFAULT_CLUSTER_NAME,
        List.of(DEFAULT_HOST),
        DEFAULT_HOST,
        DEFAULT_PORT,
        DEFAULT_CP_MEMBER_COUNT,
        DEFAULT_SESSION_TTL_SECONDS,
        DEFAULT_HEARTBEAT_SECONDS);
  }

  /**
   * Reads the {@code KILLBOARD_CLUSTER_*} / {@code KILLBOARD_CP_*} variables and checks them with
   * {@link #validate()}.
   */
  public static ClusterSettings from(Env env) {
    ClusterSettings s =
        new ClusterSettings(
            env.string(
                ENV_CLUSTER_NAME,
                DEFAULT_CLUSTER_NAME,
                "the Hazelcast cluster name; every process of one cluster uses it"),
            env.list(
                ENV_MEMBERS,
                List.of(DEFAULT_HOST),
                "the join list, host[:port] entries (IPv6 as [address]:port)"),
            env.string(
                ENV_HOST,
                DEFAULT_HOST,
                "the address this member binds to and other members reach it at"),
            env.integer(
                ENV_PORT,
                DEFAULT_PORT,
                1,
                65535,
                "the first Hazelcast port tried (the next free one when taken)"),
            env.integer(
                ENV_CP_MEMBERS,
                DEFAULT_CP_MEMBER_COUNT,
                0,
                1000,
                "CP members: 0 (unsafe mode) or 3 or more (CP mode)"),
            seconds(
                env.duration(
                    ENV_SESSION_TTL,
                    Duration.ofSeconds(DEFAULT_SESSION_TTL_SECONDS),
                    Duration.ofSeconds(1),
                    Duration.ofDays(1),
                    "how long a CP session survives without heartbeat (a crashed member's permits come back then)")),
            seconds(
                env.duration(
                    ENV_HEARTBEAT,
                    Duration.ofSeconds(DEFAULT_HEARTBEAT_SECONDS),
                    Duration.ofSeconds(1),
                    Duration.ofHours(1),
                    "the time between CP session heartbeats")));
    if (env.valid()) {
      try {
        s.validate();
      } catch (ConfigurationException e) {
        e.problems().forEach(env::problem);
      }
    }
    return s;
  }

  /** Reads {@code env} and fails with every problem at once. */
  public static ClusterSettings fromEnv(Map<String, String> env) {
    return Env.read(env, ClusterSettings::from);
  }

  private static int seconds(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toSeconds());
  }

  public ClusterSettings withClusterName(String clusterName) {
    return new ClusterSettings(
        clusterName, members, host, port, cpMemberCount, sessionTtlSeconds, heartbeatSeconds);
  }

  public ClusterSettings withMembers(List<String> members) {
    Objects.requireNonNull(members, "members");
    return new ClusterSettings(
        clusterName, members, host, port, cpMemberCount, sessionTtlSeconds, heartbeatSeconds);
  }

  public ClusterSettings withHost(String host) {
    return new ClusterSettings(
        clusterName, members, host, port, cpMemberCount, sessionTtlSeconds, heartbeatSeconds);
  }

  public ClusterSettings withPort(int port) {
    return new ClusterSettings(
        clusterName, members, host, port, cpMemberCount, sessionTtlSeconds, heartbeatSeconds);
  }

  public ClusterSettings withCpMemberCount(int cpMemberCount) {
    return new ClusterSettings(
        clusterName, members, host, port, cpMemberCount, sessionTtlSeconds, heartbeatSeconds);
  }

  public ClusterSettings withSessionTtlSeconds(int sessionTtlSeconds) {
    return new ClusterSettings(
        clusterName, members, host, port, cpMemberCount, sessionTtlSeconds, heartbeatSeconds);
  }

  public ClusterSettings withHeartbeatSeconds(int heartbeatSeconds) {
    return new ClusterSettings(
        clusterName, members, host, port, cpMemberCount, sessionTtlSeconds, heartbeatSeconds);
  }

  /** True when the CP Subsystem runs without Raft (0 CP members). */
  public boolean unsafeMode() {
    return cpMemberCount == 0;
  }

  /**
   * Checks every setting and returns {@code this}.
   *
   * @throws ConfigurationException listing each bad setting with its env variable, value and the
   *     fix
   */
  public ClusterSettings validate() {
    List<String> problems = new ArrayList<>();
    if (clusterName == null || !CLUSTER_NAME.matcher(clusterName).matches()) {
      problems.add(
          ENV_CLUSTER_NAME
              + "="
              + quote(clusterName)
              + " is invalid: use 1 to 100 letters, digits, '.', '_' or '-'"
              + " (default "
              + DEFAULT_CLUSTER_NAME
              + "). Every process of one Killboard cluster must use the same name.");
    }
    if (members.isEmpty()) {
      problems.add(
          ENV_MEMBERS
              + " is empty: list at least one member as host[:port], comma-separated, for example "
              + "\"10.0.0.5,10.0.0.6:5701\" (default "
              + DEFAULT_HOST
              + ").");
    }
    for (String member : members) {
      String problem = memberProblem(member);
      if (problem != null) {
        problems.add(
            ENV_MEMBERS
                + " entry "
                + quote(member)
                + " is invalid: "
                + problem
                + " Write each member as host or host:port (IPv6 as [address]:port), comma-separated.");
      }
    }
    if (host == null || !isHost(host.trim())) {
      problems.add(
          ENV_HOST
              + "="
              + quote(host)
              + " is invalid: set the IP address or host name this process binds to and "
              + "other members reach it at (default "
              + DEFAULT_HOST
              + "), without a port.");
    } else if (isWildcard(host.trim())) {
      problems.add(
          ENV_HOST
              + "="
              + quote(host)
              + " is a wildcard address other members cannot connect to: set the IP"
              + " address of the interface they reach this process at, for example the private network address.");
    }
    if (port < 1 || port > 65535) {
      problems.add(
          ENV_PORT
              + "="
              + port
              + " is invalid: set a port between 1 and 65535 (default "
              + DEFAULT_PORT
              + "); when it is taken, the next free port is used.");
    }
    if (cpMemberCount < 0 || cpMemberCount == 1 || cpMemberCount == 2) {
      problems.add(
          ENV_CP_MEMBERS
              + "="
              + cpMemberCount
              + " is invalid: Hazelcast's CP Subsystem needs at least 3 CP"
              + " members for a Raft majority, or 0 for unsafe mode. Set "
              + ENV_CP_MEMBERS
              + "=3 when at least three"
              + " Killboard JVMs run (production), or "
              + ENV_CP_MEMBERS
              + "=0 for one- or two-process setups.");
    }
    if (heartbeatSeconds < 1) {
      problems.add(
          ENV_HEARTBEAT
              + "="
              + heartbeatSeconds
              + "s is invalid: set at least 1s (default "
              + DEFAULT_HEARTBEAT_SECONDS
              + "s).");
    }
    if (sessionTtlSeconds < 1) {
      problems.add(
          ENV_SESSION_TTL
              + "="
              + sessionTtlSeconds
              + "s is invalid: set at least 2s (default "
              + DEFAULT_SESSION_TTL_SECONDS
              + "s).");
    } else if (heartbeatSeconds >= 1 && sessionTtlSeconds <= heartbeatSeconds) {
      problems.add(
          ENV_SESSION_TTL
              + "="
              + sessionTtlSeconds
              + "s must be greater than "
              + ENV_HEARTBEAT
              + "="
              + heartbeatSeconds
              + "s: a session would expire between two heartbeats. Set "
              + ENV_SESSION_TTL
              + " to at least "
              + Math.max(DEFAULT_SESSION_TTL_SECONDS, 3 * heartbeatSeconds)
              + "s or lower "
              + ENV_HEARTBEAT
              + ".");
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return this;
  }

  @Override
  public String toString() {
    return "ClusterSettings{clusterName="
        + clusterName
        + ", members="
        + members
        + ", host="
        + host
        + ", port="
        + port
        + ", cpMemberCount="
        + cpMemberCount
        + (unsafeMode() ? " (unsafe mode)" : "")
        + ", sessionTtlSeconds="
        + sessionTtlSeconds
        + ", heartbeatSeconds="
        + heartbeatSeconds
        + "}";
  }

  /** Returns why a join-list entry is unusable, or null when it is fine. */
  private static String memberProblem(String member) {
    if (member == null || member.isBlank()) {
      return "it is blank.";
    }
    String m = member.trim();
    String hostPart;
    String portPart = null;
    if (m.startsWith("[")) {
      int close = m.indexOf(']');
      if (close < 0) {
        return "the IPv6 address has no closing ']'.";
      }
      hostPart = m.substring(1, close);
      String rest = m.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          return "unexpected text after ']'.";
        }
        portPart = rest.substring(1);
      }
      if (!IPV6.matcher(hostPart).matches()) {
        return "'" + hostPart + "' is not an IPv6 address.";
      }
    } else if (m.indexOf(':') != m.lastIndexOf(':')) {
      hostPart = m; // a bare IPv6 literal
      if (!IPV6.matcher(hostPart).matches()) {
        return "'" + hostPart + "' is not an IPv6 address.";
      }
    } else {
      int colon = m.indexOf(':');
      hostPart = colon < 0 ? m : m.substring(0, colon);
      portPart = colon < 0 ? null : m.substring(colon + 1);
      if (!HOST_NAME.matcher(hostPart).matches()) {
        return "'" + hostPart + "' is not a host name or IP address.";
      }
    }
    if (portPart != null) {
      int p;
      try {
        p = Integer.parseInt(portPart);
      } catch (NumberFormatException e) {
        return "port '" + portPart + "' is not a number.";
      }
      if (p < 1 || p > 65535) {
        return "port " + p + " is outside 1-65535.";
      }
    }
    return null;
  }

  private static boolean isHost(String h) {
    return HOST_NAME.matcher(h).matches() || (h.contains(":") && IPV6.matcher(h).matches());
  }

  private static boolean isWildcard(String h) {
    return h.equals("0.0.0.0") || h.equals("::") || h.equals("0:0:0:0:0:0:0:0");
  }

  private static String quote(String s) {
    return s == null ? "<null>" : "'" + s + "'";
  }
}
