#!/usr/bin/env bash
# Train, export and evaluate the multi-class demo CT model (models/demo-ct-core-penumbra/). See README.md.
exec bash "$(dirname "$0")/python.sh" train_multiclass.py "$@"
