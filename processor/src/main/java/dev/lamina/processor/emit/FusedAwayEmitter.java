package dev.lamina.processor.emit;

import com.palantir.javapoet.CodeBlock;
import java.util.Map;

/**
 * A layer whose work another emitter does in the same pass (see {@link BatchNormReluPoolEmitter}): it keeps its
 * constants, and its methods only say where its work went. It owns an output buffer only if later layers read it.
 */
final class FusedAwayEmitter extends LayerEmitter {
  private final LayerEmitter original;
  private final String into;
  private final boolean ownsOutput;

  FusedAwayEmitter(LayerEmitter original, String into, boolean ownsOutput) {
    super(original.layer, original.precision);
    this.original = original;
    this.into = into;
    this.ownsOutput = ownsOutput;
  }

  @Override
  boolean ownsOutput() {
    return ownsOutput;
  }

  @Override
  Map<String, Integer> constants() {
    return original.constants();
  }

  @Override
  CodeBlock forward() {
    return CodeBlock.of("// fused into $LForward: done in the same pass over memory\n", into);
  }

  /** Nothing to do: the layer it is fused into does this layer's share too. */
  @Override
  CodeBlock forwardPart() {
    return CodeBlock.of("");
  }

  @Override
  CodeBlock backward() {
    return CodeBlock.of("// fused into $LBackward\n", into);
  }
}
