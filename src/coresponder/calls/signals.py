"""What the calls domain tells the rest of the product.

Other domains (triage first) listen rather than being called from here, so that calls do not
depend on them.
"""

from django.dispatch import Signal

# Sent after calls are written and committed: by a file import once its batch closes (also a
# dry run does not send it), and by the live feed after each accepted batch.
# Keyword arguments: agency (Agency), batch (ImportBatch).
calls_written = Signal()
