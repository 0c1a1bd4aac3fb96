package dev.killboard.cli;

import com.hazelcast.core.HazelcastInstance;
import dev.killboard.budget.BudgetStatus;
import dev.killboard.contracts.QueueNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * What a chaos run looked like, second by second: PostgreSQL connections per budget class, permits
 * in use and available per class, jobs done per second and the API's p99, with the faults marked.
 * Written as a self-contained HTML page with inline SVG charts (no script, no build step).
 */
final class ChaosTimeline implements AutoCloseable {

  /** One second of the run. */
  record Sample(
      double t,
      int apiConnections,
      int workerConnections,
      int apiInUse,
      int apiAvailable,
      int workerInUse,
      int workerAvailable,
      double jobsPerSecond,
      double apiP99Millis) {}

  /** A fault, at its time. */
  record Mark(double t, String label) {}

  private final SuperuserSession session;
  private final HazelcastInstance client;
  private final JobProducer producer;
  private final ApiLoad load;
  private final long start = System.nanoTime();
  private final List<Sample> samples = new ArrayList<>();
  private final List<Mark> marks = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  private ChaosTimeline(
      SuperuserSession session, HazelcastInstance client, JobProducer producer, ApiLoad load) {
    this.session = session;
    this.client = client;
    this.producer = producer;
    this.load = load;
    this.thread = new Thread(this::loop, "chaos-timeline");
    thread.setDaemon(true);
    thread.start();
  }

  static ChaosTimeline start(
      SuperuserSession session, HazelcastInstance client, JobProducer producer, ApiLoad load) {
    return new ChaosTimeline(session, client, producer, load);
  }

  /** Marks a fault now. */
  synchronized void mark(String label) {
    marks.add(new Mark(now(), label));
    System.out.printf("chaos: %6.1f s  %s%n", now(), label);
  }

  private double now() {
    return (System.nanoTime() - start) / 1e9;
  }

