package dev.lamina.runtime.train;

import dev.lamina.runtime.FloatNetwork;
import dev.lamina.runtime.Tensors;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.progress.ProgressBar;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Trains, evaluates and runs a generated network with Keras's verbs: {@link #fit}, {@link #evaluate},
 * {@link #predict}, {@link #summary}. {@code M} is the {@code @Model} class, so that an application can ask Guice
 * for {@code Trainer<SequentialModel>}; the model's generated module provides it.
 *
 * <p>The training loop works on plain arrays: batches are gathered sample by sample from the data set's own
 * (off-heap) memory into buffers allocated once, the validation split is a range of it, and a step (forward, loss,
 * backward, optimizer) allocates nothing.
 */
public final class Trainer<M> {
  private final FloatNetwork network;
  private final Optimizer optimizer;
  private final Loss loss;
  private final List<Metric> metrics;
  private TrainerSettings settings;
  private PrintStream out = System.out;

  public Trainer(FloatNetwork network, Optimizer optimizer, Loss loss, List<Metric> metrics, TrainerSettings settings) {
    this.network = network;
    this.optimizer = optimizer;
    this.loss = loss;
    this.metrics = List.copyOf(metrics);
    this.settings = settings;
  }

  public FloatNetwork network() {
    return network;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public Loss loss() {
    return loss;
  }

  public TrainerSettings settings() {
    return settings;
  }

  /** Replaces the settings (batch size, verbosity, validation split, ...) for later calls. */
  public Trainer<M> settings(TrainerSettings settings) {
    this.settings = settings;
    return this;
  }

  /** Where progress and summaries are printed; {@code System.out} by default. */
  public Trainer<M> output(PrintStream out) {
    this.out = out;
    return this;
  }

  /** Prints the model summary, as Keras's {@code model.summary()}, and returns it. */
  public String summary() {
    String text = network.summary();
    out.print(text);
    out.flush();
    return text;
  }

  /** Trains for {@code epochs} epochs, holding out the settings' validation split, if any. */
  public History fit(Dataset train, int epochs) {
    return fit(train, epochs, null);
  }

  /**
   * Trains for {@code epochs} epochs; with {@code validation} not null, reports {@code val_loss} and the val metrics
   * on it after each epoch (else on the settings' validation split of {@code train}, the last samples, as Keras).
   */
  public History fit(Dataset train, int epochs, Dataset validation) {
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs must not be negative. Received: epochs=" + epochs);
    }
    checkSamples(train, "training data");
    // the validation split is the last samples, before shuffling (Keras): ranges of train, nothing copied
    int count = train.size();
    Dataset validationData = validation;
    int validationFrom = 0;
    if (validation == null && settings.validationSplit() > 0) {
      count = train.splitIndex(settings.validationSplit());
      validationData = train;
      validationFrom = count;
    }
    if (validationData != null) {
      checkSamples(validationData, "validation data");
    }
    int sampleSize = network.sampleSize();
    int outputSize = network.outputSize();
    int targetSize = loss.targetSize(outputSize);
    int batchSize = Math.min(settings.batchSize(), count);
    float[] targets = targets(train);
    float[] validationTargets = validationData == train ? targets : validationData == null ? null
        : targets(validationData);
    float[] batchImages = new float[batchSize * sampleSize];
    float[] batchTargets = new float[batchSize * targetSize];
    float[] gradient = new float[batchSize * outputSize];
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    SplittableRandom shuffling = new SplittableRandom(settings.seed() ^ 0x9E3779B97F4A7C15L);
    int steps = (count + batchSize - 1) / batchSize;
    boolean softmaxLogits = loss.usesLogits() && network.softmaxOutput();
    History history = new History();
    Map<String, Double> noLogs = Map.of();
    for (int epoch = 0; epoch < epochs; epoch++) {
      ProgressBar.printEpochHeader(out, settings.verbose(), epoch + 1, epochs);
      ProgressBar bar = new ProgressBar(steps, settings.verbose(), out, ProgressBar.isTerminal());
      if (settings.shuffle()) {
        shuffle(order, shuffling);
      }
      double lossSum = 0;
      long seen = 0;
      for (Metric m : metrics) {
        m.reset();
      }
      for (int step = 0; step < steps; step++) {
        int start = step * batchSize;
        int n = Math.min(batchSize, count - start);
        for (int i = 0; i < n; i++) {
          int sample = order[start + i];
          train.copySample(sample, batchImages, i * sampleSize);
          System.arraycopy(targets, sample * targetSize, batchTargets, i * targetSize, targetSize);
        }
        float[] output = network.forward(batchImages, n, true);
        float[] logits = softmaxLogits ? network.logits() : null;
        double batchLoss = loss.compute(output, logits, batchTargets, n, outputSize, gradient);
        if (!Double.isFinite(batchLoss)) {
          throw new IllegalStateException(String.format(
              "%s: the loss became %s at epoch %d, step %d/%d; training cannot go on. A lower learning rate"
                  + " (now %s) or inputs scaled to [0, 1] usually help.",
              network.name(), batchLoss, epoch + 1, step + 1, steps, optimizer.learningRate()));
        }
        for (Metric m : metrics) {
          m.update(output, batchTargets, n, outputSize, targetSize);
        }
        if (softmaxLogits) {
          network.backwardFromLogits(gradient, n);
        } else {
          network.backward(gradient, n);
        }
        optimizer.step(network.trainableArrays(), network.gradientArrays());
        lossSum += batchLoss * n;
        seen += n;
        bar.update(step + 1, bar.redraws() ? logs(lossSum / seen, "") : noLogs);
      }
      Map<String, Double> logs = logs(lossSum / seen, "");
      if (validationData != null) {
        Evaluation v = run(validationData, validationTargets, validationFrom, validationData.size(), null);
        logs.put("val_loss", v.loss());
        v.metrics().forEach((name, value) -> logs.put("val_" + name, value));
      }
      bar.finish(logs);
      history.append(logs);
    }
    return history;
  }

  /** The loss and metrics on {@code data}, in inference mode, printed as Keras's evaluate line. */
  public Evaluation evaluate(Dataset data) {
    checkSamples(data, "evaluation data");
    int steps = (data.size() + settings.batchSize() - 1) / settings.batchSize();
    ProgressBar bar = new ProgressBar(steps, settings.verbose(), out, ProgressBar.isTerminal());
    Evaluation result = run(data, targets(data), 0, data.size(), bar);
    Map<String, Double> logs = new LinkedHashMap<>(result.metrics());
    logs.put("loss", result.loss());
    bar.finish(logs);
    return result;
  }

  /** The network's outputs for {@code images} ({@code [n, ...inputShape]}), batch by batch, in inference mode. */
  public INDArray predict(INDArray images) {
    int count = Tensors.batchSize(network.name(), images, network.inputShape());
    float[] x = Tensors.toFloats(images);
    int outputSize = network.outputSize();
    float[] result = new float[count * outputSize];
    int sampleSize = network.sampleSize();
    float[] batch = new float[Math.min(settings.batchSize(), count) * sampleSize];
    for (int start = 0; start < count; start += settings.batchSize()) {
      int n = Math.min(settings.batchSize(), count - start);
      System.arraycopy(x, start * sampleSize, batch, 0, n * sampleSize);
      float[] output = network.forward(batch, n, false);
      System.arraycopy(output, 0, result, start * outputSize, n * outputSize);
    }
    return Tensors.create(result, count, network.outputShape());
  }

  /** Loss and metrics over the samples {@code [from, to)} of {@code data} (and its targets), inference mode. */
  private Evaluation run(Dataset data, float[] targets, int from, int to, ProgressBar bar) {
    int count = to - from;
    int sampleSize = network.sampleSize();
    int outputSize = network.outputSize();
    int targetSize = loss.targetSize(outputSize);
    int batchSize = Math.min(settings.batchSize(), count);
    float[] batchTargets = new float[batchSize * targetSize];
    float[] batch = new float[batchSize * sampleSize];
    boolean softmaxLogits = loss.usesLogits() && network.softmaxOutput();
    for (Metric m : metrics) {
      m.reset();
    }
    double lossSum = 0;
    int step = 0;
    for (int start = from; start < to; start += batchSize) {
      int n = Math.min(batchSize, to - start);
      for (int i = 0; i < n; i++) {
        data.copySample(start + i, batch, i * sampleSize);
      }
      System.arraycopy(targets, start * targetSize, batchTargets, 0, n * targetSize);
      float[] output = network.forward(batch, n, false);
      lossSum += n * loss.compute(output, softmaxLogits ? network.logits() : null, batchTargets, n, outputSize, null);
      for (Metric m : metrics) {
        m.update(output, batchTargets, n, outputSize, targetSize);
      }
      if (bar != null) {
        bar.update(++step, Map.of());
      }
    }
    Map<String, Double> results = new LinkedHashMap<>();
    for (Metric m : metrics) {
      results.put(m.name(), m.result());
    }
    return new Evaluation(lossSum / count, results);
  }

  private Map<String, Double> logs(double meanLoss, String prefix) {
    Map<String, Double> logs = new LinkedHashMap<>();
    logs.put(prefix + "loss", meanLoss);
    for (Metric m : metrics) {
      logs.put(prefix + m.name(), m.result());
    }
    return logs;
  }

  /** The targets of {@code data} as the loss wants them: class indices, or one-hot vectors of the output size. */
  private float[] targets(Dataset data) {
    int[] labels = data.labelArray();
    int outputSize = network.outputSize();
    int targetSize = loss.targetSize(outputSize);
    float[] targets = new float[labels.length * targetSize];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= outputSize) {
        throw new IllegalArgumentException(network.name() + ": label " + labels[i] + " of sample " + i
            + " is not one of the model's " + outputSize + " classes [0, " + outputSize + ")");
      }
      if (targetSize == 1) {
        targets[i] = labels[i];
      } else {
        targets[i * targetSize + labels[i]] = 1;
      }
    }
    return targets;
  }

  private void checkSamples(Dataset data, String what) {
    if (data == null || data.size() == 0) {
      throw new IllegalArgumentException(network.name() + ": the " + what + " is empty");
    }
    if (!Arrays.equals(data.sampleShape(), network.inputShape())) {
      throw new IllegalArgumentException(network.name() + ": the " + what + " has samples of shape "
          + Tensors.describe(data.sampleShape()) + " but the model takes " + Tensors.describe(network.inputShape()));
    }
  }

  private static void shuffle(int[] order, SplittableRandom random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
