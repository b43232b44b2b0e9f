package dev.lamina.runtime.optim;

/**
 * Stochastic gradient descent, optionally with (Nesterov) momentum, as Keras 3's {@code SGD}.
 *
 * <pre>
 * momentum == 0:  p -= lr * g
 * otherwise:      m = momentum * m - lr * g
 *                 p += m                        (plain)
 *                 p += momentum * m - lr * g    (nesterov)
 * </pre>
 */
public final class Sgd implements Optimizer {

  private double learningRate;
  private final double momentum;
  private final boolean nesterov;

  private float[][] velocity;

  /** learningRate 0.01, no momentum. */
  public Sgd() {
    this(0.01);
  }

  public Sgd(double learningRate) {
    this(learningRate, 0.0, false);
  }

  public Sgd(double learningRate, double momentum) {
    this(learningRate, momentum, false);
  }

  public Sgd(double learningRate, double momentum, boolean nesterov) {
    this.learningRate = Adam.checkLearningRate(learningRate);
    this.momentum = Adam.checkUnitInterval("momentum", momentum);
    this.nesterov = nesterov;
  }

  @Override
  public void step(float[][] params, float[][] grads) {
    float lr = (float) learningRate;
    if (momentum == 0) {
      Adam.checkShapes(params, grads, null);
      for (int i = 0; i < params.length; i++) {
        float[] p = params[i];
        float[] g = grads[i];
        for (int j = 0; j < p.length; j++) {
          p[j] -= g[j] * lr;
        }
      }
      return;
    }
    Adam.checkShapes(params, grads, velocity);
    if (velocity == null) {
      velocity = Adam.zerosLike(params);
    }
    float mu = (float) momentum;
    for (int i = 0; i < params.length; i++) {
      float[] p = params[i];
      float[] g = grads[i];
      float[] vi = velocity[i];
      if (nesterov) {
        for (int j = 0; j < p.length; j++) {
          float step = g[j] * lr;
          float mj = vi[j] * mu - step;
          vi[j] = mj;
          p[j] += mj * mu - step;
        }
      } else {
        for (int j = 0; j < p.length; j++) {
          float mj = vi[j] * mu - g[j] * lr;
          vi[j] = mj;
          p[j] += mj;
        }
      }
    }
  }

  @Override
  public double learningRate() {
    return learningRate;
  }

  @Override
  public void setLearningRate(double lr) {
    learningRate = Adam.checkLearningRate(lr);
  }

  @Override
  public String name() {
    return "sgd";
  }

  @Override
  public void reset() {
    velocity = null;
  }

  public double momentum() {
    return momentum;
  }

  public boolean nesterov() {
    return nesterov;
  }

  @Override
  public String toString() {
    return "Sgd(learningRate=" + learningRate + ", momentum=" + momentum
        + ", nesterov=" + nesterov + ")";
  }
}
