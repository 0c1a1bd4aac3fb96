package dev.killboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.api.config.ApiSettings;
import dev.killboard.api.support.ApiHarness;
import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Health, metrics, the introspection and GraphiQL switches, and configuration validation. */
@ClusterTest
class OperationsEndpointsTest {
  static ApiHarness api;

  @BeforeAll
  static void start() {
    api = ApiHarness.get();
  }

  private HttpResponse<String> get(String url) {
    return api.send(HttpRequest.newBuilder(URI.create(url)).GET().build());
  }

  @Test
  void liveAndReady() {
    assertThat(get(api.baseUrl() + "/health/live").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get(api.baseUrl() + "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    // Status only on the public port (issue 10, R2): the details are on the management port.
    assertThat(new JsonObject(ready.body())).isEqualTo(new JsonObject().put("status", "UP"));
  }

  @Test
  void metricsAreOffThePublicPortUnlessSwitchedOn() throws Exception {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("KILLBOARD_PUBLIC_METRICS_ENABLED", "");
    try (ApiHarness.Variant variant = api.deployVariant(defaults)) {
      HttpResponse<String> m = get(variant.baseUrl() + "/metrics");
      assertThat(m.statusCode()).isEqualTo(404);
      assertThat(m.body()).doesNotContain("killboard_");
    }
  }

  @Test
  void prometheusMetricsCoverHttpGraphqlAndPools() {
    api.data("{ races { name } }", null);
    HttpResponse<String> m = get(api.baseUrl() + "/metrics");
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(m.body())
        .contains("killboard_graphql_requests_seconds_count{outcome=\"ok\",type=\"query\"}")
        .contains("killboard_http_requests_seconds_count")
        .contains("route=\"/graphql\"");
    // The connection budget's meters (pool and permits), registered by shared-pool.
    assertThat(m.body()).containsPattern("(?m)^killboard_[a-z_]*(pool|permit)[a-z_]*\\{");
  }

  @Test
  void introspectionAndGraphiqlCanBeSwitchedOff() throws Exception {
    try (ApiHarness.Variant variant =
        api.deployVariant(
            Map.of(
                "KILLBOARD_INTROSPECTION_ENABLED",
                "false",
                "KILLBOARD_GRAPHIQL_ENABLED",
                "false"))) {
      JsonObject body = variant.graphql("{ __schema { queryType { name } } }", null, null);
      assertThat(
              body.getJsonArray("errors")
                  .getJsonObject(0)
                  .getJsonObject("extensions")
                  .getString("code"))
          .isEqualTo("INTROSPECTION_DISABLED");
      JsonObject ok = variant.graphql("{ races { __typename name } }", null, null);
      assertThat(ok.getJsonObject("data").getJsonArray("races")).isNotEmpty();
      assertThat(get(variant.baseUrl() + "/graphiql/").statusCode()).isEqualTo(404);
    }
    // The shared harness still answers introspection.
    assertThat(
            api.data("{ __schema { queryType { name } } }", null)
                .getJsonObject("__schema")
                .getJsonObject("queryType")
                .getString("name"))
        .isEqualTo("Query");
  }

  @Test
  void badConfigurationFailsTheStartNamingTheSetting() throws Exception {
    Map<String, Object> env = api.env(ApiHarness.freePort());
    env.put("KILLBOARD_MAX_PAGE_SIZE", "lots");
    Throwable failure =
        api.vertx
            .deployVerticle(
                ApiVerticle.class.getName(),
                new DeploymentOptions().setConfig(new JsonObject().put("env", new JsonObject(env))))
            .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
            .await(30, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(ConfigurationException.class);
    assertThat(failure.getMessage()).contains("KILLBOARD_MAX_PAGE_SIZE", "lots");

    assertThatThrownBy(() -> Env.read(Map.of("KILLBOARD_HTTP_PORT", "70000"), ApiSettings::from))
        .hasMessageContaining("KILLBOARD_HTTP_PORT")
        .hasMessageContaining("from 0 to 65535");
    assertThatThrownBy(
            () ->
                Env.read(
                    Map.of("KILLBOARD_SSO_CLIENT_ID", "abc", "KILLBOARD_SSO_CLIENT_SECRET", "s"),
                    ApiSettings::from))
        .hasMessageContaining("KILLBOARD_TOKEN_KEY")
        .hasMessageContaining("openssl rand -base64 32");
    assertThatThrownBy(
            () ->
                Env.read(
                    Map.of(
                        "KILLBOARD_SSO_CLIENT_ID",
                        "abc",
                        "KILLBOARD_SSO_CLIENT_SECRET",
                        "s",
                        "KILLBOARD_TOKEN_KEY",
                        "c2hvcnQ="),
                    ApiSettings::from))
        .hasMessageContaining("KILLBOARD_TOKEN_KEY decodes to 5 bytes");
    assertThatThrownBy(() -> Env.read(Map.of("KILLBOARD_SSO_CLIENT_ID", "abc"), ApiSettings::from))
        .hasMessageContaining("KILLBOARD_SSO_CLIENT_SECRET");
    assertThatThrownBy(
            () -> Env.read(Map.of("KILLBOARD_CORS_ORIGINS", "not a url"), ApiSettings::from))
        .hasMessageContaining("KILLBOARD_CORS_ORIGINS");
    assertThatThrownBy(
            () ->
                Env.read(
                    Map.of(
                        "KILLBOARD_REQUEST_TIMEOUT_MS",
                        "1000",
                        "KILLBOARD_API_STATEMENT_TIMEOUT_MS",
                        "5000"),
                    ApiSettings::from))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KILLBOARD_REQUEST_TIMEOUT=1s is shorter");
    assertThatThrownBy(
            () -> Env.read(Map.of("KILLBOARD_GRAPHIQL_ENABLED", "maybe"), ApiSettings::from))
        .hasMessageContaining("KILLBOARD_GRAPHIQL_ENABLED")
        .hasMessageContaining("true or false");
    // The SSO settings feed upstream-clients' UpstreamSettings; its findings come back as the API's
    // config error.
    assertThatThrownBy(
            () -> Env.read(Map.of("KILLBOARD_USER_AGENT", "Killboard/0.1"), ApiSettings::from))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KILLBOARD_USER_AGENT='Killboard/0.1' names no contact");
    ApiSettings defaults = Env.read(Map.of(), ApiSettings::from);
    assertThat(defaults.httpPort()).isEqualTo(8080);
    assertThat(defaults.sso().loginEnabled()).isFalse();
    assertThat(defaults.sso().upstream().ssoTokenUrl())
        .isEqualTo("https://login.eveonline.com/v2/oauth/token");
    assertThat(defaults.sso().upstream().ssoJwksRefresh()).hasSeconds(3600);
    assertThat(defaults.toString()).doesNotContain("secret");
  }
}
