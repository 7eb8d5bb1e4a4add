package dev.cairn.platform;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import org.springframework.http.converter.HttpMessageNotReadableException;

/**
 * The one place where exceptions become HTTP errors. Every answer has the OpenAI error shape, or
 * Anthropic's on the Messages API's paths ({@link ErrorBodies.Shape}); an unexpected exception is
 * logged with its stack trace and answered with a plain 500 that shows none.
 */
@RestControllerAdvice
public class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(CairnException.class)
    ResponseEntity<byte[]> cairn(CairnException e, HttpServletRequest request) {
        return respond(request, e.error());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<byte[]> notFound(NoResourceFoundException e, HttpServletRequest request) {
        return respond(request, new ApiError(404, "invalid_request_error", "not_found", null,
                "No endpoint at " + e.getHttpMethod() + " /" + e.getResourcePath()));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<byte[]> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        return respond(request, new ApiError(405, "invalid_request_error", "method_not_allowed", null,
                "Method " + e.getMethod() + " is not allowed here"));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<byte[]> mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        return respond(request, new ApiError(415, "invalid_request_error", "unsupported_media_type", null, e.getMessage()));
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<byte[]> notAcceptable(HttpMediaTypeNotAcceptableException e, HttpServletRequest request) {
        return respond(request, new ApiError(406, "invalid_request_error", "not_acceptable", null,
                "This endpoint answers in JSON; the Accept header rules that out"));
    }

    @ExceptionHandler(DataAccessException.class)
    ResponseEntity<byte[]> database(DataAccessException e, HttpServletRequest request) {
        log.error("Database unavailable", e);
        return respond(request, new ApiError(503, "server_error", "database_unavailable", null,
                "Cairn cannot reach its database right now; retry shortly"));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<byte[]> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        return respond(request, ApiError.invalidRequest("invalid_json", null, "The request body is not valid JSON of the expected shape"));
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    ResponseEntity<byte[]> parameter(Exception e, HttpServletRequest request) {
        String param = e instanceof MissingServletRequestParameterException m ? m.getParameterName()
                : ((MethodArgumentTypeMismatchException) e).getName();
        return respond(request, ApiError.invalidRequest("invalid_parameter", param, "Invalid or missing parameter '" + param + "'"));
    }

    /** Tomcat decodes query parameters lazily and throws on the first read of one that is not UTF-8. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<byte[]> undecodableParameter(InvalidParameterException e, HttpServletRequest request) {
        return respond(request, ApiError.invalidRequest("invalid_parameter", null,
                "A query parameter is not valid percent-encoded UTF-8"));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<byte[]> unexpected(Exception e, HttpServletRequest request) {
        log.error("Unexpected error", e);
        return respond(request, ApiError.INTERNAL);
    }

    /** The error in the shape the request's path calls for ({@link ErrorBodies.Shape#forPath}). */
    static ResponseEntity<byte[]> respond(HttpServletRequest request, ApiError error) {
        return respond(ErrorBodies.Shape.forPath(request.getRequestURI()), error);
    }

    static ResponseEntity<byte[]> respond(ErrorBodies.Shape shape, ApiError error) {
        return ResponseEntity.status(error.status())
                .header("Content-Type", "application/json")
                .body(ErrorBodies.bytes(error, shape));
    }
}
