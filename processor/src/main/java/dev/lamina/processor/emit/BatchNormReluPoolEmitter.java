package dev.lamina.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.check.CheckedLayer;
import dev.lamina.processor.read.LayerSpec;
import java.util.List;
import java.util.Map;

/**
 * Conv2D's output through BatchNorm, then ReLU, then MaxPool2D, in one pass over memory: the layers of a CNN block,
 * fused because each of them alone reads and writes the whole activation, and that traffic, not arithmetic, is what
 * they cost. The convolution writes its output in window order ({@code dev.lamina.runtime.kernels.WindowOrder}):
 * for each sample, {@code WINDOWS} blocks of {@code POOLED_SIZE} values, block {@code p} holding position {@code p}
 * of every pool window, then the pixels no window covers. Every loop below is then over contiguous values, the
 * channel of value {@code j} of a stretch being {@code j % CHANNELS}; per-channel parameters come as {@code REP}
 * copies ({@code REP} a multiple of {@code CHANNELS}), so that the JIT vectorises the loops.
 *
 * <p>The JIT (C2 of JDK 17) vectorises a loop only when every array in it is indexed alike, so each loop copies its
 * stretch into small per-worker arrays ({@code System.arraycopy}, itself vectorised), works on those with one
 * index, and copies results back. It does not vectorise conversions between float bits and ints, so choices are
 * arithmetic: for {@code d >= 0}, {@code 1 - min(d * 2^149, 1)} is exactly 1 where {@code d == 0} and 0 elsewhere.
 *
 * <p>Forward: one pass for the batch statistics (sums of {@code x - k} and its square, {@code k} a per-worker shift,
 * combined across workers with Chan's formula), then one pass that normalises, pools, applies ReLU and writes the
 * pooled output and, in training, the BatchNorm input at each window's first maximum. Since ReLU is monotonic,
 * pooling and then applying ReLU gives the same output and the same maximum positions as the layers one by one.
 *
 * <p>Backward: the gradient reaching the BatchNorm output is non-zero only at the maxima (and only where ReLU was
 * active), so its channel sums come from the pooled values alone; the input gradient is then one dense pass,
 * {@code dx = (x - mean) * alpha + beta0} per channel, plus {@code scale * dy} at each window's first maximum, found
 * again by comparing the recomputed normalised values (the same float operations) with the pooled one.
 */
final class BatchNormReluPoolEmitter extends LayerEmitter {
  private final LayerSpec.BatchNorm spec;
  private final LayerEmitter pool;
  private final LayerEmitter relu;
  /** The convolution's bias when this layer adds it to its mean (the convolution skipped it), or null. */
  private final String convBias;

  BatchNormReluPoolEmitter(CheckedLayer bn, LayerEmitter relu, LayerEmitter pool, String convBias,
      Precision precision) {
    super(bn, precision);
    this.spec = (LayerSpec.BatchNorm) bn.spec();
    this.relu = relu;
    this.pool = pool;
    this.convBias = convBias;
  }

  @Override
  boolean ownsOutput() {
    return false;
  }

  @Override
  Map<String, Integer> constants() {
    Map<String, Integer> c = super.constants();
    int channels = layer.inputShape().get(2);
    List<Integer> window = ((LayerSpec.MaxPool2D) pool.layer.spec()).pool();
    c.put("CHANNELS", channels);
    c.put("WINDOWS", window.get(0) * window.get(1));
    c.put("POOLED_SIZE", pool.layer.outputSize());
    c.put("REP", rep(channels));
    return c;
  }

  /**
   * Values per stretch: a multiple of the channel count (value j of a stretch is channel j % CHANNELS) and of 16 (whole
   * vectors for the Vector API kernels), about 512.
   */
  static int rep(int channels) {
    int unit = channels;
    while (unit % 16 != 0) {
      unit += channels;
    }
    return unit * Math.max(1, 512 / unit);
  }

  @Override
  List<Param> params() {
    return BatchNormEmitter.params(name(), layer.inputShape().get(2));
  }

