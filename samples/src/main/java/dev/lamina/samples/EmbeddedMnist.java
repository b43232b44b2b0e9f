package dev.lamina.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.data.Idx;

/**
 * The embedded default data set: 10,000 real MNIST digits (7,996 train, 2,004 test), 28x28x1, labels 0-9,
 * shipped as classpath resources under {@code /dev/lamina/samples/mnist-10k/} (see the README and LICENSE there).
 */
public final class EmbeddedMnist {

  private static final String DIRECTORY = "/dev/lamina/samples/mnist-10k/";

  private EmbeddedMnist() {
  }

  /** The 7,996 training digits: images [7996, 28, 28, 1] in [0, 1], labels [7996]. */
  public static Dataset train() {
    return load("train");
  }

  /** The 2,004 test digits: images [2004, 28, 28, 1] in [0, 1], labels [2004]. */
  public static Dataset test() {
    return load("test");
  }

  private static Dataset load(String split) {
    String images = DIRECTORY + split + "-images-idx3-ubyte.gz";
    String labels = DIRECTORY + split + "-labels-idx1-ubyte.gz";
    try (InputStream imageStream = EmbeddedMnist.class.getResourceAsStream(images);
        InputStream labelStream = EmbeddedMnist.class.getResourceAsStream(labels)) {
      return Idx.load(imageStream, labelStream, images, labels);
    } catch (IOException e) {
      throw new UncheckedIOException("closing " + images + " or " + labels, e);
    }
  }
}
