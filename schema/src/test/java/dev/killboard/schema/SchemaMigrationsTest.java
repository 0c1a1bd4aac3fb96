package dev.killboard.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class SchemaMigrationsTest {

  private static final List<String> ALL =
      List.of(
          "V1 universe and types",
          "V2 characters corporations alliances",
          "V3 killmails",
          "V4 users and worker state",
          "V5 concurrent region derivation",
          "V6 killmail hours",
          "V7 involvement without table scans",
          "V8 killmail scope days",
          "V9 entity job outbox");

  @Test
  void appliesEveryMigrationAsTheNonSuperuserAppRoleAndReRunningIsANoOp() throws SQLException {
    try (FreshDatabase db = FreshDatabase.create()) {
      try (Connection c = db.connect();
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT rolsuper, rolcreatedb FROM pg_roles WHERE rolname = current_user")) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("app role is superuser").isFalse();
        assertThat(rs.getBoolean(2)).as("app role may create databases").isFalse();
      }

      MigrationResult first = SchemaMigrations.migrate(db.jdbcUrl(), db.user(), db.password());
      assertThat(first.versionBefore()).isNull();
      assertThat(first.versionAfter()).isEqualTo(SchemaMigrations.LATEST_VERSION);
      assertThat(first.appliedMigrations()).containsExactlyElementsOf(ALL);

      List<String> historyBefore = history(db);
      assertThat(historyBefore).hasSize(ALL.size());

      MigrationResult second = SchemaMigrations.migrate(db.jdbcUrl(), db.user(), db.password());
      assertThat(second.upToDate()).isTrue();
      assertThat(second.versionBefore()).isEqualTo(SchemaMigrations.LATEST_VERSION);
      assertThat(second.versionAfter()).isEqualTo(SchemaMigrations.LATEST_VERSION);
      assertThat(history(db)).isEqualTo(historyBefore);

      try (Connection c = db.connect();
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT e.extname, r.rolname, r.rolsuper FROM pg_extension e"
                      + " JOIN pg_roles r ON r.oid = e.extowner WHERE e.extname = 'pg_trgm'")) {
        assertThat(rs.next()).as("pg_trgm installed").isTrue();
        assertThat(rs.getString(2)).as("pg_trgm created by the app role").isEqualTo(db.user());
        assertThat(rs.getBoolean(3)).isFalse();
      }
      try (Connection c = db.connect();
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                      + " AND tableowner <> current_user")) {
        rs.next();
        assertThat(rs.getInt(1)).as("tables not owned by the app role").isZero();
      }
    }
  }

  @Test
  void urlMayCarryTheCredentialsLikeTheEmbeddedServersAppJdbcUrl() throws SQLException {
    try (FreshDatabase db = FreshDatabase.create()) {
      String url =
          db.jdbcUrl()
              + "?user="
              + db.user()
              + "&password="
              + db.password()
              + "&ApplicationName=probe";
      MigrationResult result = SchemaMigrations.migrate(url, null, null);
      assertThat(result.migrationsExecuted()).isEqualTo(ALL.size());
      assertThat(history(db)).hasSize(ALL.size());
    }
  }

  @Test
  void concurrentStartsMigrateOnceAndAllSucceed() throws Exception {
    try (FreshDatabase db = FreshDatabase.create()) {
      int starters = 3;
      ExecutorService pool = Executors.newFixedThreadPool(starters);
      CountDownLatch go = new CountDownLatch(1);
      try {
        List<Future<MigrationResult>> results = new ArrayList<>();
        for (int i = 0; i < starters; i++) {
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    return SchemaMigrations.migrate(db.jdbcUrl(), db.user(), db.password());
                  }));
        }
        go.countDown();
        int applied = 0;
        for (Future<MigrationResult> f : results) {
          MigrationResult r = f.get(120, TimeUnit.SECONDS);
          assertThat(r.versionAfter()).isEqualTo(SchemaMigrations.LATEST_VERSION);
          applied += r.migrationsExecuted();
        }
        assertThat(applied).as("migrations applied across all starters").isEqualTo(ALL.size());
        assertThat(history(db)).hasSize(ALL.size());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void holdsAtMostOnePhysicalConnectionAtATime() {
    try (FreshDatabase db = FreshDatabase.create()) {
      PGSimpleDataSource target = new PGSimpleDataSource();
      target.setURL(db.jdbcUrl());
      target.setUser(db.user());
      target.setPassword(db.password());
      ConnectionCounter counter = new ConnectionCounter(target);

      SchemaMigrations.migrate(counter);
      assertThat(counter.opened.get()).as("connections opened").isGreaterThan(0);
      assertThat(counter.maxOpen.get()).as("connections open at once").isEqualTo(1);
      assertThat(counter.open.get()).as("connections left open").isZero();

      SchemaMigrations.migrate(counter);
      assertThat(counter.maxOpen.get()).isEqualTo(1);
      assertThat(counter.open.get()).isZero();
    }
  }

  @Test
  void wrongPasswordFailsWithAMessageThatDoesNotContainIt() {
    try (FreshDatabase db = FreshDatabase.create()) {
      String wrong = "Wr0ng-Pa55word-" + System.nanoTime();
      assertThatThrownBy(() -> SchemaMigrations.migrate(db.jdbcUrl(), db.user(), wrong))
          .isInstanceOf(SchemaMigrationException.class)
          .hasMessageContaining("password authentication failed")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong));
    }
  }

  @Test
  void latestVersionConstantMatchesTheNewestMigrationFile() throws IOException, URISyntaxException {
    URL dir = SchemaMigrations.class.getClassLoader().getResource("db/migration");
    assertThat(dir).isNotNull();
    Pattern name = Pattern.compile("V(\\d+)__[a-z0-9_]+\\.sql");
    List<Integer> versions = new ArrayList<>();
    try (Stream<Path> files = Files.list(Paths.get(dir.toURI()))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Matcher m = name.matcher(p.getFileName().toString());
        assertThat(m.matches()).as("migration file name %s", p.getFileName()).isTrue();
        versions.add(Integer.parseInt(m.group(1)));
      }
    }
    versions.sort(Comparator.naturalOrder());
    assertThat(versions)
        .as("versions are 1..n without gaps")
        .isEqualTo(IntStream.rangeClosed(1, versions.size()).boxed().toList());
    assertThat(String.valueOf(versions.get(versions.size() - 1)))
        .isEqualTo(SchemaMigrations.LATEST_VERSION);
    assertThat(versions).hasSize(ALL.size());
  }

  static List<String> history(FreshDatabase db) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT version, description, success FROM "
                    + SchemaMigrations.HISTORY_TABLE
                    + " ORDER BY installed_rank")) {
      while (rs.next()) {
        assertThat(rs.getBoolean(3)).as("migration %s succeeded", rs.getString(1)).isTrue();
        rows.add(rs.getString(1) + " " + rs.getString(2));
      }
    }
    return rows;
  }

  /**
   * A DataSource that counts the physical connections it hands out and how many are open at once.
   */
  static final class ConnectionCounter implements DataSource {
    final DataSource target;
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger maxOpen = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();

    ConnectionCounter(DataSource target) {
      this.target = target;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return track(target.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return track(target.getConnection(username, password));
    }

    private Connection track(Connection c) {
      opened.incrementAndGet();
      maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
      boolean[] closed = {false};
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> {
                if (method.getName().equals("close") && !closed[0]) {
                  closed[0] = true;
                  open.decrementAndGet();
                }
                try {
                  return method.invoke(c, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }

  @Test
  void killmailsStoredBeforeV8GetTheirDayTotalsWhenItApplies() throws Exception {
    try (FreshDatabase db = FreshDatabase.create()) {
      // A database at V7 with killmails in it, as a production database was before V8.
      org.flywaydb.core.Flyway.configure(SchemaMigrations.class.getClassLoader())
          .dataSource(db.jdbcUrl(), db.user(), db.password())
          .locations("classpath:db/migration")
          .table(SchemaMigrations.HISTORY_TABLE)
          .target("7")
          .load()
          .migrate();
      try (Connection c = db.connect()) {
        for (int i = 0; i < 12; i++) {
          Sql.killmail(
              c,
              7100 + i,
              java.time.Instant.parse("2025-03-01T10:00:00Z").plusSeconds(i * 9_000L),
              i % 2 == 0 ? 30000142 : 30000144);
          Sql.victim(c, 7100 + i, 90000001 + i % 3, 98000001, i % 4 == 0 ? 99000001 : null);
          Sql.attackers(c, 7100 + i, Sql.who(90000009, 98000002, 99000001));
        }
      }
      SchemaMigrations.migrate(db.jdbcUrl(), db.user(), db.password());
      try (Connection c = db.connect()) {
        String[][] scopes = {
          {"system", "killmails", "solar_system_id"},
          {"character", "character_killmails", "character_id"},
          {"corporation", "corporation_killmails", "corporation_id"},
          {"alliance", "alliance_killmails", "alliance_id"}
        };
        for (String[] scope : scopes) {
          assertThat(
                  Sql.rows(
                      c,
                      "SELECT scope_id, day, sum(n) FROM killmail_scope_days WHERE scope = ?"
                          + " GROUP BY 1, 2 ORDER BY 1, 2",
                      scope[0]))
              .as(scope[0])
              .isNotEmpty()
              .isEqualTo(
                  Sql.rows(
                      c,
                      "SELECT "
                          + scope[2]
                          + ", date_bin('1 day', killmail_time,"
                          + " timestamptz '2000-01-01Z'), count(*) FROM "
                          + scope[1]
                          + " GROUP BY 1, 2 ORDER BY 1, 2"));
        }
      }
    }
  }
}
