package dev.lamina.runtime.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads that generated networks split each batch across: {@link #run} cuts the samples
 * {@code [0, n)} into one contiguous chunk per worker (the calling thread is worker 0) and returns when all are done;
 * inside a run, {@link #barrier()} is where the workers meet (BatchNorm needs the whole batch's statistics). The
 * split depends only on {@code n} and the worker count, so results are deterministic for a given count.
 *
 * <p>Waiting spins briefly, then parks (an idle worker spins for a millisecond after each run, so that the runs of
 * back-to-back calls start without waking a thread); nothing is allocated per run. OpenBLAS is kept
 * single-threaded: Lamina owns the threads, so the two never fight over the cores. The worker count is the number
 * of processors, or the system property {@code lamina.threads}.
 */
public final class Workers {
  /** A generated network's work on the samples {@code [from, to)}, as worker {@code worker}. */
  public interface Chunk {
    void run(int worker, int from, int to);
  }

  private static final int SPINS = 20_000;
  /** How long an idle worker spins, waiting for the next run, before it parks. */
  private static final long IDLE_SPIN_NANOS = 1_000_000;
  private static final Workers SHARED = new Workers(Integer.getInteger("lamina.threads",
      Runtime.getRuntime().availableProcessors()));

  private final int size;
  private final Thread[] threads;
  private final AtomicInteger generation = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();
  private final AtomicInteger arrived = new AtomicInteger();
  /** Worker threads parked: asleep until the next run unparks them. */
  private final AtomicInteger sleeping = new AtomicInteger();
  private volatile int barrierGeneration;
  private volatile Chunk task;
  private volatile int samples;
  private volatile int active;
  private volatile Thread caller;
  private volatile Throwable failure;

  /** The workers every generated network uses. */
  public static Workers shared() {
    return SHARED;
  }

  public Workers(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("expected a positive number of threads. Received: " + size);
    }
    this.size = size;
    this.threads = new Thread[size];
    for (int w = 1; w < size; w++) {
      int index = w;
      Thread t = new Thread(() -> loop(index), "lamina-worker-" + w);
      t.setDaemon(true);
      threads[w] = t;
      t.start();
    }
  }

  public int size() {
    return size;
  }

  /** Workers taking part in the current run: {@code min(size, n)}. */
  public int active() {
    return active;
  }

  /** Number of samples worker {@code worker} gets when {@code n} are split across {@code active} workers. */
  public static int chunkSize(int n, int worker, int active) {
    return (int) ((long) n * (worker + 1) / active) - (int) ((long) n * worker / active);
  }

  /** Runs {@code chunk} over {@code [0, n)} split across the workers; rethrows what a worker threw. */
  public void run(int n, Chunk chunk) {
    run(n, chunk, Math.max(1, Math.min(size, n)));
  }

  /**
   * Runs {@code chunk} on every worker, however few the samples: worker {@code w} gets {@code [n * w / size,
   * n * (w + 1) / size)}, which may be empty, and {@link #active()} is {@link #size()}. For code that splits the
   * work of fewer samples than workers by other means (a single sample's pixels, say) and meets at
   * {@link #barrier()}.
   */
  public void runAll(int n, Chunk chunk) {
    run(n, chunk, size);
  }

  private synchronized void run(int n, Chunk chunk, int workers) {
    if (workers == 1) {
      active = 1;
      chunk.run(0, 0, n);
      return;
    }
    task = chunk;
    samples = n;
    active = workers;
    caller = Thread.currentThread();
    failure = null;
    finished.set(0);
    arrived.set(0); // a failed run may have left workers counted at a barrier
    generation.incrementAndGet();
    for (int w = 1; w < size; w++) {
      LockSupport.unpark(threads[w]);
    }
    try {
      chunk.run(0, 0, (int) ((long) n / workers));
    } catch (Throwable e) {
      if (failure == null) {
        failure = e;
      }
    }
    int spins = 0;
    while (finished.get() < size - 1) {
      if (++spins < SPINS) {
        Thread.onSpinWait();
      } else {
        LockSupport.parkNanos(this, 100_000);
      }
    }
    task = null;
    Throwable f = failure;
    if (f instanceof IllegalStateException && f.getCause() != null && "another Lamina worker failed".equals(f.getMessage())) {
      f = f.getCause();
    }
    if (f instanceof RuntimeException r) {
      throw r;
    } else if (f instanceof Error e) {
      throw e;
    } else if (f != null) {
      throw new IllegalStateException(f);
    }
  }

  /**
   * Wakes the worker threads that sleep (each spins for a while after a run, then parks) and says whether none was
   * asleep. For work worth splitting only when no thread has to be woken first: waking a parked thread can take
   * longer than the work (milliseconds on a virtual machine whose idle cores halt), so such work runs on the calling
   * thread when this says no, and the workers are awake for the next call.
   */
  public boolean wakeUp() {
    if (sleeping.get() == 0) {
      return true;
    }
    for (int w = 1; w < size; w++) {
      LockSupport.unpark(threads[w]);
    }
    return false;
  }

  /** Waits until every active worker of the current run has reached this barrier. */
  public void barrier() {
    int workers = active;
    if (workers == 1) {
      return;
    }
    int gen = barrierGeneration;
    if (arrived.incrementAndGet() == workers) {
      arrived.set(0);
      barrierGeneration = gen + 1;
      return;
    }
    int spins = 0;
    while (barrierGeneration == gen) {
      if (failure != null) {
        // a worker failed and will never arrive: give up instead of waiting forever
        throw new IllegalStateException("another Lamina worker failed", failure);
      }
      if (++spins < SPINS) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
  }

  /**
   * Adds the partial sums {@code parts[1..active)} into {@code parts[0]}: worker {@code worker}'s slice of it, so
   * that all the active workers together do the whole array.
   */
  public static void addParts(float[][] parts, int active, int worker) {
    float[] total = parts[0];
    int from = (int) ((long) total.length * worker / active);
    int to = (int) ((long) total.length * (worker + 1) / active);
    for (int w = 1; w < active; w++) {
      float[] part = parts[w];
      for (int i = from; i < to; i++) {
        total[i] += part[i];
      }
    }
  }

  /** {@link #addParts(float[][], int, int)} in double precision. */
  public static void addParts(double[][] parts, int active, int worker) {
    double[] total = parts[0];
    int from = (int) ((long) total.length * worker / active);
    int to = (int) ((long) total.length * (worker + 1) / active);
    for (int w = 1; w < active; w++) {
      double[] part = parts[w];
      for (int i = from; i < to; i++) {
        total[i] += part[i];
      }
    }
  }

  private void loop(int index) {
    int seen = 0;
    while (true) {
      long idleSince = System.nanoTime();
      int g;
      while ((g = generation.get()) == seen) {
        if (System.nanoTime() - idleSince < IDLE_SPIN_NANOS) {
          Thread.onSpinWait();
        } else {
          sleeping.incrementAndGet();
          LockSupport.park(this);
          sleeping.decrementAndGet();
          idleSince = System.nanoTime(); // woken (by a run or by wakeUp): spin again before parking
        }
      }
      seen = g;
      int workers = active;
      if (index < workers) {
        int n = samples;
        try {
          task.run(index, (int) ((long) n * index / workers), (int) ((long) n * (index + 1) / workers));
        } catch (Throwable e) {
          if (failure == null) {
            failure = e;
          }
        }
      }
      if (finished.incrementAndGet() == size - 1) {
        LockSupport.unpark(caller);
      }
    }
  }
}
