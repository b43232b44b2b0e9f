package dev.lamina.runtime.optim;

/**
 * Adam, with Keras 3's defaults and update rule.
 *
 * <pre>
 * t += 1
 * lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
 * m += (g - m) * (1 - beta1)
 * v += (g*g - v) * (1 - beta2)
 * p -= lr_t * m / (sqrt(v) + epsilon)
 * </pre>
 *
 * Scalar factors are computed in double, the per-element loop in float.
 */
public final class Adam implements Optimizer {

  private double learningRate;
  private final double beta1;
  private final double beta2;
  private final double epsilon;

  private float[][] m;
  private float[][] v;
  private long iterations;

  /** learningRate 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7. */
  public Adam() {
    this(1e-3);
  }

  public Adam(double learningRate) {
    this(learningRate, 0.9, 0.999, 1e-7);
  }

  public Adam(double learningRate, double beta1, double beta2, double epsilon) {
    this.learningRate = checkLearningRate(learningRate);
    this.beta1 = checkUnitInterval("beta1", beta1);
    this.beta2 = checkUnitInterval("beta2", beta2);
    this.epsilon = checkPositive("epsilon", epsilon);
  }

  @Override
  public void step(float[][] params, float[][] grads) {
    checkShapes(params, grads, m);
    if (m == null) {
      m = zerosLike(params);
      v = zerosLike(params);
    }
    iterations++;
    double alphaD = learningRate * Math.sqrt(1 - Math.pow(beta2, iterations))
        / (1 - Math.pow(beta1, iterations));
    float alpha = (float) alphaD;
    float oneMinusBeta1 = (float) (1 - beta1);
    float oneMinusBeta2 = (float) (1 - beta2);
    float eps = (float) epsilon;
    for (int i = 0; i < params.length; i++) {
      float[] p = params[i];
      float[] g = grads[i];
      float[] mi = m[i];
      float[] vi = v[i];
      for (int j = 0; j < p.length; j++) {
        float gj = g[j];
        float mj = mi[j] + (gj - mi[j]) * oneMinusBeta1;
        float vj = vi[j] + (gj * gj - vi[j]) * oneMinusBeta2;
        mi[j] = mj;
        vi[j] = vj;
        p[j] -= (mj * alpha) / ((float) Math.sqrt(vj) + eps);
      }
    }
  }

  @Override
  public double learningRate() {
    return learningRate;
  }

  @Override
  public void setLearningRate(double lr) {
    learningRate = checkLearningRate(lr);
  }

  @Override
  public String name() {
    return "adam";
  }

  @Override
  public void reset() {
    m = null;
    v = null;
    iterations = 0;
  }

  public double beta1() {
    return beta1;
  }

  public double beta2() {
    return beta2;
  }

  public double epsilon() {
    return epsilon;
  }

  /** Number of steps taken since construction or the last {@link #reset()}. */
  public long iterations() {
    return iterations;
  }

  @Override
  public String toString() {
    return "Adam(learningRate=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2
        + ", epsilon=" + epsilon + ")";
  }

  // Argument and shape checks, shared with Sgd (Keras-like messages).

  static double checkLearningRate(double lr) {
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException(
          "learning rate must be positive. Received: learningRate=" + lr);
    }
    return lr;
  }

  static double checkUnitInterval(String name, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(
          name + " must be in [0, 1). Received: " + name + "=" + value);
    }
    return value;
  }

  static double checkPositive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          name + " must be positive. Received: " + name + "=" + value);
    }
    return value;
  }

  /**
   * Checks that {@code params} and {@code grads} match each other and, when {@code state} is
   * non-null, the sizes the state was allocated for. Allocates nothing unless it throws.
   */
  static void checkShapes(float[][] params, float[][] grads, float[][] state) {
    if (params.length != grads.length) {
      throw new IllegalArgumentException("params and grads differ in count: "
          + params.length + " vs " + grads.length);
    }
    if (state != null && state.length != params.length) {
      throw new IllegalStateException("parameter count changed from " + state.length
          + " to " + params.length + " since the first step; call reset()");
    }
    for (int i = 0; i < params.length; i++) {
      int n = params[i].length;
      if (grads[i].length != n) {
        throw new IllegalArgumentException("params[" + i + "] has " + n
            + " values but grads[" + i + "] has " + grads[i].length);
      }
      if (state != null && state[i].length != n) {
        throw new IllegalStateException("params[" + i + "] changed size from "
            + state[i].length + " to " + n + " since the first step; call reset()");
      }
    }
  }

  static float[][] zerosLike(float[][] params) {
    float[][] s = new float[params.length][];
    for (int i = 0; i < params.length; i++) {
      s[i] = new float[params[i].length];
    }
    return s;
  }
}
