package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.lamina.runtime.data.Dataset;

class EmbeddedMnistTest {

  private static int[] histogram(Dataset d) {
    int[] counts = new int[10];
    for (int label : d.labelArray()) {
      counts[label]++;
    }
    return counts;
  }

  private static void assertPixelsSpanUnitRange(Dataset d) {
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float v : d.imagesAsFloats()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assertEquals(0f, min);
    assertEquals(1f, max);
  }

  @Test
  void trainHas7996Digits() {
    Dataset train = EmbeddedMnist.train();
    assertEquals(7996, train.size());
    assertArrayEquals(new long[] {7996, 28, 28, 1}, train.images().shape());
    assertEquals(10, train.numClasses());
    assertArrayEquals(new int[] {800, 901, 792, 825, 784, 690, 811, 856, 755, 782}, histogram(train));
    assertArrayEquals(new int[] {5, 1, 4, 3, 0, 9}, java.util.Arrays.copyOf(train.labelArray(), 6));
    assertPixelsSpanUnitRange(train);
    // first image: its pixel bytes sum to 31734
    assertEquals(31734 / 255.0, train.images().slice(0).sumNumber().doubleValue(), 1e-2);
  }

  @Test
  void testHas2004Digits() {
    Dataset test = EmbeddedMnist.test();
    assertEquals(2004, test.size());
    assertArrayEquals(new long[] {2004, 28, 28, 1}, test.images().shape());
    assertArrayEquals(new int[] {201, 226, 199, 207, 196, 173, 203, 214, 189, 196}, histogram(test));
    assertArrayEquals(new int[] {0, 5, 9, 5, 1, 5}, java.util.Arrays.copyOf(test.labelArray(), 6));
    assertPixelsSpanUnitRange(test);
  }
}
