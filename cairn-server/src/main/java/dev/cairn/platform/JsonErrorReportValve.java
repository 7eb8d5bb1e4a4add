package dev.cairn.platform;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's own error page, in the OpenAI error shape (Anthropic's under the Messages API's path). Tomcat answers some requests before any
 * servlet sees them: a path with an undecodable or forbidden escape, headers over the size limit,
 * a malformed request line. Its default valve writes an HTML page for those; this one writes the
 * same JSON every other error has, and never a stack trace.
 */
public final class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        ApiError error = status >= 500 ? ApiError.INTERNAL
                : new ApiError(status, "invalid_request_error", status == 404 ? "not_found" : "bad_request", null,
                        "The request could not be read (HTTP " + status + "): check its path, query and headers "
                                + "(escapes must be valid UTF-8; headers must stay under the server's size limit)");
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            // As the default valve writes: the reporter is null once the connection cannot take a body.
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(new String(ErrorBodies.bytes(error, ErrorBodies.Shape.forPath(request.getRequestURI())),
                        StandardCharsets.UTF_8));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response was taken over: nothing more to send.
        }
    }
}