  private void loop() {
    long lastDone = -1;
    double lastT = 0;
    while (running) {
      try {
        Thread.sleep(1_000);
        int[] byClass;
        try {
          byClass = session.appConnectionsByClass();
        } catch (java.sql.SQLException e) {
          // PostgreSQL is down (an outage or a restart under way): nothing is connected to it this
          // second.
          byClass = new int[] {0, 0};
        }
        BudgetStatus status = BudgetStatusCommand.read(client);
        long done =
            producer.done(List.of(QueueNames.ESI_CHARACTER_INFO, QueueNames.ESI_CORPORATION_INFO));
        double t = now();
        double rate = lastDone < 0 ? 0 : (done - lastDone) / (t - lastT);
        lastDone = done;
        lastT = t;
        BudgetStatus.ClassStatus api = status.classes().get("api");
        BudgetStatus.ClassStatus worker = status.classes().get("worker");
        synchronized (this) {
          samples.add(
              new Sample(
                  t,
                  byClass[0],
                  byClass[1],
                  api.inUse(),
                  api.available(),
                  worker.inUse(),
                  worker.available(),
                  Math.max(0, rate),
                  load.p99AndReset()));
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        // A fault in progress (PostgreSQL or the CP group unreachable): that second has no sample.
      }
    }
  }

  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  /** Writes the page: one chart per measure, faults as vertical lines with their labels. */
  synchronized void writeHtml(
      Path file, String title, List<String> summary, List<String> header, List<List<String>> rows)
      throws IOException {
    StringBuilder html =
        new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
            .append(title)
            .append(
                "</title><style>body{font:14px sans-serif;margin:2em;max-width:1000px}svg{background:#fafafa;"
                    + "border:1px solid #ddd}h2{font-size:16px;margin:1.5em 0 .3em}.k{display:inline-block;width:1em;height:.5em;"
                    + "margin:0 .3em 0 1em}</style></head><body><h1>")
            .append(title)
            .append("</h1><ul>");
    summary.forEach(line -> html.append("<li>").append(escape(line)).append("</li>"));
    html.append("</ul><table style=\"border-collapse:collapse\"><tr>");
    header.forEach(
        h ->
            html.append(
                    "<th style=\"text-align:left;padding:2px 8px;border-bottom:1px solid #999\">")
                .append(escape(h))
                .append("</th>"));
    html.append("</tr>");
    for (List<String> row : rows) {
      html.append("<tr>");
      row.forEach(
          c ->
              html.append("<td style=\"padding:2px 8px;border-bottom:1px solid #eee\">")
                  .append(escape(c))
                  .append("</td>"));
      html.append("</tr>");
    }
    html.append("</table>");
    chart(
        html,
        "PostgreSQL connections per class (cap 21)",
        22,
        List.of(
            new Series("api", "#1f77b4", Sample::apiConnections),
            new Series("worker", "#ff7f0e", Sample::workerConnections),
            new Series("total", "#333", s -> s.apiConnections() + s.workerConnections())));
    chart(
        html,
        "Permits in use / available per class",
        17,
        List.of(
            new Series("api in use", "#1f77b4", Sample::apiInUse),
            new Series("api available", "#9ecae1", Sample::apiAvailable),
            new Series("worker in use", "#ff7f0e", Sample::workerInUse),
            new Series("worker available", "#fdd0a2", Sample::workerAvailable)));
    double maxRate = samples.stream().mapToDouble(Sample::jobsPerSecond).max().orElse(1);
    chart(
        html,
        "Jobs done per second",
        Math.max(1, maxRate * 1.1),
        List.of(new Series("jobs/s", "#2ca02c", Sample::jobsPerSecond)));
    double maxP99 = samples.stream().mapToDouble(Sample::apiP99Millis).max().orElse(1);
    chart(
        html,
        "API p99 latency per second (ms)",
        Math.max(1, maxP99 * 1.1),
        List.of(new Series("p99 ms", "#d62728", Sample::apiP99Millis)));
    html.append("</body></html>\n");
    Files.createDirectories(file.getParent());
    Files.writeString(file, html, StandardCharsets.UTF_8);
  }

  private record Series(String name, String color, ToDoubleFunction<Sample> value) {}

  private void chart(StringBuilder html, String title, double yMax, List<Series> series) {
    int w = 960;
    int h = 220;
    int left = 40;
    int bottom = 20;
    double tMax = samples.isEmpty() ? 1 : Math.max(1, samples.get(samples.size() - 1).t());
    html.append("<h2>").append(escape(title)).append("</h2><div>");
    series.forEach(
        s ->
            html.append("<span class=\"k\" style=\"background:")
                .append(s.color())
                .append("\"></span>")
                .append(escape(s.name())));
    html.append("</div><svg width=\"").append(w).append("\" height=\"").append(h).append("\">");
    for (int i = 0; i <= 4; i++) {
      double y = yMax * i / 4;
      int py = (int) (h - bottom - (h - bottom - 10) * i / 4.0);
      html.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eee\"/>"
                  + "<text x=\"2\" y=\"%d\" font-size=\"10\">%.0f</text>",
              left,
              py,
              w,
              py,
              py + 3,
              y));
    }
    for (Mark m : marks) {
      int x = (int) (left + (w - left - 10) * m.t() / tMax);
      html.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#999\""
                  + " stroke-dasharray=\"3,3\"/>",
              x,
              x,
              h - bottom));
      html.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"9\" fill=\"#555\">%s</text>",
              x + 2,
              h - bottom - 4 - 10 * (marks.indexOf(m) % 8),
              escape(m.label())));
    }
    for (Series s : series) {
      StringBuilder points = new StringBuilder();
      for (Sample sample : samples) {
        double x = left + (w - left - 10) * sample.t() / tMax;
        double y =
            h - bottom - (h - bottom - 10) * Math.min(1, s.value().applyAsDouble(sample) / yMax);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      html.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"")
          .append(s.color())
          .append("\" points=\"")
          .append(points)
          .append("\"/>");
    }
    html.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"10\">0 s</text><text x=\"%d\" y=\"%d\""
                + " font-size=\"10\">%.0f s</text></svg>",
            left,
            h - 4,
            w - 40,
            h - 4,
            tMax));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5_000);
  }
}
