"""The resident journey: an idea becomes an application, saved on every Continue."""
