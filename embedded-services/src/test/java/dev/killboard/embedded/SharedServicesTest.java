package dev.killboard.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class SharedServicesTest {

  @Test
  void oneDatabaseAndOneRedisPerJvm() throws SQLException, IOException {
    assertThat(SharedServices.database()).isSameAs(SharedServices.database());
    assertThat(SharedServices.redis()).isSameAs(SharedServices.redis());
    try (Connection c = DriverManager.getConnection(SharedServices.database().appJdbcUrl());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_user")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("killboard");
    }
    try (RespClient client = new RespClient(SharedServices.redis().port())) {
      assertThat(client.call("PING")).isEqualTo("PONG");
    }
  }
}
