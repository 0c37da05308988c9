from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "coresponder.triage"
    label = "triage"

    def ready(self) -> None:
        # Every call written (file import or live feed) is triaged and the decision stored.
        from coresponder.calls.signals import calls_chunk_written, calls_written
        from coresponder.triage import receivers

        calls_written.connect(receivers.triage_written_calls, dispatch_uid="triage-calls")
        # A file import's new calls are decided chunk by chunk, in the chunk's transaction.
        calls_chunk_written.connect(receivers.triage_chunk_calls, dispatch_uid="triage-chunks")
