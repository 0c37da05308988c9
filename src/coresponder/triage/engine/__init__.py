"""Triage without Django: the taxonomy, the call-type classifier and the response policy."""
