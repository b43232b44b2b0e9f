package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.util.Modules;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.optim.Sgd;
import dev.lamina.runtime.train.Evaluation;
import dev.lamina.runtime.train.History;
import dev.lamina.runtime.train.SparseCategoricalCrossentropy;
import dev.lamina.runtime.train.Trainer;
import dev.lamina.runtime.train.TrainerSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The seed model's trainer, as an application gets it from Guice. */
class TrainerTest {

  static Trainer<SequentialModel> trainer(AbstractModule overrides) {
    Injector injector = Guice.createInjector(Modules.override(new SequentialModelModule()).with(overrides));
    return injector.getInstance(DigitsApp.class).trainer();
  }

  static AbstractModule settings(TrainerSettings settings) {
    return new AbstractModule() {
      @Override
      protected void configure() {
        bind(TrainerSettings.class).toInstance(settings);
      }
    };
  }

  @Test
  void guiceInjectsTheTrainerWithTheModelsCompileDefaults() {
    Injector injector = Guice.createInjector(new SequentialModelModule());
    DigitsApp app = injector.getInstance(DigitsApp.class);
    Trainer<SequentialModel> trainer = app.trainer();
    assertTrue(trainer.network() instanceof SequentialModelNetwork);
    assertTrue(trainer.optimizer() instanceof Adam);
    assertEquals(5e-5, trainer.optimizer().learningRate(), 1e-12, "@Compile(learningRate = 5e-5)");
    assertTrue(trainer.loss() instanceof SparseCategoricalCrossentropy);
    assertEquals(32, trainer.settings().batchSize());
    assertSame(trainer, injector.getInstance(DigitsApp.class).trainer(), "one trainer per injector, as one Keras model");
    assertEquals(35_018, trainer.network().trainableParameterCount());
    assertEquals(192, trainer.network().nonTrainableParameterCount());
  }

  @Test
  void bindingsOverrideTheDefaults() {
    Trainer<SequentialModel> trainer = trainer(new AbstractModule() {
      @Override
      protected void configure() {
        bind(Optimizer.class).toInstance(new Sgd(0.01, 0.9, true));
        bind(TrainerSettings.class).toInstance(TrainerSettings.defaults().withBatchSize(64).withSeed(7));
      }
    });
    assertTrue(trainer.optimizer() instanceof Sgd sgd && sgd.nesterov());
    assertEquals(64, trainer.settings().batchSize());
    assertEquals(7, trainer.settings().seed());
  }

  @Test
  void summaryPrintsKerasFigures() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Trainer<SequentialModel> trainer = trainer(settings(TrainerSettings.defaults()));
    trainer.output(new PrintStream(bytes, true, StandardCharsets.UTF_8)).summary();
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.startsWith("Model: \"sequential_model\"\n"), text);
    assertTrue(text.contains("│ conv1 (Conv2D)                  │ (None, 26, 26, 32)     │           320 │"), text);
    assertTrue(text.contains(" Total params: 35,210 (137.54 KB)\n"), text);
    assertTrue(text.contains(" Trainable params: 35,018 (136.79 KB)\n"), text);
    assertTrue(text.contains(" Non-trainable params: 192 (768.00 B)\n"), text);
  }

  /** Same seed, same data, same steps: bit-identical weights. Another seed: different ones. */
  @Test
  void sameSeedGivesBitIdenticalWeights() {
    Dataset data = EmbeddedMnist.train().slice(0, 320);
    float[][] first = weightsAfterTraining(data, 3);
    float[][] second = weightsAfterTraining(data, 3);
    for (int i = 0; i < first.length; i++) {
      assertArrayEquals(first[i], second[i], "trainable parameter " + i);
    }
    float[][] other = weightsAfterTraining(data, 4);
    assertNotEquals(first[0][0], other[0][0]);
  }

  private static float[][] weightsAfterTraining(Dataset data, long seed) {
    Trainer<SequentialModel> trainer = trainer(settings(TrainerSettings.defaults().withSeed(seed).withVerbose(0)));
    trainer.fit(data, 2);
    float[][] arrays = trainer.network().trainableArrays();
    float[][] copy = new float[arrays.length][];
    for (int i = 0; i < arrays.length; i++) {
      copy[i] = arrays[i].clone();
    }
    return copy;
  }

  @Test
  void validationSplitHoldsOutTheLastSamplesAndReportsValMetrics() {
    Dataset data = EmbeddedMnist.train().slice(0, 200);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Trainer<SequentialModel> trainer = trainer(settings(TrainerSettings.defaults().withValidationSplit(0.25)));
    trainer.output(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    History history = trainer.fit(data, 2);
    assertEquals(2, history.epochs());
    for (String key : new String[] {"loss", "accuracy", "val_loss", "val_accuracy"}) {
      assertEquals(2, history.get(key).size(), key);
    }
    // the validation figures are those of the last 50 samples, in inference mode
    Evaluation last50 = trainer.output(new PrintStream(new ByteArrayOutputStream())).evaluate(data.slice(150, 200));
    assertEquals(last50.loss(), history.last("val_loss"), 1e-6);
    assertEquals(last50.accuracy(), history.last("val_accuracy"), 1e-9);
    String log = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("Epoch 2/2\n"), log);
    // 150 training samples at batch 32: 5 steps
    assertTrue(log.matches("(?s).*\n5/5 ━{20} \\d+m?s \\d+m?s/step - accuracy: \\d\\.\\d{4} - loss: \\d\\.\\d{4}"
        + " - val_accuracy: \\d\\.\\d{4} - val_loss: \\d\\.\\d{4}\n.*"), log);
  }

  @Test
  void predictReturnsProbabilitiesPerImage() {
    Dataset data = EmbeddedMnist.test().slice(0, 70);
    Trainer<SequentialModel> trainer = trainer(settings(TrainerSettings.defaults().withVerbose(0)));
    INDArray p = trainer.predict(data.images());
    assertArrayEquals(new long[] {70, 10}, p.shape());
    INDArray rowSums = p.sum(1);
    for (int i = 0; i < 70; i++) {
      assertEquals(1.0, rowSums.getDouble(i), 1e-5);
    }
  }

  @Test
  void badInputSaysWhatWasExpected() {
    Trainer<SequentialModel> trainer = trainer(settings(TrainerSettings.defaults().withVerbose(0)));
    INDArray wrong = Nd4j.zeros(DataType.FLOAT, 4, 28, 28);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.predict(wrong));
    assertEquals("sequential_model: expected a batch of shape (None, 28, 28, 1), got (4, 28, 28)", e.getMessage());
    Dataset wrongLabels = Dataset.of(Nd4j.zeros(DataType.FLOAT, 2, 28, 28, 1), Nd4j.createFromArray(3, 12));
    e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(wrongLabels, 1));
    assertTrue(e.getMessage().contains("label 12 of sample 1 is not one of the model's 10 classes"), e.getMessage());
  }

  @Test
  void aDivergingLossStopsTrainingWithAClearMessage() {
    Trainer<SequentialModel> trainer = trainer(new AbstractModule() {
      @Override
      protected void configure() {
        bind(Optimizer.class).toInstance(new Sgd(1e30));
        bind(TrainerSettings.class).toInstance(TrainerSettings.defaults().withVerbose(0));
      }
    });
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> trainer.fit(EmbeddedMnist.train().slice(0, 256), 3));
    assertTrue(e.getMessage().startsWith("sequential_model: the loss became NaN")
        || e.getMessage().startsWith("sequential_model: the loss became Infinity"), e.getMessage());
    assertTrue(e.getMessage().contains("lower learning rate (now 1.0E30)"), e.getMessage());
  }
}
