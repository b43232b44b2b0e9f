package dev.lamina.runtime.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  private static final String FULL = "━".repeat(20);
  private static final String EMPTY = "─".repeat(20);

  /** Insertion order deliberately not the display order. */
  private static Map<String, Double> fitMetrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("val_loss", 0.0468);
    m.put("loss", 0.0358);
    m.put("val_accuracy", 0.98565);
    m.put("accuracy", 0.9902);
    return m;
  }

  private static Map<String, Double> loss(double v) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", v);
    return m;
  }

  @Test
  void finishedLine() {
    assertEquals("1688/1688 " + FULL + " 6s 4ms/step - accuracy: 0.9902 - loss: 0.0358"
            + " - val_accuracy: 0.9857 - val_loss: 0.0468",
        ProgressBar.formatLine(1688, 1688, 6.2, 3.67e-3, true, fitMetrics()));
  }

  @Test
  void partialLineShowsEta() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", 0.30);
    m.put("accuracy", 0.91);
    assertEquals("  12/1688 " + EMPTY + " 4s 3ms/step - accuracy: 0.9100 - loss: 0.3000",
        ProgressBar.formatLine(12, 1688, 4.9, 3e-3, false, m));
    assertEquals(" 844/1688 " + "━".repeat(10) + "─".repeat(10) + " 1:05 3ms/step",
        ProgressBar.formatLine(844, 1688, 65.3, 3e-3, false, Map.of()));
    assertEquals("   1/1688 " + EMPTY + " 1:02:05 2s/step",
        ProgressBar.formatLine(1, 1688, 3725.9, 2.2, false, null));
  }

  @Test
  void timeFormats() {
    assertEquals("250us/step", ProgressBar.formatPerStep(2.5e-4));
    assertEquals("3ms/step", ProgressBar.formatPerStep(3.4e-3));
    assertEquals("1s/step", ProgressBar.formatPerStep(1.2));
    assertEquals("0s/step", ProgressBar.formatPerStep(0));
    // Python's f"{t:.0f}" rounds half to even
    assertEquals("2s", ProgressBar.formatElapsed(2.5));
    assertEquals("4s", ProgressBar.formatElapsed(3.5));
    assertEquals("0s", ProgressBar.formatElapsed(0.4));
    // ETA truncates like Python's "%d"
    assertEquals("4s", ProgressBar.formatEta(4.99));
    assertEquals("60s", ProgressBar.formatEta(60));
    assertEquals("1:00", ProgressBar.formatEta(60.5));
  }

  @Test
  void valueFormats() {
    assertEquals("0.3000", ProgressBar.formatValue(0.30005)); // binary value is below ...05
    assertEquals("0.1235", ProgressBar.formatValue(0.12345)); // ... and this one above
    assertEquals("-1.5000", ProgressBar.formatValue(-1.5));
    assertEquals("5.0000e-04", ProgressBar.formatValue(5e-4));
    assertEquals("0.0000e+00", ProgressBar.formatValue(0));
    assertEquals("nan", ProgressBar.formatValue(Double.NaN));
    assertEquals("inf", ProgressBar.formatValue(Double.POSITIVE_INFINITY));
  }

  @Test
  void summaryAndEvaluateLines() {
    assertEquals("1688/1688 - 6s - 4ms/step - accuracy: 0.9902 - loss: 0.0358"
            + " - val_accuracy: 0.9857 - val_loss: 0.0468",
        ProgressBar.formatSummaryLine(1688, 6.2, 3.67e-3, fitMetrics()));
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", 0.0470);
    m.put("accuracy", 0.9850);
    assertEquals("63/63 " + FULL + " 0s 2ms/step - accuracy: 0.9850 - loss: 0.0470",
        ProgressBar.formatEvaluateLine(63, 0.15, 2.4e-3, m));
  }

  @Test
  void epochHeader() {
    assertEquals("Epoch 9/10", ProgressBar.epochHeader(9, 10));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ProgressBar.printEpochHeader(out, 1, 1, 1); // a single epoch gets no header, as in Keras
    ProgressBar.printEpochHeader(out, 0, 1, 3);
    ProgressBar.printEpochHeader(out, 2, 2, 3);
    assertEquals("Epoch 2/3" + System.lineSeparator(), text(bytes));
  }

  /** A clock the test moves by hand. */
  private static final class Clock {
    long now;

    long get() {
      return now;
    }
  }

  /** Runs 100 steps of 10 ms each, then finishes 5 ms later: 1.005 s, 10.05 ms/step. */
  private static void runEpoch(ProgressBar bar, Clock clock, double finalLoss) {
    for (int step = 1; step <= 100; step++) {
      clock.now += 10_000_000L;
      bar.update(step, loss(1.0 / step));
    }
    clock.now += 5_000_000L;
    bar.finish(loss(finalLoss));
  }

  @Test
  void nonInteractivePrintsOneLinePerEpoch() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Clock clock = new Clock();
    for (int epoch = 1; epoch <= 2; epoch++) {
      ProgressBar.printEpochHeader(out, 1, epoch, 2);
      ProgressBar bar = new ProgressBar(100, 1, out, false, clock::get);
      runEpoch(bar, clock, 0.5 / epoch);
      bar.finish(loss(9)); // ignored
    }
    String nl = System.lineSeparator();
    assertEquals("Epoch 1/2" + nl + "100/100 " + FULL + " 1s 10ms/step - loss: 0.5000\n"
            + "Epoch 2/2" + nl + "100/100 " + FULL + " 1s 10ms/step - loss: 0.2500\n",
        text(bytes));
  }

  @Test
  void verboseZeroPrintsNothing() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Clock clock = new Clock();
    runEpoch(new ProgressBar(100, 0, out, true, clock::get), clock, 0.5);
    runEpoch(new ProgressBar(100, 0, out, false, clock::get), clock, 0.5);
    assertEquals("", text(bytes));
  }

  @Test
  void verboseTwoPrintsSummaryLine() {
    for (boolean interactive : new boolean[] {true, false}) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
      Clock clock = new Clock();
      runEpoch(new ProgressBar(100, 2, out, interactive, clock::get), clock, 0.5);
      assertEquals("100/100 - 1s - 10ms/step - loss: 0.5000\n", text(bytes));
    }
  }

  @Test
  void interactiveRedrawsInPlaceThrottled() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Clock clock = new Clock();
    ProgressBar bar = new ProgressBar(100, 1, out, true, clock::get);
    clock.now += 10_000_000L;
    bar.update(1, loss(1234.5));
    assertEquals("\r  1/100 " + EMPTY + " 0s 10ms/step - loss: 1234.5000", text(bytes));
    for (int step = 2; step <= 100; step++) {
      clock.now += 10_000_000L;
      bar.update(step, loss(1.0 / step));
    }
    clock.now += 5_000_000L;
    bar.finish(loss(0.5));
    String s = text(bytes);
    // drawn at steps 1, 6, 11, ..., 96 (every 50 ms), then once more when finished
    assertEquals(21, s.chars().filter(c -> c == '\r').count());
    assertTrue(s.contains("\r 56/100 " + "━".repeat(11) + "─".repeat(9) + " 0s 10ms/step - loss: 0.0179"), s);
    assertEquals(1, s.chars().filter(c -> c == '\n').count());
    String last = s.substring(s.lastIndexOf('\r'));
    assertEquals("\r100/100 " + FULL + " 1s 10ms/step - loss: 0.5000\n", last);
    String previous = s.substring(s.lastIndexOf('\r', s.lastIndexOf('\r') - 1), s.lastIndexOf('\r'));
    assertEquals("\r 96/100 " + "━".repeat(19) + "─" + " 0s 10ms/step - loss: 0.0104", previous);
  }

  @Test
  void interactivePadsShorterLines() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Clock clock = new Clock();
    ProgressBar bar = new ProgressBar(10, 1, out, true, clock::get);
    clock.now += 1_000_000_000L;
    bar.update(1, loss(1234.5));
    clock.now += 9_000_000_000L;
    bar.finish(loss(0.5));
    // 2 characters shorter than the line it overwrites: blanked with 2 spaces
    assertEquals("\r 1/10 " + "━━" + "─".repeat(18) + " 9s 1s/step - loss: 1234.5000"
        + "\r10/10 " + FULL + " 10s 1s/step - loss: 0.5000  \n", text(bytes));
  }

  @Test
  void nonInteractiveUpdateAllocatesNothing() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    long[] clock = {0};
    Map<String, Double> metrics = loss(0.5);
    ProgressBar bar = new ProgressBar(1_000_000, 1, out, false, () -> clock[0]);
    for (int step = 1; step <= 5000; step++) {
      bar.update(step, metrics);
    }
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
    mx.getCurrentThreadAllocatedBytes();
    long before = mx.getCurrentThreadAllocatedBytes();
    for (int step = 5001; step <= 6000; step++) {
      bar.update(step, metrics);
    }
    long allocated = mx.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < 1024, "allocated " + allocated + " bytes in 1000 updates");
    assertEquals("", text(bytes));
  }

  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
