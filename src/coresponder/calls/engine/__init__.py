"""Reading CAD exports into canonical call records. Plain Python: no Django imports here."""
