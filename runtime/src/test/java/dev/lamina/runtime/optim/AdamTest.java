package dev.lamina.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class AdamTest {

  @Test
  void kerasDefaults() {
    Adam adam = new Adam();
    assertEquals(1e-3, adam.learningRate());
    assertEquals(0.9, adam.beta1());
    assertEquals(0.999, adam.beta2());
    assertEquals(1e-7, adam.epsilon());
    assertEquals("adam", adam.name());
  }

  /** Keras's own adam_test.test_single_step. */
  @Test
  void kerasSingleStep() {
    float[][] p = {{1, 2, 3, 4}};
    new Adam(0.5).step(p, new float[][] {{1, 6, 7, 2}});
    assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 3.5f}, p[0], 1e-4f);
  }

  @Test
  void matchesDoubleReference() {
    checkAgainstReference(new Adam(), 1e-3, 0.9, 0.999, 1e-7);
    checkAgainstReference(new Adam(0.01, 0.8, 0.99, 1e-3), 0.01, 0.8, 0.99, 1e-3);
  }

  /**
   * Reference in double, written in the bias-corrected form: m_hat / (sqrt(v_hat) + eps_hat)
   * with eps_hat = eps / sqrt(1 - beta2^t), which equals Keras's lr_t * m / (sqrt(v) + eps).
   */
  private static void checkAgainstReference(Adam adam, double lr, double b1, double b2, double eps) {
    float[][] params = {{0.5f, -1.25f, 2f}, {0.1f, 0f, -0.3f, 4f, 1e-3f}};
    double[][] ref = toDouble(params);
    double[][] m = {new double[3], new double[5]};
    double[][] v = {new double[3], new double[5]};
    for (int t = 1; t <= 6; t++) {
      float[][] grads = new float[2][];
      for (int i = 0; i < 2; i++) {
        grads[i] = new float[params[i].length];
        for (int j = 0; j < grads[i].length; j++) {
          grads[i][j] = (float) (Math.sin(7 * t + 3 * j + i) * (j + 1) * 0.5);
        }
      }
      adam.step(params, grads);
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < ref[i].length; j++) {
          double g = grads[i][j];
          m[i][j] = b1 * m[i][j] + (1 - b1) * g;
          v[i][j] = b2 * v[i][j] + (1 - b2) * g * g;
          double mHat = m[i][j] / (1 - Math.pow(b1, t));
          double vHat = v[i][j] / (1 - Math.pow(b2, t));
          double epsHat = eps / Math.sqrt(1 - Math.pow(b2, t));
          ref[i][j] -= lr * mHat / (Math.sqrt(vHat) + epsHat);
          assertEquals(ref[i][j], params[i][j], 1e-6, "t=" + t + " param " + i + "[" + j + "]");
        }
      }
    }
    assertEquals(6, adam.iterations());
  }

  @Test
  void firstStepMovesByAboutLearningRate() {
    float[][] p = {{0f, 0f}};
    new Adam(0.01).step(p, new float[][] {{3f, -0.2f}});
    assertEquals(-0.01, p[0][0], 1e-6);
    assertEquals(0.01, p[0][1], 1e-6);
  }

  @Test
  void minimizesQuadratic() {
    // f(x) = sum a_j (x_j - c_j)^2
    float[] a = {1f, 10f, 0.5f};
    float[] c = {3f, -2f, 0.5f};
    float[][] x = {{0f, 0f, 0f}};
    float[][] g = {new float[3]};
    Adam adam = new Adam(0.05);
    for (int s = 0; s < 3000; s++) {
      for (int j = 0; j < 3; j++) {
        g[0][j] = 2 * a[j] * (x[0][j] - c[j]);
      }
      adam.step(x, g);
    }
    assertArrayEquals(c, x[0], 1e-3f);
  }

  @Test
  void resetDropsState() {
    float[][] g = {{1f, -2f}};
    Adam adam = new Adam(0.1);
    float[][] p1 = {{1f, 1f}};
    adam.step(p1, g);
    adam.step(p1, g);
    adam.reset();
    assertEquals(0, adam.iterations());
    float[][] p2 = {{1f, 1f}};
    adam.step(p2, g);
    float[][] p3 = {{1f, 1f}};
    new Adam(0.1).step(p3, g);
    assertArrayEquals(p3[0], p2[0]);
    // after reset the optimizer accepts differently shaped parameters
    adam.reset();
    adam.step(new float[][] {new float[5]}, new float[][] {new float[5]});
  }

  @Test
  void rejectsMismatchedShapes() {
    Adam adam = new Adam();
    assertThrows(IllegalArgumentException.class,
        () -> adam.step(new float[][] {new float[2]}, new float[][] {new float[3]}));
    adam.step(new float[][] {new float[2]}, new float[][] {new float[2]});
    assertThrows(IllegalStateException.class,
        () -> adam.step(new float[][] {new float[4]}, new float[][] {new float[4]}));
  }

  @Test
  void stepAllocatesNothing() {
    float[][] p = {new float[1000], new float[37], new float[1]};
    float[][] g = {new float[1000], new float[37], new float[1]};
    for (float[] gi : g) {
      java.util.Arrays.fill(gi, 0.01f);
    }
    Adam adam = new Adam();
    for (int i = 0; i < 5000; i++) {
      adam.step(p, g);
    }
    long bytes = allocatedBytes(() -> {
      for (int i = 0; i < 1000; i++) {
        adam.step(p, g);
      }
    });
    assertTrue(bytes < 1024, "allocated " + bytes + " bytes in 1000 steps");
  }

  @Test
  void validatesArguments() {
    assertMessage("learning rate must be positive. Received: learningRate=-1.0", () -> new Adam(-1));
    assertMessage("learning rate must be positive. Received: learningRate=0.0", () -> new Adam(0));
    assertMessage("learning rate must be positive. Received: learningRate=NaN", () -> new Adam(Double.NaN));
    assertMessage("beta1 must be in [0, 1). Received: beta1=1.0", () -> new Adam(1e-3, 1.0, 0.999, 1e-7));
    assertMessage("beta2 must be in [0, 1). Received: beta2=-0.1", () -> new Adam(1e-3, 0.9, -0.1, 1e-7));
    assertMessage("epsilon must be positive. Received: epsilon=0.0", () -> new Adam(1e-3, 0.9, 0.999, 0));
    Adam adam = new Adam();
    assertMessage("learning rate must be positive. Received: learningRate=-0.5", () -> adam.setLearningRate(-0.5));
    adam.setLearningRate(0.2);
    assertEquals(0.2, adam.learningRate());
  }

  static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
  }

  static long allocatedBytes(Runnable r) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
    mx.getCurrentThreadAllocatedBytes();
    long before = mx.getCurrentThreadAllocatedBytes();
    r.run();
    return mx.getCurrentThreadAllocatedBytes() - before;
  }

  private static double[][] toDouble(float[][] a) {
    double[][] d = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      d[i] = new double[a[i].length];
      for (int j = 0; j < a[i].length; j++) {
        d[i][j] = a[i][j];
      }
    }
    return d;
  }
}
