package dev.lamina.processor.check;

import dev.lamina.annotations.Padding;
import dev.lamina.processor.Messages;
import dev.lamina.processor.read.CompileSpec;
import dev.lamina.processor.read.LayerSpec;
import dev.lamina.processor.read.ModelSpec;
import dev.lamina.processor.read.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a model's values and infers every layer's shapes. Each problem is tied to the field that caused it, and
 * checking goes on after a problem (a layer whose input is broken is skipped) so one compile reports them all.
 */
public final class ShapeChecker {
  private ShapeChecker() {}

  /** Returns the checked model, or {@code null} when {@code problems} gained any. */
  public static CheckedModel check(ModelSpec model, List<Problem> problems) {
    int before = problems.size();
    List<Integer> input = model.input();
    boolean inputOk = checkModelInput(model, problems);
    if (model.layers().isEmpty()) {
      problems.add(new Problem(null, Messages.noLayers(model.className())));
    }
    checkCompile(model, problems);
    Map<String, List<Integer>> outputs = new HashMap<>();
    List<String> declared = new ArrayList<>();
    List<CheckedLayer> layers = new ArrayList<>();
    for (LayerSpec layer : model.layers()) {
      List<Integer> in;
      if (layer.input().isEmpty()) {
        in = inputOk ? input : null;
      } else if (declared.contains(layer.input())) {
        in = outputs.get(layer.input());
      } else {
        problems.add(new Problem(layer.name(), Messages.unknownInput(layer.name(), layer.annotation(), layer.input())));
        in = null;
      }
      declared.add(layer.name());
      CheckedLayer checked = checkLayer(layer, in, problems);
      outputs.put(layer.name(), checked == null ? null : checked.outputShape());
      if (checked != null) {
        layers.add(checked);
      }
    }
    return problems.size() == before ? new CheckedModel(model, layers) : null;
  }

  private static void checkCompile(ModelSpec model, List<Problem> problems) {
    CompileSpec c = model.compile();
    String name = model.className();
    if (!(c.learningRate() > 0) || Double.isInfinite(c.learningRate())) {
      problems.add(new Problem(null, Messages.badCompile(name, "learningRate", c.learningRate(), "a positive number")));
    }
    if (!(c.momentum() >= 0 && c.momentum() < 1)) {
      problems.add(new Problem(null, Messages.badCompile(name, "momentum", c.momentum(), "in [0, 1)")));
    }
    if (c.batchSize() <= 0) {
      problems.add(new Problem(null, Messages.badCompile(name, "batchSize", c.batchSize(), "a positive integer")));
    }
  }

  private static boolean checkModelInput(ModelSpec model, List<Problem> problems) {
    List<Integer> input = model.input();
    if (input.isEmpty()) {
      problems.add(new Problem(null, Messages.emptyInput(model.className())));
      return false;
    }
    if (input.stream().anyMatch(d -> d <= 0)) {
      problems.add(new Problem(null, Messages.nonPositiveInput(model.className(), input)));
      return false;
    }
    if (input.size() != 1 && input.size() != 3) {
      problems.add(new Problem(null, Messages.badInputRank(model.className(), input)));
      return false;
    }
    return true;
  }

  /** Checks one layer's own values, then its shapes when its input shape is known ({@code in != null}). */
  private static CheckedLayer checkLayer(LayerSpec layer, List<Integer> in, List<Problem> problems) {
    int before = problems.size();
    String f = layer.name();
    String a = layer.annotation();
    if (layer instanceof LayerSpec.Conv2D c) {
      positive(f, a, "filters", c.filters(), problems);
      pair(f, a, "kernel", c.kernel(), problems);
      pair(f, a, "strides", c.strides(), problems);
    } else if (layer instanceof LayerSpec.MaxPool2D p) {
      pair(f, a, "pool", p.pool(), problems);
      pair(f, a, "strides", p.strides(), problems);
    } else if (layer instanceof LayerSpec.Dense d) {
      positive(f, a, "units", d.units(), problems);
    } else if (layer instanceof LayerSpec.BatchNorm b) {
      if (!(b.momentum() >= 0 && b.momentum() < 1)) {
        problems.add(new Problem(f, Messages.outOfRange(f, a, "momentum", b.momentum(), "[0, 1)")));
      }
      if (!(b.epsilon() > 0)) {
        problems.add(new Problem(f, Messages.outOfRange(f, a, "epsilon", b.epsilon(), "(0, inf)")));
      }
    }
    if (problems.size() > before || in == null) {
      return null;
    }
    if (layer instanceof LayerSpec.Conv2D c) {
      if (in.size() != 3) {
        problems.add(new Problem(f, Messages.needsImage(f, a, in)));
        return null;
      }
      List<Integer> out = window(f, a, "kernel", in, c.kernel(), c.strides(), c.padding(), c.filters(), problems);
      int kernel = c.kernel().get(0) * c.kernel().get(1) * in.get(2) * c.filters();
      return out == null ? null : new CheckedLayer(layer, in, out, kernel + (c.useBias() ? c.filters() : 0), 0);
    } else if (layer instanceof LayerSpec.MaxPool2D p) {
      if (in.size() != 3) {
        problems.add(new Problem(f, Messages.needsImage(f, a, in)));
        return null;
      }
      List<Integer> out = window(f, a, "pool", in, p.pool(), p.strides(), p.padding(), in.get(2), problems);
      return out == null ? null : new CheckedLayer(layer, in, out, 0, 0);
    } else if (layer instanceof LayerSpec.Dense d) {
      if (in.size() != 1) {
        problems.add(new Problem(f, Messages.denseNeedsFlat(f, in)));
        return null;
      }
      int params = in.get(0) * d.units() + (d.useBias() ? d.units() : 0);
      return new CheckedLayer(layer, in, List.of(d.units()), params, 0);
    } else if (layer instanceof LayerSpec.BatchNorm) {
      int channels = in.get(in.size() - 1);
      return new CheckedLayer(layer, in, in, 2 * channels, 2 * channels);
    } else if (layer instanceof LayerSpec.Flatten) {
      return new CheckedLayer(layer, in, List.of(CheckedLayer.product(in)), 0, 0);
    }
    return new CheckedLayer(layer, in, in, 0, 0); // Activation
  }

  private static List<Integer> window(
      String f,
      String a,
      String what,
      List<Integer> in,
      List<Integer> size,
      List<Integer> strides,
      Padding padding,
      int channels,
      List<Problem> problems) {
    if (padding == Padding.VALID && (size.get(0) > in.get(0) || size.get(1) > in.get(1))) {
      problems.add(new Problem(f, Messages.windowTooLarge(f, a, what, size, in)));
      return null;
    }
    Window h = Window.of(in.get(0), size.get(0), strides.get(0), padding);
    Window w = Window.of(in.get(1), size.get(1), strides.get(1), padding);
    return List.of(h.output(), w.output(), channels);
  }

  private static void positive(String f, String a, String attribute, int value, List<Problem> problems) {
    if (value <= 0) {
      problems.add(new Problem(f, Messages.notPositive(f, a, attribute, value)));
    }
  }

  private static void pair(String f, String a, String attribute, List<Integer> value, List<Problem> problems) {
    if (value.size() != 2 || value.stream().anyMatch(v -> v <= 0)) {
      problems.add(new Problem(f, Messages.notTwoPositive(f, a, attribute, value)));
    }
  }
}
