package dev.lamina.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.lamina.annotations.ActivationType;
import dev.lamina.processor.check.CheckedLayer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one layer's part of a generated network: its shape constants, parameters, buffers, and the bodies of its
 * forward and backward methods. One subclass per layer kind; adding a layer kind is adding one of these.
 *
 * <p>Layout inside generated code: a batch of samples is one flat array, sample after sample, each sample channels
 * last (row-major {@code (h, w, c)}), exactly the public NHWC layout.
 */
abstract class LayerEmitter {
  static final ClassName GEMM = ClassName.get("dev.lamina.runtime.kernels", "Gemm");
  static final ClassName INIT = ClassName.get("dev.lamina.runtime.kernels", "Init");
  static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");
  static final ClassName WORKERS = ClassName.get("dev.lamina.runtime.kernels", "Workers");
  static final ClassName SIMD = ClassName.get("dev.lamina.runtime.kernels", "Simd");

  /** How a parameter starts out, as Keras initialises it. */
  enum Init {
    GLOROT_UNIFORM,
    ZEROS,
    ONES
  }

  /** A parameter: its field, its public name ({@code conv1.kernel}), Keras shape, and whether it is trained. */
  record Param(
      String field, String key, List<Integer> shape, boolean trainable, Init init, int fanIn, int fanOut,
      boolean summedOverWorkers) {
    Param(String field, String key, List<Integer> shape, boolean trainable, Init init, int fanIn, int fanOut) {
      this(field, key, shape, trainable, init, fanIn, fanOut, true);
    }

    /** A parameter whose gradient one worker writes whole (no partial sums to add up). */
    Param whole() {
      return new Param(field, key, shape, trainable, init, fanIn, fanOut, false);
    }

    /** Each worker's partial gradient; {@code [0]} is the gradient itself. */
    String partsField() {
      return field + "GradParts";
    }

    int size() {
      int s = 1;
      for (int d : shape) {
        s *= d;
      }
      return s;
    }

    String gradField() {
      return field + "Grad";
    }
  }

  /** How a buffer is sized: per sample of the batch capacity, fixed, or fixed and one per worker. */
  enum Scope {
    BATCH,
    FIXED,
    WORKER
  }

  /**
   * A buffer: {@code size} elements (an expression of constants) per sample of the batch capacity (allocated once
   * per capacity), once, or once per worker (a 2-D array). {@code kind} is "elem" (the network's number type), "int",
   * "double" or "bits" (an integer as wide as the number type: int for float, long for double).
   */
  record Buffer(String field, String size, Scope scope, String kind) {}

  final CheckedLayer layer;
  final Precision precision;
  /** The buffer this layer reads, and the gradient buffer it writes in backward. */
  String in;
  String inGrad;
  /** True when this layer reads the model input, whose gradient is only computed on request. */
  boolean readsModelInput;
  /** True for the last layer, whose activation may be skipped by backwardFromLogits. */
  boolean isOutput;

  LayerEmitter(CheckedLayer layer, Precision precision) {
    this.layer = layer;
    this.precision = precision;
  }

  String name() {
    return layer.name();
  }

  /** Prefix of this layer's constants: {@code conv1} gives {@code CONV1}, {@code convBlock} gives {@code CONV_BLOCK}. */
  String prefix() {
    return name().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
  }

  String out() {
    return name() + "Out";
  }

  /** False when no buffer holds this layer's output (its work is fused into another layer's pass). */
  boolean ownsOutput() {
    return true;
  }

  String grad() {
    return name() + "Grad";
  }

  /** Named constants, in order: name without prefix, value. {@code IN_SIZE} and {@code OUT_SIZE} always exist. */
  Map<String, Integer> constants() {
    Map<String, Integer> c = new java.util.LinkedHashMap<>();
    c.put("IN_SIZE", layer.inputSize());
    c.put("OUT_SIZE", layer.outputSize());
    return c;
  }

  List<Param> params() {
    return List.of();
  }

  /** A method of a forward or backward pass; {@code blocked} if it can run on any block of a worker's samples. */
  record Step(String method, boolean blocked) {}

  /** The forward pass of this layer, in order: by default its forward method, on any block of samples. */
  List<Step> forwardSteps() {
    return List.of(new Step(name() + "Forward", true));
  }

  /** The backward pass of this layer, in order. */
  List<Step> backwardSteps() {
    return List.of(new Step(name() + "Backward", true));
  }

  /**
   * The body of {@code <name>ForwardPart(int worker, int parts)}: worker {@code worker}'s share, of {@code parts}, of
   * the inference of sample 0 alone, when every worker takes part in a single sample (see
   * {@code NetworkWriter}); null for a layer that does not split so (worker 0 then runs its forward alone).
   */
  CodeBlock forwardPart() {
    return null;
  }

