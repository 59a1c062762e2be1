package dev.nabla.kernels;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The library's thread pool. Its size is {@code -Dnabla.threads}, else {@code NABLA_THREADS}, else the number of
 * available processors; the calling thread takes part, so the pool holds threads()-1 daemon workers.
 *
 * <p>A parallel loop cuts its range into chunks whose bounds depend only on the range and the thread count.
 * The caller and the woken workers then claim chunks from a shared counter, so a worker that wakes late (or
 * a core busy with another process) only means the caller does more of the chunks itself; which thread runs
 * a chunk never changes what the chunk computes. Waiting spins only briefly ({@code -Dnabla.spinMicros}, default
 * 200 microseconds) and then blocks (park): an idle worker polls for the next loop for that long, and a caller
 * polls for its helpers to finish. Waking a parked thread takes 20 to 50 microseconds on this kind of (virtual)
 * machine, as long as a whole GEMM of a small MLP layer, so without the spin every loop would pay it; a training
 * step's serial stretches between loops (the loss, the next batch) outlast 50 microseconds, and spinning 200 made
 * W4 5-8% faster in five alternating pairs of runs (0.59-0.62 s an epoch against 0.61-0.66; W6 the same within
 * noise). Beyond the spin, waiting must block because on a small machine a spinning waiter steals the core that
 * the thread it waits for needs.
 */
public final class Parallel {

    /** Body of a parallel loop over the half-open range [from, to). */
    @FunctionalInterface
    public interface IntRangeBody {
        void run(int from, int to);
    }

    private static final int THREADS = configuredThreads();
    /** How long an idle worker, or a caller waiting for its helpers, polls before it parks. */
    private static final long SPIN_NANOS = Math.max(0, Long.getLong("nabla.spinMicros", 200)) * 1000;
    private static final ThreadPoolExecutor POOL = THREADS > 1 ? newPool(THREADS - 1) : null;
    /** Set while a thread runs a chunk, so that nested loops run inline instead of queueing behind us. */
    private static final ThreadLocal<boolean[]> INSIDE = ThreadLocal.withInitial(() -> new boolean[1]);

    private Parallel() {}

