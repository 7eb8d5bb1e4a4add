package dev.cairn.privacy;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/** The privacy feature's refusals: each a 400 in the OpenAI error shape naming the field at fault. */
public class PrivacyException extends CairnException {

    PrivacyException(ApiError error) {
        super(error);
    }

    static PrivacyException invalid(String code, String param, String message) {
        return new PrivacyException(ApiError.invalidRequest(code, param, message));
    }

    static PrivacyException invalidValue(String param, String message) {
        return invalid("invalid_value", param, message);
    }
}
