package dev.lamina.runtime.data;

/**
 * A data file could not be read: it is missing, unreadable, or not what its header says.
 * The message names the file and says what was expected and what was found.
 */
public final class DataException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An error with a message that names the file. */
  public DataException(String message) {
    super(message);
  }

  /** An error with a message that names the file, caused by an I/O failure. */
  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
