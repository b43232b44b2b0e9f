package dev.lamina.runtime.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code fit} returns, as Keras's {@code History}: per-epoch values of the loss and metrics, train and val. */
public final class History {
  private final Map<String, List<Double>> values = new LinkedHashMap<>();

  void append(Map<String, Double> logs) {
    logs.forEach((name, value) -> values.computeIfAbsent(name, k -> new ArrayList<>()).add(value));
  }

  /** Every series by name: {@code loss}, {@code accuracy}, {@code val_loss}, {@code val_accuracy}. */
  public Map<String, List<Double>> history() {
    Map<String, List<Double>> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(k, Collections.unmodifiableList(new ArrayList<>(v))));
    return Collections.unmodifiableMap(copy);
  }

  /** One series; an exception naming the ones there are if {@code name} is not one. */
  public List<Double> get(String name) {
    List<Double> series = values.get(name);
    if (series == null) {
      throw new IllegalArgumentException("no history for \"" + name + "\"; there is " + values.keySet());
    }
    return Collections.unmodifiableList(series);
  }

  /** The value of the last epoch. */
  public double last(String name) {
    List<Double> series = get(name);
    return series.get(series.size() - 1);
  }

  public int epochs() {
    return values.isEmpty() ? 0 : values.values().iterator().next().size();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
