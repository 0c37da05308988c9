"""What the calls domain tells the rest of the product.

Other domains (triage first) listen rather than being called from here, so that calls do not
depend on them.
"""

from django.dispatch import Signal

# Sent after calls are written and committed: by a file import once its batch closes (also a
# dry run does not send it), and by the live feed after each accepted batch.
# Keyword arguments: agency (Agency), batch (ImportBatch).
calls_written = Signal()

# Sent by a file import inside each chunk's transaction, once the chunk's new calls read
# column-wise are written: receivers write what they derive from those calls in the same
# transaction (triage decides them there), so a chunk and what follows from it commit, or are
# lost, together. Keyword arguments: agency (Agency), batch (ImportBatch), calls (a Polars
# DataFrame, one row per new call: ``id`` and the columns of calls_call as written, times
# as UTC datetimes, ``flags`` as JSON text).
calls_chunk_written = Signal()
