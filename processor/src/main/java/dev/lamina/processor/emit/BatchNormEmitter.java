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
    return params(name(), channels());
  }

  /**
   * A BatchNorm's parameters, as Keras names and initialises them. Worker 0 writes the gamma and beta gradients
   * whole, after the workers' sums meet.
   */
  static List<Param> params(String name, int channels) {
    List<Integer> shape = List.of(channels);
    return list(
        new Param(name + "Gamma", name + ".gamma", shape, true, Init.ONES, 0, 0).whole(),
        new Param(name + "Beta", name + ".beta", shape, true, Init.ZEROS, 0, 0).whole(),
        new Param(name + "MovingMean", name + ".moving_mean", shape, false, Init.ZEROS, 0, 0),
        new Param(name + "MovingVariance", name + ".moving_variance", shape, false, Init.ONES, 0, 0));
  }

  @Override
  List<Buffer> buffers() {
    String c = prefix() + "_CHANNELS";
    return List.of(
        new Buffer(name() + "XHat", prefix() + "_OUT_SIZE", Scope.BATCH, "elem"),
        new Buffer(name() + "Mean", c, Scope.FIXED, "double"),
        new Buffer(name() + "Variance", c, Scope.FIXED, "double"),
        new Buffer(name() + "MeanT", c, Scope.FIXED, "elem"),
        new Buffer(name() + "InvStd", c, Scope.FIXED, "elem"),
        new Buffer(name() + "Scale", c, Scope.FIXED, "elem"),
        new Buffer(name() + "MeanDy", c, Scope.FIXED, "elem"),
        new Buffer(name() + "MeanDyXHat", c, Scope.FIXED, "elem"),
        new Buffer(name() + "Partial", "2 * " + c, Scope.WORKER, "double"),
        new Buffer(name() + "BlockA", c, Scope.WORKER, "elem"),
        new Buffer(name() + "BlockB", c, Scope.WORKER, "elem"));
  }

  @Override
  Map<String, Object> values() {
    Map<String, Object> v = super.values();
    v.put("momentum", spec.momentum());
    v.put("epsilon", spec.epsilon());
    return v;
  }

  /*
   * Each worker sums its own rows: row by row (contiguous, vectorised) into sums of the network's number type over
   * blocks of 256 rows, added up in double into its partial sums; at a barrier, worker 0 adds the workers' partial
   * sums in worker order (deterministic), and at the next barrier everyone reads the result.
   */

  /** Its passes meet at barriers: once over all of a worker's samples. */
  @Override
  List<Step> forwardSteps() {
    return List.of(new Step(name() + "Forward", false));
  }

  @Override
  List<Step> backwardSteps() {
    return List.of(new Step(name() + "Backward", false));
  }

  @Override
  CodeBlock prepareInference() {
    return code("""
        for (int c = 0; c < {P}_CHANNELS; c++) {
          {name}MeanT[c] = {name}MovingMean[c];
          {name}InvStd[c] = ({T}) (1 / Math.sqrt({name}MovingVariance[c] + {epsilon}));
        }
        """);
  }

  @Override
  CodeBlock forward() {
    return code("""
        int rows = n * {P}_OUT_SIZE / {P}_CHANNELS;
        double[] partial = {name}Partial[worker];
        {T}[] block = {name}BlockA[worker];
        if (training) {
          // batch mean of each channel
          {Arrays}.fill(partial, 0);
          for (int start = from * {P}_OUT_SIZE; start < to * {P}_OUT_SIZE; start += 256 * {P}_CHANNELS) {
            {Arrays}.fill(block, 0);
            int end = Math.min(start + 256 * {P}_CHANNELS, to * {P}_OUT_SIZE);
            for (int r = start; r < end; r += {P}_CHANNELS) {
              for (int c = 0; c < {P}_CHANNELS; c++) {
                block[c] += {in}[r + c];
              }
            }
            for (int c = 0; c < {P}_CHANNELS; c++) {
              partial[c] += block[c];
            }
          }
          workers.barrier();
          if (worker == 0) {
            for (int c = 0; c < {P}_CHANNELS; c++) {
              double sum = 0;
              for (int w = 0; w < workers.active(); w++) {
                sum += {name}Partial[w][c];
              }
              {name}Mean[c] = sum / rows;
              {name}MeanT[c] = ({T}) {name}Mean[c];
            }
          }
          workers.barrier();
          // biased variance of each channel (as Keras), from the deviations
          {Arrays}.fill(partial, 0);
          for (int start = from * {P}_OUT_SIZE; start < to * {P}_OUT_SIZE; start += 256 * {P}_CHANNELS) {
            {Arrays}.fill(block, 0);
            int end = Math.min(start + 256 * {P}_CHANNELS, to * {P}_OUT_SIZE);
            for (int r = start; r < end; r += {P}_CHANNELS) {
              for (int c = 0; c < {P}_CHANNELS; c++) {
                {T} d = {in}[r + c] - {name}MeanT[c];
                block[c] += d * d;
              }
            }
            for (int c = 0; c < {P}_CHANNELS; c++) {
              partial[c] += block[c];
            }
          }
          workers.barrier();
          if (worker == 0) {
            for (int c = 0; c < {P}_CHANNELS; c++) {
              double sum = 0;
              for (int w = 0; w < workers.active(); w++) {
                sum += {name}Partial[w][c];
              }
              double variance = sum / rows;
              {name}MovingMean[c] = ({T}) ({name}MovingMean[c] * {momentum} + {name}Mean[c] * (1 - {momentum}));
              {name}MovingVariance[c] = ({T}) ({name}MovingVariance[c] * {momentum} + variance * (1 - {momentum}));
              {name}InvStd[c] = ({T}) (1 / Math.sqrt(variance + {epsilon}));
            }
          }
          workers.barrier();
        }
        // y = gamma * xHat + beta, xHat = (x - mean) / sqrt(variance + epsilon)
        for (int r = from * {P}_OUT_SIZE; r < to * {P}_OUT_SIZE; r += {P}_CHANNELS) {
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
        // this worker's sum(dy) and sum(dy * xHat) per channel
        double[] partial = {name}Partial[worker];
        {T}[] blockA = {name}BlockA[worker];
        {T}[] blockB = {name}BlockB[worker];
        {Arrays}.fill(partial, 0);
        for (int start = from * {P}_OUT_SIZE; start < to * {P}_OUT_SIZE; start += 256 * {P}_CHANNELS) {
          {Arrays}.fill(blockA, 0);
          {Arrays}.fill(blockB, 0);
          int end = Math.min(start + 256 * {P}_CHANNELS, to * {P}_OUT_SIZE);
          for (int r = start; r < end; r += {P}_CHANNELS) {
            for (int c = 0; c < {P}_CHANNELS; c++) {
              blockA[c] += {grad}[r + c];
              blockB[c] += {grad}[r + c] * {name}XHat[r + c];
            }
          }
          for (int c = 0; c < {P}_CHANNELS; c++) {
            partial[c] += blockA[c];
            partial[{P}_CHANNELS + c] += blockB[c];
          }
        }
        workers.barrier();
        if (worker == 0) {
          // dBeta = sum(dy), dGamma = sum(dy * xHat); dx = gamma * invStd * (dy - dBeta / rows - xHat * dGamma / rows)
          for (int c = 0; c < {P}_CHANNELS; c++) {
            double dBeta = 0;
            double dGamma = 0;
            for (int w = 0; w < workers.active(); w++) {
              dBeta += {name}Partial[w][c];
              dGamma += {name}Partial[w][{P}_CHANNELS + c];
            }
            {name}BetaGrad[c] = ({T}) dBeta;
            {name}GammaGrad[c] = ({T}) dGamma;
            {name}Scale[c] = {name}Gamma[c] * {name}InvStd[c];
            {name}MeanDy[c] = ({T}) (dBeta / rows);
            {name}MeanDyXHat[c] = ({T}) (dGamma / rows);
          }
        }
        workers.barrier();
        """));
    b.add(inputGradient(code("""
        for (int r = from * {P}_OUT_SIZE; r < to * {P}_OUT_SIZE; r += {P}_CHANNELS) {
          for (int c = 0; c < {P}_CHANNELS; c++) {
            {inGrad}[r + c] = {name}Scale[c] * ({grad}[r + c] - {name}MeanDy[c] - {name}XHat[r + c] * {name}MeanDyXHat[c]);
          }
        }
        """)));
    return b.build();
  }
}