  /** More methods {@code <name><key>(int worker, int from, int to)} that steps call. */
  Map<String, CodeBlock> extraMethods() {
    return Map.of();
  }

  /** Static {@code int[]} tables, name without prefix and initializer: index maps computed once per class. */
  Map<String, CodeBlock> tables() {
    return Map.of();
  }

  /** Buffers besides the layer's output and output gradient, which every layer has. */
  List<Buffer> buffers() {
    return List.of();
  }

  /**
   * Body of {@code private void <name>Forward(int worker, int from, int to)}: this worker's samples
   * {@code [from, to)} of the batch; {@code training}, {@code n} (the whole batch) and {@code workers} are fields.
   */
  abstract CodeBlock forward();

  /**
   * Code run once before an inference pass, on the calling thread: what the forward code then reads (BatchNorm's
   * per-channel values from its moving statistics), so that inference needs no barrier and can run in blocks.
   */
  CodeBlock prepareInference() {
    return CodeBlock.of("");
  }

  /** Body of {@code private void <name>Backward(int worker, int from, int to)}; {@code fromLogits} is a field. */
  abstract CodeBlock backward();

  /** The values a template may use: {@code {T}}, {@code {P}} (constant prefix), buffers, classes. */
  Map<String, Object> values() {
    Map<String, Object> v = new HashMap<>();
    v.put("T", precision.type);
    v.put("Boxed", precision.boxed);
    v.put("P", prefix());
    v.put("name", name());
    v.put("in", in);
    v.put("inGrad", inGrad);
    v.put("out", out());
    v.put("grad", grad());
    v.put("Gemm", GEMM);
    v.put("Arrays", ARRAYS);
    v.put("Simd", SIMD);
    v.put("bits", precision.toBits);
    v.put("fromBits", precision.fromBits);
    v.put("shift", precision.signShift);
    v.put("I", precision == Precision.FLOAT ? com.palantir.javapoet.TypeName.INT : com.palantir.javapoet.TypeName.LONG);
    return v;
  }

  CodeBlock code(String text) {
    return Template.render(text, values());
  }

  CodeBlock code(String text, Map<String, ?> extra) {
    Map<String, Object> v = values();
    v.putAll(extra);
    return Template.render(text, v);
  }

  /**
   * Writes {@code activation(src)} into {@code dst} (the same array: in place) over {@code [0, n * OUT_SIZE)};
   * softmax works on rows of {@code rowLength}. Loops are branch-free so the JIT vectorises them.
   */
  CodeBlock activationForward(ActivationType activation, String src, String dst, String rowLength) {
    Map<String, Object> v = Map.of("src", src, "dst", dst, "row", rowLength);
    return switch (activation) {
      case LINEAR -> src.equals(dst) ? CodeBlock.of("") : code("System.arraycopy({src}, from * {P}_OUT_SIZE, {dst}, from * {P}_OUT_SIZE, (to - from) * {P}_OUT_SIZE);\n", v);
      case RELU -> code("""
          for (int i = from * {P}_OUT_SIZE; i < to * {P}_OUT_SIZE; i++) {
            {dst}[i] = Math.max({src}[i], 0);
          }
          """, v);
      case SIGMOID -> code("""
          for (int i = from * {P}_OUT_SIZE; i < to * {P}_OUT_SIZE; i++) {
            {dst}[i] = ({T}) (1 / (1 + Math.exp(-{src}[i])));
          }
          """, v);
      case TANH -> code("""
          for (int i = from * {P}_OUT_SIZE; i < to * {P}_OUT_SIZE; i++) {
            {dst}[i] = ({T}) Math.tanh({src}[i]);
          }
          """, v);
      case SOFTMAX -> code("""
          // softmax over each row of {row}, shifted by the row's maximum for stability
          for (int r = from * {P}_OUT_SIZE; r < to * {P}_OUT_SIZE; r += {row}) {
            {T} max = {Boxed}.NEGATIVE_INFINITY;
            for (int j = r; j < r + {row}; j++) {
              max = Math.max(max, {src}[j]);
            }
            double sum = 0;
            for (int j = r; j < r + {row}; j++) {
              {dst}[j] = ({T}) Math.exp({src}[j] - max);
              sum += {dst}[j];
            }
            for (int j = r; j < r + {row}; j++) {
              {dst}[j] = ({T}) ({dst}[j] / sum);
            }
          }
          """, v);
    };
  }

