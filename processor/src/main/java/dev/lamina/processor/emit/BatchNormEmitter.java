package dev.lamina.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.check.CheckedLayer;
import dev.lamina.processor.read.LayerSpec;
import java.util.List;
import java.util.Map;

/**
 * Batch normalization over the last axis, as Keras: in training mode the batch's mean and biased variance normalise
 * the input and update the moving statistics ({@code moving = moving * momentum + batch * (1 - momentum)}); in
 * inference mode the moving statistics normalise it. Sums are accumulated in double.
 */
final class BatchNormEmitter extends LayerEmitter {
  private final LayerSpec.BatchNorm spec;

  BatchNormEmitter(CheckedLayer layer, Precision precision) {
    super(layer, precision);
    this.spec = (LayerSpec.BatchNorm) layer.spec();
  }

  private int channels() {
    return layer.inputShape().get(layer.inputShape().size() - 1);
  }

  @Override
  Map<String, Integer> constants() {
    Map<String, Integer> c = super.constants();
    c.put("CHANNELS", channels());
    return c;
  }

  @Override
  List<Param> params() {
    List<Integer> shape = List.of(channels());
    return list(
        new Param(name() + "Gamma", name() + ".gamma", shape, true, Init.ONES, 0, 0),
        new Param(name() + "Beta", name() + ".beta", shape, true, Init.ZEROS, 0, 0),
        new Param(name() + "MovingMean", name() + ".moving_mean", shape, false, Init.ZEROS, 0, 0),
        new Param(name() + "MovingVariance", name() + ".moving_variance", shape, false, Init.ONES, 0, 0));
  }

  @Override
  List<Buffer> buffers() {
    return List.of(
        new Buffer(name() + "XHat", prefix() + "_OUT_SIZE", true, "elem"),
        new Buffer(name() + "Mean", prefix() + "_CHANNELS", false, "double"),
        new Buffer(name() + "InvStd", prefix() + "_CHANNELS", false, "double"));
  }

  @Override
  Map<String, Object> values() {
    Map<String, Object> v = super.values();
    v.put("momentum", spec.momentum());
    v.put("epsilon", spec.epsilon());
    return v;
  }

  @Override
  CodeBlock forward() {
    return code("""
        int rows = n * {P}_OUT_SIZE / {P}_CHANNELS;
        if (training) {
          // batch mean and biased variance of each channel
          {Arrays}.fill({name}Mean, 0);
          {Arrays}.fill({name}InvStd, 0);
          for (int r = 0; r < n * {P}_OUT_SIZE; r += {P}_CHANNELS) {
            for (int c = 0; c < {P}_CHANNELS; c++) {
              {name}Mean[c] += {in}[r + c];
            }
          }
          for (int c = 0; c < {P}_CHANNELS; c++) {
            {name}Mean[c] /= rows;
          }
          for (int r = 0; r < n * {P}_OUT_SIZE; r += {P}_CHANNELS) {
            for (int c = 0; c < {P}_CHANNELS; c++) {
              double d = {in}[r + c] - {name}Mean[c];
              {name}InvStd[c] += d * d;
            }
          }
          for (int c = 0; c < {P}_CHANNELS; c++) {
            double variance = {name}InvStd[c] / rows;
            {name}MovingMean[c] = ({T}) ({name}MovingMean[c] * {momentum} + {name}Mean[c] * (1 - {momentum}));
            {name}MovingVariance[c] = ({T}) ({name}MovingVariance[c] * {momentum} + variance * (1 - {momentum}));
            {name}InvStd[c] = 1 / Math.sqrt(variance + {epsilon});
          }
        } else {
          for (int c = 0; c < {P}_CHANNELS; c++) {
            {name}Mean[c] = {name}MovingMean[c];
            {name}InvStd[c] = 1 / Math.sqrt({name}MovingVariance[c] + {epsilon});
          }
        }
        // y = gamma * (x - mean) / sqrt(variance + epsilon) + beta
        for (int r = 0; r < n * {P}_OUT_SIZE; r += {P}_CHANNELS) {
          for (int c = 0; c < {P}_CHANNELS; c++) {
            {T} xHat = ({T}) (({in}[r + c] - {name}Mean[c]) * {name}InvStd[c]);
            {name}XHat[r + c] = xHat;
            {out}[r + c] = {name}Gamma[c] * xHat + {name}Beta[c];
          }
        }
        """);
  }

  @Override
  CodeBlock backward() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add(code("""
        int rows = n * {P}_OUT_SIZE / {P}_CHANNELS;
        // dBeta = sum(dy), dGamma = sum(dy * xHat)
        for (int c = 0; c < {P}_CHANNELS; c++) {
          double dBeta = 0;
          double dGamma = 0;
          for (int r = c; r < n * {P}_OUT_SIZE; r += {P}_CHANNELS) {
            dBeta += {grad}[r];
            dGamma += {grad}[r] * {name}XHat[r];
          }
          {name}BetaGrad[c] = ({T}) dBeta;
          {name}GammaGrad[c] = ({T}) dGamma;
        }
        """));
    CodeBlock inputGradient = code("""
        // dx = gamma * invStd / rows * (rows * dy - dBeta - xHat * dGamma)
        for (int r = 0; r < n * {P}_OUT_SIZE; r += {P}_CHANNELS) {
          for (int c = 0; c < {P}_CHANNELS; c++) {
            double scale = {name}Gamma[c] * {name}InvStd[c] / rows;
            {inGrad}[r + c] = ({T}) (scale * (rows * {grad}[r + c] - {name}BetaGrad[c] - {name}XHat[r + c] * {name}GammaGrad[c]));
          }
        }
        """);
    if (readsModelInput) {
      b.beginControlFlow("if (inputGradientWanted)").add(inputGradient).endControlFlow();
    } else {
      b.add(inputGradient);
    }
    return b.build();
  }
}
