package dev.nabla.cli.board;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nabla.io.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The web server of {@code nabla board}: one page with its script and style sheet (bundled in the jar, so it works
 * offline), and a JSON API over the runs folder:
 * <ul>
 *   <li>{@code GET /api/runs}: every run with its epochs, last values and files ({@link RunsFolder#list()});</li>
 *   <li>{@code GET /api/runs/NAME/history}: the run's history.csv as series; {@code .../model}: its model's summary,
 *       architecture, optimizer, preprocessing and metadata; a corrupt or half-written file answers 422 with
 *       {@code {"error": ...}} for that run alone;</li>
 *   <li>{@code GET /api/explain?what=neuron} (or layer, xor) and {@code GET /api/runs/NAME/explain?input=5.1,3.5,1.4,0.2&target=0}:
 *       the backpropagation walkthrough of {@code nabla explain} as JSON (forward values, each op's rule and the
 *       gradients it passes back, the parameters' update), for a preset or the run's model on one input row;</li>
 *   <li>{@code GET /api/live?runs=A,B}: server-sent events, one {@code history} event per run at once and again each
 *       time its history.csv changes (see {@link #LIVE_POLL_MILLIS});</li>
 *   <li>{@code /api/playground...}: the playground's sessions ({@link Playground}), trained on this server.</li>
 * </ul>
 * Built on the JDK's own {@code com.sun.net.httpserver} (module jdk.httpserver, in every JDK): a local viewer needs
 * a handful of GET routes and a streamed response, which it has, and no web framework is worth a dependency (and
 * its security updates) for that. Live updates are server-sent events rather than a WebSocket: the data flows one
 * way (server to page), SSE is plain HTTP that this server streams as any response, and the browser's EventSource
 * reconnects by itself; a WebSocket would need an upgrade handshake and framing that HttpServer does not have.
 * <p>
 * Only GET is answered (and POST for the playground); anything but the page's three assets and the API is 404. Bound to a loopback address, a
 * request whose Host header names another host is refused (403), so a web page elsewhere cannot reach the board
 * through a DNS name rebound to 127.0.0.1.
 */
public final class BoardServer implements AutoCloseable {

    /**
     * How often a live stream looks at each watched history.csv (its time, size and file id). Polling rather than a
     * WatchService: it is as quick on every platform (the JDK's WatchService polls every few seconds on macOS, too
     * slow for "within a second"), it sees the atomic rename that CsvLogger does like any other write, and one
     * stat per run four times a second costs nothing.
     */
    static final long LIVE_POLL_MILLIS = 250;
    /** Live streams at once; each holds a thread, so one page reloading in a loop cannot exhaust the server. */
    static final int MAX_LIVE_STREAMS = 32;
    /** A comment line this often on an idle stream, so a closed page is noticed and its thread freed. */
    private static final long KEEP_ALIVE_MILLIS = 10_000;

    private static final Map<String, String[]> ASSETS = Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/board.js", new String[] {"board.js", "text/javascript; charset=utf-8"},
            "/board.css", new String[] {"board.css", "text/css; charset=utf-8"});

    /** The longest --input row an explain request may carry. */
    static final int MAX_INPUT_CHARS = 10_000;
    private static final java.util.Set<String> PRESETS = java.util.Set.of("neuron", "layer", "xor");

    /**
     * Runs {@code nabla explain WHAT [--input ROW] [--target T] --format json} and returns its JSON; a user's mistake
     * (a bad row) is an IllegalArgumentException with one line.
     */
    @FunctionalInterface
    public interface Explain {
        String json(String what, String input, String target);
    }

    private static final String PLAYGROUND = "/api/playground";
    /** The largest playground request: a config with a CSV of {@link Playground#MAX_POINTS} rows fits many times. */
    static final int MAX_BODY_BYTES = 512 << 10;

    private final RunsFolder runs;
    private final Playground playground = new Playground();
    private final Explain explain;
    private final HttpServer server;
    private final ExecutorService threads;
    private final boolean loopback;
    private final AtomicInteger liveStreams = new AtomicInteger();
    private volatile boolean open = true;

    /** Starts serving {@code runsDir} on {@code host}:{@code port} (0: a free port). */
    public BoardServer(Path runsDir, String host, int port, Explain explain) throws IOException {
        this.runs = new RunsFolder(runsDir);
        this.explain = explain;
        InetAddress address = InetAddress.getByName(host);
        this.loopback = address.isLoopbackAddress();
        this.server = HttpServer.create(new InetSocketAddress(address, port), 0);
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "nabla-board");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The address to open, e.g. http://127.0.0.1:8080/. */
    public String url() {
        InetAddress a = server.getAddress().getAddress();
        String host = a.isAnyLocalAddress() ? "127.0.0.1" : a.getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return "http://" + host + ":" + port() + "/";
    }

    public Path runsDir() {
        return runs.root();
    }

    /** A warning when {@code host} is not a loopback address (the board then serves the runs to the network), else empty. */
    public static Optional<String> hostWarning(String host) throws IOException {
        if (InetAddress.getByName(host).isLoopbackAddress()) return Optional.empty();
        return Optional.of("--host " + host + " is not a loopback address: anyone who can reach this machine on the port can read the runs"
                + " (there is no login); leave --host out to serve 127.0.0.1 only");
    }

    @Override
    public void close() {
        open = false;
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            boolean playgroundPath = path.equals(PLAYGROUND) || path.startsWith(PLAYGROUND + "/");
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD") && !(method.equals("POST") && playgroundPath)) {
                ex.getResponseHeaders().set("Allow", playgroundPath ? "GET, HEAD, POST" : "GET, HEAD");
                send(ex, 405, "text/plain; charset=utf-8", "only GET is served" + (playgroundPath ? ", and POST for the playground" : "") + "\n");
                return;
            }
            if (loopback && !localHost(ex.getRequestHeaders().getFirst("Host"))) {
                send(ex, 403, "text/plain; charset=utf-8", "this board answers requests for 127.0.0.1 or localhost only\n");
                return;
            }
            if (playgroundPath) {
                playground(ex, path.substring(PLAYGROUND.length()));
                return;
            }
            String[] asset = ASSETS.get(path);
            if (asset != null) {
                sendAsset(ex, asset[0], asset[1]);
            } else if (path.equals("/api/runs")) {
                sendJson(ex, 200, Map.of("root", runs.root().toString(), "runs", runs.list()));
            } else if (path.equals("/api/explain")) {
                String what = query(ex.getRequestURI().getRawQuery(), "what");
                if (what == null || !PRESETS.contains(what)) notFound(ex);
                else explain(ex, what, null, null);
            } else if (path.equals("/api/live")) {
                live(ex);
            } else if (path.startsWith("/api/runs/")) {
                runRoute(ex, path.substring("/api/runs/".length()));
            } else {
                notFound(ex);
            }
        } catch (IOException e) {
            // the page went away mid-answer: nothing to tell it
        } catch (RuntimeException e) {
            sendJson(ex, 500, RunsFolder.error(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /**
     * A playground request. A POST must say it is JSON: a page on another site cannot send that without the browser
     * asking first (a CORS preflight, which this server does not answer), so it cannot train here behind the user's back.
     */
    private void playground(HttpExchange ex, String rest) throws IOException {
        Map<String, Object> body = null;
        if (ex.getRequestMethod().equals("POST")) {
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                sendJson(ex, 415, RunsFolder.error("playground requests are JSON (Content-Type: application/json)"));
                return;
            }
            // Refused unread when it says it is too long; read to one byte past the limit when it does not say (chunked).
            byte[] bytes = declaredLength(ex) > MAX_BODY_BYTES ? null : ex.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
            if (bytes == null || bytes.length > MAX_BODY_BYTES) {
                sendJson(ex, 413, RunsFolder.error("request body: at most " + (MAX_BODY_BYTES >> 10) + " kB"));
                return;
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            try {
                body = text.isBlank() ? null : Json.parseObject(text, "request body");
            } catch (IllegalArgumentException e) {
                sendJson(ex, 400, RunsFolder.error(e.getMessage()));
                return;
            }
        }
        Playground.Answer answer = playground.handle(ex.getRequestMethod().equals("HEAD") ? "GET" : ex.getRequestMethod(), rest, body);
        sendJson(ex, answer.status(), answer.body());
    }

    /** The request's Content-Length, or -1 when it gives none. */
    private static long declaredLength(HttpExchange ex) {
        try {
            String length = ex.getRequestHeaders().getFirst("Content-Length");
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Hosts a page on this machine sends for a loopback server: 127.0.0.1, localhost or [::1], with or without the port. */
    private boolean localHost(String host) {
        if (host == null) return false;
        String h = host.toLowerCase(Locale.ROOT);
        String name = h.startsWith("[") ? h.substring(0, h.indexOf(']') + 1) : h.contains(":") ? h.substring(0, h.indexOf(':')) : h;
        return name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]");
    }

    /** /api/runs/NAME/history or /api/runs/NAME/model; NAME is one decoded path segment, checked by RunsFolder. */
    private void runRoute(HttpExchange ex, String rest) throws IOException {
        int slash = rest.indexOf('/');
        if (slash < 0) {
            notFound(ex);
            return;
        }
        String name = decode(rest.substring(0, slash)), what = rest.substring(slash + 1);
        Optional<Path> dir = name == null ? Optional.empty() : runs.run(name);
        if (dir.isEmpty() || !(what.equals("history") || what.equals("model") || what.equals("explain"))) {
            notFound(ex);
            return;
        }
        if (what.equals("explain")) {
            Path model = runs.file(dir.get(), RunsFolder.MODEL);
            if (model == null) model = runs.file(dir.get(), RunsFolder.CHECKPOINT);
            String q = ex.getRequestURI().getRawQuery(), input = query(q, "input");
            if (model == null || input == null || input.isBlank() || input.length() > MAX_INPUT_CHARS) {
                sendJson(ex, 422, RunsFolder.error(model == null ? name + ": no model file to explain yet"
                        : "give one input row (at most " + MAX_INPUT_CHARS + " characters), comma-separated"));
                return;
            }
            explain(ex, model.toString(), input, query(q, "target"));
            return;
        }
        Map<String, Object> body = what.equals("history") ? runs.history(dir.get(), name) : runs.model(dir.get(), name);
        sendJson(ex, body.containsKey("error") ? 422 : 200, body);
    }

    private static String decode(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** One explain at a time: it is one forward and backward pass, quick, and the autograd tape is not shared. */
    private synchronized String explained(String what, String input, String target) {
        return explain.json(what, input, target);
    }

    private void explain(HttpExchange ex, String what, String input, String target) throws IOException {
        try {
            sendJson(ex, 200, Json.parse(explained(what, input, target)));
        } catch (IllegalArgumentException e) {
            sendJson(ex, 422, RunsFolder.error(e.getMessage()));
        }
    }

    /** The decoded value of {@code key} in a raw query string, or null. */
    static String query(String rawQuery, String key) {
        if (rawQuery == null) return null;
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith(key + "=")) return URLDecoder.decode(pair.substring(key.length() + 1), StandardCharsets.UTF_8);
        }
        return null;
    }

    /** The query's runs=A,B as run names (each decoded; unknown ones are dropped by the caller). */
    private static List<String> queryRuns(String rawQuery) {
        List<String> names = new ArrayList<>();
        if (rawQuery == null) return names;
        for (String pair : rawQuery.split("&")) {
            if (!pair.startsWith("runs=")) continue;
            for (String n : pair.substring(5).split(",")) {
                String d = decode(n);
                if (d != null && !d.isEmpty()) names.add(d);
            }
        }
        return names;
    }

    /**
     * A server-sent event stream: for each asked run, a {@code history} event (data: {"run", "history"} or
     * {"run", "error"}) now and whenever its history.csv changes.
     */
    private void live(HttpExchange ex) throws IOException {
        if (liveStreams.incrementAndGet() > MAX_LIVE_STREAMS) {
            liveStreams.decrementAndGet();
            send(ex, 503, "text/plain; charset=utf-8", "too many live pages open (" + MAX_LIVE_STREAMS + "); close some\n");
            return;
        }
        try {
            Map<String, Path> watched = new LinkedHashMap<>();
            for (String name : queryRuns(ex.getRequestURI().getRawQuery())) runs.run(name).ifPresent(d -> watched.put(name, d));
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            Map<String, String> sent = new LinkedHashMap<>();
            long lastWrite = System.currentTimeMillis();
            out.write("retry: 1000\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (open) {
                for (Map.Entry<String, Path> run : watched.entrySet()) {
                    String stamp = String.valueOf(runs.historyStamp(run.getValue()));
                    if (stamp.equals(sent.get(run.getKey()))) continue;
                    sent.put(run.getKey(), stamp);
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("run", run.getKey());
                    Map<String, Object> history = runs.history(run.getValue(), run.getKey());
                    if (history.containsKey("error")) data.put("error", history.get("error"));
                    else data.put("history", history);
                    out.write(("event: history\ndata: " + json(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    lastWrite = System.currentTimeMillis();
                }
                if (System.currentTimeMillis() - lastWrite > KEEP_ALIVE_MILLIS) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    lastWrite = System.currentTimeMillis();
                }
                Thread.sleep(LIVE_POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            liveStreams.decrementAndGet();
        }
    }

    private void sendAsset(HttpExchange ex, String name, String type) throws IOException {
        byte[] bytes;
        try (InputStream in = BoardServer.class.getResourceAsStream(name)) {
            if (in == null) throw new UncheckedIOException(new IOException("the board's " + name + " is missing from the jar"));
            bytes = in.readAllBytes();
        }
        send(ex, 200, type, bytes);
    }

    private static void notFound(HttpExchange ex) throws IOException {
        sendJson(ex, 404, RunsFolder.error("not found: " + ex.getRequestURI().getRawPath()));
    }

    private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", json(body));
    }

    /** JSON for the browser: NaN and infinities (a diverged loss) become null, which JSON.parse accepts. */
    static String json(Object value) {
        return Json.write(finite(value));
    }

    private static Object finite(Object v) {
        if (v instanceof Double d) return Double.isFinite(d) ? d : null;
        if (v instanceof Float f) return Float.isFinite(f) ? f : null;
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), finite(x)));
            return out;
        }
        if (v instanceof Iterable<?> it) {
            List<Object> out = new ArrayList<>();
            for (Object x : it) out.add(finite(x));
            return out;
        }
        return v;
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head) ex.getResponseBody().write(body);
    }
}
