package dev.lamina.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.lamina.annotations.Padding;
import dev.lamina.processor.check.CheckedLayer;
import dev.lamina.processor.check.Window;
import dev.lamina.processor.read.LayerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Conv2D as im2col and one matrix product: each output pixel's receptive field is copied into a row of
 * {@code cols} ({@code KH * KW * IN_C} values, in the kernel's own (kh, kw, c) order), so the convolution is
 * {@code out[pixels, F] = cols[pixels, PATCH] x kernel[PATCH, F]}. Backward is two more products and col2im. Each
 * worker does its own samples, a block at a time so that the columns stay in cache (backward builds them again
 * rather than keeping them); its kernel gradient is a partial sum, added up after the backward pass.
 */
final class Conv2DEmitter extends LayerEmitter {
  static final ClassName WINDOW_ORDER = ClassName.get("dev.lamina.runtime.kernels", "WindowOrder");

  private final LayerSpec.Conv2D spec;
  /** The pool size when a fused BatchNorm+ReLU+MaxPool2D reads this layer: output pixels in window order. */
  private List<Integer> windowOrder;
  /** True when that BatchNorm takes this layer's bias into its mean instead (see {@link #writeForPool}). */
  private boolean biasInBatchNorm;

  Conv2DEmitter(CheckedLayer layer, Precision precision) {
    super(layer, precision);
    this.spec = (LayerSpec.Conv2D) layer.spec();
  }

  /**
   * Makes this layer write its output pixels in {@link dev.lamina.runtime.kernels.WindowOrder} for a {@code pool}
   * that only a fused BatchNorm reads. Without an activation, the bias is then left to that BatchNorm: in training,
   * BatchNorm subtracts the batch mean, so a constant per channel cancels out exactly, and its gradient is exactly
   * zero; it still counts in the moving mean, which the BatchNorm adds it to, so inference is unchanged.
   */
  void writeForPool(List<Integer> pool) {
    this.windowOrder = pool;
    this.biasInBatchNorm = spec.useBias() && spec.activation() == dev.lamina.annotations.ActivationType.LINEAR;
  }

  /**
   * True when im2col writes off-heap ({@link #columnsClass}): when it copies runs of at least 16 values. Shorter runs
   * (a first layer's few input channels) cost more per copy off-heap than staging the whole matrix once.
   */
  boolean offHeapColumns() {
    int run = layer.inputShape().get(2) * (spec.padding() == Padding.VALID ? spec.kernel().get(1) : 1);
    return run >= 16;
  }

  /**
   * True when the forward product has so short an inner dimension (PATCH of at most 32 values, in heap columns) that
   * the Vector API kernel {@code Simd.smallPatchProduct} beats OpenBLAS: a first layer's 3x3 patches of one channel.
   */
  boolean smallPatch() {
    return precision == Precision.FLOAT && !offHeapColumns()
        && spec.kernel().get(0) * spec.kernel().get(1) * layer.inputShape().get(2) <= 32;
  }

  /** Where im2col writes: off-heap for floats (OpenBLAS reads it without a copy), a heap array for doubles. */
  static ClassName columnsClass(Precision precision) {
    return ClassName.get("dev.lamina.runtime.kernels", precision == Precision.FLOAT ? "Columns" : "DoubleColumns");
  }

  /** The bias field a fused BatchNorm adds to its mean, or null. */
  String biasForBatchNorm() {
    return biasInBatchNorm ? name() + "Bias" : null;
  }

  @Override
  Map<String, CodeBlock> tables() {
    if (windowOrder == null) {
      return Map.of();
    }
    return Map.of("ROW", CodeBlock.of("$T.rowOfPixel($L_OUT_H, $L_OUT_W, $L, $L)", WINDOW_ORDER, prefix(), prefix(),
        windowOrder.get(0), windowOrder.get(1)));
  }

  /** The statement giving {@code row}, where pixel (oh, ow) of sample b starts in the block's columns. */
  private String rowOf() {
    return windowOrder == null
        ? "int row = (((b - s0) * {P}_OUT_H + oh) * {P}_OUT_W + ow) * {P}_PATCH;"
        : "int row = ((b - s0) * {P}_PIXELS + {P}_ROW[oh * {P}_OUT_W + ow]) * {P}_PATCH; // window order";
  }

  @Override
  Map<String, Object> values() {
    Map<String, Object> v = super.values();
    v.put("rowOf", Template.render(rowOf(), super.values()));
    v.put("Cols", columnsClass(precision));
    // col2im adds runs of IN_C values: with the Vector API when they fill vectors (from 8 channels on)
    CodeBlock loop = Template.render(
        "for (int c = 0; c < {P}_IN_C; c++) {\n  {inGrad}[dst + c] += colsGrad[src + c];\n}\n", v);
    v.put("addRun", layer.inputShape().get(2) >= 8
        ? simdOr(Template.render("{Simd}.add(colsGrad, src, {inGrad}, dst, {P}_IN_C);\n", v), loop) : loop);
    v.put("ColsType", offHeapColumns() ? columnsClass(precision) : CodeBlock.of("$T[]", precision.type));
    return v;
  }

  @Override
  Map<String, Integer> constants() {
    List<Integer> in = layer.inputShape();
    List<Integer> out = layer.outputShape();
    int kh = spec.kernel().get(0);
    int kw = spec.kernel().get(1);
    Map<String, Integer> c = super.constants();
    c.put("IN_H", in.get(0));
    c.put("IN_W", in.get(1));
    c.put("IN_C", in.get(2));
    c.put("OUT_H", out.get(0));
    c.put("OUT_W", out.get(1));
    c.put("FILTERS", spec.filters());
    c.put("KH", kh);
    c.put("KW", kw);
    c.put("SH", spec.strides().get(0));
    c.put("SW", spec.strides().get(1));
    c.put("PAD_TOP", Window.of(in.get(0), kh, spec.strides().get(0), spec.padding()).padBefore());
    c.put("PAD_LEFT", Window.of(in.get(1), kw, spec.strides().get(1), spec.padding()).padBefore());
    c.put("PATCH", kh * kw * in.get(2));
    c.put("PIXELS", out.get(0) * out.get(1));
    c.put("BLOCK", block());
    return c;
  }

  /**
   * Samples per im2col block: enough that a block's rows make a good matrix product, few enough that its columns
   * (about 2 MB) stay in the core's cache between im2col and the product.
   */
  int block() {
    int perSample = layer.outputShape().get(0) * layer.outputShape().get(1) * spec.kernel().get(0)
        * spec.kernel().get(1) * layer.inputShape().get(2);
    return Math.max(1, 524288 / perSample);
  }

  @Override
  List<Param> params() {
    int kh = spec.kernel().get(0);
    int kw = spec.kernel().get(1);
    int cin = layer.inputShape().get(2);
    List<Param> p =
        list(
            new Param(
                name() + "Kernel", name() + ".kernel", List.of(kh, kw, cin, spec.filters()), true,
                Init.GLOROT_UNIFORM, kh * kw * cin, kh * kw * spec.filters()));
    if (spec.useBias()) {
      p.add(new Param(name() + "Bias", name() + ".bias", List.of(spec.filters()), true, Init.ZEROS, 0, 0));
    }
    return p;
  }

  @Override
  List<Buffer> buffers() {
    List<Buffer> b = new ArrayList<>();
    String block = prefix() + "_BLOCK * " + prefix() + "_PIXELS * " + prefix() + "_PATCH";
    b.add(new Buffer(name() + "Cols", block, Scope.WORKER, offHeapColumns() ? "columns" : "elem"));
    b.add(new Buffer(name() + "ColsGrad", block, Scope.WORKER, "elem"));
    if (spec.useBias()) {
      b.add(new Buffer(name() + "BiasTotal", prefix() + "_FILTERS", Scope.WORKER, "double"));
    }
    return b;
  }

  /** im2col of samples {@code [s0, s1)} into this worker's {@code cols}, one row of PATCH values per pixel. */
  private CodeBlock im2col() {
    return im2col(Map.of());
  }

  /** im2col, with {@code values} overriding the template's (rowOf: where a pixel's row starts, or continue). */
  private CodeBlock im2col(Map<String, ?> values) {
    if (spec.padding() == Padding.VALID) {
      return code("""
          for (int b = s0; b < s1; b++) {
            for (int oh = 0; oh < {P}_OUT_H; oh++) {
              for (int ow = 0; ow < {P}_OUT_W; ow++) {
                {rowOf}
                for (int kh = 0; kh < {P}_KH; kh++) {
                  int ih = oh * {P}_SH + kh;
                  // the KW pixels of this kernel row are contiguous in the input: one copy
                  {Cols}.put(cols, row + kh * {P}_KW * {P}_IN_C, {in}, ((b * {P}_IN_H + ih) * {P}_IN_W + ow * {P}_SW) * {P}_IN_C,
                      {P}_KW * {P}_IN_C);
                }
              }
            }
          }
          """, values);
    }
    return code("""
        for (int b = s0; b < s1; b++) {
          for (int oh = 0; oh < {P}_OUT_H; oh++) {
            for (int ow = 0; ow < {P}_OUT_W; ow++) {
              {rowOf}
              for (int kh = 0; kh < {P}_KH; kh++) {
                int ih = oh * {P}_SH + kh - {P}_PAD_TOP;
                for (int kw = 0; kw < {P}_KW; kw++) {
                  int iw = ow * {P}_SW + kw - {P}_PAD_LEFT;
                  int at = row + (kh * {P}_KW + kw) * {P}_IN_C;
                  if (ih < 0 || ih >= {P}_IN_H || iw < 0 || iw >= {P}_IN_W) {
                    {Cols}.zero(cols, at, {P}_IN_C); // zero padding
                  } else {
                    {Cols}.put(cols, at, {in}, ((b * {P}_IN_H + ih) * {P}_IN_W + iw) * {P}_IN_C, {P}_IN_C);
                  }
                }
              }
            }
          }
        }
        """, values);
  }

  /** Opens the loop over this worker's samples in equal blocks of at most BLOCK: {@code [s0, s1)}. */
  private CodeBlock blockLoop() {
    return code("""
        int blocks = (to - from + {P}_BLOCK - 1) / {P}_BLOCK;
        int blockSize = (to - from + blocks - 1) / blocks; // equal blocks of at most {P}_BLOCK samples
        for (int s0 = from; s0 < to; s0 += blockSize) {
          int s1 = Math.min(s0 + blockSize, to);
        """);
  }

  @Override
  CodeBlock forward() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add(code("""
        // blocks of {P}_BLOCK samples: im2col, then out[pixels, FILTERS] = cols[pixels, PATCH] x kernel[PATCH, FILTERS]
        {ColsType} cols = {name}Cols[worker];
        """));
    b.add(blockLoop());
    b.indent();
    b.add(im2col());
    b.add(product("(s1 - s0) * {P}_PIXELS", "s0 * {P}_OUT_SIZE"));
    b.unindent();
    b.add("}\n");
    if (biasInBatchNorm) {
      b.add("// the bias is added by the BatchNorm that reads this layer (to its mean)\n");
    } else if (spec.useBias()) {
      b.add(addBias(out(), name() + "Bias", prefix() + "_FILTERS"));
    }
    b.add(activationForward(spec.activation(), out(), out(), prefix() + "_FILTERS"));
    return b.build();
  }

  /** out[rows, FILTERS] = cols[rows, PATCH] x kernel[PATCH, FILTERS], written from {@code at} of the output. */
  private CodeBlock product(String rows, String at) {
    Map<String, String> where = Map.of("rows", Template.render(rows, super.values()).toString(),
        "at", Template.render(at, super.values()).toString());
    CodeBlock product = code("""
        {Gemm}.nn({rows}, {P}_FILTERS, {P}_PATCH, cols, 0, {name}Kernel, 0, {out}, {at}, false);
        """, where);
    return smallPatch() ? simdOr(code("""
        // patches of a few values: OpenBLAS is slow on so short an inner dimension
        {Simd}.smallPatchProduct({rows}, {P}_PATCH, {P}_FILTERS, cols, 0, {name}Kernel, {out}, {at});
        """, where), product) : product;
  }

  /**
   * Inference of sample 0: this worker's share of the output pixels, im2col and product; only when the forward pass
   * is the product alone (no bias to add here, no activation).
   */
  @Override
  CodeBlock forwardPart() {
    boolean productOnly = (biasInBatchNorm || !spec.useBias())
        && spec.activation() == dev.lamina.annotations.ActivationType.LINEAR;
    if (!productOnly) {
      return null;
    }
    String pixelRow = windowOrder == null ? "oh * {P}_OUT_W + ow" : "{P}_ROW[oh * {P}_OUT_W + ow]";
    // continuation lines carry the indentation of {rowOf} in the im2col templates (inside three loops)
    String indent = "\n      ";
    CodeBlock rowOf = code("int pixelRow = " + pixelRow + ";" + indent
        + "if (pixelRow < r0 || pixelRow >= r1) {" + indent + "  continue; // another worker's pixel" + indent + "}"
        + indent + "int row = (pixelRow - r0) * {P}_PATCH;");
    // in window order, the pixels no pool window covers come last, and inference does not need them
    int rows = windowOrder == null ? layer.outputShape().get(0) * layer.outputShape().get(1)
        : layer.outputShape().get(0) / windowOrder.get(0) * windowOrder.get(0)
            * (layer.outputShape().get(1) / windowOrder.get(1) * windowOrder.get(1));
    CodeBlock.Builder b = CodeBlock.builder();
    b.add(code("""
        // this worker's share of sample 0's output pixels: rows [r0, r1) of the product, of the {rows} that
        // the next layer reads
        int r0 = (int) ((long) {rows} * worker / parts);
        int r1 = (int) ((long) {rows} * (worker + 1) / parts);
        """, Map.of("rows", rows)));
    b.add(code("""
        {ColsType} cols = {name}Cols[worker];
        int s0 = 0;
        int s1 = 1;
        """));
    b.add(im2col(Map.of("rowOf", rowOf)));
    b.add(product("r1 - r0", "r0 * {P}_FILTERS"));
    return b.build();
  }

  @Override
  CodeBlock backward() {
    CodeBlock.Builder b = CodeBlock.builder();
    CodeBlock act = activationBackward(spec.activation(), out(), grad(), grad(), prefix() + "_FILTERS");
    if (!act.isEmpty()) {
      b.add("// through the activation\n");
      b.add(act);
    }
    if (biasInBatchNorm) {
      b.add(code("""
          // the BatchNorm reading this layer cancels its bias: that gradient is exactly zero
          {Arrays}.fill({name}BiasGradParts[worker], 0);
          """));
    } else if (spec.useBias()) {
      b.add(biasGradient(grad(), name() + "BiasGradParts", prefix() + "_FILTERS"));
    }
    b.add(code("""
        // blocks of {P}_BLOCK samples: im2col again (cheaper than keeping it), this worker's kernel gradient
        // += cols^T[PATCH, pixels] x grad[pixels, FILTERS], and the input gradient
        {ColsType} cols = {name}Cols[worker];
        {T}[] colsGrad = {name}ColsGrad[worker];
        """));
    b.add(blockLoop());
    b.indent();
    b.add(im2col());
    CodeBlock kernelGradient = code("""
        {Gemm}.tn({P}_PATCH, {P}_FILTERS, (s1 - s0) * {P}_PIXELS, cols, 0, {grad}, s0 * {P}_OUT_SIZE,
            {name}KernelGradParts[worker], 0, s0 > chunkStart[worker]);
        """);
    b.add(smallPatch() ? simdOr(code("""
        {Simd}.smallPatchKernelGradient((s1 - s0) * {P}_PIXELS, {P}_PATCH, {P}_FILTERS, cols, 0, {grad},
            s0 * {P}_OUT_SIZE, {name}KernelGradParts[worker], s0 > chunkStart[worker]);
        """), kernelGradient) : kernelGradient);
    b.add(inputGradient(code("""
        // colsGrad[pixels, PATCH] = grad[pixels, FILTERS] x kernel^T, then col2im
        {Gemm}.nt((s1 - s0) * {P}_PIXELS, {P}_PATCH, {P}_FILTERS, {grad}, s0 * {P}_OUT_SIZE, {name}Kernel, 0,
            colsGrad, 0, false);
        {Arrays}.fill({inGrad}, s0 * {P}_IN_SIZE, s1 * {P}_IN_SIZE, 0);
        for (int b = s0; b < s1; b++) {
          for (int oh = 0; oh < {P}_OUT_H; oh++) {
            for (int ow = 0; ow < {P}_OUT_W; ow++) {
              {rowOf}
              for (int kh = 0; kh < {P}_KH; kh++) {
                int ih = oh * {P}_SH + kh - {P}_PAD_TOP;
                for (int kw = 0; kw < {P}_KW; kw++) {
                  int iw = ow * {P}_SW + kw - {P}_PAD_LEFT;
                  if (ih < 0 || ih >= {P}_IN_H || iw < 0 || iw >= {P}_IN_W) {
                    continue;
                  }
                  int src = row + (kh * {P}_KW + kw) * {P}_IN_C;
                  int dst = ((b * {P}_IN_H + ih) * {P}_IN_W + iw) * {P}_IN_C;
                  {addRun}
                }
              }
            }
          }
        }
        """)));
    b.unindent();
    b.add("}\n");
    return b.build();
  }
}
