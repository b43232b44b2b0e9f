package dev.lamina.runtime.optim;

import static dev.lamina.runtime.optim.AdamTest.allocatedBytes;
import static dev.lamina.runtime.optim.AdamTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SgdTest {

  @Test
  void kerasDefaults() {
    Sgd sgd = new Sgd();
    assertEquals(0.01, sgd.learningRate());
    assertEquals(0.0, sgd.momentum());
    assertFalse(sgd.nesterov());
    assertEquals("sgd", sgd.name());
  }

  /** Keras's own sgd_test.test_single_step. */
  @Test
  void kerasSingleStep() {
    float[][] p = {{1, 2, 3, 4}};
    new Sgd(0.5).step(p, new float[][] {{1, 6, 7, 2}});
    assertArrayEquals(new float[] {0.5f, -1f, -0.5f, 3f}, p[0], 1e-6f);
  }

  @Test
  void plainMatchesReference() {
    checkAgainstReference(new Sgd(0.1), 0.1, 0, false);
  }

  @Test
  void momentumMatchesReference() {
    checkAgainstReference(new Sgd(0.05, 0.9), 0.05, 0.9, false);
  }

  @Test
  void nesterovMatchesReference() {
    checkAgainstReference(new Sgd(0.05, 0.9, true), 0.05, 0.9, true);
  }

  /**
   * Reference in double, in PyTorch's form (buf = mu*buf + g; p -= lr*buf, or
   * p -= lr*(g + mu*buf) with Nesterov), equal to Keras's for a constant learning rate.
   */
  private static void checkAgainstReference(Sgd sgd, double lr, double mu, boolean nesterov) {
    float[][] params = {{0.5f, -1.25f, 2f}, {0.1f, 0f}};
    double[][] ref = {{0.5, -1.25, 2}, {0.1, 0}};
    double[][] buf = {new double[3], new double[2]};
    for (int t = 1; t <= 6; t++) {
      float[][] grads = {new float[3], new float[2]};
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < grads[i].length; j++) {
          grads[i][j] = (float) (Math.cos(5 * t + 2 * j + i) * (j + 1));
        }
      }
      sgd.step(params, grads);
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < ref[i].length; j++) {
          double g = grads[i][j];
          if (mu == 0) {
            ref[i][j] -= lr * g;
          } else {
            buf[i][j] = mu * buf[i][j] + g;
            ref[i][j] -= lr * (nesterov ? g + mu * buf[i][j] : buf[i][j]);
          }
          assertEquals(ref[i][j], params[i][j], 1e-6, "t=" + t + " param " + i + "[" + j + "]");
        }
      }
    }
  }

  @Test
  void minimizesQuadratic() {
    for (Sgd sgd : new Sgd[] {new Sgd(0.02), new Sgd(0.02, 0.9), new Sgd(0.02, 0.9, true)}) {
      float[] a = {1f, 10f, 0.5f};
      float[] c = {3f, -2f, 0.5f};
      float[][] x = {{0f, 0f, 0f}};
      float[][] g = {new float[3]};
      for (int s = 0; s < 2000; s++) {
        for (int j = 0; j < 3; j++) {
          g[0][j] = 2 * a[j] * (x[0][j] - c[j]);
        }
        sgd.step(x, g);
      }
      assertArrayEquals(c, x[0], 1e-4f, sgd.toString());
    }
  }

  @Test
  void stepAllocatesNothing() {
    for (Sgd sgd : new Sgd[] {new Sgd(), new Sgd(0.01, 0.9), new Sgd(0.01, 0.9, true)}) {
      float[][] p = {new float[1000], new float[37]};
      float[][] g = {new float[1000], new float[37]};
      for (int i = 0; i < 5000; i++) {
        sgd.step(p, g);
      }
      long bytes = allocatedBytes(() -> {
        for (int i = 0; i < 1000; i++) {
          sgd.step(p, g);
        }
      });
      assertTrue(bytes < 1024, sgd + " allocated " + bytes + " bytes in 1000 steps");
    }
  }

  @Test
  void resetDropsMomentum() {
    Sgd sgd = new Sgd(0.1, 0.9);
    float[][] g = {{1f}};
    sgd.step(new float[][] {{0f}}, g);
    sgd.reset();
    float[][] p = {{0f}};
    sgd.step(p, g);
    assertEquals(-0.1f, p[0][0], 1e-7f);
  }

  @Test
  void validatesArguments() {
    assertMessage("learning rate must be positive. Received: learningRate=-1.0", () -> new Sgd(-1));
    assertMessage("momentum must be in [0, 1). Received: momentum=1.0", () -> new Sgd(0.01, 1.0));
    assertMessage("momentum must be in [0, 1). Received: momentum=-0.5", () -> new Sgd(0.01, -0.5, true));
    assertMessage("learning rate must be positive. Received: learningRate=0.0", () -> new Sgd().setLearningRate(0));
  }
}
