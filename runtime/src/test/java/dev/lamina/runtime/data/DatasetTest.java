package dev.lamina.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class DatasetTest {

  /** N samples of 2x2x1; element j of sample i is i*4 + j, so the flat data is 0, 1, 2, ... */
  private static INDArray images(int n) {
    float[] data = new float[n * 4];
    for (int i = 0; i < data.length; i++) {
      data[i] = i;
    }
    return Nd4j.create(data, new long[] {n, 2, 2, 1}, 'c');
  }

  /** Labels 0, 1, ..., n-1: each sample's label is its index. */
  private static INDArray labels(int n) {
    int[] values = new int[n];
    for (int i = 0; i < n; i++) {
      values[i] = i;
    }
    return Nd4j.createFromArray(values);
  }

  @Test
  void ofExposesShapesTypesAndLabels() {
    float[] floatLabels = {2, 0, 1};
    Dataset d = Dataset.of(images(3), Nd4j.create(floatLabels, new long[] {3}, 'c'));
    assertEquals(3, d.size());
    assertArrayEquals(new int[] {2, 2, 1}, d.sampleShape());
    assertEquals(DataType.FLOAT, d.images().dataType());
    assertEquals(DataType.INT32, d.labels().dataType());
    assertArrayEquals(new long[] {3}, d.labels().shape());
    assertArrayEquals(new int[] {2, 0, 1}, d.labelArray());
    assertEquals(1, d.label(2));
    assertEquals(3, d.numClasses());
    d.labelArray()[0] = 99; // a copy
    assertEquals(2, d.label(0));
    assertThrows(IndexOutOfBoundsException.class, () -> d.label(3));
  }

  @Test
  void ofRejectsBadShapesAndLabels() {
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
        () -> Dataset.of(images(10), labels(9)));
    assertEquals("images have 10 samples but labels have 9", count.getMessage());

    IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
        () -> Dataset.of(Nd4j.zeros(DataType.FLOAT, 4, 3, 3), labels(4)));
    assertTrue(rank.getMessage().contains("rank 3, shape [4, 3, 3]"), rank.getMessage());

    IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
        () -> Dataset.of(images(2), Nd4j.create(new float[] {1f, 1.5f}, new long[] {2}, 'c')));
    assertTrue(fraction.getMessage().contains("label 1 is 1.5"), fraction.getMessage());

    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> Dataset.of(images(2), Nd4j.createFromArray(0, -1)));
    assertTrue(negative.getMessage().contains("label 1 is -1"), negative.getMessage());
  }

  @Test
  void splitLastMatchesKerasValidationSplit() {
    Dataset d = Dataset.of(images(10), labels(10));

    Dataset[] tenth = d.splitLast(0.1); // floor(10 * 0.9) = 9
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, tenth[0].labelArray());
    assertArrayEquals(new int[] {9}, tenth[1].labelArray());

    Dataset[] quarter = d.splitLast(0.25); // floor(10 * 0.75) = 7
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, quarter[0].labelArray());
    assertArrayEquals(new int[] {7, 8, 9}, quarter[1].labelArray());
    // images travel with their labels: sample 7 starts at 7 * 4 = 28
    assertEquals(28f, quarter[1].images().getFloat(0, 0, 0, 0));
    assertArrayEquals(new long[] {3, 2, 2, 1}, quarter[1].images().shape());

    for (double bad : new double[] {0.0, 1.0, -0.1, Double.NaN, 0.95}) {
      assertThrows(IllegalArgumentException.class, () -> d.splitLast(bad), "fraction " + bad);
    }
  }

  @Test
  void sliceCopiesTheRange() {
    Dataset d = Dataset.of(images(10), labels(10));
    Dataset s = d.slice(2, 5);
    assertEquals(3, s.size());
    assertArrayEquals(new int[] {2, 3, 4}, s.labelArray());
    float[] expected = new float[12];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = 8 + i;
    }
    assertArrayEquals(expected, s.imagesAsFloats());
    s.images().putScalar(new int[] {0, 0, 0, 0}, -1f); // a copy: the original is unchanged
    assertEquals(8f, d.images().getFloat(2, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> d.slice(5, 5));
    assertThrows(IllegalArgumentException.class, () -> d.slice(-1, 3));
    assertThrows(IllegalArgumentException.class, () -> d.slice(8, 11));

    Dataset flat = Dataset.of(Nd4j.create(new float[] {0, 1, 2, 3, 4, 5}, new long[] {3, 2}, 'c'), labels(3));
    assertArrayEquals(new float[] {2, 3, 4, 5}, flat.slice(1, 3).imagesAsFloats());
    assertArrayEquals(new int[] {2}, flat.sampleShape());
  }

  @Test
  void imagesAsFloatsIsRowMajorEvenForViews() {
    float[] all = Dataset.of(images(4), labels(4)).imagesAsFloats();
    assertEquals(16, all.length);
    assertEquals(13f, all[13]);

    INDArray view = images(6).get(NDArrayIndex.interval(3, 5), NDArrayIndex.all(), NDArrayIndex.all(),
        NDArrayIndex.all());
    float[] fromView = Dataset.of(view, labels(2)).imagesAsFloats();
    assertArrayEquals(new float[] {12, 13, 14, 15, 16, 17, 18, 19}, fromView);
  }
}
