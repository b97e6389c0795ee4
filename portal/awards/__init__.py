"""Awards: money promised to an idea from its pot. Panels make them; residents accept them; payments read them."""
