"""Domain rules without I/O: the host rotation, reading dates, calendar files."""
