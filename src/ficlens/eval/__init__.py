"""Measuring ficlens against annotated corpora (``ficlens eval ...``)."""
