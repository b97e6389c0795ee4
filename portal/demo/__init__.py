"""Demo and benchmark data: never loaded in production."""
