package dev.nabla.cli.board;

import dev.nabla.cli.BoardCommand;
import dev.nabla.io.Json;
import dev.nabla.train.CsvLogger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BoardServerTest {

    private BoardServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /** Status line and body of a raw request, sent as written (no client normalizes the path). */
    private String raw(String requestLine, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write((requestLine + "\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String get(String path) throws IOException {
        return raw("GET " + path + " HTTP/1.1", "127.0.0.1:" + server.port());
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void servesThePageItsAssetsAndTheRunsAsJson(@TempDir Path runs) throws Exception {
        Runs.withModel(runs, "iris-1", 4);
        server = new BoardServer(runs, "127.0.0.1", 0, BoardCommand::explainJson);
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
        assertThat(get("/")).startsWith("HTTP/1.1 200").contains("text/html", "<script src=\"/board.js\"");
        assertThat(get("/board.js")).startsWith("HTTP/1.1 200").contains("text/javascript", "EventSource");
        assertThat(get("/board.css")).startsWith("HTTP/1.1 200").contains("text/css");
        Map<String, Object> list = Json.parseObject(body(get("/api/runs")));
        assertThat((List<?>) list.get("runs")).hasSize(1);
        Map<String, Object> history = Json.parseObject(body(get("/api/runs/iris-1/history")));
        assertThat((List<?>) history.get("epochs")).hasSize(4);
        assertThat(body(get("/api/runs/iris-1/model"))).contains("\"summary\"", "Total params: 17");
    }

    @Test
    void nothingOutsideItsAssetsAndTheRunsFolderIsServed(@TempDir Path tmp) throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        Runs.withHistory(runs, "ok", 2);
        Runs.withHistory(tmp, "secret", 2);
        Files.createSymbolicLink(runs.resolve("link"), tmp.resolve("secret"));
        server = new BoardServer(runs, "127.0.0.1", 0, BoardCommand::explainJson);
        for (String path : new String[] {"/api/runs/../secret/history", "/api/runs/..%2Fsecret/history", "/api/runs/%2E%2E/runs/ok/history",
                "/api/runs/link/history", "/api/runs/ok/history.csv", "/api/runs/ok/../../secret/history", "/../secret/history.csv",
                "/board.js/../../secret/history.csv", "/index.html", "/etc/passwd", "/api/runs/" + tmp.resolve("secret") + "/history"}) {
            String r = get(path);
            assertThat(r).as(path).startsWith("HTTP/1.1 404").doesNotContain("grad_norm");
        }
        assertThat(get("/api/runs/ok/history")).startsWith("HTTP/1.1 200").contains("grad_norm");
        assertThat(raw("POST /api/runs HTTP/1.1", "127.0.0.1")).startsWith("HTTP/1.1 405");
        // A page elsewhere reaching the board through a rebound DNS name sends its own Host.
        assertThat(raw("GET /api/runs HTTP/1.1", "evil.example:" + server.port())).startsWith("HTTP/1.1 403");
        assertThat(raw("GET /api/runs HTTP/1.1", "localhost:" + server.port())).startsWith("HTTP/1.1 200");
    }

    @Test
    void aCorruptRunAnswersItsErrorAndTheOthersStillWork(@TempDir Path runs) throws Exception {
        Runs.withModel(runs, "good", 3);
        Path bad = Runs.withHistory(runs, "bad", 2);
        Files.writeString(bad.resolve("history.csv"), "epoch,loss\n1,0.5\n2,oops\n");
        Files.writeString(bad.resolve("model.nabla"), "PK half a zip");
        server = new BoardServer(runs, "127.0.0.1", 0, BoardCommand::explainJson);
        String list = body(get("/api/runs"));
        assertThat(list).contains("\"error\":\"bad/history.csv line 3: not a number in '2,oops'\"", "\"name\":\"good\"");
        assertThat(get("/api/runs/bad/history")).startsWith("HTTP/1.1 422").contains("line 3");
        assertThat(get("/api/runs/bad/model")).startsWith("HTTP/1.1 422").contains("bad/model.nabla: ");
        assertThat(get("/api/runs/good/history")).startsWith("HTTP/1.1 200");
        assertThat(get("/api/runs/good/model")).startsWith("HTTP/1.1 200");
    }

    @Test
    void aHundredRunsWithModelsListInOneAnswerFromTheirHistoriesAlone(@TempDir Path runs) throws Exception {
        // Counted, not timed (a timed test would fail on a busy machine): the listing reads 100 history.csv files
        // and opens no model, however large; by hand this list answers in well under a second.
        Path model = Runs.withModel(runs, "run-000", 30).resolve("model.nabla");
        for (int i = 1; i < 100; i++) Files.copy(model, Runs.withHistory(runs, String.format("run-%03d", i), 30).resolve("model.nabla"));
        server = new BoardServer(runs, "127.0.0.1", 0, BoardCommand::explainJson);
        String response = get("/api/runs");
        assertThat(response).startsWith("HTTP/1.1 200");
        @SuppressWarnings("unchecked") List<Map<String, Object>> list = (List<Map<String, Object>>) Json.parseObject(body(response)).get("runs");
        assertThat(list).hasSize(100).allSatisfy(r -> assertThat(r).containsEntry("epochs", 30L).containsEntry("model", true).doesNotContainKey("error"));
        assertThat(list.get(99)).containsEntry("name", "run-099");
    }

    @Test
    void aDivergedLossIsNullInTheJsonTheBrowserParses() {
        assertThat(BoardServer.json(Map.of("loss", List.of(1.0, Double.NaN, Double.POSITIVE_INFINITY)))).isEqualTo("{\"loss\":[1.0,null,null]}");
    }

    @Test
    void aHostOtherThanLoopbackIsWarnedAbout() throws Exception {
        assertThat(BoardServer.hostWarning("127.0.0.1")).isEmpty();
        assertThat(BoardServer.hostWarning("localhost")).isEmpty();
        assertThat(BoardServer.hostWarning("0.0.0.0")).get().asString().contains("--host 0.0.0.0 is not a loopback address");
    }

    @Test
    void theLiveStreamSendsANewEpochWithinASecond(@TempDir Path runs) throws Exception {
        Path dir = Files.createDirectories(runs.resolve("live"));
        CsvLogger logger = new CsvLogger(dir.resolve("history.csv")); // as nabla train writes it, atomically each epoch
        logger.onEpochEnd(0, Runs.logs(1));
        server = new BoardServer(runs, "127.0.0.1", 0, BoardCommand::explainJson);
        HttpURLConnection c = (HttpURLConnection) new URL(server.url() + "api/live?runs=live,missing").openConnection();
        c.setReadTimeout(5000);
        assertThat(c.getContentType()).startsWith("text/event-stream");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(nextData(in)).contains("\"run\":\"live\"", "\"epochs\":[1]");
            logger.onEpochEnd(1, Runs.logs(2));
            long wrote = System.nanoTime();
            assertThat(nextData(in)).contains("\"epochs\":[1,2]");
            assertThat((System.nanoTime() - wrote) / 1e9).isLessThan(1.0);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void explainsAPresetAndARunsModelOnOneRowAsNablaExplainDoes(@TempDir Path runs) throws Exception {
        Runs.withModel(runs, "m", 2);
        server = new BoardServer(runs, "127.0.0.1", 0, BoardCommand::explainJson);
        Map<String, Object> neuron = Json.parseObject(body(get("/api/explain?what=neuron")));
        assertThat(neuron.get("output").toString()).contains("values=[6.0]");
        assertThat(neuron.get("output_after_update").toString()).contains("values=[5.985000133514404]");
        assertThat((List<?>) neuron.get("backward")).isNotEmpty();
        assertThat(get("/api/explain?what=..%2Fm%2Fmodel.nabla")).startsWith("HTTP/1.1 404"); // presets only; models by run
        String model = get("/api/runs/m/explain?input=1,2&target=0.5");
        assertThat(model).startsWith("HTTP/1.1 200").contains("\"rule\"", "\"updates\"", "dense");
        assertThat(get("/api/runs/m/explain?input=1,x")).startsWith("HTTP/1.1 422").contains("--input: value 2 'x' is not a number");
        assertThat(get("/api/runs/m/explain")).startsWith("HTTP/1.1 422").contains("give one input row");
    }

    private String post(String path, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void thePlaygroundIsCreatedSteppedAndResetOverHttp(@TempDir Path runs) throws Exception {
        server = new BoardServer(runs, "127.0.0.1", 0, BoardCommand::explainJson);
        String config = "{\"dataset\":\"circles\",\"noise\":0.05,\"seed\":3,\"layers\":[4],\"optimizer\":\"sgd\",\"learning_rate\":0.5}";
        String created = post("/api/playground", "application/json", config);
        assertThat(created).startsWith("HTTP/1.1 200");
        Map<String, Object> state = Json.parseObject(body(created));
        String id = (String) state.get("id");
        assertThat(state).containsEntry("step", 0L).containsEntry("dataset", "circles");
        assertThat((List<?>) state.get("points")).hasSize(200);
        Map<String, Object> stepped = Json.parseObject(body(post("/api/playground/" + id + "/train", "application/json", "{\"steps\":1}")));
        assertThat(stepped).containsEntry("step", 1L).containsEntry("trained", 1L).doesNotContainKey("points");
        Map<String, Object> more = Json.parseObject(body(post("/api/playground/" + id + "/train", "application/json", "{\"steps\":30}")));
        assertThat(more).containsEntry("step", 31L);
        assertThat(Json.parseObject(body(get("/api/playground/" + id)))).containsEntry("step", 31L).containsKey("points");
        Map<String, Object> reset = Json.parseObject(body(post("/api/playground/" + id + "/reset", "application/json", config)));
        assertThat(reset).containsEntry("step", 0L).containsEntry("accuracy", state.get("accuracy")).containsEntry("grid", state.get("grid"));

        assertThat(post("/api/playground/" + id + "/train", "application/json", "{\"steps\":1000}")).startsWith("HTTP/1.1 400")
                .contains("steps: at most 200 steps per request, got 1000");
        assertThat(post("/api/playground", "application/json", "{\"layers\":[8,8,8,8,8,8,8,8]}")).startsWith("HTTP/1.1 400")
                .contains("layers: at most 6 hidden layers, got 8");
        assertThat(post("/api/playground", "application/json", "{\"layers\":")).startsWith("HTTP/1.1 400").contains("request body: ");
        // A form on another site can send text/plain without asking the browser first; JSON it cannot.
        assertThat(post("/api/playground", "text/plain", config)).startsWith("HTTP/1.1 415");
        try (Socket s = new Socket("127.0.0.1", server.port())) { // a body said to be too long is refused before it is sent
            s.getOutputStream().write(("POST /api/playground HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + (BoardServer.MAX_BODY_BYTES + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 413").contains("request body: at most 512 kB");
        }
        assertThat(post("/api/runs", "application/json", "{}")).startsWith("HTTP/1.1 405");
        assertThat(get("/api/playground/nope")).startsWith("HTTP/1.1 404").contains("is gone");
    }

    private static String nextData(BufferedReader in) throws IOException {
        for (String line; (line = in.readLine()) != null; ) if (line.startsWith("data: ")) return line;
        throw new IOException("stream ended");
    }
}
