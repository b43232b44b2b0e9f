package dev.lamina.samples;

import com.sun.management.ThreadMXBean;
import dev.lamina.runtime.FloatNetwork;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.data.Idx;
import dev.lamina.runtime.kernels.Gemm;
import dev.lamina.runtime.kernels.Simd;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.train.Accuracy;
import dev.lamina.runtime.train.Loss;
import dev.lamina.runtime.train.SparseCategoricalCrossentropy;
import dev.lamina.runtime.train.Trainer;
import dev.lamina.runtime.train.TrainerSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Speed of the seed model's generated network: training and inference throughput, batch-1 latency, heap bytes per
 * training step, peak RSS, the sgemm rate of the BLAS it uses and the useful training FLOP rate; with {@code --data},
 * a real epoch on that data set (e.g. Fashion-MNIST). Each figure is the median of several timed repetitions after a
 * warm-up. Every result is also printed as {@code RESULT <key> <value>}, which samples/bench/side-by-side.sh reads.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true, description = "Benchmarks the seed model.")
public final class Benchmark implements Callable<Integer> {
  /**
   * FLOPs of one training step per image (forward, backward, both products of each layer): 7.13 M multiply-adds,
   * conv2 2.23 M forward and 2 x 2.23 M backward, conv1 0.19 M forward and 0.19 M for its kernel gradient, the dense
   * layer 0.016 M x 3 (../shared/bench/peers/flops.py).
   */
  static final double TRAIN_FLOP_PER_IMAGE = 14.26e6;

  @Option(names = "--seconds", description = "Time per repetition (default: ${DEFAULT-VALUE}).")
  double seconds = 2;

  @Option(names = "--reps", description = "Repetitions per figure; the median is reported (default: ${DEFAULT-VALUE}).")
  int reps = 5;

  @Option(names = "--quick", description = "A short run (0.3 s, 2 repetitions) to check that everything works.")
  boolean quick;

  @Option(names = "--data", paramLabel = "DIR", description = "Also train one real epoch on this IDX folder.")
  Path data;

  @Option(names = "--epochs", description = "Epochs of the real run with --data (default: ${DEFAULT-VALUE}).")
  int epochs = 1;

