"""Turning stored answers into stored results: the Django side of the engine.

One job per module:

- ``norms``: what a score is computed against (norm set, reliabilities, plan);
- ``answers``: answers and page times read as matrices, presentation orders;
- ``records``: a batch of engine results as the JSON text of the stored rows;
- ``insert``: those rows written with COPY;
- ``store``: scoring groups of invitations and storing their results in one
  transaction (the scoring task's path);
- ``rescore``: rescoring a whole version in batches, written on a second
  thread with bounded memory;
- ``memory``: the allocator settings and the peak-memory figure of a bulk run.
"""
