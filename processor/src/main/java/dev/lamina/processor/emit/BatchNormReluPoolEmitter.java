package dev.lamina.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.check.CheckedLayer;
import dev.lamina.processor.read.LayerSpec;
import java.util.List;
import java.util.Map;

/**
 * BatchNorm, then ReLU, then MaxPool2D, in one pass over memory: the layers of a CNN block, fused because each of
 * them alone reads and writes the whole activation, and that traffic, not arithmetic, is what they cost.
 *
 * <p>Forward: one pass for the batch statistics (sums of {@code x - k} and its square, {@code k} a per-worker shift,
 * combined across workers with Chan's formula), then one pass that normalises, applies ReLU and pools, writing only
 * the pooled output and, for each, where its maximum came from. Since ReLU is monotonic, pooling the normalised
 * values and then applying ReLU gives the same output and the same maximum positions as the layers one by one.
 *
 * <p>Backward: the gradient reaching the BatchNorm output is non-zero only at those positions (and only where ReLU
 * was active), so its channel sums come from the pooled gradients alone; the input gradient is then one dense pass,
 * {@code dx = (x - mean) * alpha + beta} per channel, plus the pooled gradients added at their positions. Nothing else is
 * stored: the normalised values are recomputed from the BatchNorm input.
 */
final class BatchNormReluPoolEmitter extends LayerEmitter {
  private final LayerSpec.BatchNorm spec;
  private final LayerEmitter pool;
  private final LayerEmitter relu;

  BatchNormReluPoolEmitter(CheckedLayer bn, LayerEmitter relu, LayerEmitter pool, Precision precision) {
    super(bn, precision);
    this.spec = (LayerSpec.BatchNorm) bn.spec();
    this.relu = relu;
    this.pool = pool;
  }

  @Override
  boolean ownsOutput() {
    return false;
  }

  @Override
  Map<String, Integer> constants() {
    Map<String, Integer> c = super.constants();
    c.put("CHANNELS", layer.inputShape().get(2));
    return c;
  }

  @Override
  List<Param> params() {
    return BatchNormEmitter.params(name(), layer.inputShape().get(2));
  }

  @Override
  List<Buffer> buffers() {
    String c = prefix() + "_CHANNELS";
    return List.of(
        new Buffer(pool.name() + "Argmax", pool.prefix() + "_OUT_SIZE", Scope.BATCH, "int"),
        new Buffer(name() + "Mean", c, Scope.FIXED, "double"),
        new Buffer(name() + "MeanT", c, Scope.FIXED, "elem"),
        new Buffer(name() + "InvStd", c, Scope.FIXED, "double"),
        new Buffer(name() + "Scale", c, Scope.FIXED, "elem"),
        new Buffer(name() + "Alpha", c, Scope.FIXED, "elem"),
        new Buffer(name() + "Beta0", c, Scope.FIXED, "elem"),
        new Buffer(name() + "Partial", "3 * " + c, Scope.WORKER, "double"),
        new Buffer(name() + "BlockA", c, Scope.WORKER, "elem"),
        new Buffer(name() + "BlockB", c, Scope.WORKER, "elem"),
        new Buffer(name() + "Offset", c, Scope.WORKER, "elem"));
  }

  @Override
  Map<String, Object> values() {
    Map<String, Object> v = super.values();
    v.put("momentum", spec.momentum());
    v.put("epsilon", spec.epsilon());
    v.put("Q", pool.prefix());
    v.put("pool", pool.name());
    v.put("pooled", pool.out());
    v.put("pooledGrad", pool.grad());
    v.put("relu", relu.name());
    v.put("Workers", WORKERS);
    return v;
  }

