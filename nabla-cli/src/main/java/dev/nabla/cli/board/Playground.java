package dev.nabla.cli.board;

import dev.nabla.nn.Activation;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The playground's API, apart from HTTP (BoardServer routes {@code /api/playground...} here):
 * <ul>
 *   <li>{@code POST /api/playground} with a config (below): a new session; answers its id, state and points;</li>
 *   <li>{@code GET /api/playground/ID}: its state and points;</li>
 *   <li>{@code POST /api/playground/ID/train} with {@code {"steps": N}}: trains up to N batches, answers the state;</li>
 *   <li>{@code POST /api/playground/ID/reset} with a config: the session starts again from it (same seed, same run).</li>
 * </ul>
 * A config: {@code dataset} (xor, circles, spiral, moons, or csv with {@code csv} holding rows x,y,label),
 * {@code points}, {@code noise}, {@code seed}, {@code layers} (hidden sizes), {@code activation}, {@code optimizer},
 * {@code learning_rate}, {@code batch_size}; a missing field takes its default.
 * <p>
 * The page polls: it asks for a few steps, draws the answer, and asks again while it plays. Polling rather than a
 * server-sent stream because the page sets the pace: pause is not asking, step is asking for one, and a slow page
 * (or a hidden tab) never has frames queued for it; each request is bounded work and no thread stays with a session.
 * <p>
 * Bounded so that one page cannot exhaust the server: the network's size, the points, the steps per request and per
 * second (each session has a budget that refills at {@link #stepsPerSecond} steps a second: at most
 * {@link #MAX_STEPS_PER_SECOND}, fewer for a big network on big batches; a request beyond it trains fewer steps and
 * says so), and the sessions kept (the least recently used is dropped past {@link #MAX_SESSIONS}).
 * A value out of bounds is a 400 naming the field and the limit.
 */
final class Playground {

    static final int MAX_SESSIONS = 8, MAX_LAYERS = 6, MAX_UNITS = 64, MIN_POINTS = 10, MAX_POINTS = 2000;
    static final int MAX_STEPS_PER_REQUEST = 200, MAX_STEPS_PER_SECOND = 1000;
    /**
     * Batch rows times parameters a session may train per second (about the forward pass's multiply-adds; the
     * backward pass is twice that): 1000 steps of 16 points through a few hundred parameters, or about one step of
     * 2000 points through the largest network.
     */
    static final double MAX_WORK_PER_SECOND = 5e7;
    static final double MAX_NOISE = 1, MAX_LEARNING_RATE = 10;
    static final List<String> OPTIMIZERS = List.of("sgd", "momentum", "adam", "rmsprop", "adagrad");
    static final List<String> ACTIVATIONS = List.of("relu", "tanh", "sigmoid", "linear", "leaky_relu", "elu", "gelu");
    private static final Set<String> FIELDS = Set.of("dataset", "points", "noise", "seed", "layers", "activation", "optimizer",
            "learning_rate", "batch_size", "csv");

    /** An answer: the HTTP status and the JSON body. */
    record Answer(int status, Map<String, Object> body) {}

    /** A session and its step budget; requests to one session run one at a time. */
    private static final class Slot {
        PlaygroundSession session;
        double rate, budget;
        long refilled;

        /** A session from {@code config}, with a full second's budget. */
        void start(PlaygroundSession.Config config, long now) {
            session = new PlaygroundSession(config);
            rate = stepsPerSecond(config.batchSize(), session.parameters());
            budget = rate;
            refilled = now;
        }
    }

    /** The steps a second a session trains at most: {@link #MAX_STEPS_PER_SECOND}, fewer when each costs much; at least 1. */
    static double stepsPerSecond(int batchSize, long parameters) {
        return Math.max(1, Math.min(MAX_STEPS_PER_SECOND, MAX_WORK_PER_SECOND / ((double) batchSize * parameters)));
    }

    private final Map<String, Slot> sessions = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Slot> eldest) {
            return size() > MAX_SESSIONS;
        }
    };
    private final LongSupplier nanoTime;
    private final SecureRandom ids = new SecureRandom();

    Playground() {
        this(System::nanoTime);
    }

    /** With the clock the steps-per-second budget reads (a test's own). */
    Playground(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The answer to {@code method} on {@code path} (after /api/playground) with the parsed JSON body (or null). */
    Answer handle(String method, String path, Map<String, Object> body) {
        try {
            String[] parts = path.isEmpty() || path.equals("/") ? new String[0] : path.substring(1).split("/", -1);
            if (parts.length == 0 && method.equals("POST")) return create(body);
            if (parts.length == 1 && method.equals("GET")) return withSlot(parts[0], slot -> ok(slot.session.state(true), parts[0]));
            if (parts.length == 2 && method.equals("POST") && parts[1].equals("train")) return withSlot(parts[0], slot -> train(slot, parts[0], body));
            if (parts.length == 2 && method.equals("POST") && parts[1].equals("reset")) {
                PlaygroundSession.Config config = config(body);
                return withSlot(parts[0], slot -> {
                    slot.start(config, nanoTime.getAsLong());
                    return ok(slot.session.state(true), parts[0]);
                });
            }
            return new Answer(404, RunsFolder.error("not found: /api/playground" + path));
        } catch (IllegalArgumentException e) {
            return new Answer(400, RunsFolder.error(e.getMessage()));
        }
    }

    private Answer create(Map<String, Object> body) {
        PlaygroundSession.Config config = config(body);
        Slot slot = new Slot();
        slot.start(config, nanoTime.getAsLong());
        String id = HexFormat.of().formatHex(randomBytes());
        synchronized (sessions) {
            sessions.put(id, slot);
        }
        synchronized (slot) {
            return ok(slot.session.state(true), id);
        }
    }

    private byte[] randomBytes() {
        byte[] b = new byte[8];
        ids.nextBytes(b);
        return b;
    }

    private Answer withSlot(String id, java.util.function.Function<Slot, Answer> action) {
        Slot slot;
        synchronized (sessions) {
            slot = sessions.get(id);
        }
        if (slot == null) return new Answer(404, RunsFolder.error("playground session " + id + " is gone (the server keeps the " + MAX_SESSIONS + " most recent); press Reset"));
        synchronized (slot) {
            return action.apply(slot);
        }
    }

    private Answer train(Slot slot, String id, Map<String, Object> body) {
        Map<String, Object> fields = body == null ? Map.of() : body;
        for (String k : fields.keySet()) if (!k.equals("steps")) throw new IllegalArgumentException("unknown field '" + k + "'; train takes steps");
        int asked = integer(fields, "steps", 1, 1, MAX_STEPS_PER_REQUEST, "at most " + MAX_STEPS_PER_REQUEST + " steps per request");
        long now = nanoTime.getAsLong();
        slot.budget = Math.min(slot.rate, slot.budget + (now - slot.refilled) * 1e-9 * slot.rate);
        slot.refilled = now;
        int steps = (int) Math.min(asked, Math.floor(slot.budget));
        slot.budget -= steps;
        slot.session.train(steps);
        Map<String, Object> state = slot.session.state(false);
        state.put("trained", steps);
        state.put("throttled", steps < asked);
        state.put("steps_per_second", Math.floor(slot.rate));
        return ok(state, id);
    }

    private static Answer ok(Map<String, Object> state, String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.putAll(state);
        return new Answer(200, m);
    }

    /** The config in {@code body}, every field checked against its limit (IllegalArgumentException naming it). */
    static PlaygroundSession.Config config(Map<String, Object> body) {
        Map<String, Object> b = body == null ? Map.of() : body;
        for (String k : b.keySet()) {
            if (!FIELDS.contains(k)) throw new IllegalArgumentException("unknown field '" + k + "'; known: " + new java.util.TreeSet<>(FIELDS));
        }
        String dataset = string(b, "dataset", "xor");
        String csv = null;
        if (dataset.equals("csv")) {
            csv = string(b, "csv", "");
            if (csv.isBlank()) throw new IllegalArgumentException("csv: the dataset is csv but no file was given (rows x,y,label)");
        } else if (!PlaygroundData.DATASETS.contains(dataset)) {
            throw new IllegalArgumentException("dataset: expected one of " + PlaygroundData.DATASETS + " or csv, got '" + dataset + "'");
        } else if (b.containsKey("csv")) {
            throw new IllegalArgumentException("csv: given with dataset " + dataset + "; choose dataset csv to use it");
        }
        int points = integer(b, "points", 200, MIN_POINTS, MAX_POINTS, "between " + MIN_POINTS + " and " + MAX_POINTS + " points");
        double noise = number(b, "noise", 0);
        if (!(noise >= 0 && noise <= MAX_NOISE)) throw new IllegalArgumentException("noise: must be between 0 and " + (int) MAX_NOISE + ", got " + noise);
        long seed = integer(b, "seed", 1, 0, Integer.MAX_VALUE, "a seed between 0 and " + Integer.MAX_VALUE);
        List<Integer> layers = layers(b.containsKey("layers") ? b.get("layers") : List.of(8L, 8L));
        String activation = string(b, "activation", "tanh");
        if (!ACTIVATIONS.contains(activation)) throw new IllegalArgumentException("activation: expected one of " + ACTIVATIONS + ", got '" + activation + "'");
        String optimizer = string(b, "optimizer", "adam");
        if (!OPTIMIZERS.contains(optimizer)) throw new IllegalArgumentException("optimizer: expected one of " + OPTIMIZERS + ", got '" + optimizer + "'");
        double lr = number(b, "learning_rate", 0.03);
        if (!(lr > 0 && lr <= MAX_LEARNING_RATE)) {
            throw new IllegalArgumentException("learning_rate: must be above 0 and at most " + (int) MAX_LEARNING_RATE + ", got " + lr);
        }
        int batch = integer(b, "batch_size", 16, 1, MAX_POINTS, "between 1 and " + MAX_POINTS);
        if (csv == null && batch > points) throw new IllegalArgumentException("batch_size: at most the number of points (" + points + "), got " + batch);
        return new PlaygroundSession.Config(dataset, points, noise, seed, layers, Activation.parse(activation), optimizer, lr, batch, csv);
    }

    private static List<Integer> layers(Object value) {
        if (!(value instanceof List<?> list)) throw new IllegalArgumentException("layers: expected a list of hidden layer sizes such as [8, 8], got " + value);
        if (list.size() > MAX_LAYERS) throw new IllegalArgumentException("layers: at most " + MAX_LAYERS + " hidden layers, got " + list.size());
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object v = list.get(i);
            if (!(v instanceof Long n) || n < 1 || n > MAX_UNITS) {
                throw new IllegalArgumentException("layers[" + i + "]: a hidden layer has 1 to " + MAX_UNITS + " units, got " + v);
            }
            sizes.add(n.intValue());
        }
        return sizes;
    }

    private static String string(Map<String, Object> b, String key, String otherwise) {
        Object v = b.get(key);
        if (v == null) return otherwise;
        if (!(v instanceof String s)) throw new IllegalArgumentException(key + ": expected a string, got " + v);
        return s;
    }

    private static double number(Map<String, Object> b, String key, double otherwise) {
        Object v = b.get(key);
        if (v == null) return otherwise;
        if (!(v instanceof Number n)) throw new IllegalArgumentException(key + ": expected a number, got '" + v + "'");
        return n.doubleValue();
    }

    private static int integer(Map<String, Object> b, String key, int otherwise, int min, int max, String limit) {
        Object v = b.get(key);
        if (v == null) return otherwise;
        if (!(v instanceof Long n)) throw new IllegalArgumentException(key + ": expected a whole number (" + limit + "), got " + v);
        if (n < min || n > max) throw new IllegalArgumentException(key + ": " + limit + ", got " + n);
        return n.intValue();
    }
}
