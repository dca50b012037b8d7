"""Sub-commands of the ``sdaasp`` CLI, one module per domain (each has ``register``)."""
