package dev.lamina.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;

/**
 * The number type of a generated network. Every model gets a {@link #FLOAT} network; with the processor option
 * {@code -Alamina.doublePrecision=true} it also gets a {@link #DOUBLE} twin with the same code in double precision,
 * which tests use for finite-difference gradient checks.
 */
public enum Precision {
  FLOAT(TypeName.FLOAT, ClassName.get(Float.class), "FloatNetwork", "toFloats", "Network",
      "Float.floatToRawIntBits", "Float.intBitsToFloat", 31),
  DOUBLE(TypeName.DOUBLE, ClassName.get(Double.class), "DoubleNetwork", "toDoubles", "DoubleNetwork",
      "Double.doubleToRawLongBits", "Double.longBitsToDouble", 63);

  public final TypeName type;
  public final ClassName boxed;
  public final ClassName networkInterface;
  public final String toArray;
  /** Suffix of the generated class name after the model's class name. */
  public final String classSuffix;
  /** The raw bits of a value, and back: branch-free selections (a mispredicted branch costs more than the work). */
  public final String toBits;
  public final String fromBits;
  /** Shift that spreads the sign bit over all the bits. */
  public final int signShift;

  Precision(TypeName type, ClassName boxed, String networkInterface, String toArray, String classSuffix,
      String toBits, String fromBits, int signShift) {
    this.toBits = toBits;
    this.fromBits = fromBits;
    this.signShift = signShift;
    this.type = type;
    this.boxed = boxed;
    this.networkInterface = ClassName.get("dev.lamina.runtime", networkInterface);
    this.toArray = toArray;
    this.classSuffix = classSuffix;
  }
}
