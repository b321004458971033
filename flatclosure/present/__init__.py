"""The presentation layer: formatters and the plain-words tables and texts of each view.

Pure functions over engine results, with no widget imports, used alike by the widgets, the CLI,
the card and the report. Layers: data < catalog < valuation < protocol | pool < scenarios <
present/figures < widgets | cli | outputs.
"""