  @Override
  CodeBlock forward() {
    return code("""
        // {name} (BatchNorm) + {relu} (ReLU) + {pool} (MaxPool2D), one pass over memory
        int rows = n * {P}_IN_SIZE / {P}_CHANNELS;
        if (training) {
          // this worker's count, sum(x - k) and sum((x - k)^2) per channel, k = its first row (a shift for accuracy)
          double[] partial = {name}Partial[worker];
          {T}[] k = {name}Offset[worker];
          {T}[] sum = {name}BlockA[worker];
          {T}[] squares = {name}BlockB[worker];
          System.arraycopy({in}, from * {P}_IN_SIZE, k, 0, {P}_CHANNELS);
          {Arrays}.fill(partial, 0);
          for (int start = from * {P}_IN_SIZE; start < to * {P}_IN_SIZE; start += 256 * {P}_CHANNELS) {
            {Arrays}.fill(sum, 0);
            {Arrays}.fill(squares, 0);
            int end = Math.min(start + 256 * {P}_CHANNELS, to * {P}_IN_SIZE);
            for (int r = start; r < end; r += {P}_CHANNELS) {
              for (int c = 0; c < {P}_CHANNELS; c++) {
                {T} d = {in}[r + c] - k[c];
                sum[c] += d;
                squares[c] += d * d;
              }
            }
            for (int c = 0; c < {P}_CHANNELS; c++) {
              partial[c] += sum[c];
              partial[{P}_CHANNELS + c] += squares[c];
            }
          }
          for (int c = 0; c < {P}_CHANNELS; c++) {
            partial[2 * {P}_CHANNELS + c] = k[c];
          }
          workers.barrier();
          if (worker == 0) {
            // mean and biased variance of the whole batch (Chan et al.: each worker's mean and squared deviations)
            for (int c = 0; c < {P}_CHANNELS; c++) {
              double total = 0;
              for (int w = 0; w < workers.active(); w++) {
                double[] p = {name}Partial[w];
                total += p[c] + {Workers}.chunkSize(n, w, workers.active()) * ({P}_IN_SIZE / {P}_CHANNELS) * p[2 * {P}_CHANNELS + c];
              }
              double mean = total / rows;
              double squared = 0;
              for (int w = 0; w < workers.active(); w++) {
                double[] p = {name}Partial[w];
                double count = {Workers}.chunkSize(n, w, workers.active()) * ({P}_IN_SIZE / {P}_CHANNELS);
                double workerMean = p[2 * {P}_CHANNELS + c] + p[c] / count;
                squared += p[{P}_CHANNELS + c] - p[c] * p[c] / count + count * (workerMean - mean) * (workerMean - mean);
              }
              double variance = Math.max(squared / rows, 0);
              {name}Mean[c] = mean;
              {name}InvStd[c] = 1 / Math.sqrt(variance + {epsilon});
              {name}MovingMean[c] = ({T}) ({name}MovingMean[c] * {momentum} + mean * (1 - {momentum}));
              {name}MovingVariance[c] = ({T}) ({name}MovingVariance[c] * {momentum} + variance * (1 - {momentum}));
            }
          }
        } else if (worker == 0) {
          for (int c = 0; c < {P}_CHANNELS; c++) {
            {name}Mean[c] = {name}MovingMean[c];
            {name}InvStd[c] = 1 / Math.sqrt({name}MovingVariance[c] + {epsilon});
          }
        }
        if (worker == 0) {
          // y = (x - mean) * scale + beta, scale = gamma * invStd
          for (int c = 0; c < {P}_CHANNELS; c++) {
            {name}MeanT[c] = ({T}) {name}Mean[c];
            {name}Scale[c] = ({T}) ({name}Gamma[c] * {name}InvStd[c]);
          }
        }
        workers.barrier();
        // normalise, pool (keeping where each maximum came from; ties keep the first), then ReLU the maximum
        for (int b = from; b < to; b++) {
          for (int oh = 0; oh < {Q}_OUT_H; oh++) {
            for (int ow = 0; ow < {Q}_OUT_W; ow++) {
              int o = ((b * {Q}_OUT_H + oh) * {Q}_OUT_W + ow) * {P}_CHANNELS;
              boolean first = true;
              for (int ph = 0; ph < {Q}_PH; ph++) {
                int ih = oh * {Q}_SH + ph - {Q}_PAD_TOP;
                if (ih < 0 || ih >= {Q}_IN_H) {
                  continue;
                }
                for (int pw = 0; pw < {Q}_PW; pw++) {
                  int iw = ow * {Q}_SW + pw - {Q}_PAD_LEFT;
                  if (iw < 0 || iw >= {Q}_IN_W) {
                    continue;
                  }
                  int i = ((b * {Q}_IN_H + ih) * {Q}_IN_W + iw) * {P}_CHANNELS;
                  if (first) {
                    for (int c = 0; c < {P}_CHANNELS; c++) {
                      {pooled}[o + c] = ({in}[i + c] - {name}MeanT[c]) * {name}Scale[c] + {name}Beta[c];
                      {pool}Argmax[o + c] = i + c;
                    }
                    first = false;
                    continue;
                  }
                  for (int c = 0; c < {P}_CHANNELS; c++) {
                    {T} best = {pooled}[o + c];
                    {T} v = ({in}[i + c] - {name}MeanT[c]) * {name}Scale[c] + {name}Beta[c];
                    int larger = (int) ({bits}(best - v) >> {shift});
                    {pooled}[o + c] = Math.max(best, v);
                    {pool}Argmax[o + c] = ((i + c) & larger) | ({pool}Argmax[o + c] & ~larger);
                  }
                }
              }
              for (int c = 0; c < {P}_CHANNELS; c++) {
                {pooled}[o + c] = Math.max({pooled}[o + c], 0);
              }
            }
          }
        }
        """);
  }

