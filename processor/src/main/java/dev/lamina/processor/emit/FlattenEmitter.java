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
    return code("System.arraycopy({in}, from * {P}_OUT_SIZE, {out}, from * {P}_OUT_SIZE, (to - from) * {P}_OUT_SIZE);\n");
  }

  @Override
  CodeBlock backward() {
    return inputGradient(
        code("System.arraycopy({grad}, from * {P}_OUT_SIZE, {inGrad}, from * {P}_OUT_SIZE, (to - from) * {P}_OUT_SIZE);\n"));
  }
}