  private static void result(String key, double value, String human) {
    System.out.printf(Locale.ROOT, "%-34s %s%n", key, human);
    System.out.printf(Locale.ROOT, "RESULT %s %.6g%n", key, value);
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Random images in [0, 1) and labels, as a training step sees them. */
  private static float[] images(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * 784];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble();
    }
    return x;
  }

  /** One training step as the Trainer runs it: forward, loss from logits, backward, Adam. */
  private static final class Step {
    final FloatNetwork net = new SequentialModelNetwork(1);
    final Adam adam = new Adam(1e-3);
    final Loss loss = new SparseCategoricalCrossentropy();
    final int n;
    final float[] x;
    final float[] labels;
    final float[] grad;

    Step(int n) {
      this.n = n;
      x = images(n, 7);
      labels = new float[n];
      for (int i = 0; i < n; i++) {
        labels[i] = i % 10;
      }
      grad = new float[n * 10];
    }

    void run() {
      float[] out = net.forward(x, n, true);
      loss.compute(out, net.logits(), labels, n, 10, grad);
      net.backwardFromLogits(grad, n);
      adam.step(net.trainableArrays(), net.gradientArrays());
    }
  }

  /** Images per second of {@code body} (which handles {@code imagesPerCall}), median of the repetitions. */
  private double throughput(Runnable body, int imagesPerCall) {
    long warmUntil = System.nanoTime() + (long) (seconds * 1.5e9);
    while (System.nanoTime() < warmUntil) {
      body.run();
    }
    List<Double> rates = new ArrayList<>();
    for (int r = 0; r < reps; r++) {
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      int calls = 0;
      long now;
      do {
        body.run();
        calls++;
        now = System.nanoTime();
      } while (now < end);
      rates.add(calls * (double) imagesPerCall / ((now - start) / 1e9));
    }
    return median(rates);
  }

  /** sgemm GFLOP/s of the BLAS Lamina calls: one thread, or one product per core at once (the machine's ceiling). */
  private static double sgemmGflops(int threads) {
    Thread[] workers = new Thread[threads];
    double[] rates = new double[threads];
    for (int t = 0; t < threads; t++) {
      int index = t;
      workers[t] = new Thread(() -> rates[index] = sgemmGflops());
      workers[t].start();
    }
    double total = 0;
    for (int t = 0; t < threads; t++) {
      try {
        workers[t].join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      total += rates[t];
    }
    return total;
  }

  private static double sgemmGflops() {
    int n = 2048;
    float[] a = images(n * n / 784 + 1, 1);
    float[] b = images(n * n / 784 + 1, 2);
    float[] c = new float[n * n];
    Gemm.nn(n, n, n, a, 0, b, 0, c, 0, false);
    double best = Double.MAX_VALUE;
    for (int r = 0; r < 5; r++) {
      long t = System.nanoTime();
      Gemm.nn(n, n, n, a, 0, b, 0, c, 0, false);
      best = Math.min(best, (System.nanoTime() - t) / 1e9);
    }
    return 2.0 * n * n * n / best / 1e9;
  }

  /** The threads that run a training step: this one and Lamina's workers. */
  private static long[] trainingThreads() {
    List<Long> ids = new ArrayList<>();
    ids.add(Thread.currentThread().getId());
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("lamina-worker-")) {
        ids.add(t.getId());
      }
    }
    return ids.stream().mapToLong(Long::longValue).toArray();
  }

  /** Heap bytes allocated so far by {@code ids} (one call per thread: the array form allocates its result). */
  private static long allocatedBytes(ThreadMXBean threads, long[] ids) {
    long total = 0;
    for (long id : ids) {
      total += threads.getThreadAllocatedBytes(id);
    }
    return total;
  }

  private static double peakRssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException e) {
      // not Linux: no figure
    }
    return -1;
  }

  @Override
  public Integer call() {
    if (quick) {
      seconds = 0.3;
      reps = 2;
    }
    System.out.printf("INFO java %s, %d cores, lamina %s, vector kernels %s%n", Runtime.version(),
        Runtime.getRuntime().availableProcessors(), SequentialModelNetwork.MODEL_NAME, Simd.enabled()
            ? "on (" + Simd.lanes() + " floats a vector)" : "off (run with --add-modules jdk.incubator.vector)");

    if (data != null) {
      Dataset train = Idx.load(data, "train");
      Dataset test = Idx.load(data, "test");
      Trainer<SequentialModel> trainer = new Trainer<>(new SequentialModelNetwork(0), new Adam(1e-3),
          new SparseCategoricalCrossentropy(), List.of(new Accuracy()),
          TrainerSettings.defaults().withValidationSplit(0.1).withVerbose(2));
      long start = System.nanoTime();
      trainer.fit(train, epochs);
      double epochSeconds = (System.nanoTime() - start) / 1e9 / epochs;
      result("epoch_seconds", epochSeconds, String.format(Locale.ROOT, "%.1f s per epoch (%d images, batch 32)",
          epochSeconds, train.size() - (int) Math.floor(train.size() * 0.1)));
      double accuracy = trainer.evaluate(test).accuracy();
      result("test_accuracy", accuracy, String.format(Locale.ROOT, "%.4f after %d epochs", accuracy, epochs));
      // measured now, before the throughput runs below allocate networks for batch 256
      double rss = peakRssMib();
      result("peak_rss_mib", rss, String.format(Locale.ROOT, "%.0f MiB (peak, training on %s)", rss, data));
    }
    Step b32 = new Step(32);
    double train32 = throughput(b32::run, 32);
    result("train_img_s_b32", train32, String.format(Locale.ROOT, "%.0f images/s (%.2f ms/step)", train32,
        32e3 / train32));
    Step b256 = new Step(256);
    double train256 = throughput(b256::run, 256);
    result("train_img_s_b256", train256, String.format(Locale.ROOT, "%.0f images/s", train256));

    FloatNetwork inference = new SequentialModelNetwork(1);
    float[] x256 = images(256, 3);
    double infer256 = throughput(() -> inference.forward(x256, 256, false), 256);
    result("infer_img_s_b256", infer256, String.format(Locale.ROOT, "%.0f images/s", infer256));

    float[] x1 = images(1, 4);
    for (int i = 0; i < 2000; i++) {
      inference.forward(x1, 1, false);
    }
    int calls = quick ? 500 : 5000;
    double[] latencies = new double[calls];
    for (int i = 0; i < calls; i++) {
      long t = System.nanoTime();
      inference.forward(x1, 1, false);
      latencies[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(latencies);
    result("latency_b1_median_ms", latencies[calls / 2], String.format(Locale.ROOT, "%.3f ms", latencies[calls / 2]));
    double p99 = latencies[(int) (calls * 0.99)];
    result("latency_b1_p99_ms", p99, String.format(Locale.ROOT, "%.3f ms", p99));

    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    int steps = quick ? 50 : 500;
    long[] ids = trainingThreads();
    allocatedBytes(threads, ids);
    long before = allocatedBytes(threads, ids);
    for (int i = 0; i < steps; i++) {
      b32.run();
    }
    double perStep = (allocatedBytes(threads, ids) - before) / (double) steps;
    result("heap_bytes_per_step", perStep, String.format(Locale.ROOT,
        "%.1f bytes (batch 32, the calling thread and the workers)", perStep));

    double gflops = sgemmGflops(1);
    result("sgemm_gflops", gflops, String.format(Locale.ROOT, "%.1f GFLOP/s (2048^3, the BLAS Lamina calls, one"
        + " thread, as Lamina calls it)", gflops));
    int cores = Runtime.getRuntime().availableProcessors();
    double ceiling = sgemmGflops(cores);
    result("sgemm_all_cores_gflops", ceiling, String.format(Locale.ROOT, "%.1f GFLOP/s (one 2048^3 product per core"
        + " at once: the machine's ceiling)", ceiling));
    double useful = train32 * TRAIN_FLOP_PER_IMAGE / 1e9;
    result("useful_train_gflops", useful, String.format(Locale.ROOT, "%.1f GFLOP/s (%.0f%% of the ceiling)", useful,
        100 * useful / ceiling));

    double rss = peakRssMib();
    result(data == null ? "peak_rss_mib" : "peak_rss_mib_all", rss, String.format(Locale.ROOT,
        "%.0f MiB (peak, whole benchmark)", rss));
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Benchmark()).execute(args));
  }
}
