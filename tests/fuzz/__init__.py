"""A grammar-based fuzzer for every chat command (issue 16).

`grammar` knows each command's argument shapes, `world` the rooms, people and names the
commands may name, `checks` what must hold in the database after any input, and `runner`
drives the whole bot through the console adapter. `python -m tests.fuzz --help` runs it by
hand; tests/test_fuzz_commands.py runs it in CI.
"""
