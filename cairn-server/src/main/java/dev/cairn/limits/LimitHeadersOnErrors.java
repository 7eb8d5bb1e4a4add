package dev.cairn.limits;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Puts the {@code x-ratelimit-*} headers on errors of the model-calling routes that happen before
 * the request reaches {@link Limiter#admit} (a body that is not JSON, an unknown model), as OpenAI
 * sends them on every response. Runs first among exception resolvers, only adds headers and
 * returns null, so the usual handler still writes the error.
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
            limiter.describe(request, response);
        } catch (RuntimeException e) {
            // The headers are a courtesy on an error that is already being answered; the error matters more.
        }
        return null;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
