az monitor metrics alert create -n a -g rg --scopes %WS% ^
  --condition "avg GpuUtilisation < 10" --severity 3
