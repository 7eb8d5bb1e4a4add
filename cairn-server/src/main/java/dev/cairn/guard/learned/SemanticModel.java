package dev.cairn.guard.learned;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import dev.cairn.platform.embedding.LocalEmbedder;

/**
 * A logistic regression over a text's sentence embedding (all-MiniLM-L6-v2, unit length): the
 * second opinion {@link SemanticStage} asks for. Trained by {@link SemanticTrainer} on the same
 * corpus as {@link InjectionModel}; the weights ship as {@value #RESOURCE}.
 */
public final class SemanticModel {

    public static final String RESOURCE = "/dev/cairn/guard/learned/semantic-model.bin";
    public static final int DIMENSIONS = LocalEmbedder.DIMENSIONS;
    private static final int MAGIC = 0x43534d31; // "CSM1"

    private final float[] weights;
    private final float bias;

    SemanticModel(float[] weights, float bias) {
        if (weights.length != DIMENSIONS) {
            throw new IllegalArgumentException("a semantic model has " + DIMENSIONS + " weights, not " + weights.length);
        }
        this.weights = weights.clone();
        this.bias = bias;
    }

    /** The model Cairn ships. */
    public static SemanticModel shipped() {
        return ShippedResource.read(RESOURCE, SemanticModel::read);
    }

    /** The log-odds that the embedded text is an injection. */
    public double margin(float[] vector) {
        if (vector.length != DIMENSIONS) {
            throw new IllegalArgumentException("expected a " + DIMENSIONS + "-dimensional embedding, not " + vector.length);
        }
        double sum = bias;
        for (int i = 0; i < DIMENSIONS; i++) {
            sum += weights[i] * vector[i];
        }
        return sum;
    }

    static SemanticModel read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        if (in.readInt() != MAGIC) {
            throw new IOException("not a semantic injection model");
        }
        float bias = in.readFloat();
        float[] weights = new float[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            weights[i] = in.readFloat();
        }
        return new SemanticModel(weights, bias);
    }

    void write(OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeInt(MAGIC);
        out.writeFloat(bias);
        for (float w : weights) {
            out.writeFloat(w);
        }
        out.flush();
    }

    float[] weights() {
        return weights.clone();
    }

    float bias() {
        return bias;
    }
}
