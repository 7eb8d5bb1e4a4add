package dev.cairn.guard.learned;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A logistic regression over {@link TextFeatures}, calibrated: the probability that a text is an
 * injection or jailbreak. Trained by {@link InjectionTrainer} on the public corpus in
 * {@code training/guard-train} and Cairn's own templates in {@code training/guard}; the weights
 * ship as {@value #RESOURCE}.
 *
 * <p>The regression is trained with both classes weighted equally, which says how texts rank but
 * not how sure a score is; the calibration ({@code scale} and {@code shift} of the margin, fitted on
 * the corpus's held-out split) makes a score the share of held-out texts so scored that were
 * attacks, the same meaning the rules' scores have (training/guard-train/README.md).
 *
 * <p>Stored sparse (slot, weight) since only the slots the corpus touched are non-zero.
 */
public final class InjectionModel {

    public static final String RESOURCE = "/dev/cairn/guard/learned/injection-model.bin";
    private static final int MAGIC = 0x43494d32; // "CIM2": CIM1 had no calibration

    private final float[] weights;
    private final float bias;
    private final float scale;
    private final float shift;

    InjectionModel(float[] weights, float bias, float scale, float shift) {
        if (weights.length != TextFeatures.DIMENSIONS) {
            throw new IllegalArgumentException("a model has " + TextFeatures.DIMENSIONS + " weights, not " + weights.length);
        }
        this.weights = weights;
        this.bias = bias;
        this.scale = scale;
        this.shift = shift;
    }

    /** The model Cairn ships. */
    public static InjectionModel shipped() {
        return ShippedResource.read(RESOURCE, InjectionModel::read);
    }

    public double probability(CharSequence text) {
        return probability(TextFeatures.of(text));
    }

    /** The calibrated probability. */
    public double probability(TextFeatures features) {
        return 1 / (1 + Math.exp(-(scale * margin(features) + shift)));
    }

    /** The regression's own log-odds, before calibration. */
    double margin(TextFeatures features) {
        double sum = 0;
        for (int slot : features.slots()) {
            sum += weights[slot];
        }
        return bias + features.value() * sum;
    }

    /**
     * The words and word pairs of {@code text} that pushed its score up most, heaviest first, at
     * most {@code limit}: why the model finds it an injection. Empty when nothing pushed it up.
     */
    public List<String> explain(CharSequence text, int limit) {
        record Weighed(String gram, float weight) {
        }
        List<Weighed> weighed = new ArrayList<>();
        for (Map.Entry<Integer, String> gram : TextFeatures.grams(text).entrySet()) {
            float weight = weights[gram.getKey()];
            if (weight > 0) {
                weighed.add(new Weighed(gram.getValue(), weight));
            }
        }
        // Ties (hash collisions give one weight to two grams) go to the earlier gram of the text.
        weighed.sort(Comparator.comparingDouble((Weighed w) -> -w.weight()));
        return weighed.stream().limit(limit).map(Weighed::gram).toList();
    }

    static InjectionModel read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        if (in.readInt() != MAGIC) {
            throw new IOException("not a calibrated injection model");
        }
        float bias = in.readFloat();
        float scale = in.readFloat();
        float shift = in.readFloat();
        int count = in.readInt();
        float[] weights = new float[TextFeatures.DIMENSIONS];
        for (int i = 0; i < count; i++) {
            weights[in.readInt()] = in.readFloat();
        }
        return new InjectionModel(weights, bias, scale, shift);
    }

    void write(OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeInt(MAGIC);
        out.writeFloat(bias);
        out.writeFloat(scale);
        out.writeFloat(shift);
        int count = 0;
        for (float w : weights) {
            count += w != 0 ? 1 : 0;
        }
        out.writeInt(count);
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] != 0) {
                out.writeInt(i);
                out.writeFloat(weights[i]);
            }
        }
        out.flush();
    }

    float[] weights() {
        return weights;
    }

    float bias() {
        return bias;
    }

    float scale() {
        return scale;
    }

    float shift() {
        return shift;
    }
}
