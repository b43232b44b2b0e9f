package dev.lamina.processor.generated;

import dev.lamina.runtime.DoubleNetwork;
import dev.lamina.runtime.ParameterInfo;
import dev.lamina.runtime.Tensors;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Central finite differences in double precision against a generated network's backward pass. The loss is
 * {@code L = sum(output * R)} for a fixed random {@code R}, so {@code dL/dOutput = R}; every input value and up to
 * {@code samples} values of each trainable parameter are perturbed by {@code +-h}.
 */
final class GradientCheck {
  /**
   * The step: rounding leaves ~1e-14 of noise in the seed model's loss, which a step of 1e-6 would turn into ~1e-8
   * of error in a difference quotient; at 1e-5 the noise is ~1e-9 and the truncation error still far below.
   */
  static final double H = 1e-5;
  /**
   * The smallest denominator of a relative error, so that differences below ~1e-9 (rounding noise) pass: a conv
   * bias followed by BatchNorm has a gradient of exactly 0, which differences measure as ~1e-10.
   */
  static final double TINY = 1e-3;
  /** Gradients smaller than this fraction of their tensor's largest are compared against that scale. */
  static final double FLOOR = 1e-3;

  /** The largest relative error |a-n|/(|a|+|n|) seen, and where. */
  record Result(double maxRelativeError, String worst, int checked) {}

  private final DoubleNetwork net;
  private final int n;
  private final double[] x;
  private final double[] r;

  GradientCheck(DoubleNetwork net, int n, long seed) {
    this.net = net;
    this.n = n;
    SplittableRandom random = new SplittableRandom(seed);
    net.initialize(seed);
    // move parameters off their initial values (biases 0, gamma 1) so every term of the gradient matters
    for (double[] p : net.trainableArrays()) {
      for (int i = 0; i < p.length; i++) {
        p[i] += random.nextDouble(-0.2, 0.2);
      }
    }
    x = new double[n * net.sampleSize()];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextDouble(-1, 1);
    }
    r = new double[n * net.outputSize()];
    for (int i = 0; i < r.length; i++) {
      r[i] = random.nextDouble(-1, 1);
    }
  }

  private double loss() {
    double[] out = net.forward(x, n, true);
    double l = 0;
    for (int i = 0; i < r.length; i++) {
      l += out[i] * r[i];
    }
    return l;
  }

  private double numeric(double[] values, int i) {
    double saved = values[i];
    values[i] = saved + H;
    double plus = loss();
    values[i] = saved - H;
    double minus = loss();
    values[i] = saved;
    return (plus - minus) / (2 * H);
  }

  Result run(int samples) {
    long[] inputShape = batchShape(net.inputShape());
    long[] outputShape = batchShape(net.outputShape());
    net.forward(Nd4j.create(x, inputShape, 'c'), true);
    double[] dx = Tensors.toDoubles(net.backward(Nd4j.create(r, outputShape, 'c')));
    List<double[]> analytic = new ArrayList<>();
    for (double[] g : net.gradientArrays()) {
      analytic.add(g.clone());
    }
    List<ParameterInfo> trainable = net.parameters().stream().filter(ParameterInfo::trainable).toList();
    double worst = 0;
    String where = "none";
    int checked = 0;
    SplittableRandom pick = new SplittableRandom(7);
    for (int t = -1; t < trainable.size(); t++) {
      double[] values = t < 0 ? x : net.trainableArrays()[t];
      double[] grads = t < 0 ? dx : analytic.get(t);
      String name = t < 0 ? "input" : trainable.get(t).name();
      int count = Math.min(values.length, samples);
      double largest = 0;
      for (double g : grads) {
        largest = Math.max(largest, Math.abs(g));
      }
      // rounding in the forward pass leaves ~1e-10 of noise in a difference quotient, so a gradient far smaller
      // than its tensor's largest is compared against that scale instead of its own
      double floor = Math.max(TINY, FLOOR * largest);
      for (int s = 0; s < count; s++) {
        int i = count == values.length ? s : pick.nextInt(values.length);
        double a = grads[i];
        double num = numeric(values, i);
        double err = Math.abs(a - num) / Math.max(Math.abs(a) + Math.abs(num), floor);
        if (err > 1e-6 && System.getenv("GRADCHECK_DEBUG") != null) {
          System.out.println("  " + name + "[" + i + "] analytic " + a + " numeric " + num + " err " + err);
        }
        if (err > worst) {
          worst = err;
          where = name + "[" + i + "]: analytic " + a + ", numeric " + num;
        }
        checked++;
      }
    }
    return new Result(worst, where, checked);
  }

  private long[] batchShape(int[] sample) {
    long[] shape = new long[sample.length + 1];
    shape[0] = n;
    for (int i = 0; i < sample.length; i++) {
      shape[i + 1] = sample[i];
    }
    return shape;
  }
}
