package dev.cairn.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one load-generator run does. {@code rate} is zero for the closed loop, where
 * {@code connections} workers each send their next request as soon as the last one answered;
 * the open loop sends {@code rate} requests per second at fixed intended times and may use up to
 * {@code connections} connections to keep that schedule.
 */
record LoadOptions(
        Mode mode,
        URI url,
        int connections,
        int rate,
        Duration warmup,
        Duration duration,
        List<Header> headers,
        byte[] body,
        int eventLoops,
        Duration timeout,
        String label,
        Duration bucket,
        Path markFile,
        double phaseFrom,
        double phaseTo,
        String varyToken) {

    enum Mode { CLOSED, OPEN }

    record Header(String name, String value) {
        static Header parse(String line) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header must look like 'Name: value': " + line);
            }
            return new Header(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
    }

    static final String USAGE = """
            usage: LoadGenerator closed --url U --connections N --duration S --warmup S --body FILE [options]
                   LoadGenerator open   --url U --rate R        --duration S --warmup S --body FILE [options]
            options: --vary TOKEN (each request's body has TOKEN replaced by a number of its own, so no two
                     requests repeat a text: caches keyed by text never hit)
                     --header 'Name: value' (repeatable)  --connections N (open loop: pool size, default 64)
                     --event-loops N (default: cores)  --timeout S (per request, default 10)  --label TEXT
                     --bucket-ms N (adds a time series: answers, failures and latency per N ms of intended send time)
                     --mark-file FILE (read at the end: an epoch millisecond, e.g. when an upstream went down; with
                       --bucket-ms, the report splits the window into before / around / after it)
                     --mark-phase FROM:TO (seconds around the mark that make the "around" phase, default -0.5:2.5)""";

    static LoadOptions parse(String[] args) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("missing mode");
        }
        Mode mode = switch (args[0]) {
            case "closed" -> Mode.CLOSED;
            case "open" -> Mode.OPEN;
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        };
        URI url = null;
        Integer connections = null;
        int rate = 0;
        double warmup = 0;
        double duration = 0;
        List<Header> headers = new ArrayList<>();
        Path body = null;
        int eventLoops = Runtime.getRuntime().availableProcessors();
        double timeout = 10;
        String label = "";
        int bucketMs = 0;
        Path markFile = null;
        double phaseFrom = -0.5;
        double phaseTo = 2.5;
        String varyToken = null;
        for (int i = 1; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--url" -> url = URI.create(value);
                case "--connections" -> connections = Integer.parseInt(value);
                case "--rate" -> rate = Integer.parseInt(value);
                case "--warmup" -> warmup = Double.parseDouble(value);
                case "--duration" -> duration = Double.parseDouble(value);
                case "--header" -> headers.add(Header.parse(value));
                case "--body" -> body = Path.of(value);
                case "--event-loops" -> eventLoops = Integer.parseInt(value);
                case "--timeout" -> timeout = Double.parseDouble(value);
                case "--label" -> label = value;
                case "--vary" -> varyToken = value;
                case "--bucket-ms" -> bucketMs = Integer.parseInt(value);
                case "--mark-file" -> markFile = Path.of(value);
                case "--mark-phase" -> {
                    String[] parts = value.split(":", 2);
                    phaseFrom = Double.parseDouble(parts[0]);
                    phaseTo = Double.parseDouble(parts[1]);
                }
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (url == null || body == null || duration <= 0) {
            throw new IllegalArgumentException("--url, --body and a positive --duration are required");
        }
        if (mode == Mode.CLOSED && (connections == null || connections <= 0)) {
            throw new IllegalArgumentException("closed loop needs --connections N");
        }
        if (mode == Mode.OPEN && rate <= 0) {
            throw new IllegalArgumentException("open loop needs --rate R");
        }
        if (markFile != null && bucketMs <= 0) {
            throw new IllegalArgumentException("--mark-file needs --bucket-ms");
        }
        if (phaseTo <= phaseFrom) {
            throw new IllegalArgumentException("--mark-phase FROM:TO needs FROM < TO");
        }
        int pool = connections != null ? connections : 64;
        return new LoadOptions(mode, url, pool, rate, seconds(warmup), seconds(duration), List.copyOf(headers),
                Files.readAllBytes(body), Math.max(1, Math.min(eventLoops, pool)), seconds(timeout), label,
                Duration.ofMillis(Math.max(0, bucketMs)), markFile, phaseFrom, phaseTo, varyToken);
    }

    private static Duration seconds(double value) {
        return Duration.ofNanos(Math.round(value * 1e9));
    }
}
