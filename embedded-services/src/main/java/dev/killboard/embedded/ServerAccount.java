package dev.killboard.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The OS account PostgreSQL runs under: initdb and postgres refuse to run as root, so when this JVM
 * is root the server commands are run as an unprivileged user (default {@code nobody}, see {@link
 * #USER_PROPERTY}).
 */
final class ServerAccount {

  /**
   * System property (or env var {@code KILLBOARD_EMBEDDED_PG_USER}) naming the account used when
   * running as root.
   */
  static final String USER_PROPERTY = "killboard.embedded.pg.user";

  private static final String FALLBACK_USER = "killboard-pg";

  private final List<String> prefix;
  private final Integer uid;
  private final Integer gid;

  private ServerAccount(List<String> prefix, Integer uid, Integer gid) {
    this.prefix = List.copyOf(prefix);
    this.uid = uid;
    this.gid = gid;
  }

  private static volatile ServerAccount current;

  /** The account for this JVM, resolved once. */
  static ServerAccount current() {
    ServerAccount account = current;
    if (account == null) {
      synchronized (ServerAccount.class) {
        if (current == null) {
          current = resolve();
        }
        account = current;
      }
    }
    return account;
  }

  private static ServerAccount resolve() {
    if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
      return new ServerAccount(List.of(), null, null);
    }
    String configured =
        System.getProperty(USER_PROPERTY, System.getenv("KILLBOARD_EMBEDDED_PG_USER"));
    String user = configured != null && !configured.isBlank() ? configured.trim() : "nobody";
    Integer uid = idOf(user, "-u");
    if (uid == null && configured == null) {
      user = FALLBACK_USER;
      uid = idOf(user, "-u");
      if (uid == null) {
        run(
            List.of(
                "useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user));
        uid = idOf(user, "-u");
      }
    }
    if (uid == null || uid == 0) {
      throw new IllegalStateException(
          "Embedded PostgreSQL cannot run as root and the account '"
              + user
              + "' is missing or is root; set -D"
              + USER_PROPERTY
              + "=<an unprivileged user>");
    }
    Integer gid = idOf(user, "-g");
    // setpriv and runuser exec the server in place, so pg_ctl and the postmaster become that user
    // directly.
    List<List<String>> candidates =
        List.of(
            List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"),
            List.of("runuser", "-u", user, "--"));
    for (List<String> candidate : candidates) {
      List<String> probe = new ArrayList<>(candidate);
      probe.addAll(List.of("id", "-u"));
      if (String.valueOf(uid).equals(run(probe))) {
        return new ServerAccount(candidate, uid, gid);
      }
    }
    throw new IllegalStateException(
        "Embedded PostgreSQL runs as root here but neither 'setpriv' nor 'runuser' "
            + "(util-linux) can switch to user '"
            + user
            + "'; install util-linux or run the build as a non-root user");
  }

  /** The command prefixed so that it runs as the server account. */
  List<String> command(List<String> command) {
    List<String> full = new ArrayList<>(prefix);
    full.addAll(command);
    return full;
  }

  /** Whether files must be handed over to another account. */
  boolean switchesUser() {
    return uid != null;
  }

  /**
   * Gives the path (recursively) to the server account, so the server can own its data directory.
   */
  void own(Path path) throws IOException {
    if (uid == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Files.setAttribute(p, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  @Override
  public String toString() {
    return uid == null ? "current user" : "uid " + uid + " via " + prefix.get(0);
  }

  private static Integer idOf(String user, String flag) {
    String out = run(List.of("id", flag, user));
    try {
      return out == null ? null : Integer.valueOf(out);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Runs a short command, returning its trimmed first output line, or null when it failed. */
  private static String run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String out =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return null;
      }
      return process.exitValue() == 0 ? out.lines().findFirst().orElse("") : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
