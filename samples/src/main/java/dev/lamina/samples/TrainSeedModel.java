package dev.lamina.samples;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.util.Modules;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.data.Idx;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.train.TrainerSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Trains the seed model as the Keras tutorial does (Adam at 5e-5, 10 epochs, batch 32, the last 10% of the training
 * split held out for validation) on the embedded MNIST-10k, or on any folder of the four IDX files.
 */
@Command(name = "train-seed-model", mixinStandardHelpOptions = true,
    description = "Trains the seed CNN and evaluates it on the test split.")
public final class TrainSeedModel implements Callable<Integer> {
  @Option(names = "--epochs", description = "Epochs to train (default: ${DEFAULT-VALUE}).")
  int epochs = 10;

  @Option(names = "--lr", description = "Adam learning rate (default: ${DEFAULT-VALUE}, as the seed).")
  double learningRate = 5e-5;

  @Option(names = "--batch", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize = 32;

  @Option(names = "--validation-split", description = "Fraction of the training split held out (default: ${DEFAULT-VALUE}).")
  double validationSplit = 0.1;

  @Option(names = "--seed", description = "Seed of initialisation and shuffling (default: ${DEFAULT-VALUE}).")
  long seed = 0;

  @Option(names = "--verbose", description = "0 silent, 1 progress bar, 2 one line per epoch (default: ${DEFAULT-VALUE}).")
  int verbose = 1;

  @Option(names = "--data", paramLabel = "DIR",
      description = "A folder with train-/test- (or t10k-) images-idx3-ubyte and labels-idx1-ubyte files, gzipped or"
          + " not, e.g. /usr/share/datasets/fashion-mnist. Default: the embedded MNIST-10k.")
  Path data;

  @Override
  public Integer call() {
    if (epochs < 0) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--epochs must not be negative: " + epochs);
    }
    Dataset train = data == null ? EmbeddedMnist.train() : Idx.load(data, "train");
    Dataset test = data == null ? EmbeddedMnist.test() : Idx.load(data, "test");
    System.out.printf("Data: %s (%,d training and %,d test images)%n",
        data == null ? "embedded MNIST-10k" : data, train.size(), test.size());
    TrainerSettings settings = TrainerSettings.defaults().withBatchSize(batchSize).withSeed(seed)
        .withValidationSplit(validationSplit).withVerbose(verbose);
    Injector injector = Guice.createInjector(Modules.override(new SequentialModelModule()).with(new AbstractModule() {
      @Override
      protected void configure() {
        bind(Optimizer.class).toInstance(new Adam(learningRate));
        bind(TrainerSettings.class).toInstance(settings);
      }
    }));
    injector.getInstance(DigitsApp.class).run(train, test, epochs);
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new TrainSeedModel()).execute(args));
  }
}