  @Override
  List<Buffer> buffers() {
    String c = prefix() + "_CHANNELS";
    String rep = prefix() + "_REP";
    List<Buffer> buffers = new java.util.ArrayList<>(List.of(
        new Buffer(pool.name() + "Selected", pool.prefix() + "_OUT_SIZE", Scope.BATCH, "elem"),
        new Buffer(name() + "Mean", c, Scope.FIXED, "double"),
        new Buffer(name() + "InvStd", c, Scope.FIXED, "double"),
        new Buffer(name() + "Partial", "3 * " + c, Scope.WORKER, "double")));
    for (String perChannel : List.of("MeanRep", "InvStdRep", "ScaleRep", "BetaRep", "AlphaRep", "Beta0Rep")) {
      buffers.add(new Buffer(name() + perChannel, rep, Scope.FIXED, "elem"));
    }
    for (String scratch : List.of("X", "Y", "Dy", "Sum", "Squares", "Shift", "Max", "Left", "Picked")) {
      buffers.add(new Buffer(name() + scratch, rep, Scope.WORKER, "elem"));
    }
    return buffers;
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
    // two factors whose product takes the smallest positive value to >= 1 (2^149 for float, 2^1100 for double)
    v.put("huge", precision == Precision.FLOAT ? "0x1p100f * 0x1p49f" : "0x1p600 * 0x1p500");
    v.put("plusBias", convBias == null ? "" : " + " + convBias + "[c]");
    v.put("minusBias", convBias == null ? "" : " - " + convBias + "[c]");
    return v;
  }

  /** Adds a worker's REP-long sums {@code a} and {@code b} into {@code partial[c]} and {@code partial[CHANNELS + c]}. */
  private CodeBlock fold(String a, String b) {
    return code("""
        for (int q = 0; q < {P}_REP; q += {P}_CHANNELS) {
          for (int c = 0; c < {P}_CHANNELS; c++) {
            partial[c] += {a}[q + c];
            partial[{P}_CHANNELS + c] += {b}[q + c];
          }
        }
        """, Map.of("a", a, "b", b));
  }

  /** REP copies of mean, 1 / std, scale = gamma / std and beta: value j of a stretch is channel j % CHANNELS. */
  private CodeBlock repeatPerChannel() {
    return code("""
        for (int j = 0; j < {P}_REP; j++) {
          int c = j % {P}_CHANNELS;
          {name}MeanRep[j] = ({T}) {name}Mean[c];
          {name}InvStdRep[j] = ({T}) {name}InvStd[c];
          {name}ScaleRep[j] = ({T}) ({name}Gamma[c] * {name}InvStd[c]);
          {name}BetaRep[j] = {name}Beta[c];
        }
        """);
  }

  @Override
  CodeBlock prepareInference() {
    return CodeBlock.builder().add(code("""
        // {name}: y = (x - mean) * scale + beta from the moving statistics (the moving mean includes {in}'s bias)
        for (int c = 0; c < {P}_CHANNELS; c++) {
          {name}Mean[c] = {name}MovingMean[c]{minusBias};
          {name}InvStd[c] = 1 / Math.sqrt({name}MovingVariance[c] + {epsilon});
        }
        """)).add(repeatPerChannel()).build();
  }

  /** Training: statistics over each block as it is produced, combined once the whole batch is through. */
  @Override
  List<Step> forwardSteps() {
    return List.of(new Step(name() + "Statistics", true), new Step(name() + "Combine", false),
        new Step(name() + "Forward", true));
  }

  @Override
  List<Step> backwardSteps() {
    return List.of(new Step(name() + "GradientSums", true), new Step(name() + "CombineGradient", false),
        new Step(name() + "Backward", true));
  }

  @Override
  Map<String, CodeBlock> extraMethods() {
    Map<String, CodeBlock> methods = new java.util.LinkedHashMap<>();
    methods.put("Statistics", statistics());
    methods.put("Combine", combine());
    methods.put("GradientSums", gradientSums());
    methods.put("CombineGradient", combineGradient());
    return methods;
  }

