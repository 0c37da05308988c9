"""The de-identified open-data calls dataset: the rule (``engine``, no Django) and the export
(``export``)."""
