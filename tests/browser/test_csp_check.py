"""The browser fixtures fail a test on any Content-Security-Policy violation in the console (conftest.py)."""

from .conftest import _note_csp_violation


def test_csp_violations_in_the_console_are_caught_and_other_messages_are_not():
    violations: list[str] = []
    for text in (
        "Applying inline style violates the following Content Security Policy directive 'style-src 'self''.",
        "Refused to execute inline script because it violates the following Content Security Policy directive",
        "Refused to load the image 'https://elders.example/x.png'",
        "Download the React DevTools for a better development experience",
    ):
        _note_csp_violation(text, violations)
    assert len(violations) == 3
