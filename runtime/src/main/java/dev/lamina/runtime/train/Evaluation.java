package dev.lamina.runtime.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code evaluate} returns: the mean loss and each metric over the data set, inference mode. */
public record Evaluation(double loss, Map<String, Double> metrics) {
  public Evaluation {
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /** A metric by name; an exception naming the ones there are if {@code name} is not one. */
  public double metric(String name) {
    Double value = metrics.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no metric \"" + name + "\"; there is " + metrics.keySet());
    }
    return value;
  }

  /** The {@code accuracy} metric. */
  public double accuracy() {
    return metric("accuracy");
  }
}
