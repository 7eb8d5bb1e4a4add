package dev.cairn.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.cairn.ledger.LogReader;

/** Reads a running Cairn's log over HTTP, under {@code <url>/log/}, with an API key when given. */
final class HttpLogReader implements LogReader {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String apiKey;

    HttpLogReader(String url, String apiKey) {
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.apiKey = apiKey;
    }

    @Override
    public byte[] read(String path) throws IOException {
        return get("/log/" + path);
    }

    /** GET {@code <url><path>}; a 404 is a {@link FileNotFoundException}, other failures say their status. */
    byte[] get(String path) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (apiKey != null && !apiKey.isBlank()) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + path, e);
        }
        if (response.statusCode() == 404) {
            throw new FileNotFoundException(path);
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": "
                    + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8).strip());
        }
        return response.body();
    }
}
