package dev.killboard.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that query the API one request after the other while a chaos run goes on, counting
 * answers and failures.
 */
final class ApiLoad implements AutoCloseable {
  private static final String QUERY =
      "{\"query\":\"{ killmails(filter: {limit: 10}) { edges { node { id totalValue } }"
          + " pageInfo { totalCount } } }\"}";

  private final List<Thread> clients = new ArrayList<>();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final List<Long> latencies = new ArrayList<>();
  private volatile boolean running = true;

  private ApiLoad(String url, int clientCount) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(20))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(QUERY))
            .build();
    for (int i = 0; i < clientCount; i++) {
      Thread t =
          new Thread(
              () -> {
                while (running) {
                  try {
                    long sent = System.nanoTime();
                    HttpResponse<String> r =
                        http.send(request, HttpResponse.BodyHandlers.ofString());
                    synchronized (latencies) {
                      latencies.add(System.nanoTime() - sent);
                    }
                    (r.statusCode() == 200 && !r.body().contains("\"errors\"") ? ok : errors)
                        .incrementAndGet();
                  } catch (InterruptedException e) {
                    return;
                  } catch (Exception e) {
                    errors.incrementAndGet();
                  }
                }
              },
              "api-load-" + i);
      t.setDaemon(true);
      t.start();
      clients.add(t);
    }
  }

  static ApiLoad start(String url, int clients) {
    return new ApiLoad(url, clients);
  }

  /**
   * The 99th percentile of the latencies since the last call, in ms (0 without requests), and
   * starts a new window.
   */
  double p99AndReset() {
    List<Long> window;
    synchronized (latencies) {
      window = new ArrayList<>(latencies);
      latencies.clear();
    }
    if (window.isEmpty()) {
      return 0;
    }
    window.sort(null);
    return window.get(Math.min(window.size() - 1, (int) Math.ceil(window.size() * 0.99) - 1)) / 1e6;
  }

  long ok() {
    return ok.get();
  }

  long errors() {
    return errors.get();
  }

  void stop() throws InterruptedException {
    running = false;
    for (Thread t : clients) {
      t.join(30_000);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
