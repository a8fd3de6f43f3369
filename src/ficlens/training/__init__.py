"""Training ficlens's models from annotated data (``ficlens train ...``)."""
