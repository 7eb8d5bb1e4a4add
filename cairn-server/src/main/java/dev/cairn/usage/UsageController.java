package dev.cairn.usage;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.DateTimeException;
import java.util.Locale;

import dev.cairn.access.Principal;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RequestException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/usage?from=&to=&group_by=model|key|day}: totals from the usage ledger. A key sees
 * its own workspace; an admin key sees every workspace, or one with {@code workspace=}. Times are
 * ISO dates, ISO instants or Unix seconds; the range is {@code from <= t < to}, by default the last
 * 30 days.
 */
@RestController
public class UsageController {

    private static final Instant LAST = Instant.parse("9999-12-31T23:59:59Z");

    private final UsageRepository repository;
    private final UsageLedger ledger;

    public UsageController(UsageRepository repository, UsageLedger ledger) {
        this.repository = repository;
        this.ledger = ledger;
    }

    @GetMapping(path = "/v1/usage", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode usage(HttpServletRequest request,
                     @RequestParam(required = false) String from,
                     @RequestParam(required = false) String to,
                     @RequestParam(name = "group_by", defaultValue = "model") String groupBy,
                     @RequestParam(required = false) String workspace) {
        Principal principal = Principal.of(request);
        Instant end = to == null ? Instant.now() : instant("to", to);
        Instant start = from == null ? end.minus(Duration.ofDays(30)) : instant("from", from);
        if (!start.isBefore(end)) {
            throw RequestException.invalid("invalid_value", "from", "'from' must be before 'to'");
        }
        UsageRepository.GroupBy group;
        try {
            group = UsageRepository.GroupBy.valueOf(groupBy.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RequestException.invalid("invalid_value", "group_by", "'group_by' must be model, key or day");
        }
        String scope = principal.admin() ? workspace : principal.workspace();
        ledger.flush();
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "usage");
        json.put("from", start.toString());
        json.put("to", end.toString());
        json.put("group_by", group.name().toLowerCase(Locale.ROOT));
        json.put("workspace", scope);
        ArrayNode data = json.putArray("data");
        for (UsageRepository.Totals totals : repository.totals(start, end, scope, group)) {
            data.addObject()
                    .put(group.name().toLowerCase(Locale.ROOT), totals.group())
                    .put("requests", totals.requests())
                    .put("errors", totals.errors())
                    .put("prompt_tokens", totals.promptTokens())
                    .put("completion_tokens", totals.completionTokens())
                    .put("total_tokens", totals.promptTokens() + totals.completionTokens())
                    .put("cost_usd", totals.costNanoUsd() / 1e9)
                    .put("average_latency_ms", Math.round(totals.averageLatencyMs() * 100) / 100.0);
        }
        return json;
    }

    private static Instant instant(String param, String value) {
        try {
            return parse(value);
        } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
            throw RequestException.invalid("invalid_value", param, "'" + param + "' must be an ISO date (2026-11-21),"
                    + " an ISO instant (2026-11-21T10:00:00Z) or Unix seconds, from 1970 to 9999");
        }
    }

    private static Instant parse(String value) {
        Instant instant;
        if (value.chars().allMatch(Character::isDigit)) {
            instant = Instant.ofEpochSecond(Long.parseLong(value));
        } else if (value.length() == 10) {
            instant = LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
        } else {
            instant = Instant.parse(value);
        }
        if (instant.isBefore(Instant.EPOCH) || instant.isAfter(LAST)) {
            throw new DateTimeException("out of range");
        }
        return instant;
    }
}
