package dev.nabla.kernels;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The library's thread pool. Its size is {@code -Dnabla.threads}, else {@code NABLA_THREADS}, else the number of
 * available processors. The calling thread always runs one chunk itself, so the pool holds threads()-1 daemon
 * workers. Waiting is blocking (park), never spinning: on small machines a spinning waiter steals the core the
 * worker it waits for needs.
 */
public final class Parallel {

    /** Body of a parallel loop over the half-open range [from, to). */
    @FunctionalInterface
    public interface IntRangeBody {
        void run(int from, int to);
    }

    private static final int THREADS = configuredThreads();
    private static final ThreadPoolExecutor POOL = THREADS > 1 ? newPool(THREADS - 1) : null;
    /** Set while a thread executes a chunk, so that nested loops run inline instead of queueing behind us. */
    private static final ThreadLocal<boolean[]> INSIDE = ThreadLocal.withInitial(() -> new boolean[1]);

    private Parallel() {}

    /** Number of threads parallel loops use (including the caller). */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@link #threads()} contiguous chunks of at least
     * {@code minPerTask} elements. Chunk i is [i*n/t, (i+1)*n/t), so the split depends only on n and the thread
     * count. Chunk 0 runs on the calling thread; the call returns when all chunks are done. The first exception
     * thrown by any chunk is rethrown here (others are attached as suppressed).
     */
    public static void forRange(int n, int minPerTask, IntRangeBody body) {
        if (n <= 0) return;
        int tasks = chunks(n, minPerTask);
        if (tasks <= 1) {
            body.run(0, n);
            return;
        }
        boolean[] inside = INSIDE.get();
        if (inside[0]) {
            body.run(0, n);
            return;
        }
        Join join = new Join(tasks - 1, Thread.currentThread());
        for (int t = 1; t < tasks; t++) {
            POOL.execute(new Chunk(body, start(n, tasks, t), start(n, tasks, t + 1), join));
        }
        inside[0] = true;
        try {
            body.run(0, start(n, tasks, 1));
        } catch (Throwable e) {
            join.fail(e);
        } finally {
            inside[0] = false;
        }
        join.await();
    }

    /** Number of chunks {@link #forRange} uses for n elements; lets callers size per-chunk state. */
    public static int chunks(int n, int minPerTask) {
        if (THREADS <= 1 || n <= 0) return 1;
        long byGrain = n / (long) Math.max(1, minPerTask);
        return (int) Math.max(1, Math.min(THREADS, byGrain));
    }

    private static int start(int n, int tasks, int t) {
        return (int) ((long) n * t / tasks);
    }

    private static int configuredThreads() {
        String s = System.getProperty("nabla.threads");
        if (s == null || s.isBlank()) s = System.getenv("NABLA_THREADS");
        if (s != null && !s.isBlank()) {
            try {
                int t = Integer.parseInt(s.trim());
                if (t >= 1) return t;
            } catch (NumberFormatException ignored) {
                // fall through to the default
            }
            throw new IllegalStateException("nabla.threads / NABLA_THREADS must be a positive integer, got '" + s + "'");
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    private static ThreadPoolExecutor newPool(int workers) {
        AtomicInteger id = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "nabla-worker-" + id.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.prestartAllCoreThreads();
        return pool;
    }

    /** Counts outstanding chunks; the last one to finish unparks the waiting caller. */
    private static final class Join extends AtomicInteger {
        private final Thread waiter;
        private volatile Throwable error;

        Join(int pending, Thread waiter) {
            super(pending);
            this.waiter = waiter;
        }

        synchronized void fail(Throwable e) {
            if (error == null) error = e;
            else if (error != e) error.addSuppressed(e);
        }

        void done() {
            if (decrementAndGet() == 0) LockSupport.unpark(waiter);
        }

        void await() {
            while (get() > 0) LockSupport.park(this);
            Throwable e = error;
            if (e instanceof RuntimeException re) throw re;
            if (e instanceof Error err) throw err;
            if (e != null) throw new IllegalStateException(e);
        }
    }

    private record Chunk(IntRangeBody body, int from, int to, Join join) implements Runnable {
        @Override
        public void run() {
            boolean[] inside = INSIDE.get();
            inside[0] = true;
            try {
                body.run(from, to);
            } catch (Throwable e) {
                join.fail(e);
            } finally {
                inside[0] = false;
                join.done();
            }
        }
    }
}
