package dev.lamina.runtime.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads MNIST-style IDX files: unsigned-byte images (magic {@code 0x00000803}, dimensions N, rows, cols)
 * and unsigned-byte labels (magic {@code 0x00000801}, dimension N), big-endian, raw or gzip-compressed.
 * Compression is detected from the content (gzip magic bytes {@code 1f 8b}), not from the file name.
 *
 * <p>Pixels become float32 {@code value / 255f} in [0, 1], in an array of shape {@code [N, rows, cols, 1]};
 * labels become INT32 {@code [N]}. Every failure is a {@link DataException} naming the file.
 */
public final class Idx {

  /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
  public static final int LABELS_MAGIC = 0x00000801;

  private static final int IMAGES_HEADER = 16;
  private static final int LABELS_HEADER = 8;

  private Idx() {
  }

  /** Loads an images file and a labels file. */
  public static Dataset load(Path images, Path labels) {
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(labels, "labels");
    try (InputStream in = open(images)) {
      byte[] labelBytes = readFile(labels);
      return build(in, images.toString(), labelBytes, labels.toString());
    } catch (IOException e) {
      throw new DataException(images + ": cannot read: " + e, e); // from close()
    }
  }

  /**
   * Loads split {@code split} from a directory: files {@code {split}-images-idx3-ubyte} and
   * {@code {split}-labels-idx1-ubyte}, each optionally ending in {@code .gz}. For "test" and "t10k" both
   * prefixes are tried, "test" first (MNIST names its test files t10k-...); images and labels are taken
   * with the same prefix.
   */
  public static Dataset load(Path directory, String split) {
    Objects.requireNonNull(directory, "directory");
    if (split == null || split.isBlank()) {
      throw new IllegalArgumentException("split must be a file-name prefix such as train, test or t10k but was "
          + (split == null ? "null" : "\"" + split + "\""));
    }
    if (!Files.isDirectory(directory)) {
      throw new DataException("no such directory: " + directory);
    }
    List<String> prefixes = split.equals("test") || split.equals("t10k") ? List.of("test", "t10k") : List.of(split);
    List<String> tried = new ArrayList<>();
    for (String prefix : prefixes) {
      Path images = find(directory, prefix + "-images-idx3-ubyte");
      if (images != null) {
        Path labels = find(directory, prefix + "-labels-idx1-ubyte");
        if (labels == null) {
          throw new DataException("no such file: " + directory.resolve(prefix + "-labels-idx1-ubyte") + "(.gz)");
        }
        return load(images, labels);
      }
      tried.add(directory.resolve(prefix + "-images-idx3-ubyte") + "(.gz)");
    }
    throw new DataException("no such file: " + String.join(" or ", tried));
  }

  /**
   * Loads images and labels from streams, e.g. classpath resources. Each stream is read to its end and
   * not closed. The names are used in error messages only.
   */
  public static Dataset load(InputStream images, InputStream labels, String imagesName, String labelsName) {
    if (images == null) {
      throw new DataException("no such resource: " + imagesName);
    }
    byte[] labelBytes = readStream(labels, labelsName);
    return build(images, imagesName, labelBytes, labelsName);
  }

  private static Path find(Path directory, String stem) {
    for (String name : new String[] {stem, stem + ".gz"}) {
      Path file = directory.resolve(name);
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    return null;
  }

  /** Opens {@code file}; a missing or unreadable file is a {@link DataException} naming it. */
  private static InputStream open(Path file) {
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new DataException("no such file: " + file, e);
    } catch (IOException e) {
      throw new DataException(file + ": cannot read: " + e, e);
    }
  }

  private static byte[] readFile(Path file) {
    try (InputStream in = open(file)) {
      return gunzipIfCompressed(in.readAllBytes(), file.toString());
    } catch (IOException e) {
      throw new DataException(file + ": cannot read: " + e, e);
    }
  }

  private static byte[] readStream(InputStream in, String name) {
    if (in == null) {
      throw new DataException("no such resource: " + name);
    }
    byte[] bytes;
    try {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new DataException(name + ": cannot read: " + e, e);
    }
    return gunzipIfCompressed(bytes, name);
  }

