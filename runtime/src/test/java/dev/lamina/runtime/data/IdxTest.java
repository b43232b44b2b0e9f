package dev.lamina.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class IdxTest {

  @TempDir
  Path dir;

  /** Pixels of 5 images of 3x2: byte k of the pixel data is k * 8 (0, 8, ..., 232). */
  private static final byte[] PIXELS = new byte[30];
  private static final byte[] LABELS = {3, 1, 4, 1, 5};

  static {
    for (int i = 0; i < PIXELS.length; i++) {
      PIXELS[i] = (byte) (i * 8);
    }
    PIXELS[29] = (byte) 255;
  }

  private static byte[] imagesFile(int magic, int count, int rows, int cols, byte[] pixels) {
    return ByteBuffer.allocate(16 + pixels.length).putInt(magic).putInt(count).putInt(rows).putInt(cols)
        .put(pixels).array();
  }

  private static byte[] labelsFile(int magic, int count, byte[] labels) {
    return ByteBuffer.allocate(8 + labels.length).putInt(magic).putInt(count).put(labels).array();
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private static void assertFiveImages(Dataset d) {
    assertEquals(5, d.size());
    assertArrayEquals(new long[] {5, 3, 2, 1}, d.images().shape());
    assertEquals(DataType.FLOAT, d.images().dataType());
    assertArrayEquals(new int[] {3, 1, 4, 1, 5}, d.labelArray());
    float[] pixels = d.imagesAsFloats();
    for (int i = 0; i < PIXELS.length; i++) {
      assertEquals((PIXELS[i] & 0xFF) / 255f, pixels[i], "pixel " + i);
    }
    assertEquals(1f, d.images().getFloat(4, 2, 1, 0));
    assertEquals(8 / 255f, d.images().getFloat(0, 0, 1, 0));
  }

  @Test
  void compressionIsDetectedFromContentNotName() throws IOException {
    // raw bytes under a .gz name, gzip bytes under a plain name
    Path images = write("raw-images.gz", imagesFile(Idx.IMAGES_MAGIC, 5, 3, 2, PIXELS));
    Path labels = write("zipped-labels", gzip(labelsFile(Idx.LABELS_MAGIC, 5, LABELS)));
    assertFiveImages(Idx.load(images, labels));

    Path zippedImages = write("zipped-images", gzip(imagesFile(Idx.IMAGES_MAGIC, 5, 3, 2, PIXELS)));
    Path rawLabels = write("raw-labels", labelsFile(Idx.LABELS_MAGIC, 5, LABELS));
    assertFiveImages(Idx.load(zippedImages, rawLabels));
  }

  @Test
  void loadsSplitsFromDirectoryAndStreams() throws IOException {
    write("train-images-idx3-ubyte.gz", gzip(imagesFile(Idx.IMAGES_MAGIC, 5, 3, 2, PIXELS)));
    write("train-labels-idx1-ubyte.gz", gzip(labelsFile(Idx.LABELS_MAGIC, 5, LABELS)));
    write("t10k-images-idx3-ubyte", imagesFile(Idx.IMAGES_MAGIC, 2, 3, 2, Arrays.copyOf(PIXELS, 12)));
    write("t10k-labels-idx1-ubyte", labelsFile(Idx.LABELS_MAGIC, 2, new byte[] {7, 9}));
    assertFiveImages(Idx.load(dir, "train"));
    Dataset test = Idx.load(dir, "test"); // "test" falls back to MNIST's t10k- prefix
    assertArrayEquals(new int[] {7, 9}, test.labelArray());
    assertEquals(10, test.numClasses());

    Dataset streamed = Idx.load(new ByteArrayInputStream(gzip(imagesFile(Idx.IMAGES_MAGIC, 5, 3, 2, PIXELS))),
        new ByteArrayInputStream(labelsFile(Idx.LABELS_MAGIC, 5, LABELS)), "imgs", "lbls");
    assertFiveImages(streamed);
  }

  @Test
  void missingFilesAreNamed() throws IOException {
    DataException split = assertThrows(DataException.class, () -> Idx.load(dir, "test"));
    assertEquals("no such file: " + dir.resolve("test-images-idx3-ubyte") + "(.gz) or "
        + dir.resolve("t10k-images-idx3-ubyte") + "(.gz)", split.getMessage());

    write("train-images-idx3-ubyte", imagesFile(Idx.IMAGES_MAGIC, 5, 3, 2, PIXELS));
    DataException labels = assertThrows(DataException.class, () -> Idx.load(dir, "train"));
    assertEquals("no such file: " + dir.resolve("train-labels-idx1-ubyte") + "(.gz)", labels.getMessage());

    Path nowhere = dir.resolve("nowhere.gz");
    DataException file = assertThrows(DataException.class,
        () -> Idx.load(nowhere, dir.resolve("train-images-idx3-ubyte")));
    assertEquals("no such file: " + nowhere, file.getMessage());
  }

  @Test
  void wrongMagicNumberIsNamed() throws IOException {
    Path labels = write("train-labels-idx1-ubyte.gz", gzip(labelsFile(Idx.LABELS_MAGIC, 5, LABELS)));
    // the labels file passed as images
    DataException e = assertThrows(DataException.class, () -> Idx.load(labels, labels));
    assertEquals(labels + ": expected magic number 0x00000803 (IDX unsigned-byte images, 3 dimensions)"
        + " but found 0x00000801 (IDX unsigned-byte, 1 dimension)", e.getMessage());

    Path images = write("images", imagesFile(Idx.IMAGES_MAGIC, 5, 3, 2, PIXELS));
    Path text = write("labels.txt", "3,1,4,1,5\n".getBytes());
    DataException notIdx = assertThrows(DataException.class, () -> Idx.load(images, text));
    assertTrue(notIdx.getMessage().startsWith(text + ": expected magic number 0x00000801"), notIdx.getMessage());
    assertTrue(notIdx.getMessage().endsWith("(not an IDX file)"), notIdx.getMessage());
  }

  @Test
  void truncatedFilesAreNamed() throws IOException {
    Path labels = write("labels", labelsFile(Idx.LABELS_MAGIC, 5, LABELS));
    Path shortImages = write("short-images.gz",
        gzip(imagesFile(Idx.IMAGES_MAGIC, 5, 3, 2, Arrays.copyOf(PIXELS, 20))));
    DataException images = assertThrows(DataException.class, () -> Idx.load(shortImages, labels));
    assertEquals(shortImages + ": truncated: header promises 5 images of 3x2 (30 bytes)"
        + " but the file has 20 bytes of pixel data", images.getMessage());

    Path headerOnly = write("header-only", Arrays.copyOf(imagesFile(Idx.IMAGES_MAGIC, 5, 3, 2, PIXELS), 10));
    DataException header = assertThrows(DataException.class, () -> Idx.load(headerOnly, labels));
    assertEquals(headerOnly + ": truncated: expected a 16-byte IDX header but the file has 10 bytes",
        header.getMessage());

    Path images5 = write("images", imagesFile(Idx.IMAGES_MAGIC, 5, 3, 2, PIXELS));
    Path shortLabels = write("short-labels", labelsFile(Idx.LABELS_MAGIC, 5, new byte[] {3, 1, 4}));
    DataException label = assertThrows(DataException.class, () -> Idx.load(images5, shortLabels));
    assertEquals(shortLabels + ": truncated: header promises 5 labels (5 bytes)"
        + " but the file has 3 bytes of label data", label.getMessage());

    Path badGzip = write("bad-gzip", Arrays.copyOf(gzip(labelsFile(Idx.LABELS_MAGIC, 5, LABELS)), 12));
    DataException gz = assertThrows(DataException.class, () -> Idx.load(images5, badGzip));
    assertTrue(gz.getMessage().startsWith(badGzip + ": corrupt gzip data"), gz.getMessage());
  }

  @Test
  void pixelDataBeyondTheHeaderIsNamed() throws IOException {
    Path labels = write("labels", labelsFile(Idx.LABELS_MAGIC, 5, LABELS));
    Path longImages = write("long-images.gz", gzip(imagesFile(Idx.IMAGES_MAGIC, 5, 3, 2, Arrays.copyOf(PIXELS, 33))));
    DataException e = assertThrows(DataException.class, () -> Idx.load(longImages, labels));
    assertEquals(longImages + ": header promises 5 images of 3x2 (30 bytes) but the file has 33 bytes of pixel data",
        e.getMessage());
  }

  @Test
  void countMismatchNamesBothFiles() throws IOException {
    Path images = write("train-images-idx3-ubyte", imagesFile(Idx.IMAGES_MAGIC, 5, 3, 2, PIXELS));
    Path labels = write("train-labels-idx1-ubyte", labelsFile(Idx.LABELS_MAGIC, 4, Arrays.copyOf(LABELS, 4)));
    DataException e = assertThrows(DataException.class, () -> Idx.load(images, labels));
    assertEquals(images + " has 5 images but " + labels + " has 4 labels", e.getMessage());
  }
}
