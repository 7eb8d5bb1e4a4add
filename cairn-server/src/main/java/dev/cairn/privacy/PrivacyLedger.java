package dev.cairn.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import dev.cairn.platform.JsonBodies;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An RDP accountant as an immutable value: the runs of the sampled Gaussian mechanism spent so far,
 * each with its own σ, q and steps. Composition adds their RDP order by order; {@link #spent} converts
 * the sum to (ε, δ). Its JSON form holds the runs themselves, with doubles written to round-trip
 * exactly, so a restored ledger answers bit for bit what the saved one did.
 */
public record PrivacyLedger(List<GaussianRun> runs) {

    /** Names the JSON form; a later change of orders or format gets a new one. */
    static final String FORMAT = "cairn.privacy.ledger/1";

    private static final Set<String> LEDGER_FIELDS = Set.of("format", "runs");
    private static final Set<String> RUN_FIELDS = Set.of("noise_multiplier", "sample_rate", "steps");

    public PrivacyLedger {
        runs = List.copyOf(runs);
    }

    public static PrivacyLedger empty() {
        return new PrivacyLedger(List.of());
    }

    public static PrivacyLedger of(GaussianRun... runs) {
        return new PrivacyLedger(List.of(runs));
    }

    /** This ledger with one more run. */
    public PrivacyLedger plus(GaussianRun run) {
        List<GaussianRun> more = new ArrayList<>(runs);
        more.add(run);
        return new PrivacyLedger(more);
    }

    /** The orders α of {@link #rdp()}: Opacus' 1.1, 1.2, …, 10.9, 12, 13, …, 63. */
    public static double[] orders() {
        return SampledGaussianRdp.orders();
    }

    /** The composed RDP of every run at each order: their sum, in the order the runs were added. */
    public double[] rdp() {
        return rdp(GaussianRun::rdp);
    }

    /** The same, with each run's RDP from {@code rdpOf}: a cache for the many ledgers one charge shares a run with. */
    double[] rdp(Function<GaussianRun, double[]> rdpOf) {
        double[] total = new double[SampledGaussianRdp.orderCount()];
        for (GaussianRun run : runs) {
            double[] rdp = rdpOf.apply(run);
            for (int k = 0; k < total.length; k++) {
                total[k] += rdp[k];
            }
        }
        return total;
    }

    /** The (ε, δ) spent for this δ in (0, 1): ε 0 when no step has run. */
    public PrivacySpent spent(double delta) {
        return spent(delta, GaussianRun::rdp);
    }

    /** The same, with each run's RDP from {@code rdpOf}, which must answer what {@link GaussianRun#rdp} does. */
    PrivacySpent spent(double delta, Function<GaussianRun, double[]> rdpOf) {
        checkDelta(delta);
        if (runs.stream().allMatch(run -> run.steps() == 0)) {
            return new PrivacySpent(0, Double.NaN, delta);
        }
        return RdpConversion.epsilon(SampledGaussianRdp.orders(), rdp(rdpOf), delta);
    }

    static void checkDelta(double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw PrivacyException.invalidValue("delta", "'delta' must be a number in (0, 1), got " + delta);
        }
    }

    /** The ledger's state: its format and its runs. */
    public String toJson() {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("format", FORMAT);
        ArrayNode array = json.putArray("runs");
        for (GaussianRun run : runs) {
            ObjectNode item = array.addObject();
            item.put("noise_multiplier", run.noiseMultiplier());
            item.put("sample_rate", run.sampleRate());
            item.put("steps", run.steps());
        }
        return JsonBodies.JSON.writeValueAsString(json);
    }

    /** The ledger {@link #toJson()} wrote; anything else is a {@link PrivacyException} naming what is wrong. */
    public static PrivacyLedger fromJson(String text) {
        JsonNode json;
        try {
            json = JsonBodies.JSON.readTree(text);
        } catch (JacksonException e) {
            throw PrivacyException.invalid("invalid_json", null, "A privacy ledger's state is not valid JSON: "
                    + e.getOriginalMessage());
        }
        NumberFields ledger = NumberFields.of(json, "", LEDGER_FIELDS);
        JsonNode format = ledger.required("format");
        if (!format.isString() || !format.asString().equals(FORMAT)) {
            throw PrivacyException.invalidValue("format", "'format' must be \"" + FORMAT + "\", got " + format);
        }
        JsonNode items = ledger.required("runs");
        if (!items.isArray()) {
            throw PrivacyException.invalid("invalid_type", "runs", "'runs' must be an array");
        }
        List<GaussianRun> runs = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            NumberFields run = NumberFields.of(items.get(i), "runs[" + i + "]", RUN_FIELDS);
            runs.add(new GaussianRun(run.number("noise_multiplier"), run.number("sample_rate"), run.integer("steps")));
        }
        return new PrivacyLedger(runs);
    }
}
