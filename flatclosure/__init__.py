"""flatclosure: code and value aesthetic flat closure under the Medicare physician fee schedule."""
