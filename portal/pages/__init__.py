"""Public pages: home, accessibility statement, privacy notice, cookies, language choice."""
