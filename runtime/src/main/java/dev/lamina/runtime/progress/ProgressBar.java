package dev.lamina.runtime.progress;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Keras-style console progress for one epoch (or one evaluation), e.g.
 *
 * <pre>
 * 1688/1688 ━━━━━━━━━━━━━━━━━━━━ 6s 3ms/step - accuracy: 0.9902 - loss: 0.0358
 * </pre>
 *
 * <p>Verbose 0 prints nothing; verbose 1 prints the bar; verbose 2 prints one summary line when
 * finished ({@code 1688/1688 - 6s - 3ms/step - accuracy: ...}). With verbose 1 on a terminal
 * ({@code interactive}) the line is redrawn in place with {@code '\r'} at most every 50 ms;
 * otherwise nothing is printed until {@link #finish}, which prints the finished line once.
 *
 * <p>The bar is 20 characters: done steps as {@code '━'} (U+2501), remaining ones as
 * {@code '─'} (U+2500). Keras draws both as {@code '━'} and tells them apart by ANSI colour;
 * a lighter line keeps the two distinct without escape codes, in logs and terminals alike.
 *
 * <p>While running, the time field is the ETA ({@code 4s}, {@code 1:05}, {@code 1:00:05}); when
 * finished it is the rounded elapsed time. Time per step excludes the first step, as in Keras.
 * Metrics are shown sorted by name, {@code val_} ones last, with 4 decimals ({@code %.4e} when
 * {@code |v| <= 1e-3}, as Keras does).
 *
 * <p>{@link #update} allocates nothing unless it draws. Not thread-safe.
 */
public final class ProgressBar {

  /** Bar width in characters. */
  public static final int WIDTH = 20;
  /** Done part of the bar. */
  public static final char DONE = '\u2501';
  /** Remaining part of the bar. */
  public static final char REMAINING = '\u2500';

  private static final long INTERVAL_NANOS = 50_000_000L;

  private final int total;
  private final int verbose;
  private final PrintStream out;
  private final boolean interactive;
  private final LongSupplier nanoTime;
  private final long start;

  private long afterFirstStep;
  private boolean hasFirstStep;
  private long lastDraw;
  private boolean drawn;
  private int previousWidth;
  private boolean finished;

  /** A bar timed by {@link System#nanoTime()}. */
  public ProgressBar(int total, int verbose, PrintStream out, boolean interactive) {
    this(total, verbose, out, interactive, System::nanoTime);
  }

  /**
   * @param total       number of steps, at least 1
   * @param verbose     0 silent, 1 progress bar, 2 one line when finished
   * @param out         where to print
   * @param interactive whether {@code out} is a terminal (redraw in place)
   * @param nanoTime    clock, in nanoseconds; read once now as the start time
   */
  public ProgressBar(int total, int verbose, PrintStream out, boolean interactive,
      LongSupplier nanoTime) {
    if (total < 1) {
      throw new IllegalArgumentException("total must be at least 1. Received: total=" + total);
    }
    if (verbose < 0 || verbose > 2) {
      throw new IllegalArgumentException("verbose must be 0, 1 or 2. Received: verbose=" + verbose);
    }
    if (out == null || nanoTime == null) {
      throw new NullPointerException(out == null ? "out" : "nanoTime");
    }
    this.total = total;
    this.verbose = verbose;
    this.out = out;
    this.interactive = interactive;
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
  }

  /** A bar on {@code System.out}, interactive when {@link #isTerminal()}. */
  public static ProgressBar toConsole(int total, int verbose) {
    return new ProgressBar(total, verbose, System.out, isTerminal());
  }

  /** True when {@link #update} redraws the line (verbose 1 on a terminal), so it reads the metrics it is given. */
  public boolean redraws() {
    return verbose == 1 && interactive;
  }

  /** Whether the JVM runs attached to a terminal ({@code System.console() != null} on Java 17). */
  public static boolean isTerminal() {
    return System.console() != null;
  }

  /**
   * Records that {@code step} steps (1-based count) are done; with verbose 1 on a terminal,
   * redraws the line unless it was drawn less than 50 ms ago. Never finishes the bar.
   */
  public void update(int step, Map<String, Double> metrics) {
    if (finished || verbose == 0) {
      return;
    }
    boolean draws = verbose == 1 && interactive;
    if (!draws && step != 1) {
      return;
    }
    long now = nanoTime.getAsLong();
    double perStep = secondsPerStep(step, now);
    if (!draws || (drawn && now - lastDraw < INTERVAL_NANOS)) {
      return;
    }
    double eta = perStep * Math.max(0, total - step);
    draw('\r' + formatLine(step, total, eta, perStep, false, metrics), "");
    lastDraw = now;
    drawn = true;
  }

  /** Prints the finished line (verbose 1) or summary line (verbose 2); later calls do nothing. */
  public void finish(Map<String, Double> metrics) {
    if (finished) {
      return;
    }
    finished = true;
    if (verbose == 0) {
      return;
    }
    long now = nanoTime.getAsLong();
    double perStep = secondsPerStep(total, now);
    double elapsed = (now - start) / 1e9;
    if (verbose == 2) {
      out.print(formatSummaryLine(total, elapsed, perStep, metrics) + '\n');
    } else if (interactive) {
      draw('\r' + formatLine(total, total, elapsed, perStep, true, metrics), "\n");
    } else {
      out.print(formatLine(total, total, elapsed, perStep, true, metrics) + '\n');
    }
    out.flush();
  }

  /** Keras's estimate: time since step 1 over the steps after it, else time since start. */
  private double secondsPerStep(int step, long now) {
    if (step <= 0) {
      return 0;
    }
    double perStep = hasFirstStep && step > 1
        ? (now - afterFirstStep) / 1e9 / (step - 1)
        : (now - start) / 1e9 / step;
    if (step == 1) {
      afterFirstStep = now;
      hasFirstStep = true;
    }
    return Math.max(0, perStep);
  }

  /** Prints {@code line} ('\r'-prefixed), blanking what is left of a longer previous line. */
  private void draw(String line, String end) {
    int width = line.length() - 1;
    StringBuilder sb = new StringBuilder(line);
    for (int i = width; i < previousWidth; i++) {
      sb.append(' ');
    }
    sb.append(end);
    out.print(sb);
    out.flush();
    previousWidth = width;
  }

  /**
   * One progress line, e.g. {@code "  12/1688 ━─── 4s 3ms/step - loss: 0.3000"}.
   *
   * @param seconds        the ETA while running, the elapsed time when {@code finished}
   * @param secondsPerStep time per step
   */
  public static String formatLine(int step, int total, double seconds, double secondsPerStep,
      boolean finished, Map<String, Double> metrics) {
    StringBuilder sb = new StringBuilder(96);
    appendCounter(sb, step, total);
    sb.append(' ');
    int done = (int) (WIDTH * ((double) step / total));
    done = Math.max(0, Math.min(WIDTH, done));
    for (int i = 0; i < WIDTH; i++) {
      sb.append(i < done ? DONE : REMAINING);
    }
    sb.append(' ').append(finished ? formatElapsed(seconds) : formatEta(seconds));
    sb.append(' ').append(formatPerStep(secondsPerStep));
    appendMetrics(sb, metrics);
    return sb.toString();
  }

  /** The verbose-2 line, e.g. {@code "1688/1688 - 6s - 3ms/step - loss: 0.0358"}. */
  public static String formatSummaryLine(int total, double seconds, double secondsPerStep,
      Map<String, Double> metrics) {
    StringBuilder sb = new StringBuilder(96);
    appendCounter(sb, total, total);
    sb.append(" - ").append(formatElapsed(seconds));
    sb.append(" - ").append(formatPerStep(secondsPerStep));
    appendMetrics(sb, metrics);
    return sb.toString();
  }

  /** The line Keras's {@code evaluate} leaves: a finished bar over {@code steps} steps. */
  public static String formatEvaluateLine(int steps, double seconds, double secondsPerStep,
      Map<String, Double> metrics) {
    return formatLine(steps, steps, seconds, secondsPerStep, true, metrics);
  }

  /** {@code "Epoch 3/10"}; {@code epoch} is 1-based. */
  public static String epochHeader(int epoch, int epochs) {
    return "Epoch " + epoch + "/" + epochs;
  }

  /** Prints {@link #epochHeader} when {@code verbose != 0} and {@code epochs > 1}, as Keras does. */
  public static void printEpochHeader(PrintStream out, int verbose, int epoch, int epochs) {
    if (verbose != 0 && epochs > 1) {
      out.println(epochHeader(epoch, epochs));
    }
  }

  /** Elapsed time, rounded half-even like Python's {@code f"{t:.0f}s"}: {@code "6s"}. */
  static String formatElapsed(double seconds) {
    return (long) Math.rint(Math.max(0, seconds)) + "s";
  }

  /** ETA, truncated: {@code "4s"}, {@code "1:05"} over a minute, {@code "1:00:05"} over an hour. */
  static String formatEta(double seconds) {
    long s = (long) Math.max(0, seconds);
    if (seconds > 3600) {
      return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
    }
    if (seconds > 60) {
      return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
    return s + "s";
  }

  /** {@code "3ms/step"}; {@code "250us/step"} under 1 ms; {@code "2s/step"} from 1 s (and for 0). */
  static String formatPerStep(double seconds) {
    double t = Math.max(0, seconds);
    if (t >= 1 || t == 0) {
      return (long) Math.rint(t) + "s/step";
    }
    if (t >= 1e-3) {
      return (long) Math.rint(t * 1e3) + "ms/step";
    }
    return (long) Math.rint(t * 1e6) + "us/step";
  }

  /** {@code "%.4f"}, or {@code "%.4e"} when {@code |v| <= 1e-3}; {@code nan}/{@code inf} as Python. */
  static String formatValue(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (Math.abs(v) > 1e-3) {
      // exact binary value, half-even: the digits Python prints
      return new BigDecimal(v).setScale(4, RoundingMode.HALF_EVEN).toPlainString();
    }
    return String.format(Locale.ROOT, "%.4e", v);
  }

  /** Metric names sorted alphabetically, those starting with {@code val_} after the rest. */
  static List<String> sortedNames(Map<String, Double> metrics) {
    List<String> names = new ArrayList<>(metrics.keySet());
    names.sort((a, b) -> {
      boolean va = a.startsWith("val_");
      boolean vb = b.startsWith("val_");
      return va != vb ? (va ? 1 : -1) : a.compareTo(b);
    });
    return names;
  }

  private static void appendCounter(StringBuilder sb, int step, int total) {
    String s = Integer.toString(step);
    for (int i = s.length(); i < Integer.toString(total).length(); i++) {
      sb.append(' ');
    }
    sb.append(s).append('/').append(total);
  }

  private static void appendMetrics(StringBuilder sb, Map<String, Double> metrics) {
    if (metrics == null || metrics.isEmpty()) {
      return;
    }
    for (String name : sortedNames(metrics)) {
      Double v = metrics.get(name);
      sb.append(" - ").append(name).append(": ")
          .append(formatValue(v == null ? Double.NaN : v));
    }
  }
}
