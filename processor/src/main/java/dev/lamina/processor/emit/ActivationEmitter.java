package dev.lamina.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.annotations.ActivationType;
import dev.lamina.processor.check.CheckedLayer;
import dev.lamina.processor.read.LayerSpec;
import java.util.List;

/** An activation as a layer: {@code out = f(in)}; softmax over the last axis. */
final class ActivationEmitter extends LayerEmitter {
  private final LayerSpec.Activation spec;

  ActivationEmitter(CheckedLayer layer, Precision precision) {
    super(layer, precision);
    this.spec = (LayerSpec.Activation) layer.spec();
  }

  /** A softmax output layer's logits are its input. */
  boolean keepsLogits() {
    return isOutput && spec.function() == ActivationType.SOFTMAX;
  }

  private String row() {
    List<Integer> shape = layer.outputShape();
    return String.valueOf(shape.get(shape.size() - 1));
  }

  @Override
  CodeBlock forward() {
    return activationForward(spec.function(), in, out(), row());
  }

  @Override
  CodeBlock backward() {
    CodeBlock act = activationBackward(spec.function(), out(), grad(), inGrad, row());
    CodeBlock body = keepsLogits()
        ? CodeBlock.builder().beginControlFlow("if (fromLogits)")
            .add(code("System.arraycopy({grad}, from * {P}_OUT_SIZE, {inGrad}, from * {P}_OUT_SIZE,"
                + " (to - from) * {P}_OUT_SIZE);\n"))
            .nextControlFlow("else").add(act).endControlFlow().build()
        : act;
    return inputGradient(body);
  }
}
