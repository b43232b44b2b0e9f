package dev.lamina.runtime.kernels;

import java.util.SplittableRandom;

/** Parameter initialisers, as Keras defines them. */
public final class Init {
  private Init() {}

  /** Keras's {@code GlorotUniform}: uniform in {@code [-limit, limit]}, {@code limit = sqrt(6 / (fanIn + fanOut))}. */
  public static void glorotUniform(float[] values, int fanIn, int fanOut, SplittableRandom random) {
    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextDouble(-limit, limit);
    }
  }

  /** Keras's {@code GlorotUniform}, in double precision. */
  public static void glorotUniform(double[] values, int fanIn, int fanOut, SplittableRandom random) {
    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextDouble(-limit, limit);
    }
  }
}
