package dev.cairn.platform.embedding;

import java.util.List;

/** Turns texts into unit-length vectors; {@link #model()} names the model so stored vectors say what made them. */
public interface Embedder {

    String model();

    List<float[]> embed(List<String> texts);

    /** Scales a vector to unit length in place, so cosine similarity is a dot product. */
    static float[] normalize(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += v * v;
        }
        if (sum > 0) {
            float scale = (float) (1 / Math.sqrt(sum));
            for (int i = 0; i < vector.length; i++) {
                vector[i] *= scale;
            }
        }
        return vector;
    }
}
