package dev.cairn.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn report}: asks a running Cairn for a compliance report (docs/compliance.md), which it
 * signs, records in its log and keeps, and writes it to a file for {@code cairn verify --report}.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Make a compliance report on a running Cairn and save it (JSON, HTML or PDF).")
class ReportCommand implements Callable<Integer> {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://localhost:8080", description = "The running Cairn (default ${DEFAULT-VALUE}).")
    String url;
    @Option(names = "--key", paramLabel = "API_KEY", defaultValue = "${env:CAIRN_API_KEY}",
            description = "An auditor or admin key (CAIRN_API_KEY); a subject access report needs an admin key.")
    String apiKey;
    @Option(names = "--kind", required = true, paramLabel = "KIND", description = "eu-ai-act, gdpr-records, gdpr-access or gdpr-erasure.")
    String kind;
    @Option(names = "--from", paramLabel = "TIME", description = "Start of the period: an ISO-8601 time or date (UTC).")
    String from;
    @Option(names = "--to", paramLabel = "TIME", description = "End of the period (exclusive).")
    String to;
    @Option(names = "--workspace", paramLabel = "NAME", description = "One workspace (all when omitted); with --subject, the subject's.")
    String workspace;
    @Option(names = "--subject", paramLabel = "NAME", description = "For gdpr-access and gdpr-erasure: the subject as the requests named it.")
    String subject;
    @Option(names = "--subject-id", paramLabel = "ID", description = "Or the subject's pseudonym, sub_….")
    String subjectId;
    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json", description = "json, html or pdf (default ${DEFAULT-VALUE}).")
    String format;
    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the report.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("kind", kind);
        query.put("from", from);
        query.put("to", to);
        query.put("workspace", workspace);
        query.put("subject", subject);
        query.put("subject_id", subjectId);
        query.put("format", format);
        String path = "/v1/compliance/reports?" + query.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        byte[] body = new HttpLogReader(url, apiKey).get(path);
        // A subject's access report holds their opened content: the file is its owner's alone.
        Files.deleteIfExists(out);
        Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(out, body);
        spec.commandLine().getOut().printf("wrote %s (%d bytes)%n", out, body.length);
        return 0;
    }
}
