package dev.killboard.cli.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One process of a topology: the verticle it runs ({@code api}, {@code worker:<name>} or a class),
 * its number of verticle instances ({@code -instances}), its own environment and its host (empty or
 * {@code localhost}: this host).
 */
public record TopologyProcess(
    String name, String verticle, int instances, Map<String, String> env, String host) {

  /** The verticle of the GraphQL API. */
  public static final String API = "api";

  /** The prefix of worker verticles, {@code worker:<name>}. */
  public static final String WORKER_PREFIX = "worker:";

  public TopologyProcess {
    // In file order: printed commands list the variables as the file does.
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    host = host == null ? "" : host.trim();
  }

  /** Started by {@code topology up} on this host; other hosts get the command printed. */
  public boolean isLocal() {
    String h = host.toLowerCase(Locale.ROOT);
    return h.isEmpty() || h.equals("localhost") || h.equals("127.0.0.1") || h.equals("::1");
  }

  /** The host name as messages show it. */
  public String hostLabel() {
    return isLocal() ? "localhost" : host;
  }

  public boolean isApi() {
    return verticle.equals(API) || verticle.equals("dev.killboard.api.ApiVerticle");
  }

  public boolean isWorker() {
    return verticle.startsWith(WORKER_PREFIX);
  }

  /** The worker or group name of a {@code worker:<name>} verticle. */
  public String workerName() {
    return verticle.substring(WORKER_PREFIX.length());
  }

  /** The arguments of {@code bin/killboard} that start this process. */
  public List<String> runArguments() {
    return List.of("run", verticle, "-instances", Integer.toString(instances));
  }

  public TopologyProcess withInstances(int n) {
    return new TopologyProcess(name, verticle, n, env, host);
  }
}
