package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.util.Modules;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.train.Evaluation;
import dev.lamina.runtime.train.TrainerSettings;
import org.junit.jupiter.api.Test;

/**
 * End to end: the seed architecture, wired by Guice, trained on the embedded MNIST-10k with a recipe that fits CI
 * (Adam at 1e-3, batch 32, 3 epochs, the last 10% held out), reaches test accuracy of at least 0.95.
 */
class SeedModelTrainsTest {
  @Test
  void reachesNinetyFivePercentOnMnist10k() {
    Dataset train = EmbeddedMnist.train();
    Dataset test = EmbeddedMnist.test();
    DigitsApp app = Guice.createInjector(Modules.override(new SequentialModelModule()).with(new AbstractModule() {
      @Override
      protected void configure() {
        bind(Optimizer.class).toInstance(new Adam(1e-3));
        bind(TrainerSettings.class).toInstance(TrainerSettings.defaults().withValidationSplit(0.1).withVerbose(1));
      }
    })).getInstance(DigitsApp.class);
    Evaluation result = app.run(train, test, 3);
    assertTrue(result.accuracy() >= 0.95, "test accuracy " + result.accuracy());
  }
}