  private static byte[] gunzipIfCompressed(byte[] bytes, String name) {
    if (bytes.length < 2 || bytes[0] != (byte) 0x1f || bytes[1] != (byte) 0x8b) {
      return bytes;
    }
    // the gzip trailer ends with the uncompressed size: read into an array of exactly that size (readAllBytes
    // would grow and copy its buffer, doubling the memory a large file needs); fall back if it does not match
    int size = (bytes[bytes.length - 4] & 0xFF) | (bytes[bytes.length - 3] & 0xFF) << 8
        | (bytes[bytes.length - 2] & 0xFF) << 16 | (bytes[bytes.length - 1] & 0xFF) << 24;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), 65536)) {
      if (size > 0 && bytes.length >= 18) {
        byte[] out = new byte[size];
        if (in.readNBytes(out, 0, size) == size && in.read() == -1) {
          return out;
        }
      }
    } catch (IOException e) {
      throw new DataException(name + ": corrupt gzip data: " + e.getMessage(), e);
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), 65536)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new DataException(name + ": corrupt gzip data: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the images from {@code raw} (decompressing it if it starts like gzip) a chunk at a time, straight into the
   * array's off-heap buffer: a whole file in a heap array, then its decompressed copy, were garbage of about twice the
   * file's size, which made the garbage collector grow the heap (about 100 MB more resident memory on
   * Fashion-MNIST).
   */
  private static Dataset build(InputStream raw, String imagesName, byte[] labelBytes, String labelsName) {
    InputStream in = new BufferedInputStream(raw, 65536);
    boolean gzip = false;
    try {
      in.mark(2);
      gzip = in.read() == 0x1f && in.read() == 0x8b;
      in.reset();
      if (gzip) {
        in = new GZIPInputStream(in, 65536);
      }
      return build(in, gzip, imagesName, labelBytes, labelsName);
    } catch (IOException e) {
      throw new DataException(imagesName + (gzip ? ": corrupt gzip data: " + e.getMessage() : ": cannot read: " + e),
          e);
    }
  }

  private static Dataset build(InputStream in, boolean gzip, String imagesName, byte[] labelBytes,
      String labelsName) throws IOException {
    byte[] head = in.readNBytes(IMAGES_HEADER);
    ByteBuffer header = ByteBuffer.wrap(head); // big-endian by default
    checkHeader(head, imagesName, IMAGES_MAGIC, "IDX unsigned-byte images, 3 dimensions", IMAGES_HEADER);
    int count = header.getInt(4);
    int rows = header.getInt(8);
    int cols = header.getInt(12);
    if (count <= 0 || rows <= 0 || cols <= 0) {
      throw new DataException(imagesName + ": expected a positive image count and size but the header says "
          + Integer.toUnsignedString(count) + " images of " + Integer.toUnsignedString(rows) + "x"
          + Integer.toUnsignedString(cols));
    }
    long pixels = (long) count * rows * cols;
    if (pixels > Integer.MAX_VALUE - 16) {
      throw new DataException(imagesName + ": header promises " + count + " images of " + rows + "x" + cols
          + " (" + pixels + " bytes), more than one array can hold");
    }

    // pixels scaled to [0, 1], written straight into the array's off-heap buffer, a chunk at a time
    INDArray images = Nd4j.createUninitialized(DataType.FLOAT, new long[] {count, rows, cols, 1}, 'c');
    FloatBuffer target = images.data().asNioFloat();
    byte[] bytes = new byte[(int) Math.min(pixels, 1 << 16)];
    float[] chunk = new float[bytes.length];
    long done = 0;
    while (done < pixels) {
      int length = in.readNBytes(bytes, 0, (int) Math.min(bytes.length, pixels - done));
      if (length == 0) {
        break;
      }
      for (int i = 0; i < length; i++) {
        chunk[i] = (bytes[i] & 0xFF) / 255f;
      }
      target.put((int) done, chunk, 0, length);
      done += length;
    }
    long pixelBytes = done < pixels ? done : done + in.transferTo(OutputStream.nullOutputStream());
    if (pixelBytes != pixels) {
      throw new DataException(imagesName + ": " + (pixelBytes < pixels ? "truncated: " : "")
          + "header promises " + count + " images of " + rows + "x" + cols + " (" + pixels
          + " bytes) but the file has " + pixelBytes + " bytes of pixel data");
    }

    checkHeader(labelBytes, labelsName, LABELS_MAGIC, "IDX unsigned-byte labels, 1 dimension", LABELS_HEADER);
    int labelCount = ByteBuffer.wrap(labelBytes).getInt(4);
    long labelDataBytes = labelBytes.length - LABELS_HEADER;
    if (labelCount < 0 || labelDataBytes != labelCount) {
      throw new DataException(labelsName + ": " + (labelDataBytes < Integer.toUnsignedLong(labelCount)
          ? "truncated: " : "") + "header promises " + Integer.toUnsignedString(labelCount) + " labels ("
          + Integer.toUnsignedString(labelCount) + " bytes) but the file has " + labelDataBytes
          + " bytes of label data");
    }
    if (labelCount != count) {
      throw new DataException(imagesName + " has " + count + " images but " + labelsName + " has "
          + labelCount + " labels");
    }

    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = labelBytes[LABELS_HEADER + i] & 0xFF;
    }
    return Dataset.of(images, Nd4j.createFromArray(labels));
  }

  private static void checkHeader(byte[] bytes, String name, int magic, String meaning, int headerSize) {
    if (bytes.length >= 4) {
      int found = ByteBuffer.wrap(bytes).getInt(0);
      if (found != magic) {
        throw new DataException(name + ": expected magic number " + hex(magic) + " (" + meaning
            + ") but found " + hex(found) + " (" + describe(found) + ")");
      }
    }
    if (bytes.length < headerSize) {
      throw new DataException(name + ": truncated: expected a " + headerSize + "-byte IDX header but the file has "
          + bytes.length + " bytes");
    }
  }

  private static String hex(int value) {
    return String.format("0x%08X", value);
  }

  /** What a magic number means, for error messages. */
  private static String describe(int magic) {
    if ((magic >>> 16) != 0) {
      return "not an IDX file";
    }
    String type = switch ((magic >>> 8) & 0xFF) {
      case 0x08 -> "unsigned-byte";
      case 0x09 -> "signed-byte";
      case 0x0B -> "short";
      case 0x0C -> "int";
      case 0x0D -> "float";
      case 0x0E -> "double";
      default -> null;
    };
    if (type == null) {
      return "not an IDX file";
    }
    int dims = magic & 0xFF;
    return "IDX " + type + ", " + dims + (dims == 1 ? " dimension" : " dimensions");
  }
}
