package dev.cairn.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.cairn.audit.AuditProperties;
import dev.cairn.audit.KeyFiles;
import dev.cairn.audit.KeyWrappingProperties;
import dev.cairn.gateway.GatewayProperties;
import dev.cairn.platform.DatabaseProperties;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.usage.PricingProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/**
 * The settings of a command that runs without the server, read from the sources the server reads,
 * in its order: the command's options, Java system properties, {@code CAIRN_*} environment
 * variables (relaxed binding, as Spring Boot does it), the {@code --config} YAML file, and the
 * bundled application.yaml. Binding them takes a few milliseconds, where starting Spring Boot for
 * them took seconds; every binding of the command line lives here.
 */
final class OfflineSettings {

    private final Binder binder;

    private OfflineSettings(Binder binder) {
        this.binder = binder;
    }

    /** The settings for these options, with this process's environment. */
    static OfflineSettings load(CommonOptions options) {
        return load(options, System.getenv());
    }

    /** The settings for these options and these environment variables. */
    static OfflineSettings load(CommonOptions options, Map<String, ?> environment) {
        StandardEnvironment spring = new StandardEnvironment();
        MutablePropertySources sources = spring.getPropertySources();
        sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.copyOf(environment)));
        if (options.dataDir != null) {
            sources.addFirst(new MapPropertySource("commandLineArgs", Map.of("cairn.data-dir", options.dataDir.toString())));
        }
        Path config = options.configFile();
        if (config != null) {
            yaml(new FileSystemResource(config)).forEach(sources::addLast);
        }
        yaml(new ClassPathResource("application.yaml")).forEach(sources::addLast);
        return new OfflineSettings(Binder.get(spring));
    }

    // Each feature's settings, with the built-in defaults where no source names one, checked as at
    // the server's start.

    PlatformProperties platform() {
        return binder.bindOrCreate("cairn", PlatformProperties.class);
    }

    DatabaseProperties database() {
        return binder.bindOrCreate("cairn.db", DatabaseProperties.class);
    }

    AuditProperties audit() {
        return binder.bindOrCreate("cairn.audit", AuditProperties.class);
    }

    KeyWrappingProperties keyWrapping() {
        return binder.bindOrCreate("cairn.keys", KeyWrappingProperties.class);
    }

    /** The master and signing key files, opened with the wrapping key the server would use. */
    KeyFiles keyFiles() {
        return new KeyFiles(audit(), platform(), keyWrapping());
    }

    GatewayProperties gateway() {
        return binder.bindOrCreate("cairn", GatewayProperties.class);
    }

    PricingProperties pricing() {
        return binder.bindOrCreate("cairn", PricingProperties.class);
    }

    /** Where Flyway finds the migrations of {@code vendor} ({@code sqlite}, {@code postgresql}), as the server looks. */
    List<String> migrationLocations(String vendor) {
        return binder.bind("spring.flyway.locations", Bindable.listOf(String.class))
                .orElse(List.of("classpath:db/migration"))
                .stream().map(location -> location.replace("{vendor}", vendor)).toList();
    }

    private static List<PropertySource<?>> yaml(Resource resource) {
        try {
            // A later document of a file overrides an earlier one, as in Spring Boot.
            return new YamlPropertySourceLoader().load(resource.getDescription(), resource).reversed();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource.getDescription(), e);
        }
    }
}
