"""The console: the whole bot against simulated rooms, interactive or from a script."""
