package dev.cairn.limits;

import java.util.Map;

import dev.cairn.access.Principal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Puts the {@code x-ratelimit-*} headers on errors of the model-calling routes, as OpenAI sends
 * them on every response: a refusal's own ({@link LimitException#headers()}), else, for an error
 * that happened before the request reached {@link Limiter#admit} (a body that is not JSON, an
 * unknown model), the levels of its key's buckets. Runs first among exception resolvers, only adds
 * headers and returns null, so the usual handler still writes the error.
 */
@Component
class LimitHeadersOnErrors implements HandlerExceptionResolver, Ordered {

    private final Limiter limiter;

    LimitHeadersOnErrors(Limiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
                                         Exception ex) {
        try {
            if (ex instanceof LimitException refused) {
                write(response, refused.headers());
            } else if (Limiter.ROUTES.contains(request.getRequestURI()) && !response.isCommitted()
                    && !response.containsHeader("x-ratelimit-limit-requests") && !response.containsHeader("x-ratelimit-limit-tokens")
                    && request.getAttribute(Principal.REQUEST_ATTRIBUTE) instanceof Principal principal) {
                write(response, limiter.describe(principal, ClientPeer.of(request)));
            }
        } catch (RuntimeException e) {
            // The headers are a courtesy on an error that is already being answered; the error matters more.
        }
        return null;
    }

    private static void write(HttpServletResponse response, Map<String, String> headers) {
        headers.forEach(response::setHeader);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
