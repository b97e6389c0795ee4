"""Programme insight: the dashboard, the commissioner report."""
