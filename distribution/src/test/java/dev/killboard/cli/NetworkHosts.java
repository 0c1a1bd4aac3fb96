package dev.killboard.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Hosts for a test: Linux network namespaces of their own on one bridge, each with its own address,
 * and the bridge's address in the root namespace (the "services" address where PostgreSQL, Redis
 * and the fake upstreams listen).
 *
 * <p>Names carry this JVM's pid ({@code killboard-<pid>-<n>-h<i>}, interfaces {@code
 * kb<pid>n<n>…}), so parallel runs cannot clash, and whatever a crashed run left behind (its pid no
 * longer alive) is removed on the next creation.
 *
 * <p>{@link #partition(Collection)} cuts hosts from each other Jepsen-style: packets between the
 * minority and the majority are dropped silently (blackhole routes inside both sides' namespaces),
 * in both directions. Every host keeps reaching the services address: the minority still reaches
 * PostgreSQL, so what keeps the cap is the connection budget, not the network. The root namespace
 * (this JVM) reaches every host throughout.
 *
 * <p>Creating namespaces needs root and iproute2; where that fails the test is skipped (a JUnit
 * assumption) with a message that names what is missing.
 */
final class NetworkHosts implements AutoCloseable {
  private static final String NAMESPACE_PREFIX = "killboard-";
  private static final Pattern OWN_NAMESPACE = Pattern.compile("killboard-(\\d+)-\\d+-h\\d+");
  private static final Pattern OWN_LINK = Pattern.compile("\\d+: (kb(\\d+)n\\d+([hp]\\d+)?)[@:]");
  private static final AtomicInteger CREATED = new AtomicInteger();

  /** One host: its namespace and its address on the bridge. */
  record Host(int index, String namespace, String address) {
    @Override
    public String toString() {
      return "host " + index + " (" + address + ", netns " + namespace + ")";
    }
  }

  private final long pid = ProcessHandle.current().pid();
  private final int seq = CREATED.incrementAndGet();
  private final String bridge = "kb" + pid + "n" + seq;
  private final List<Host> hosts = new ArrayList<>();
  private final List<String> cuts = new ArrayList<>();
  private String prefix;

  private NetworkHosts() {}

  /** Creates {@code count} hosts (at most 9); skips the calling test where this machine cannot. */
  static NetworkHosts create(int count) {
    if (count < 1 || count > 9) {
      throw new IllegalArgumentException("1 to 9 hosts, not " + count);
    }
    String unavailable = unavailable();
    Assumptions.assumeTrue(
        unavailable == null, () -> "network namespaces cannot be created here: " + unavailable);
    removeLeftovers();
    NetworkHosts net = new NetworkHosts();
    try {
      net.build(count);
      return net;
    } catch (IOException | RuntimeException e) {
      net.close();
      // Permissions can differ per operation (a container without CAP_NET_ADMIN for veth or
      // bridges): skip, saying so.
      Assumptions.abort("network namespaces cannot be created here: " + e.getMessage());
      throw new AssertionError("unreachable");
    }
  }

  /**
   * Why namespaces cannot be created, or null: not root, no {@code ip}, or {@code ip netns add}
   * refused.
   */
  private static String unavailable() {
    try {
      Result version = run(List.of("ip", "-V"));
      if (version.status != 0) {
        return "`ip -V` failed (install iproute2): " + version.output;
      }
    } catch (IOException e) {
      return "no `ip` command (install iproute2): " + e.getMessage();
    }
    String probe = NAMESPACE_PREFIX + ProcessHandle.current().pid() + "-0-h0";
    try {
      Result add = run(List.of("ip", "netns", "add", probe));
      if (add.status != 0) {
        return "`ip netns add` failed (needs root / CAP_SYS_ADMIN and CAP_NET_ADMIN): "
            + add.output.strip();
      }
      run(List.of("ip", "netns", "del", probe));
      return null;
    } catch (IOException e) {
      return "`ip netns add` failed: " + e.getMessage();
    }
  }

  private void build(int count) throws IOException {
    prefix = freeSubnetPrefix();
    ip("link", "add", bridge, "type", "bridge");
    ip("addr", "add", servicesAddress() + "/24", "dev", bridge);
    ip("link", "set", bridge, "up");
    for (int i = 1; i <= count; i++) {
      Host host = new Host(i, NAMESPACE_PREFIX + pid + "-" + seq + "-h" + i, prefix + (10 + i));
      String outside = bridge + "h" + i;
      String inside = bridge + "p" + i;
      ip("netns", "add", host.namespace());
      hosts.add(host);
      ip("link", "add", outside, "type", "veth", "peer", "name", inside);
      ip("link", "set", inside, "netns", host.namespace());
      ip("link", "set", outside, "master", bridge, "up");
      ip("-n", host.namespace(), "link", "set", inside, "name", "eth0");
      ip("-n", host.namespace(), "addr", "add", host.address() + "/24", "dev", "eth0");
      ip("-n", host.namespace(), "link", "set", "eth0", "up");
      ip("-n", host.namespace(), "link", "set", "lo", "up");
    }
  }

  /**
   * A /24 in 10.213.0.0/16 that no interface of this machine uses yet (parallel runs each get their
   * own).
   */
  private String freeSubnetPrefix() throws IOException {
    String addresses = run(List.of("ip", "-4", "-o", "addr", "show")).output;
    for (int i = 0; i < 250; i++) {
      String candidate = "10.213." + ((pid + seq + i) % 250 + 1) + ".";
      if (!addresses.contains(" " + candidate)) {
        return candidate;
      }
    }
    throw new IOException("no free /24 in 10.213.0.0/16");
  }

  List<Host> hosts() {
    return List.copyOf(hosts);
  }

  Host host(int index) {
    return hosts.get(index - 1);
  }

  /**
   * The bridge's address in the root namespace, reachable from every host: where the services
   * listen.
   */
  String servicesAddress() {
    return prefix + "1";
  }

  /** The hosts' subnet as a CIDR, e.g. {@code 10.213.7.0/24}. */
  String subnet() {
    return prefix + "0/24";
  }

  /**
   * {@code command} run inside {@code host}'s namespace; the child keeps the environment it is
   * given.
   */
  List<String> inside(Host host, List<String> command) {
    List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace()));
    out.addAll(command);
    return out;
  }

  /**
   * Cuts {@code minority} from every other host, both ways (packets dropped silently); the services
   * address stays reachable from all. Hosts inside the minority still reach each other.
   */
  synchronized void partition(Collection<Host> minority) throws IOException {
    Set<Host> cut = Set.copyOf(minority);
    for (Host a : cut) {
      for (Host b : hosts) {
        if (!cut.contains(b)) {
          blackhole(a, b);
          blackhole(b, a);
        }
      }
    }
  }

  private void blackhole(Host on, Host to) throws IOException {
    ip("-n", on.namespace(), "route", "add", "blackhole", to.address() + "/32");
    cuts.add(on.namespace() + " " + to.address());
  }

  /** Removes every cut: all hosts reach each other again. */
  synchronized void heal() throws IOException {
    for (String cut : List.copyOf(cuts)) {
      String[] parts = cut.split(" ");
      ip("-n", parts[0], "route", "del", "blackhole", parts[1] + "/32");
      cuts.remove(cut);
    }
  }

  /**
   * Ends whatever still runs inside the hosts (SIGKILL), then deletes the namespaces and the
   * bridge.
   */
  @Override
  public void close() {
    for (Host host : hosts) {
      deleteNamespace(host.namespace());
    }
    // Deleting a namespace deletes its veth end, and with it the pair; the bridge goes explicitly.
    quietly("link", "del", bridge);
  }

  /**
   * Namespaces and interfaces of earlier runs whose JVM is gone (killed before it could clean up).
   */
  private static void removeLeftovers() {
    try {
      for (String line : run(List.of("ip", "netns", "list")).output.split("\n")) {
        String name = line.split(" ")[0].trim();
        Matcher m = OWN_NAMESPACE.matcher(name);
        if (m.matches() && !alive(Long.parseLong(m.group(1)))) {
          deleteNamespace(name);
        }
      }
      for (String line : run(List.of("ip", "-o", "link", "show")).output.split("\n")) {
        Matcher m = OWN_LINK.matcher(line);
        if (m.find() && !alive(Long.parseLong(m.group(2)))) {
          quietly("link", "del", m.group(1));
        }
      }
    } catch (IOException e) {
      // Leftovers only cost addresses; a fresh subnet is chosen anyway.
    }
  }

  /**
   * A namespace lives on while a process uses it: its processes are killed first (a crashed run's
   * JVMs too).
   */
  private static void deleteNamespace(String name) {
    try {
      for (String pid : run(List.of("ip", "netns", "pids", name)).output.split("\\s+")) {
        if (pid.matches("\\d+")) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    } catch (IOException e) {
      // deleted below regardless
    }
    quietly("netns", "del", name);
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static void ip(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Result r = run(command);
    if (r.status != 0) {
      throw new IOException(
          "`" + String.join(" ", command) + "` failed (" + r.status + "): " + r.output.strip());
    }
  }

  private static void quietly(String... args) {
    try {
      List<String> command = new ArrayList<>(List.of("ip"));
      command.addAll(List.of(args));
      run(command);
    } catch (IOException e) {
      // best effort: a later run removes what is left
    }
  }

  private record Result(int status, String output) {}

  private static Result run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("`" + String.join(" ", command) + "` did not finish within 30 s");
      }
      return new Result(p.exitValue(), out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }
}
