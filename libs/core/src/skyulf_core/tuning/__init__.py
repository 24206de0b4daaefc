"""Hyperparameter search of a model node (``run_mode: "tuned"``).

- :mod:`.checks`: what a node's ``tuning_config`` means for its model (search space, metric),
  checked when the node's params are parsed.
- :mod:`.space`: the search space: the model schema's ``x-search-space``, overridden by the
  node's ``search_space``.
- :mod:`.objective`: one trial: the whole learned chain after the split refitted in every fold.
- :mod:`.study`: strategies as Optuna samplers and pruners, trials run on any storage (one
  process or many sharing an RDB storage), and the study's record.
"""
