"""Cases without Django: assessment instruments as data and their scoring (``assessments``),
and typo-tolerant person matching for search (``people``)."""
