package dev.cairn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/** The outcome of one run, as one JSON line for scripts and one line for people. */
record LoadReport(LoadOptions options, LatencyStats.Window window) {

    long ok() {
        return window.latency().getTotalCount();
    }

    long failed() {
        return window.failures().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Closed loop: answers per second of wall time; open loop: per second of schedule. */
    double throughput() {
        double seconds = options.mode() == LoadOptions.Mode.OPEN
                ? options.duration().toNanos() / 1e9
                : window.elapsedNanos() / 1e9;
        return ok() / seconds;
    }

    JsonObject json() {
        JsonObject json = new JsonObject()
                .put("mode", options.mode().name().toLowerCase(Locale.ROOT))
                .put("label", options.label())
                .put("url", options.url().toString())
                .put("connections", options.connections())
                .put("event_loops", options.eventLoops())
                .put("warmup_s", options.warmup().toMillis() / 1000.0)
                .put("duration_s", options.duration().toMillis() / 1000.0)
                .put("requests_ok", ok())
                .put("requests_failed", failed())
                .put("failures", new JsonObject(new LinkedHashMap<>(window.failures())))
                .put("throughput_rps", round(throughput()))
                .put("latency_ms", percentiles(window.latency()));
        if (options.mode() == LoadOptions.Mode.OPEN) {
            json.put("rate", options.rate())
                    .put("send_lag_ms", percentiles(window.sendLag()));
        }
        if (!window.buckets().isEmpty()) {
            json.put("bucket_ms", window.bucketMillis()).put("series", series());
            Long mark = mark();
            if (mark != null) {
                json.put("mark_s", round((mark - window.windowStartEpochMillis()) / 1000.0))
                        .put("phases", phases(mark));
            }
        }
        return json;
    }

    /** Per bucket of intended send time: seconds from the window's start, answers, failures, latency. */
    private JsonArray series() {
        JsonArray series = new JsonArray();
        window.buckets().forEach((epoch, bucket) -> series.add(new JsonObject()
                .put("t_s", round((epoch - window.windowStartEpochMillis()) / 1000.0))
                .put("ok", bucket.latency().getTotalCount())
                .put("failed", bucket.failed())
                .put("p50_ms", ms(bucket.latency().getValueAtPercentile(50)))
                .put("p99_ms", ms(bucket.latency().getValueAtPercentile(99)))
                .put("max_ms", ms(bucket.latency().getMaxValue()))));
        return series;
    }

    /** The epoch millisecond in --mark-file, or null when there is none (yet). */
    private Long mark() {
        if (options.markFile() == null) {
            return null;
        }
        try {
            String text = Files.readString(options.markFile()).trim();
            return text.isEmpty() ? null : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            System.err.println("no mark read from " + options.markFile() + ": " + e);
            return null;
        }
    }

    /**
     * The window split at the mark by intended send time: before it, around it ({@code --mark-phase},
     * to the series' bucket), after it; each with its answers, failures and percentiles.
     */
    private JsonObject phases(long mark) {
        long from = mark + Math.round(options.phaseFrom() * 1000);
        long to = mark + Math.round(options.phaseTo() * 1000);
        Map<String, Histogram> latency = new LinkedHashMap<>();
        Map<String, Long> failed = new LinkedHashMap<>();
        for (String phase : new String[] {"before", "around", "after"}) {
            latency.put(phase, new Histogram(3));
            failed.put(phase, 0L);
        }
        window.buckets().forEach((epoch, bucket) -> {
            String phase = epoch < from ? "before" : epoch < to ? "around" : "after";
            latency.get(phase).add(bucket.latency());
            failed.merge(phase, bucket.failed(), Long::sum);
        });
        JsonObject phases = new JsonObject();
        latency.forEach((phase, h) -> phases.put(phase, new JsonObject()
                .put("requests_ok", h.getTotalCount())
                .put("requests_failed", failed.get(phase))
                .put("latency_ms", percentiles(h))));
        return phases.put("around_s", new JsonArray().add(options.phaseFrom()).add(options.phaseTo()));
    }

    String human() {
        Histogram h = window.latency();
        return String.format(Locale.ROOT,
                "%s %s%s: %.0f req/s ok=%d failed=%d %s | latency ms p50=%.3f p90=%.3f p99=%.3f p99.9=%.3f max=%.3f",
                options.mode().name().toLowerCase(Locale.ROOT),
                options.label().isEmpty() ? "" : options.label() + " ",
                options.mode() == LoadOptions.Mode.OPEN
                        ? "@" + options.rate() + "/s" : "c=" + options.connections(),
                throughput(), ok(), failed(), window.failures().isEmpty() ? "" : window.failures(),
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
    }

    private static JsonObject percentiles(Histogram h) {
        return new JsonObject()
                .put("p50", ms(h.getValueAtPercentile(50)))
                .put("p90", ms(h.getValueAtPercentile(90)))
                .put("p99", ms(h.getValueAtPercentile(99)))
                .put("p999", ms(h.getValueAtPercentile(99.9)))
                .put("max", ms(h.getMaxValue()))
                .put("mean", round(h.getMean() / 1e6));
    }

    private static double ms(long nanos) {
        return round(nanos / 1e6);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
