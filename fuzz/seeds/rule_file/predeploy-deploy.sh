#!/usr/bin/env bash
# Creates the workspace alerts.
set -euo pipefail
WS=$(az ml workspace show -n aml-prod --query id -o tsv)

az monitor metrics alert create --name cpu-hot --resource-group ml --scopes "$WS" \
  --severity 2 --evaluation-frequency 5m --window-size 15m \
  --condition "avg Microsoft.MachineLearningServices/workspaces.CpuUtilization > 150 where DeviceId includes 0 and NodeId excludes node-1" \
  --condition "total 'Failed Runs' > 0 where RunType includes Pipeline"

az monitor metrics alert create -n gpu-dynamic -g ml --scopes "$WS" --severity 3 \
  --evaluation-frequency 5m --window-size 5m \
  --condition 'avg GpuUtilization >< dynamic medium 5 of 4'
