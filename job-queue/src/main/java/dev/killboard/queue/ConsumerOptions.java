package dev.killboard.queue;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Options of one {@link JobConsumer}: how many jobs it runs at once and the name it has in the
 * consumer group.
 */
public final class ConsumerOptions {

  /**
   * Upper bound of {@link #concurrency(int)}: more in flight per consumer belongs in more
   * consumers.
   */
  public static final int MAX_CONCURRENCY = 1000;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:\\-]{1,100}");

  private int concurrency = 1;
  private String name;

  /** Defaults: one job in flight, a generated unique name. */
  public ConsumerOptions() {}

  /** Jobs handled at the same time by this consumer (default 1). */
  public int concurrency() {
    return concurrency;
  }

  /** Sets the jobs handled at the same time, 1 to {@value #MAX_CONCURRENCY}. */
  public ConsumerOptions concurrency(int concurrency) {
    this.concurrency = concurrency;
    return this;
  }

  /** The consumer's name in the group, or null for a generated one ({@code host-pid-random}). */
  public String name() {
    return name;
  }

  /**
   * Sets the consumer name; it must be unique among live consumers (a restarted process should take
   * a new one).
   */
  public ConsumerOptions name(String name) {
    this.name = name;
    return this;
  }

  /** Throws an {@link IllegalArgumentException} naming the bad option. */
  ConsumerOptions validate() {
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new IllegalArgumentException(
          "ConsumerOptions.concurrency must be between 1 and "
              + MAX_CONCURRENCY
              + " (was "
              + concurrency
              + "): set how many jobs one consumer handles at the same time");
    }
    if (name != null && !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "ConsumerOptions.name '"
              + name
              + "' is invalid: use 1 to 100 characters"
              + " from A-Z a-z 0-9 _ . : -, or leave it unset for a generated name");
    }
    return this;
  }

  String nameOrGenerated() {
    return name != null ? name : generatedName();
  }

  static String generatedName() {
    // HOSTNAME instead of InetAddress.getLocalHost(): a DNS lookup could block the event loop that
    // creates consumers.
    String host = System.getenv("HOSTNAME");
    host = host == null ? "" : host.replaceAll("[^A-Za-z0-9_.\\-]", "");
    if (host.isEmpty()) {
      host = "host";
    }
    if (host.length() > 40) {
      host = host.substring(0, 40);
    }
    return host
        + "-"
        + ProcessHandle.current().pid()
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }
}
