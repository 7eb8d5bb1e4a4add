package dev.cairn.access;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

import dev.cairn.platform.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The admin key installed at start ({@code cairn.bootstrap-admin-key}), so a fresh server can be
 * administered without a shell on its host; none when empty. And which web origins browsers may
 * call the /v1 API from ({@code cairn.cors.allowed-origins}; none by default).
 */
@ConfigurationProperties("cairn")
public record AccessProperties(String bootstrapAdminKey, @DefaultValue Cors cors) {

    public AccessProperties {
        if (bootstrapAdminKey != null && !bootstrapAdminKey.isBlank() && !ApiKeySecrets.wellFormed(bootstrapAdminKey.trim())) {
            // The value is a secret: the message says what is wrong with it, not what it is.
            throw Settings.invalid("cairn.bootstrap-admin-key",
                    "must be 'ck_' followed by 32 to 128 characters of [A-Za-z0-9_-]");
        }
    }

    /**
     * The origins ({@code https://app.example.com}, {@code http://localhost:5173}) whose pages may call
     * the /v1 API. Each is a scheme and host with an optional port, compared without regard to case;
     * no wildcard, so that opening the API to browsers is a list of sites someone chose.
     */
    public record Cors(@DefaultValue List<String> allowedOrigins) {

        public Cors {
            allowedOrigins = allowedOrigins == null ? List.of()
                    : allowedOrigins.stream().map(Cors::origin).toList();
        }

        /** Whether a request's {@code Origin} header names one of the allowed origins. */
        public boolean allows(String origin) {
            return origin != null && allowedOrigins.contains(origin.toLowerCase(Locale.ROOT));
        }

        private static String origin(String value) {
            String reason = "must hold origins such as 'https://app.example.com' (scheme, host and optional port; no path or wildcard), not '"
                    + value + "'";
            if (value == null || value.isBlank()) {
                throw Settings.invalid("cairn.cors.allowed-origins", reason);
            }
            try {
                URI uri = new URI(value.strip());
                if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                        || uri.getHost() == null || uri.getRawUserInfo() != null
                        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
                        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                    throw Settings.invalid("cairn.cors.allowed-origins", reason);
                }
            } catch (URISyntaxException e) {
                throw Settings.invalid("cairn.cors.allowed-origins", reason);
            }
            return value.strip().toLowerCase(Locale.ROOT);
        }
    }
}
