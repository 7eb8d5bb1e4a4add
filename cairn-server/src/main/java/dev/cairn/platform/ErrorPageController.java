package dev.cairn.platform;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers errors raised outside Spring MVC (by the servlet container itself) in the OpenAI error
 * shape too (Anthropic's when the request that failed was the Messages API's), replacing Spring
 * Boot's default page so no stack trace or HTML ever leaks.
 */
@RestController
public class ErrorPageController implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<byte[]> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Object failedPath = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        ErrorBodies.Shape shape = ErrorBodies.Shape.forPath(failedPath instanceof String path ? path : null);
        if (code == null) {
            // Asked for directly, not forwarded by the container: there is no such endpoint.
            return ApiExceptionHandler.respond(shape, new ApiError(404, "invalid_request_error", "not_found", null,
                    "No endpoint at " + request.getMethod() + " /error"));
        }
        int status = code instanceof Integer i && i >= 400 ? i : 500;
        String type = status >= 500 ? "server_error" : "invalid_request_error";
        return ApiExceptionHandler.respond(shape, new ApiError(status, type, status >= 500 ? "internal_error" : "bad_request",
                null, status == 404 ? "Not found" : "The request could not be processed (HTTP " + status + ")"));
    }
}
