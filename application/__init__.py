"""Use cases, ports and the tool catalogue. Imports the domain only."""
