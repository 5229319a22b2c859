#!/usr/bin/env bash
# Train, export and evaluate the demo DWI lesion ensemble (models/demo-dwi-lesion/). See README.md.
exec bash "$(dirname "$0")/python.sh" train.py "$@"
