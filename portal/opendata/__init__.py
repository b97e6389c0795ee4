"""Open data: the programme's awarded grants in the 360Giving Data Standard."""
