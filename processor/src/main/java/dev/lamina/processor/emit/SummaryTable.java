package dev.lamina.processor.emit;

import dev.lamina.processor.Messages;
import dev.lamina.processor.check.CheckedLayer;
import dev.lamina.processor.check.CheckedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text of {@code summary()}, as Keras 3 prints it, computed at compile time: a table of layers with their
 * output shapes and parameter counts, then total, trainable and non-trainable counts with their sizes in bytes
 * (4 bytes a parameter, in B, KB or MB by 1024, two decimals).
 */
public final class SummaryTable {
  private static final int NAME = 31;
  private static final int SHAPE = 22;
  private static final int PARAMS = 13;

  private SummaryTable() {}

  public static String render(CheckedModel model) {
    StringBuilder s = new StringBuilder();
    s.append("Model: \"").append(model.spec().modelName()).append("\"\n");
    s.append(border('┏', '━', '┳', '┓'));
    s.append(row('┃', "Layer (type)", "Output Shape", "Param #"));
    s.append(border('┡', '━', '╇', '┩'));
    List<CheckedLayer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      CheckedLayer layer = layers.get(i);
      List<String> names = wrap(layer.name() + " (" + layer.spec().kind() + ")");
      for (int line = 0; line < names.size(); line++) {
        s.append(
            row(
                '│',
                names.get(line),
                line == 0 ? Messages.shape(layer.outputShape()) : "",
                line == 0 ? count(layer.params()) : ""));
      }
      if (i + 1 < layers.size()) {
        s.append(border('├', '─', '┼', '┤'));
      }
    }
    s.append(border('└', '─', '┴', '┘'));
    int trainable = model.trainableParams();
    int fixed = model.nonTrainableParams();
    s.append(" Total params: ").append(count(trainable + fixed)).append(" (").append(bytes(trainable + fixed))
        .append(")\n");
    s.append(" Trainable params: ").append(count(trainable)).append(" (").append(bytes(trainable)).append(")\n");
    s.append(" Non-trainable params: ").append(count(fixed)).append(" (").append(bytes(fixed)).append(")\n");
    return s.toString();
  }

  /** {@code 35,210}. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** {@code 137.54 KB}: 4 bytes a parameter. */
  static String bytes(long params) {
    double b = params * 4.0;
    if (b < 1024) {
      return String.format(Locale.ROOT, "%.2f B", b);
    }
    if (b < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.2f KB", b / 1024);
    }
    if (b < 1024.0 * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.2f MB", b / (1024 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GB", b / (1024.0 * 1024 * 1024));
  }

  /** Splits a name cell that is too wide before its {@code (Type)}, as Keras wraps it. */
  private static List<String> wrap(String cell) {
    List<String> lines = new ArrayList<>();
    if (cell.length() <= NAME) {
      lines.add(cell);
      return lines;
    }
    int space = cell.lastIndexOf(" (");
    String first = cell.substring(0, space);
    String second = cell.substring(space + 1);
    lines.add(first.length() > NAME ? first.substring(0, NAME - 1) + "…" : first);
    lines.add(second.length() > NAME ? second.substring(0, NAME - 1) + "…" : second);
    return lines;
  }

  private static String row(char edge, String name, String shape, String params) {
    return edge + " " + pad(name, NAME, false) + " " + edge + " " + pad(shape, SHAPE, false) + " " + edge + " "
        + pad(params, PARAMS, true) + " " + edge + "\n";
  }

  private static String border(char left, char fill, char middle, char right) {
    String f = String.valueOf(fill);
    return left + f.repeat(NAME + 2) + middle + f.repeat(SHAPE + 2) + middle + f.repeat(PARAMS + 2) + right + "\n";
  }

  private static String pad(String text, int width, boolean right) {
    String spaces = " ".repeat(Math.max(0, width - text.length()));
    return right ? spaces + text : text + spaces;
  }
}