  /** Training, samples {@code [from, to)}: this worker's shifted sums and sums of squares, per channel. */
  private CodeBlock statistics() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add(code("""
        // this worker's sum(x - k) and sum((x - k)^2) per channel, k = its first row (a shift for accuracy):
        // REP values at a time, added up in double every 64 times REP values
        double[] partial = {name}Partial[worker];
        {T}[] k = {name}Shift[worker];
        {T}[] sum = {name}Sum[worker];
        {T}[] squares = {name}Squares[worker];
        if (from == chunkStart[worker]) {
          // the worker's first block
          for (int q = 0; q < {P}_REP; q += {P}_CHANNELS) {
            System.arraycopy({in}, from * {P}_IN_SIZE, k, q, {P}_CHANNELS);
          }
          {Arrays}.fill(partial, 0);
        }
        {T}[] x = {name}X[worker];
        for (int start = from * {P}_IN_SIZE; start < to * {P}_IN_SIZE; start += 64 * {P}_REP) {
          {Arrays}.fill(sum, 0);
          {Arrays}.fill(squares, 0);
          int end = Math.min(start + 64 * {P}_REP, to * {P}_IN_SIZE);
        """));
    b.indent().add(simdOr(code("{Simd}.shiftedSums({in}, start, end, {P}_REP, k, sum, squares);\n"), code("""
        for (int r = start; r < end; r += {P}_REP) {
          int length = Math.min({P}_REP, end - r);
          System.arraycopy({in}, r, x, 0, length);
          for (int j = 0; j < length; j++) {
            {T} d = x[j] - k[j];
            sum[j] += d;
            squares[j] += d * d;
          }
        }
        """))).unindent();
    b.indent().add(fold("sum", "squares")).unindent();
    b.add("}\n");
    return b.build();
  }

  /** Training, once all workers have their sums: the batch's mean and variance, moving statistics, per-channel values. */
  private CodeBlock combine() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add(code("""
        int rows = n * {P}_IN_SIZE / {P}_CHANNELS;
        for (int c = 0; c < {P}_CHANNELS; c++) {
          {name}Partial[worker][2 * {P}_CHANNELS + c] = {name}Shift[worker][c];
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
            {name}MovingMean[c] = ({T}) ({name}MovingMean[c] * {momentum} + (mean{plusBias}) * (1 - {momentum}));
            {name}MovingVariance[c] = ({T}) ({name}MovingVariance[c] * {momentum} + variance * (1 - {momentum}));
          }
        """));
    b.indent().add(repeatPerChannel()).unindent();
    b.add(code("""
        }
        workers.barrier();
        """));
    return b.build();
  }

  @Override
  CodeBlock forward() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add(forwardHeader());
    b.add("int q0 = 0;\n");
    b.add(code("int q1 = {P}_POOLED_SIZE;\n"));
    b.beginControlFlow("for (int b = from; b < to; b++)");
    b.add(forwardSample());
    b.endControlFlow();
    return b.build();
  }

  /** Inference of sample 0: this worker's share of the pooled values, in whole stretches of REP. */
  @Override
  CodeBlock forwardPart() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add(forwardHeader());
    b.add(code("""
        // this worker's share of sample 0's pooled values, in whole stretches of REP
        int stretches = ({P}_POOLED_SIZE + {P}_REP - 1) / {P}_REP;
        int q0 = stretches * worker / parts * {P}_REP;
        int q1 = Math.min({P}_POOLED_SIZE, stretches * (worker + 1) / parts * {P}_REP);
        int b = 0;
        """));
    b.add(forwardSample());
    return b.build();
  }

  private CodeBlock forwardHeader() {
    return code("""
        // {name} (BatchNorm) + {relu} (ReLU) + {pool} (MaxPool2D), one pass over {in} (in window order); the
        // statistics come from {name}Statistics and {name}Combine in training, from prepareInference otherwise
        {T}[] x = {name}X[worker];
        // per sample and stretch of REP pooled values: the maximum over the WINDOWS positions, then ReLU; in
        // training also the input at the first position holding the maximum. beats is 1 where a value beats the
        // maximum so far, else 0 (d + |d| is 2d or 0), so keep * old + beats * new picks one of the two exactly
        {T}[] mean = {name}MeanRep;
        {T}[] scale = {name}ScaleRep;
        {T}[] beta = {name}BetaRep;
        {T}[] max = {name}Max[worker];
        {T}[] y = {name}Y[worker];
        {T}[] picked = {name}Picked[worker];
        """);
  }

  /** Sample {@code b}, pooled values {@code [q0, q1)}. */
  private CodeBlock forwardSample() {
    return simdOr(code("""
        {Simd}.batchNormReluPool(training, {in}, b * {P}_IN_SIZE, q0, q1, {P}_POOLED_SIZE, {P}_WINDOWS, {P}_REP, mean,
            scale, beta, {pooled}, b * {P}_POOLED_SIZE, {pool}Selected, b * {P}_POOLED_SIZE);
        """), code("""
        for (int r = q0; r < q1; r += {P}_REP) {
          int length = Math.min({P}_REP, q1 - r);
          System.arraycopy({in}, b * {P}_IN_SIZE + r, x, 0, length);
          for (int j = 0; j < length; j++) {
            max[j] = (x[j] - mean[j]) * scale[j] + beta[j];
            picked[j] = x[j];
          }
          for (int p = 1; p < {P}_WINDOWS; p++) {
            System.arraycopy({in}, b * {P}_IN_SIZE + p * {P}_POOLED_SIZE + r, x, 0, length);
            if (training) {
              for (int j = 0; j < length; j++) {
                {T} v = (x[j] - mean[j]) * scale[j] + beta[j];
                {T} d = v - max[j];
                {T} beats = Math.min((d + Math.abs(d)) * {huge}, 1);
                {T} keep = 1 - beats;
                picked[j] = picked[j] * keep + x[j] * beats;
                max[j] = max[j] * keep + v * beats;
              }
            } else {
              for (int j = 0; j < length; j++) {
                max[j] = Math.max(max[j], (x[j] - mean[j]) * scale[j] + beta[j]);
              }
            }
          }
          for (int j = 0; j < length; j++) {
            y[j] = Math.max(max[j], 0);
          }
          System.arraycopy(y, 0, {pooled}, b * {P}_POOLED_SIZE + r, length);
          if (training) {
            System.arraycopy(picked, 0, {pool}Selected, b * {P}_POOLED_SIZE + r, length);
          }
        }
        """));
  }

  /** Samples {@code [from, to)}: this worker's sums of dy and dy * xHat at the maxima, per channel. */
  private CodeBlock gradientSums() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add(code("""
        // {pool} and {relu}: the gradient reaches only each window's maximum, and only where ReLU was active (y > 0)
        double[] partial = {name}Partial[worker];
        {T}[] dBeta = {name}Sum[worker];
        {T}[] dGamma = {name}Squares[worker];
        {T}[] y = {name}Y[worker];
        {T}[] dy = {name}Dy[worker];
        {T}[] x = {name}X[worker];
        {T}[] mean = {name}MeanRep;
        {T}[] invStd = {name}InvStdRep;
        if (from == chunkStart[worker]) {
          {Arrays}.fill(partial, 0); // the worker's first block
        }
        for (int start = from * {P}_POOLED_SIZE; start < to * {P}_POOLED_SIZE; start += 64 * {P}_REP) {
          {Arrays}.fill(dBeta, 0);
          {Arrays}.fill(dGamma, 0);
          int end = Math.min(start + 64 * {P}_REP, to * {P}_POOLED_SIZE);
        """));
    b.indent().add(simdOr(code("""
        {Simd}.gradientSums({pooled}, {pooledGrad}, {pool}Selected, start, end, {P}_REP, mean, invStd, dBeta, dGamma);
        """), code("""
        for (int r = start; r < end; r += {P}_REP) {
          int length = Math.min({P}_REP, end - r);
          System.arraycopy({pooled}, r, y, 0, length);
          System.arraycopy({pooledGrad}, r, dy, 0, length);
          System.arraycopy({pool}Selected, r, x, 0, length);
          for (int j = 0; j < length; j++) {
            {T} active = Math.min(y[j] * {huge}, 1); // y >= 0: 1 where y > 0, else 0
            dBeta[j] += active * dy[j];
            dGamma[j] += active * dy[j] * ((x[j] - mean[j]) * invStd[j]);
          }
        }
        """))).unindent();
    b.indent().add(fold("dBeta", "dGamma")).unindent();
    b.add("}\n");
    return b.build();
  }

  /** Once all workers have their sums: the parameter gradients and the per-channel values of dx. */
  private CodeBlock combineGradient() {
    return code("""
        int rows = n * {P}_IN_SIZE / {P}_CHANNELS;
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
            for (int j = c; j < {P}_REP; j += {P}_CHANNELS) {
              {name}AlphaRep[j] = ({T}) (-scale * (sumDyXHat / rows) * {name}InvStd[c]);
              {name}Beta0Rep[j] = ({T}) (-scale * (sumDy / rows));
            }
          }
        }
        workers.barrier();
        """);
  }

  @Override
  CodeBlock backward() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add(code("""
        {T}[] y = {name}Y[worker];
        {T}[] x = {name}X[worker];
        {T}[] mean = {name}MeanRep;
        // per sample and stretch of REP pooled values: g = scale * dy where ReLU was active; then each window
        // position's gradient, g added at the first position whose normalised value is the pooled maximum
        {T}[] scale = {name}ScaleRep;
        {T}[] beta = {name}BetaRep;
        {T}[] alpha = {name}AlphaRep;
        {T}[] beta0 = {name}Beta0Rep;
        {T}[] g = {name}Dy[worker];
        {T}[] left = {name}Left[worker];
        {T}[] dx = {name}Picked[worker];
        """));
    b.beginControlFlow("for (int b = from; b < to; b++)");
    b.add(simdOr(code("""
        {Simd}.batchNormReluPoolBackward({in}, b * {P}_IN_SIZE, {P}_IN_SIZE, {pooled}, {pooledGrad}, b * {P}_POOLED_SIZE,
            {P}_POOLED_SIZE, {P}_WINDOWS, {P}_REP, mean, scale, beta, alpha, beta0, {inGrad});
        """), code("""
        for (int r = 0; r < {P}_POOLED_SIZE; r += {P}_REP) {
          int length = Math.min({P}_REP, {P}_POOLED_SIZE - r);
          System.arraycopy({pooled}, b * {P}_POOLED_SIZE + r, y, 0, length);
          System.arraycopy({pooledGrad}, b * {P}_POOLED_SIZE + r, g, 0, length);
          for (int j = 0; j < length; j++) {
            g[j] *= scale[j] * Math.min(y[j] * {huge}, 1);
          }
          {Arrays}.fill(left, 1);
          for (int p = 0; p < {P}_WINDOWS; p++) {
            int at = b * {P}_IN_SIZE + p * {P}_POOLED_SIZE + r;
            System.arraycopy({in}, at, x, 0, length);
            for (int j = 0; j < length; j++) {
              {T} centred = x[j] - mean[j];
              {T} gap = y[j] - (centred * scale[j] + beta[j]); // 0 exactly at an active maximum
              {T} hit = left[j] * (1 - Math.min(gap * {huge}, 1));
              left[j] -= hit;
              dx[j] = centred * alpha[j] + beta0[j] + hit * g[j];
            }
            System.arraycopy(dx, 0, {inGrad}, at, length);
          }
        }
        // the pixels no window covers: the BatchNorm term alone
        for (int r = b * {P}_IN_SIZE + {P}_WINDOWS * {P}_POOLED_SIZE; r < (b + 1) * {P}_IN_SIZE; r += {P}_REP) {
          int length = Math.min({P}_REP, (b + 1) * {P}_IN_SIZE - r);
          System.arraycopy({in}, r, x, 0, length);
          for (int j = 0; j < length; j++) {
            dx[j] = (x[j] - mean[j]) * alpha[j] + beta0[j];
          }
          System.arraycopy(dx, 0, {inGrad}, r, length);
        }
        """)));
    b.endControlFlow();
    return inputGradient(b.build());
  }
}
