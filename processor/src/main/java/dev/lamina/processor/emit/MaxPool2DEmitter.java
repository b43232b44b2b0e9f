package dev.lamina.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.check.CheckedLayer;
import dev.lamina.processor.check.Window;
import dev.lamina.processor.read.LayerSpec;
import java.util.List;
import java.util.Map;

/**
 * Max pooling: each output keeps the largest input of its window and remembers where it came from
 * ({@code argmax}, an index into the input buffer), so backward routes each gradient to that one input.
 */
final class MaxPool2DEmitter extends LayerEmitter {
  private final LayerSpec.MaxPool2D spec;

  MaxPool2DEmitter(CheckedLayer layer, Precision precision) {
    super(layer, precision);
    this.spec = (LayerSpec.MaxPool2D) layer.spec();
  }

  @Override
  Map<String, Integer> constants() {
    List<Integer> in = layer.inputShape();
    List<Integer> out = layer.outputShape();
    Map<String, Integer> c = super.constants();
    c.put("IN_H", in.get(0));
    c.put("IN_W", in.get(1));
    c.put("CHANNELS", in.get(2));
    c.put("OUT_H", out.get(0));
    c.put("OUT_W", out.get(1));
    c.put("PH", spec.pool().get(0));
    c.put("PW", spec.pool().get(1));
    c.put("SH", spec.strides().get(0));
    c.put("SW", spec.strides().get(1));
    c.put("PAD_TOP", Window.of(in.get(0), spec.pool().get(0), spec.strides().get(0), spec.padding()).padBefore());
    c.put("PAD_LEFT", Window.of(in.get(1), spec.pool().get(1), spec.strides().get(1), spec.padding()).padBefore());
    return c;
  }

  @Override
  List<Buffer> buffers() {
    return List.of(new Buffer(name() + "Argmax", prefix() + "_OUT_SIZE", Scope.BATCH, "int"));
  }

  @Override
  CodeBlock forward() {
    return code("""
        for (int b = from; b < to; b++) {
          for (int oh = 0; oh < {P}_OUT_H; oh++) {
            for (int ow = 0; ow < {P}_OUT_W; ow++) {
              int o = ((b * {P}_OUT_H + oh) * {P}_OUT_W + ow) * {P}_CHANNELS;
              boolean first = true;
              for (int ph = 0; ph < {P}_PH; ph++) {
                int ih = oh * {P}_SH + ph - {P}_PAD_TOP;
                if (ih < 0 || ih >= {P}_IN_H) {
                  continue;
                }
                for (int pw = 0; pw < {P}_PW; pw++) {
                  int iw = ow * {P}_SW + pw - {P}_PAD_LEFT;
                  if (iw < 0 || iw >= {P}_IN_W) {
                    continue;
                  }
                  int i = ((b * {P}_IN_H + ih) * {P}_IN_W + iw) * {P}_CHANNELS;
                  if (first) {
                    // the window's first pixel starts every channel's maximum
                    System.arraycopy({in}, i, {out}, o, {P}_CHANNELS);
                    for (int c = 0; c < {P}_CHANNELS; c++) {
                      {name}Argmax[o + c] = i + c;
                    }
                    first = false;
                    continue;
                  }
                  // branch-free: a later pixel wins only if strictly larger (ties keep the first, as Keras)
                  for (int c = 0; c < {P}_CHANNELS; c++) {
                    {T} best = {out}[o + c];
                    {T} v = {in}[i + c];
                    int larger = (int) ({bits}(best - v) >> {shift});
                    {out}[o + c] = Math.max(best, v);
                    {name}Argmax[o + c] = ((i + c) & larger) | ({name}Argmax[o + c] & ~larger);
                  }
                }
              }
            }
          }
        }
        """);
  }

  @Override
  CodeBlock backward() {
    return inputGradient(code("""
        {Arrays}.fill({inGrad}, from * {P}_IN_SIZE, to * {P}_IN_SIZE, 0);
        for (int o = from * {P}_OUT_SIZE; o < to * {P}_OUT_SIZE; o++) {
          {inGrad}[{name}Argmax[o]] += {grad}[o];
        }
        """));
  }
}
