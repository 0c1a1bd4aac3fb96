package dev.killboard.cluster;

import dev.killboard.config.Env;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Test fixtures: isolated cluster settings (random name, free loopback ports) and deadline polling.
 */
final class TestClusters {

  private TestClusters() {}

  /**
   * Free loopback ports, held open together so they are distinct, then released for Hazelcast to
   * bind.
   */
  static List<Integer> freePorts(int n) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        sockets.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  /** A random cluster name: parallel test runs never join each other. */
  static String randomClusterName() {
    return "kb-test-" + UUID.randomUUID();
  }

  /**
   * Settings for member {@code index} of a cluster with {@code cpMembers} CP members whose members
   * listen on {@code ports}.
   */
  static ClusterSettings member(String clusterName, List<Integer> ports, int index, int cpMembers) {
    return Env.read(
        Map.of(
            ClusterSettings.ENV_CLUSTER_NAME,
            clusterName,
            ClusterSettings.ENV_MEMBERS,
            ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")),
            ClusterSettings.ENV_PORT,
            Integer.toString(ports.get(index)),
            ClusterSettings.ENV_CP_MEMBERS,
            Integer.toString(cpMembers)),
        ClusterSettings::from);
  }
}
