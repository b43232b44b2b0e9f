package dev.lamina.runtime.train;

/**
 * How a {@link Trainer} batches, seeds and reports, with Keras's defaults: batch size 32, verbose 1 (a progress bar),
 * shuffling each epoch, no validation split. Bind one in Guice to override a model's defaults.
 *
 * @param batchSize samples per training step (and per evaluation or prediction batch)
 * @param seed seeds parameter initialisation and the shuffling of every epoch
 * @param verbose 0 silent, 1 progress bar, 2 one line per epoch
 * @param validationSplit fraction of the training data held out for validation (the last samples, before shuffling)
 * @param shuffle shuffle the training data before each epoch
 */
public record TrainerSettings(int batchSize, long seed, int verbose, double validationSplit, boolean shuffle) {
  public TrainerSettings {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("expected a positive integer. Received: batchSize=" + batchSize);
    }
    if (verbose < 0 || verbose > 2) {
      throw new IllegalArgumentException("verbose must be 0, 1 or 2. Received: verbose=" + verbose);
    }
    if (!(validationSplit >= 0 && validationSplit < 1)) {
      throw new IllegalArgumentException("validationSplit must be in [0, 1). Received: validationSplit="
          + validationSplit);
    }
  }

  public static TrainerSettings defaults() {
    return new TrainerSettings(32, 0, 1, 0, true);
  }

  public TrainerSettings withBatchSize(int batchSize) {
    return new TrainerSettings(batchSize, seed, verbose, validationSplit, shuffle);
  }

  public TrainerSettings withSeed(long seed) {
    return new TrainerSettings(batchSize, seed, verbose, validationSplit, shuffle);
  }

  public TrainerSettings withVerbose(int verbose) {
    return new TrainerSettings(batchSize, seed, verbose, validationSplit, shuffle);
  }

  public TrainerSettings withValidationSplit(double validationSplit) {
    return new TrainerSettings(batchSize, seed, verbose, validationSplit, shuffle);
  }

  public TrainerSettings withShuffle(boolean shuffle) {
    return new TrainerSettings(batchSize, seed, verbose, validationSplit, shuffle);
  }
}
