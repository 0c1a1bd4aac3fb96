package dev.killboard.bench.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives {@code clients} concurrent closed-loop HTTP clients (each sends its next request when the
 * previous answer arrived) over keep-alive connections: a warm-up that is not recorded, then a
 * measured window. Everything runs on the client Vert.x instance's event loop, so the counters need
 * no locks.
 */
final class HttpLoad {
  private final Vertx vertx;
  private final WebClient client;
  private final String host;
  private final int port;

  HttpLoad(Vertx vertx, WebClient client, String host, int port) {
    this.vertx = vertx;
    this.client = client;
    this.host = host;
    this.port = port;
  }

  /** Runs {@code scenario}; completes after the measured window with what it measured. */
  Future<LoadResult> run(
      ApiScenario scenario, int clients, long warmupMillis, long measureMillis, long seed) {
    Promise<LoadResult> done = Promise.promise();
    // Run on one event loop context: every callback below touches the same counters.
    vertx.runOnContext(
        v -> {
          Run run = new Run(scenario, clients, warmupMillis, measureMillis);
          // CPU is read on this (the load generator's) thread at the window's edges; see CpuUse.
          vertx.setTimer(Math.max(1, warmupMillis), id -> run.cpuAtStart = CpuUse.now());
          vertx.setTimer(warmupMillis + measureMillis, id -> run.cpuAtEnd = CpuUse.now());
          for (int c = 0; c < clients; c++) {
            SplittableRandom random = new SplittableRandom(seed * 1_000 + c);
            run.next(random);
          }
          run.finished.future().onComplete(done);
        });
    return done.future();
  }

  private final class Run {
    final ApiScenario scenario;
    final int clients;
    final long measureStart;
    final long measureEnd;
    final Latencies latencies = new Latencies();
    final AtomicInteger active = new AtomicInteger();
    final Promise<LoadResult> finished = Promise.promise();
    long completed;
    long errors;
    String firstError;
    CpuUse cpuAtStart;
    CpuUse cpuAtEnd;

    Run(ApiScenario scenario, int clients, long warmupMillis, long measureMillis) {
      this.scenario = scenario;
      this.clients = clients;
      long now = System.nanoTime();
      this.measureStart = now + warmupMillis * 1_000_000L;
      this.measureEnd = measureStart + measureMillis * 1_000_000L;
    }

    void next(SplittableRandom random) {
      long start = System.nanoTime();
      if (start >= measureEnd) {
        if (active.get() == 0 && !finished.future().isComplete()) {
          finish();
        }
        return;
      }
      active.incrementAndGet();
      Buffer body = Buffer.buffer(scenario.body().apply(random));
      client
          .post(port, host, "/graphql")
          .putHeader("Content-Type", "application/json")
          .putHeader("Accept", "application/json")
          .timeout(30_000)
          .sendBuffer(body)
          .onComplete(
              ar -> {
                long end = System.nanoTime();
                active.decrementAndGet();
                // Completions inside the window count (closed loop: throughput = answers per second
                // of the window).
                if (end >= measureStart && end <= measureEnd) {
                  completed++;
                  latencies.add(end - start);
                  String problem = ar.failed() ? ar.cause().toString() : problem(ar.result());
                  if (problem != null) {
                    errors++;
                    if (firstError == null) {
                      firstError = problem;
                    }
                  }
                }
                next(random);
              });
    }

    private String problem(HttpResponse<Buffer> response) {
      String text = response.bodyAsString();
      if (response.statusCode() != 200) {
        return "HTTP " + response.statusCode() + ": " + abbreviate(text);
      }
      if (text == null || !scenario.goodAnswer().test(text)) {
        return "unexpected answer: " + abbreviate(text);
      }
      return null;
    }

    private void finish() {
      long[] sorted = latencies.sorted();
      double seconds = (measureEnd - measureStart) / 1e9;
      double[] cpu =
          cpuAtStart == null || cpuAtEnd == null
              ? new double[] {Double.NaN, Double.NaN}
              : cpuAtEnd.perRequestMillis(cpuAtStart, completed);
      finished.complete(
          new LoadResult(
              scenario.name(),
              clients,
              completed,
              errors,
              seconds,
              Latencies.percentileMillis(sorted, 50),
              Latencies.percentileMillis(sorted, 99),
              Latencies.percentileMillis(sorted, 100),
              firstError,
              cpu[0],
              cpu[1]));
    }
  }

  static String abbreviate(String text) {
    if (text == null) {
      return "(no body)";
    }
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }
}
