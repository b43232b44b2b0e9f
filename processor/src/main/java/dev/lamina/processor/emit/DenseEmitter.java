package dev.lamina.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.annotations.ActivationType;
import dev.lamina.processor.check.CheckedLayer;
import dev.lamina.processor.read.LayerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Dense: {@code out[n, UNITS] = in[n, IN_SIZE] x kernel[IN_SIZE, UNITS] + bias}, then the activation. Each worker
 * does its own samples' rows; its kernel gradient is a partial sum, added up after the backward pass.
 */
final class DenseEmitter extends LayerEmitter {
  private final LayerSpec.Dense spec;

  DenseEmitter(CheckedLayer layer, Precision precision) {
    super(layer, precision);
    this.spec = (LayerSpec.Dense) layer.spec();
  }

  /** A softmax output layer keeps its logits, for a stable cross-entropy. */
  boolean keepsLogits() {
    return isOutput && spec.activation() == ActivationType.SOFTMAX;
  }

  @Override
  Map<String, Integer> constants() {
    Map<String, Integer> c = super.constants();
    c.put("UNITS", spec.units());
    return c;
  }

  @Override
  List<Param> params() {
    int in = layer.inputSize();
    List<Param> p =
        list(
            new Param(
                name() + "Kernel", name() + ".kernel", List.of(in, spec.units()), true, Init.GLOROT_UNIFORM, in,
                spec.units()));
    if (spec.useBias()) {
      p.add(new Param(name() + "Bias", name() + ".bias", List.of(spec.units()), true, Init.ZEROS, 0, 0));
    }
    return p;
  }

  @Override
  List<Buffer> buffers() {
    List<Buffer> b = new ArrayList<>();
    if (keepsLogits()) {
      b.add(new Buffer(name() + "Logits", prefix() + "_OUT_SIZE", Scope.BATCH, "elem"));
    }
    if (spec.useBias()) {
      b.add(new Buffer(name() + "BiasTotal", prefix() + "_UNITS", Scope.WORKER, "double"));
    }
    return b;
  }

  @Override
  CodeBlock forward() {
    String target = keepsLogits() ? name() + "Logits" : out();
    CodeBlock.Builder b = CodeBlock.builder();
    CodeBlock product = code("""
        {Gemm}.nn(to - from, {P}_UNITS, {P}_IN_SIZE, {in}, from * {P}_IN_SIZE, {name}Kernel, 0, {target},
            from * {P}_OUT_SIZE, false);
        """, Map.of("target", target));
    if (precision == Precision.FLOAT) {
      // one sample (batch-1 inference) and few units: the Vector API kernel, without OpenBLAS's call and copies
      b.beginControlFlow("if (simd && to - from == 1 && $L_UNITS <= $T.lanes())", prefix(), SIMD)
          .add(code("""
              {Simd}.rowTimesNarrowMatrix({in}, from * {P}_IN_SIZE, {P}_IN_SIZE, {name}Kernel, {P}_UNITS, {target},
                  from * {P}_OUT_SIZE);
              """, Map.of("target", target)))
          .nextControlFlow("else").add(product).endControlFlow();
    } else {
      b.add(product);
    }
    if (spec.useBias()) {
      b.add(addBias(target, name() + "Bias", prefix() + "_UNITS"));
    }
    b.add(activationForward(spec.activation(), target, out(), prefix() + "_UNITS"));
    return b.build();
  }

  @Override
  CodeBlock backward() {
    CodeBlock.Builder b = CodeBlock.builder();
    CodeBlock act = activationBackward(spec.activation(), out(), grad(), grad(), prefix() + "_UNITS");
    if (keepsLogits()) {
      b.add("// through the softmax, unless the caller gave the gradient w.r.t. the logits\n");
      b.beginControlFlow("if (!fromLogits)").add(act).endControlFlow();
    } else if (!act.isEmpty()) {
      b.add("// through the activation\n");
      b.add(act);
    }
    b.add(code("""
        // this worker's kernel gradient: in^T[IN_SIZE, rows] x grad[rows, UNITS]
        {Gemm}.tn({P}_IN_SIZE, {P}_UNITS, to - from, {in}, from * {P}_IN_SIZE, {grad}, from * {P}_OUT_SIZE,
            {name}KernelGradParts[worker], 0, from > chunkStart[worker]);
        """));
    if (spec.useBias()) {
      b.add(biasGradient(grad(), name() + "BiasGradParts", prefix() + "_UNITS"));
    }
    b.add(inputGradient(code("""
        // input gradient: grad[rows, UNITS] x kernel^T[UNITS, IN_SIZE]
        {Gemm}.nt(to - from, {P}_IN_SIZE, {P}_UNITS, {grad}, from * {P}_OUT_SIZE, {name}Kernel, 0, {inGrad},
            from * {P}_IN_SIZE, false);
        """)));
    return b.build();
  }
}
