"""Outputs: the files the workbook hands over (the scenario report; later the protocol card and
the coverage letters). The top of the layers beside the widgets and the CLI: outputs import the
presentation layer, figures and engine below them, and nothing below imports an output."""
