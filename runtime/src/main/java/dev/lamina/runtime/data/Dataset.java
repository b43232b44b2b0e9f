package dev.lamina.runtime.data;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Samples and their class labels.
 *
 * <p>{@code images} is float32, shape {@code [N, H, W, C]} (channels last, e.g. {@code [N, 28, 28, 1]})
 * or {@code [N, features]} for flat inputs. {@code labels} is INT32, shape {@code [N]}: class indices
 * {@code 0 .. numClasses() - 1}.
 *
 * <p>A dataset is never changed by its own methods. It keeps the images array it was given (no copy),
 * so callers must treat {@link #images()} and {@link #labels()} as read-only.
 */
public final class Dataset {

  private final INDArray images;
  private final INDArray labels;
  private final int[] labelValues;
  /** Values per sample, computed once: {@link #copySample} runs for every sample of every training step. */
  private final int sampleSize;

  private Dataset(INDArray images, INDArray labels, int[] labelValues) {
    this.images = images;
    this.labels = labels;
    this.labelValues = labelValues;
    int size = 1;
    for (int d : sampleShape()) {
      size *= d;
    }
    this.sampleSize = size;
  }

  /**
   * A dataset of the given samples and labels.
   *
   * <p>Images must be rank 4 {@code [N, H, W, C]} or rank 2 {@code [N, features]}; floating-point images of
   * another precision are converted to float32, integer images are rejected (scale them first). Labels must
   * be rank 1 {@code [N]} and hold non-negative whole numbers, of any numeric type; they are copied to a
   * new INT32 array.
   *
   * @throws IllegalArgumentException if the shapes, types or label values are not as above
   */
  public static Dataset of(INDArray images, INDArray labels) {
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(labels, "labels");
    if (images.rank() != 4 && images.rank() != 2) {
      throw new IllegalArgumentException("images must have rank 4 [N, H, W, C] or rank 2 [N, features]"
          + " but got rank " + images.rank() + ", shape " + Arrays.toString(images.shape()));
    }
    if (labels.rank() != 1) {
      throw new IllegalArgumentException("labels must have rank 1 [N] but got rank " + labels.rank()
          + ", shape " + Arrays.toString(labels.shape()));
    }
    long n = images.size(0);
    if (labels.length() != n) {
      throw new IllegalArgumentException(
          "images have " + n + " samples but labels have " + labels.length());
    }
    if (images.dataType() != DataType.FLOAT) {
      if (!images.isR()) {
        throw new IllegalArgumentException(
            "images must be floating point (float32 expected) but got " + images.dataType());
      }
      images = images.castTo(DataType.FLOAT);
    }
    int[] values = labelValues(labels);
    return new Dataset(images, Nd4j.createFromArray(values), values);
  }

  private static int[] labelValues(INDArray labels) {
    int n = (int) labels.length();
    int[] values = new int[n];
    if (labels.isZ()) {
      int[] raw = labels.toIntVector();
      System.arraycopy(raw, 0, values, 0, n);
    } else if (labels.isR()) {
      double[] raw = labels.toDoubleVector();
      for (int i = 0; i < n; i++) {
        double v = raw[i];
        if (v != Math.rint(v) || v > Integer.MAX_VALUE) {
          throw new IllegalArgumentException(
              "labels must be whole class indices but label " + i + " is " + v);
        }
        values[i] = (int) v;
      }
    } else {
      throw new IllegalArgumentException(
          "labels must be numeric (INT32 expected) but got " + labels.dataType());
    }
    for (int i = 0; i < n; i++) {
      if (values[i] < 0) {
        throw new IllegalArgumentException(
            "labels must be class indices >= 0 but label " + i + " is " + values[i]);
      }
    }
    return values;
  }

  /** The samples: float32, {@code [N, H, W, C]} or {@code [N, features]}. Read-only. */
  public INDArray images() {
    return images;
  }

  /** The class indices: INT32, {@code [N]}. Read-only. */
  public INDArray labels() {
    return labels;
  }

  /** The number of samples N. */
  public int size() {
    return labelValues.length;
  }

  /** The shape of one sample: {@code [H, W, C]} or {@code [features]}. */
  public int[] sampleShape() {
    long[] shape = images.shape();
    int[] sample = new int[shape.length - 1];
    for (int i = 1; i < shape.length; i++) {
      sample[i - 1] = (int) shape[i];
    }
    return sample;
  }

  /** The class index of sample {@code i}. */
  public int label(int i) {
    Objects.checkIndex(i, labelValues.length);
    return labelValues[i];
  }

  /** A copy of all class indices, in sample order. */
  public int[] labelArray() {
    return labelValues.clone();
  }

  /** The number of classes: the largest label plus one (0 for an empty dataset). */
  public int numClasses() {
    int max = -1;
    for (int v : labelValues) {
      max = Math.max(max, v);
    }
    return max + 1;
  }

  /**
   * Samples {@code from} (inclusive) to {@code to} (exclusive), as a new dataset.
   * The result holds copies, not views: it is compact and independent of this dataset.
   *
   * @throws IllegalArgumentException unless {@code 0 <= from < to <= size()}
   */
  public Dataset slice(int from, int to) {
    if (from < 0 || to > size() || from >= to) {
      throw new IllegalArgumentException("slice [" + from + ", " + to + ") must satisfy 0 <= from < to <= "
          + size());
    }
    INDArrayIndex[] index = new INDArrayIndex[images.rank()];
    index[0] = NDArrayIndex.interval(from, to);
    for (int i = 1; i < index.length; i++) {
      index[i] = NDArrayIndex.all();
    }
    INDArray part = images.get(index).dup('c');
    int[] values = Arrays.copyOfRange(labelValues, from, to);
    return new Dataset(part, Nd4j.createFromArray(values), values);
  }

  /**
   * Splits off the last part as validation data, exactly as Keras {@code fit(validation_split=fraction)}:
   * {@code splitAt = (int) Math.floor(N * (1.0 - fraction))}, training is samples {@code [0, splitAt)} and
   * validation is {@code [splitAt, N)}, in order, without shuffling. For example N = 10 and fraction 0.25
   * give 7 training and 3 validation samples.
   *
   * @return {@code {training, validation}}, both copies (see {@link #slice})
   * @throws IllegalArgumentException unless {@code 0 < fraction < 1} and both parts are non-empty
   */
  public Dataset[] splitLast(double fraction) {
    int splitAt = splitIndex(fraction);
    return new Dataset[] {slice(0, splitAt), slice(splitAt, size())};
  }

  /**
   * Where {@link #splitLast} cuts: {@code (int) Math.floor(N * (1.0 - fraction))}, the first validation sample.
   *
   * @throws IllegalArgumentException unless {@code 0 < fraction < 1} and both parts are non-empty
   */
  public int splitIndex(double fraction) {
    if (!(fraction > 0.0 && fraction < 1.0)) {
      throw new IllegalArgumentException("validation fraction must be between 0 and 1 (exclusive) but got "
          + fraction);
    }
    int n = size();
    int splitAt = (int) Math.floor(n * (1.0 - fraction));
    if (splitAt == 0 || splitAt == n) {
      throw new IllegalArgumentException("cannot split " + n + " samples with validation fraction " + fraction
          + ": one part would be empty");
    }
    return splitAt;
  }

  /**
   * Copies sample {@code index} (its {@code H * W * C} values, row-major) into {@code dst} at {@code offset},
   * straight from the images' off-heap memory: how the trainer gathers a batch without a copy of the data set.
   */
  public void copySample(int index, float[] dst, int offset) {
    pixels().get(index * sampleSize, dst, offset, sampleSize);
  }

  /** Values per sample: {@code H * W * C} (or the feature count). */
  public int sampleSize() {
    return sampleSize;
  }

  private FloatBuffer pixels;

  /** The images' values as a read-only view of their contiguous off-heap buffer, sample 0 first. */
  private synchronized FloatBuffer pixels() {
    if (pixels == null) {
      INDArray contiguous = images.isView() || images.ordering() != 'c' || images.offset() != 0
          ? images.dup('c') : images;
      pixels = contiguous.data().asNioFloat().asReadOnlyBuffer();
    }
    return pixels;
  }

  /** A copy of the images as one flat float array, in row-major ('c') order: sample 0 first. */
  public float[] imagesAsFloats() {
    float[] data = images.dup('c').data().asFloat();
    long length = images.length();
    return data.length == length ? data : Arrays.copyOf(data, (int) length);
  }

  @Override
  public String toString() {
    return "Dataset[" + size() + " samples of " + Arrays.toString(sampleShape()) + ", " + numClasses()
        + " classes]";
  }
}