    /** Number of threads parallel loops use (including the caller). */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over [0, n) split into {@link #chunks(int, int)} contiguous chunks of at least
     * {@code minPerTask} elements each (chunk i is [i*n/t, (i+1)*n/t)). Runs inline when there is one chunk,
     * one thread, or when called from inside another parallel loop. Returns when all chunks are done; the first
     * exception thrown by a chunk is rethrown here (later ones are attached as suppressed).
     */
    public static void forRange(int n, int minPerTask, IntRangeBody body) {
        if (n <= 0) return;
        int tasks = chunks(n, minPerTask);
        if (tasks <= 1 || INSIDE.get()[0]) {
            body.run(0, n);
            return;
        }
        run(tasks, i -> body.run(start(n, tasks, i), start(n, tasks, i + 1)));
    }

    /**
     * {@link #forRange} with every chunk starting at a multiple of {@code align}: a vector loop with a scalar tail
     * then computes each index as one unsplit loop would, whatever the thread count.
     */
    public static void forAlignedRange(int n, int align, int minPerTask, IntRangeBody body) {
        int blocks = (int) ((n + (long) align - 1) / align);
        forRange(blocks, Math.max(1, minPerTask / align), (from, to) -> body.run(from * align, (int) Math.min(n, (long) to * align)));
    }

    /**
     * Runs {@code body} over [0, n) in chunks of {@code chunkSize} (the last one shorter), claimed one at a time
     * by up to {@link #threads()} threads. Use more chunks than threads when the work per chunk is uneven or
     * the chunks are short compared with the time a parked worker takes to wake up. When not parallel, the chunks
     * still run one by one, in order, on the caller.
     */
    public static void forEachChunk(int n, int chunkSize, IntRangeBody body) {
        if (n <= 0) return;
        int size = Math.max(1, chunkSize);
        int count = (int) ((n + (long) size - 1) / size);
        if (count == 1) {
            body.run(0, n);
            return;
        }
        ChunkBody each = i -> body.run(i * size, (int) Math.min(n, (long) (i + 1) * size));
        if (THREADS <= 1 || INSIDE.get()[0]) {
            for (int i = 0; i < count; i++) each.run(i);
            return;
        }
        run(count, each);
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

    private static void run(int count, ChunkBody body) {
        Job job = new Job(count, body, Thread.currentThread());
        int helpers = Math.min(THREADS - 1, count - 1);
        for (int h = 0; h < helpers; h++) POOL.execute(job);
        boolean[] inside = INSIDE.get();
        inside[0] = true;
        try {
            job.work();
        } finally {
            inside[0] = false;
        }
        job.await();
    }

    @FunctionalInterface
    private interface ChunkBody {
        void run(int index);
    }

    /**
     * One parallel loop. {@code next} hands out chunk indices; {@code active} counts workers between joining and
     * leaving. A worker joins before it claims, so once the caller has seen every index handed out, waiting for
     * {@code active} to drop to zero covers every chunk a worker took.
     */
    private static final class Job implements Runnable {
        private final int count;
        private final ChunkBody body;
        private final Thread caller;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger active = new AtomicInteger();
        private volatile boolean finished;
        private Throwable error;

        Job(int count, ChunkBody body, Thread caller) {
            this.count = count;
            this.body = body;
            this.caller = caller;
        }

        /** Pool side: join, claim chunks until none are left, leave (waking the caller if it waits for us). */
        @Override
        public void run() {
            active.incrementAndGet();
            boolean[] inside = INSIDE.get();
            inside[0] = true;
            try {
                work();
            } finally {
                inside[0] = false;
                if (active.decrementAndGet() == 0 && !finished) LockSupport.unpark(caller);
            }
        }

        void work() {
            for (int i; (i = next.getAndIncrement()) < count; ) {
                try {
                    body.run(i);
                } catch (Throwable e) {
                    fail(e);
                }
            }
        }

        private synchronized void fail(Throwable e) {
            next.set(count); // stop handing out chunks
            if (error == null) error = e;
            else if (error != e) error.addSuppressed(e);
        }

        void await() {
            for (long t0 = System.nanoTime(); active.get() > 0 && System.nanoTime() - t0 < SPIN_NANOS; ) {
                Thread.onSpinWait();
            }
            while (active.get() > 0) LockSupport.park(this);
            finished = true;
            Throwable e;
            synchronized (this) {
                e = error;
            }
            if (e instanceof RuntimeException re) throw re;
            if (e instanceof Error err) throw err;
            if (e != null) throw new IllegalStateException(e);
        }
    }

    private static int configuredThreads() {
        String s = System.getProperty("nabla.threads");
        if (s == null || s.isBlank()) s = System.getenv("NABLA_THREADS");
        if (s != null && !s.isBlank()) {
            try {
                int t = Integer.parseInt(s.trim());
                if (t >= 1) return t;
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalStateException("nabla.threads / NABLA_THREADS must be a positive integer, got '" + s + "'");
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    private static ThreadPoolExecutor newPool(int workers) {
        AtomicInteger id = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS,
                new SpinningQueue(), r -> {
                    Thread t = new Thread(r, "nabla-worker-" + id.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.prestartAllCoreThreads();
        return pool;
    }

    /** The pool's queue: an idle worker polls it for {@link #SPIN_NANOS} before blocking in the usual way. */
    private static final class SpinningQueue extends LinkedBlockingQueue<Runnable> {
        @Override
        public Runnable take() throws InterruptedException {
            for (long t0 = System.nanoTime(); System.nanoTime() - t0 < SPIN_NANOS; ) {
                Runnable r = poll();
                if (r != null) return r;
                // Yield rather than pause: on a machine with as many threads as cores, the JIT's compiler thread
                // (busy for the first epochs) then runs in a worker's idle stretches instead of taking a core from
                // a thread that computes. Alternating runs on 2 cores: W4 loop_s 0.45-0.47 s against 0.49-0.51 (its
                // second and third epochs), W7 3% faster, W5 and W6 the same. The pick-up latency of the next loop
                // grows by one system call (under a microsecond) when nothing else is runnable.
                Thread.yield();
            }
            return super.take();
        }
    }
}
