"""`python -m scraper` runs the command-line interface."""

from scraper.cli import cli

cli()
