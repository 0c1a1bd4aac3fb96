package dev.killboard.embedded;

/**
 * One database and one Redis per JVM, started on first use and stopped by a shutdown hook; tests
 * share them for speed. Tests that restart, terminate or limit connections should start their own
 * instances instead.
 */
public final class SharedServices {

  private static EmbeddedDatabase database;
  private static EmbeddedRedis redis;
  private static boolean hookInstalled;

  private SharedServices() {}

  /** The shared production-like PostgreSQL (default {@link EmbeddedDatabase.Options}). */
  public static synchronized EmbeddedDatabase database() {
    if (database == null) {
      database = EmbeddedDatabase.start();
      installHook();
    }
    return database;
  }

  /** The shared non-persistent Redis. */
  public static synchronized EmbeddedRedis redis() {
    if (redis == null) {
      redis = EmbeddedRedis.start();
      installHook();
    }
    return redis;
  }

  private static void installHook() {
    if (!hookInstalled) {
      hookInstalled = true;
      Runtime.getRuntime()
          .addShutdownHook(new Thread(SharedServices::stopAll, "shared-services-stop"));
    }
  }

  // Not synchronized: a test thread may hold the lock while the JVM exits; each close is itself
  // idempotent.
  private static void stopAll() {
    EmbeddedDatabase db = database;
    EmbeddedRedis r = redis;
    if (db != null) {
      db.close();
    }
    if (r != null) {
      r.close();
    }
  }
}