  /**
   * Turns {@code g} (dLoss/dy, where {@code y} is the activation's output) into dLoss/dx in {@code dst} (may be
   * {@code g} itself).
   */
  CodeBlock activationBackward(ActivationType activation, String y, String g, String dst, String rowLength) {
    Map<String, Object> v = Map.of("y", y, "g", g, "dst", dst, "row", rowLength);
    return switch (activation) {
      case LINEAR -> g.equals(dst) ? CodeBlock.of("") : code("System.arraycopy({g}, from * {P}_OUT_SIZE, {dst}, from * {P}_OUT_SIZE, (to - from) * {P}_OUT_SIZE);\n", v);
      case RELU -> code("""
          // keep dy where y > 0, branch-free (y >= 0, and bits(y) - 1 is negative only for y == 0)
          for (int i = from * {P}_OUT_SIZE; i < to * {P}_OUT_SIZE; i++) {
            {I} keep = ~(({bits}({y}[i]) - 1) >> {shift});
            {dst}[i] = {fromBits}({bits}({g}[i]) & keep);
          }
          """, v);
      case SIGMOID -> code("""
          for (int i = from * {P}_OUT_SIZE; i < to * {P}_OUT_SIZE; i++) {
            {dst}[i] = {g}[i] * {y}[i] * (1 - {y}[i]);
          }
          """, v);
      case TANH -> code("""
          for (int i = from * {P}_OUT_SIZE; i < to * {P}_OUT_SIZE; i++) {
            {dst}[i] = {g}[i] * (1 - {y}[i] * {y}[i]);
          }
          """, v);
      case SOFTMAX -> code("""
          // softmax: dx = y * (dy - sum(dy * y)) on each row of {row}
          for (int r = from * {P}_OUT_SIZE; r < to * {P}_OUT_SIZE; r += {row}) {
            double dot = 0;
            for (int j = r; j < r + {row}; j++) {
              dot += {g}[j] * {y}[j];
            }
            for (int j = r; j < r + {row}; j++) {
              {dst}[j] = ({T}) ({y}[j] * ({g}[j] - dot));
            }
          }
          """, v);
    };
  }

  /** Adds {@code bias[c]} to every row of {@code channels} values in {@code buffer}. */
  CodeBlock addBias(String buffer, String bias, String channels) {
    return code("""
        for (int r = from * {P}_OUT_SIZE; r < to * {P}_OUT_SIZE; r += {ch}) {
          for (int c = 0; c < {ch}; c++) {
            {buf}[r + c] += {bias}[c];
          }
        }
        """, Map.of("buf", buffer, "bias", bias, "ch", channels));
  }

  /**
   * This worker's part of {@code biasGrad[c]} = sum over its rows of {@code g[r, c]}: row by row (contiguous,
   * vectorised) in blocks of 256 rows whose sums are added up in double, into {@code parts[worker]}; from the
   * worker's first block of samples on.
   */
  CodeBlock biasGradient(String g, String parts, String channels) {
    return code("""
        {T}[] partial = {parts}[worker];
        double[] total = {name}BiasTotal[worker];
        if (from == chunkStart[worker]) {
          {Arrays}.fill(total, 0); // the worker's first block
        }
        for (int block = from * {P}_OUT_SIZE; block < to * {P}_OUT_SIZE; block += 256 * {ch}) {
          {Arrays}.fill(partial, 0);
          int end = Math.min(block + 256 * {ch}, to * {P}_OUT_SIZE);
          for (int r = block; r < end; r += {ch}) {
            for (int c = 0; c < {ch}; c++) {
              partial[c] += {g}[r + c];
            }
          }
          for (int c = 0; c < {ch}; c++) {
            total[c] += partial[c];
          }
        }
        for (int c = 0; c < {ch}; c++) {
          partial[c] = ({T}) total[c];
        }
        """, Map.of("g", g, "parts", parts, "ch", channels));
  }

  /**
   * {@code vector} (calls to the Vector API kernels of {@code Simd}) when the network's {@code simd} field is set, else
   * {@code plain}, the same computation in plain Java loops. Double-precision networks only have {@code plain}.
   */
  CodeBlock simdOr(CodeBlock vector, CodeBlock plain) {
    if (precision != Precision.FLOAT) {
      return plain;
    }
    return CodeBlock.builder().beginControlFlow("if (simd)").add(vector).nextControlFlow("else").add(plain)
        .endControlFlow().build();
  }

  /** Guards input-gradient code of a layer reading the model input: that gradient is only computed on request. */
  CodeBlock inputGradient(CodeBlock code) {
    return readsModelInput
        ? CodeBlock.builder().beginControlFlow("if (inputGradientWanted)").add(code).endControlFlow().build()
        : code;
  }

  static List<Param> list(Param... params) {
    return new ArrayList<>(List.of(params));
  }
}
