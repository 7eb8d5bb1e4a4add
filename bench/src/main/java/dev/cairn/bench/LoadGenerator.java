package dev.cairn.bench;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * HTTP load generator for the gateway benchmark; see {@link LoadOptions#USAGE}.
 *
 * <p>Prints the human summary on stderr and one JSON line on stdout. The run is bounded:
 * warm-up plus duration, then at most one request timeout for stragglers, then it exits.
 */
public final class LoadGenerator {

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(LoadOptions.USAGE);
            System.exit(2);
            return;
        }
        LoadReport report = run(options);
        System.err.println(report.human());
        System.out.println(report.json().encode());
        System.exit(0);
    }

    static LoadReport run(LoadOptions options) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.eventLoops()));
        var shared = new Lane.Shared(options, new LatencyStats(options.bucket().toMillis()), new AtomicBoolean(true), new AtomicLong());
        List<Lane> lanes = new CopyOnWriteArrayList<>();
        int loops = options.eventLoops();
        for (int i = 0; i < loops; i++) {
            // Connections are spread over the lanes as evenly as they divide.
            int share = options.connections() / loops + (i < options.connections() % loops ? 1 : 0);
            Lane lane = new Lane(shared, share);
            vertx.deployVerticle(lane, new DeploymentOptions()).await();
            lanes.add(lane);
        }
        LatencyStats.Window window = options.mode() == LoadOptions.Mode.CLOSED
                ? closedLoop(options, shared, lanes)
                : openLoop(options, shared, lanes);
        vertx.close().await();
        return new LoadReport(options, window);
    }

    private static LatencyStats.Window closedLoop(LoadOptions options, Lane.Shared shared, List<Lane> lanes)
            throws InterruptedException {
        int loops = lanes.size();
        for (int i = 0; i < loops; i++) {
            lanes.get(i).startWorkers(options.connections() / loops + (i < options.connections() % loops ? 1 : 0));
        }
        TimeUnit.NANOSECONDS.sleep(options.warmup().toNanos());
        shared.stats().startWindow();
        TimeUnit.NANOSECONDS.sleep(options.duration().toNanos());
        // The window closes on completion time: what finished inside it is what it served.
        LatencyStats.Window window = shared.stats().endWindow();
        shared.running().set(false);
        awaitDrain(options, shared);
        return window;
    }

    private static LatencyStats.Window openLoop(LoadOptions options, Lane.Shared shared, List<Lane> lanes)
            throws InterruptedException {
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        long windowStart = start + options.warmup().toNanos();
        long end = windowStart + options.duration().toNanos();
        // For a script that acts at a set time into the window (bench/failover.sh): the epoch millisecond it starts.
        System.err.println("open loop: measured window starts at epoch ms "
                + (System.currentTimeMillis() + (windowStart - System.nanoTime()) / 1_000_000));
        Thread pacer = Thread.ofPlatform().name("pacer").daemon()
                .start(new Pacer(lanes, options.rate(), start, windowStart, end, shared.running()));
        // Only requests due from windowStart on are tallied (Lane.sendScheduled): the series starts there.
        shared.stats().windowStartsAt(windowStart);
        pacer.join();
        // Requests still under way belong to the window: waiting for them (up to the timeout) is
        // what keeps a slow tail from being silently dropped.
        awaitDrain(options, shared);
        return shared.stats().endWindow();
    }

    private static void awaitDrain(LoadOptions options, Lane.Shared shared) throws InterruptedException {
        long deadline = System.nanoTime() + options.timeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
        while (shared.inFlight().get() > 0 && System.nanoTime() - deadline < 0) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }
}
