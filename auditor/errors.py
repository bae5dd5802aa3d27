"""Errors that end a run with a distinct exit code."""

EXIT_OK = 0
EXIT_FINDINGS = 1  # the audit found accounts that are not compliant
EXIT_BAD_INPUT = 2  # registry, policy or options are wrong: nothing was audited
EXIT_TOOL_FAILED = 3  # the tool itself failed (no browser, cannot write output)
EXIT_DELIVERY_FAILED = 4  # the report is written, but sending it (e-mail) failed
EXIT_INTERRUPTED = 130  # Ctrl-C / SIGTERM: outputs are written with unfinished accounts marked


class AuditorError(Exception):
    exit_code = EXIT_TOOL_FAILED


class InputError(AuditorError):
    """Bad input: the message names the file, line and account."""

    exit_code = EXIT_BAD_INPUT


class ToolError(AuditorError):
    exit_code = EXIT_TOOL_FAILED


class DeliveryError(AuditorError):
    """The outputs are written but could not be delivered (SMTP). Never carries the password."""

    exit_code = EXIT_DELIVERY_FAILED
