"""Pure rules of the programme: no Flask, no database session."""
