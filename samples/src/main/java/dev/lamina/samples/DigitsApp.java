package dev.lamina.samples;

import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.train.Evaluation;
import dev.lamina.runtime.train.History;
import dev.lamina.runtime.train.Trainer;
import jakarta.inject.Inject;

/** An application that gets its trainer by injection and trains, evaluates and uses the seed model. */
public class DigitsApp {
  private final Trainer<SequentialModel> trainer;

  @Inject
  public DigitsApp(Trainer<SequentialModel> trainer) {
    this.trainer = trainer;
  }

  public Trainer<SequentialModel> trainer() {
    return trainer;
  }

  /** Prints the summary, trains for {@code epochs}, then evaluates on {@code test}; returns the evaluation. */
  public Evaluation run(Dataset train, Dataset test, int epochs) {
    trainer.summary();
    History history = trainer.fit(train, epochs);
    Evaluation result = trainer.evaluate(test);
    System.out.printf("Test accuracy: %.4f - test loss: %.4f (after %d epochs)%n", result.accuracy(), result.loss(),
        history.epochs());
    return result;
  }
}
