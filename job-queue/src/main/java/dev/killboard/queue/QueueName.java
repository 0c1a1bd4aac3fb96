package dev.killboard.queue;

import java.util.regex.Pattern;

/** The form of a queue name; which queues an application uses is not this module's business. */
public final class QueueName {
  // Braces are excluded: they would change the Redis Cluster hash tag of the queue's keys.
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.\\-]{1,100}");

  private QueueName() {}

  /**
   * Returns {@code name} if it can be used as a queue name.
   *
   * @throws IllegalArgumentException naming the rule when it cannot
   */
  public static String requireValid(String name) {
    if (name == null || !VALID.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "queue name "
              + (name == null ? "null" : "'" + abbreviate(name) + "'")
              + " is invalid: use 1 to 100 characters from A-Z a-z 0-9 _ . - (for example esi_character_info_queue)");
    }
    return name;
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }
}
