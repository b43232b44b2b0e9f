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
    String c = prefix() + "_CHANNELS";
    return List.of(
        new Buffer(name() + "XHat", prefix() + "_OUT_SIZE", true, "elem"),
        new Buffer(name() + "Mean", c, false, "double"),
        new Buffer(name() + "Variance", c, false, "double"),
        new Buffer(name() + "MeanT", c, false, "elem"),
        new Buffer(name() + "InvStd", c, false, "elem"),
        new Buffer(name() + "SumA", c, false, "elem"),
        new Buffer(name() + "SumB", c, false, "elem"));
  }

  @Override
  Map<String, Object> values() {
    Map<String, Object> v = super.values();
    v.put("momentum", spec.momentum());
    v.put("epsilon", spec.epsilon());
    return v;
  }

  /*
   * Channel sums run row by row (contiguous, vectorised) into per-channel sums of the network's number type over
   * blocks of 256 rows, which are then added up in double: fast, and as accurate as summing in double.
   */

  @Override
  CodeBlock forward() {
    return code("""
        int rows = n * {P}_OUT_SIZE / {P}_CHANNELS;
        if (training) {
          // batch mean of each channel
          {Arrays}.fill({name}Mean, 0);
          for (int block = 0; block < n * {P}_OUT_SIZE; block += 256 * {P}_CHANNELS) {
            {Arrays}.fill({name}SumA, 0);
            int end = Math.min(block + 256 * {P}_CHANNELS, n * {P}_OUT_SIZE);
            for (int r = block; r < end; r += {P}_CHANNELS) {
              for (int c = 0; c < {P}_CHANNELS; c++) {
                {name}SumA[c] += {in}[r + c];
              }
            }
            for (int c = 0; c < {P}_CHANNELS; c++) {
              {name}Mean[c] += {name}SumA[c];
            }
          }
          for (int c = 0; c < {P}_CHANNELS; c++) {
            {name}Mean[c] /= rows;
            {name}MeanT[c] = ({T}) {name}Mean[c];
          }
          // biased variance of each channel (as Keras), from the deviations
          {Arrays}.fill({name}Variance, 0);
          for (int block = 0; block < n * {P}_OUT_SIZE; block += 256 * {P}_CHANNELS) {
            {Arrays}.fill({name}SumA, 0);
            int end = Math.min(block + 256 * {P}_CHANNELS, n * {P}_OUT_SIZE);
            for (int r = block; r < end; r += {P}_CHANNELS) {
              for (int c = 0; c < {P}_CHANNELS; c++) {
                {T} d = {in}[r + c] - {name}MeanT[c];
                {name}SumA[c] += d * d;
              }
            }
            for (int c = 0; c < {P}_CHANNELS; c++) {
              {name}Variance[c] += {name}SumA[c];
            }
          }
          for (int c = 0; c < {P}_CHANNELS; c++) {
            double variance = {name}Variance[c] / rows;
            {name}MovingMean[c] = ({T}) ({name}MovingMean[c] * {momentum} + {name}Mean[c] * (1 - {momentum}));
            {name}MovingVariance[c] = ({T}) ({name}MovingVariance[c] * {momentum} + variance * (1 - {momentum}));
            {name}InvStd[c] = ({T}) (1 / Math.sqrt(variance + {epsilon}));
          }
        } else {
          for (int c = 0; c < {P}_CHANNELS; c++) {
            {name}MeanT[c] = {name}MovingMean[c];
            {name}InvStd[c] = ({T}) (1 / Math.sqrt({name}MovingVariance[c] + {epsilon}));
          }
        }
        // y = gamma * xHat + beta, xHat = (x - mean) / sqrt(variance + epsilon)
        for (int r = 0; r < n * {P}_OUT_SIZE; r += {P}_CHANNELS) {
          for (int c = 0; c < {P}_CHANNELS; c++) {
            {T} xHat = ({in}[r + c] - {name}MeanT[c]) * {name}InvStd[c];
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
        // dBeta = sum(dy), dGamma = sum(dy * xHat), in double (Mean and Variance are free now)
        double[] dBeta = {name}Mean;
        double[] dGamma = {name}Variance;
        {Arrays}.fill(dBeta, 0);
        {Arrays}.fill(dGamma, 0);
        for (int block = 0; block < n * {P}_OUT_SIZE; block += 256 * {P}_CHANNELS) {
          {Arrays}.fill({name}SumA, 0);
          {Arrays}.fill({name}SumB, 0);
          int end = Math.min(block + 256 * {P}_CHANNELS, n * {P}_OUT_SIZE);
          for (int r = block; r < end; r += {P}_CHANNELS) {
            for (int c = 0; c < {P}_CHANNELS; c++) {
              {name}SumA[c] += {grad}[r + c];
              {name}SumB[c] += {grad}[r + c] * {name}XHat[r + c];
            }
          }
          for (int c = 0; c < {P}_CHANNELS; c++) {
            dBeta[c] += {name}SumA[c];
            dGamma[c] += {name}SumB[c];
          }
        }
        for (int c = 0; c < {P}_CHANNELS; c++) {
          {name}BetaGrad[c] = ({T}) dBeta[c];
          {name}GammaGrad[c] = ({T}) dGamma[c];
        }
        """));
    CodeBlock inputGradient = code("""
        // dx = gamma * invStd * (dy - dBeta / rows - xHat * dGamma / rows)
        {T}[] scale = {name}SumA;
        {T}[] meanDy = {name}SumB;
        {T}[] meanDyXHat = {name}MeanT;
        for (int c = 0; c < {P}_CHANNELS; c++) {
          scale[c] = {name}Gamma[c] * {name}InvStd[c];
          meanDy[c] = ({T}) (dBeta[c] / rows);
          meanDyXHat[c] = ({T}) (dGamma[c] / rows);
        }
        for (int r = 0; r < n * {P}_OUT_SIZE; r += {P}_CHANNELS) {
          for (int c = 0; c < {P}_CHANNELS; c++) {
            {inGrad}[r + c] = scale[c] * ({grad}[r + c] - meanDy[c] - {name}XHat[r + c] * meanDyXHat[c]);
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