  @Override
  CodeBlock backward() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add(code("""
        // {pool} and {relu}: the gradient reaches only each window's maximum, and only where ReLU was active
        int rows = n * {P}_IN_SIZE / {P}_CHANNELS;
        double[] partial = {name}Partial[worker];
        {T}[] dBeta = {name}BlockA[worker];
        {T}[] dGamma = {name}BlockB[worker];
        {Arrays}.fill(partial, 0);
        for (int start = from * {Q}_OUT_SIZE; start < to * {Q}_OUT_SIZE; start += 256 * {P}_CHANNELS) {
          {Arrays}.fill(dBeta, 0);
          {Arrays}.fill(dGamma, 0);
          int end = Math.min(start + 256 * {P}_CHANNELS, to * {Q}_OUT_SIZE);
          for (int o = start; o < end; o += {P}_CHANNELS) {
            for (int c = 0; c < {P}_CHANNELS; c++) {
              // keep dy where the pooled output y > 0 (branch-free, y >= 0)
              {I} keep = ~(({bits}({pooled}[o + c]) - 1) >> {shift});
              {T} dy = {fromBits}({bits}({pooledGrad}[o + c]) & keep);
              {T} xHat = ({T}) (({in}[{pool}Argmax[o + c]] - {name}Mean[c]) * {name}InvStd[c]);
              dBeta[c] += dy;
              dGamma[c] += dy * xHat;
            }
          }
          for (int c = 0; c < {P}_CHANNELS; c++) {
            partial[c] += dBeta[c];
            partial[{P}_CHANNELS + c] += dGamma[c];
          }
        }
        workers.barrier();
        if (worker == 0) {
          // {name} (BatchNorm): dx = gamma * invStd * (dy - sum(dy) / rows - xHat * sum(dy * xHat) / rows)
          //   = (x - mean) * alpha + beta0 everywhere, plus gamma * invStd * dy at the maxima
          for (int c = 0; c < {P}_CHANNELS; c++) {
            double sumDy = 0;
            double sumDyXHat = 0;
            for (int w = 0; w < workers.active(); w++) {
              sumDy += {name}Partial[w][c];
              sumDyXHat += {name}Partial[w][{P}_CHANNELS + c];
            }
            {name}BetaGrad[c] = ({T}) sumDy;
            {name}GammaGrad[c] = ({T}) sumDyXHat;
            double scale = {name}Gamma[c] * {name}InvStd[c];
            double meanDyXHat = sumDyXHat / rows;
            {name}Scale[c] = ({T}) scale;
            {name}Alpha[c] = ({T}) (-scale * meanDyXHat * {name}InvStd[c]);
            {name}Beta0[c] = ({T}) (-scale * (sumDy / rows));
          }
        }
        workers.barrier();
        """));
    b.add(inputGradient(code("""
        for (int r = from * {P}_IN_SIZE; r < to * {P}_IN_SIZE; r += {P}_CHANNELS) {
          for (int c = 0; c < {P}_CHANNELS; c++) {
            {inGrad}[r + c] = ({in}[r + c] - {name}MeanT[c]) * {name}Alpha[c] + {name}Beta0[c];
          }
        }
        for (int o = from * {Q}_OUT_SIZE; o < to * {Q}_OUT_SIZE; o += {P}_CHANNELS) {
          for (int c = 0; c < {P}_CHANNELS; c++) {
            {I} keep = ~(({bits}({pooled}[o + c]) - 1) >> {shift});
            {T} dy = {fromBits}({bits}({pooledGrad}[o + c]) & keep);
            {inGrad}[{pool}Argmax[o + c]] += {name}Scale[c] * dy;
          }
        }
        """)));
    return b.build();
  }
}
