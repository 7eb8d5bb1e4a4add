package dev.cairn.guard.learned;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A logistic regression over {@link TextFeatures}: the probability that a text is an injection.
 * Trained by {@link InjectionTrainer} on the corpus in {@code training/guard}, which Cairn's
 * contributors wrote; the weights ship as {@value #RESOURCE}.
 *
 * <p>Stored sparse (slot, weight) since only the slots the corpus touched are non-zero.
 */
public final class InjectionModel {

    public static final String RESOURCE = "/dev/cairn/guard/learned/injection-model.bin";
    private static final int MAGIC = 0x43494d31; // "CIM1"

    private final float[] weights;
    private final float bias;

    InjectionModel(float[] weights, float bias) {
        if (weights.length != TextFeatures.DIMENSIONS) {
            throw new IllegalArgumentException("a model has " + TextFeatures.DIMENSIONS + " weights, not " + weights.length);
        }
        this.weights = weights;
        this.bias = bias;
    }

    /** The model Cairn ships. */
    public static InjectionModel shipped() {
        return ShippedResource.read(RESOURCE, InjectionModel::read);
    }

    public double probability(CharSequence text) {
        return probability(TextFeatures.of(text));
    }

    public double probability(TextFeatures features) {
        return 1 / (1 + Math.exp(-margin(features)));
    }

    double margin(TextFeatures features) {
        double sum = 0;
        for (int slot : features.slots()) {
            sum += weights[slot];
        }
        return bias + features.value() * sum;
    }

    static InjectionModel read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        if (in.readInt() != MAGIC) {
            throw new IOException("not an injection model");
        }
        float bias = in.readFloat();
        int count = in.readInt();
        float[] weights = new float[TextFeatures.DIMENSIONS];
        for (int i = 0; i < count; i++) {
            weights[in.readInt()] = in.readFloat();
        }
        return new InjectionModel(weights, bias);
    }

    void write(OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeInt(MAGIC);
        out.writeFloat(bias);
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
}
