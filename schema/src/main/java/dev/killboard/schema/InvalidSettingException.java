package dev.killboard.schema;

import java.util.Objects;

/** A configuration setting is missing or wrong; the message names the setting and says what to change. */
public final class InvalidSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String setting;

    /** Creates the exception for {@code setting} with a message that must not contain a secret. */
    public InvalidSettingException(String setting, String message) {
        super(Objects.requireNonNull(setting, "setting") + ": " + message);
        this.setting = setting;
    }

    /** The offending setting, e.g. {@code KILLBOARD_DB_URL}. */
    public String setting() {
        return setting;
    }
}
