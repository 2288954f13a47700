"""The command line: a thin shell that parses, calls services and prints."""
