package dev.lamina.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.check.CheckedLayer;

/** Flatten: channels-last samples are already flat in memory, so forward and backward are plain copies. */
final class FlattenEmitter extends LayerEmitter {
  FlattenEmitter(CheckedLayer layer, Precision precision) {
    super(layer, precision);
  }

  @Override
  CodeBlock forward() {
    return code("System.arraycopy({in}, 0, {out}, 0, n * {P}_OUT_SIZE);\n");
  }

  @Override
  CodeBlock backward() {
    CodeBlock copy = code("System.arraycopy({grad}, 0, {inGrad}, 0, n * {P}_OUT_SIZE);\n");
    return readsModelInput
        ? CodeBlock.builder().beginControlFlow("if (inputGradientWanted)").add(copy).endControlFlow().build()
        : copy;
  }
}
